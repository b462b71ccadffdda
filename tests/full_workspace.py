"""A second workspace with every optional field filled in (config, parties, signatories).

The example workspace leaves many optional fields empty (no numbers yet, no NIP, no
rank, no postcode); this one fills them all, so that the documents are checked with
everything a Sekretariat would see in a complete file.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CONFIG as BASE
from tests.conftest import make_workspace

CONFIG = (
    BASE.replace(
        'address = "Jl. Polisi Militer No. 3, Kupang"\n',
        """\
address = "Jalan Polisi Militer Nomor 3, Kupang"
letterhead = ["OMBUDSMAN REPUBLIK INDONESIA", "PERWAKILAN PROVINSI NUSA TENGGARA TIMUR"]
postcode = "85228"
phone = "(0380) 8438383"
website = "www.ombudsman.go.id"
email = "ntt@ombudsman.go.id"
logo = "lambang.png"
""",
    )
    + """\
nip = "197001012005011001"

[signatories.ketua]
name = "Mokhammad Najih"
title = "Ketua Ombudsman Republik Indonesia"
heading = ["OMBUDSMAN REPUBLIK INDONESIA"]
nip = "197501012000031001"

[signatories.keasistenan]
name = "Yosua Karbeka"
title = "Kepala Keasistenan Pencegahan Maladministrasi"
nip = "198001012010011001"

[letters]
reply_days = 10
sifat = "Segera"
contact = { name = "Yosua Karbeka", phone = "0812-3456-7890", email = "yosua@example.org" }
closing = "Demikian kami sampaikan. Atas perhatian Saudara, kami ucapkan terima kasih."

[reports]
prepared_by = "keasistenan"

[certificates]
event = "Penilaian Kepatuhan Standar Pelayanan Publik"
verify_url = "https://example.go.id/cek?n={number}&c={checksum}"
signatory = "ketua"

[numbering]
letter = "B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}"
certificate = "{seq:04d}/PHG/{unit_code}/{assessment_year}/{month_roman}/{year}"
agreement = "{seq:02d}/KB/{unit_code}/{month_roman}/{year}"
"""
)

MOU = """\
id: mou-ntt
kind: mou
title: Kesepakatan Bersama tentang Peningkatan Kualitas Penyelenggaraan Pelayanan Publik
place: Kupang
signed_on: 2021-12-20
duration_months: 60
numbers: {first: 30/ORI-MOU/XII/2021, second: HK.415/12/2021}
parties:
  - role: first
    org: Ombudsman Republik Indonesia
    kind: ombudsman
    address: Jalan H.R. Rasuna Said Kaveling C-19, Kuningan, Jakarta Selatan
    signatory: {name: Mokhammad Najih, title: Ketua Ombudsman Republik Indonesia}
  - role: second
    org: Pemerintah Provinsi Nusa Tenggara Timur
    kind: pemda
    address: Jalan El Tari Nomor 52, Kupang
    signatory: {name: Viktor Bungtilu Laiskodat, title: Gubernur Nusa Tenggara Timur}
legal_basis:
  - Undang-Undang Nomor 37 Tahun 2008 tentang Ombudsman Republik Indonesia
scope:
  - koordinasi dan pengawasan penyelenggaraan pelayanan publik
  - pertukaran data dan informasi
"""

RENJA = """\
id: renja-ntt
kind: renja
title: Rencana Kerja Tentang Perbaikan Pelayanan Publik Tahun 2022
parent: mou-ntt
place: Kupang
signed_on: 2022-02-08
ends_on: 2022-12-31
numbers: {first: 05/KB/PW24/II/2022, second: BO.130/25/2022}
parties:
  - role: first
    org: Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur
    kind: ombudsman
    address: Jalan Polisi Militer Nomor 3, Kupang
    signatory:
      name: Darius Beda Daton
      title: Kepala Perwakilan Ombudsman Republik Indonesia Provinsi Nusa Tenggara Timur
      nip: "197001012005011001"
    contact: {name: Yosua Karbeka, phone: 0812-3456-7890, email: yosua@example.org}
  - role: second
    org: Pemerintah Provinsi Nusa Tenggara Timur
    kind: pemda
    unit: Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur
    mandate: Surat Kuasa Gubernur Nusa Tenggara Timur Nomor BO.130/12/2022 tanggal 1 Februari 2022
    address: Jalan El Tari Nomor 52, Kupang
    signatory:
      name: Flouri Rita Wuisan
      title: Kepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur
      rank: Pembina Utama Muda (IV/c)
      nip: "196806121994032008"
    superior: Sekretaris Daerah Provinsi Nusa Tenggara Timur
    contact: {name: Maria Goreti, phone: 0813-0000-1111, email: biro@example.org}
legal_basis:
  - Undang-Undang Nomor 37 Tahun 2008 tentang Ombudsman Republik Indonesia
  - Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah
purpose: Rencana Kerja ini dimaksudkan sebagai pedoman pelaksanaan kerja sama.
scope:
  - fasilitasi penyusunan standar pelayanan
  - pengelolaan pengaduan
work_items:
  - id: W1
    title: Rapat koordinasi
    responsible: both
    deliverables:
      - {id: W1-D1, title: Rapat koordinasi triwulan I, due: 2022-03-31, evidence: notulen rapat}
  - id: W2
    title: Penetapan pejabat penghubung
    responsible: second
    deliverables:
      - {id: W2-D1, title: Keputusan penetapan pejabat penghubung, due: 2022-04-30, evidence: surat keputusan}
      - {id: W2-D2, title: Laporan pejabat penghubung semester I, due: 2022-07-31}
  - id: W3
    title: Pendampingan penyusunan standar pelayanan
    responsible: first
    deliverables:
      - {id: W3-D1, title: Bimbingan teknis, due: 2022-05-31}
"""

RESULTS = """\
instansi,unit,nilai
Dinas Kesehatan Kota Kupang,Pemerintah Kota Kupang,83.12
Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Kupang,Pemerintah Kota Kupang,91.40
Dinas Perhubungan Kota Kupang,Pemerintah Kota Kupang,66.30
"""

LOGO_SIZE = (300, 150)  # a wide logo: fitted into the kop's box with its proportions


def logo_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", LOGO_SIZE, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def make_full_workspace(root: Path) -> Path:
    return make_workspace(
        root,
        {
            "agreements/mou-ntt.yaml": MOU,
            "agreements/renja-ntt.yaml": RENJA,
            "results/kepatuhan-2022.csv": RESULTS,
            "templates/lambang.png": logo_png(),
        },
        config=CONFIG,
    )
