"""The documents as a Sekretariat checks them before signature (DOMAIN.md), point by point.

The example workspace's own documents are checked in test_render.py (drafts),
test_letters.py, test_monitor_cli.py and test_certificates.py; here the same points on a
second workspace with every optional field filled in (tests/full_workspace.py), and the
rules that hold for every .docx template (page numbers). The LibreOffice page test is in
test_pagination.py.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from tests.full_workspace import LOGO_SIZE, make_full_workspace
from tests.test_render import paragraphs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(path: Path) -> list[str]:
    return [flat(page.extract_text() or "") for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    return make_full_workspace(tmp_path_factory.mktemp("full") / "ws")


@pytest.fixture(scope="module")
def built(full) -> Path:
    from typer.testing import CliRunner

    from docgen.cli import app

    run = CliRunner().invoke(app, ["-w", str(full), "build"], catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    return full / "outputs" / "agreements"


# --- every .docx template: page numbers --------------------------------------------------


def _header_texts(path: Path) -> tuple[str, str, bool]:
    """(first-page header text, other pages' header text with its PAGE field, titlePg)."""
    with zipfile.ZipFile(path) as zf:
        body = etree.fromstring(zf.read("word/document.xml"))
        rels = etree.fromstring(zf.read("word/_rels/document.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        sect = body.find(f"{W}body/{W}sectPr")
        refs = {
            h.get(f"{W}type"): target[
                h.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            ]
            for h in sect.findall(f"{W}headerReference")
        }

        def text(name: str) -> str:
            root = etree.fromstring(zf.read(f"word/{name}"))
            parts = []
            for el in root.iter():
                if el.tag == f"{W}t":
                    parts.append(el.text or "")
                elif el.tag == f"{W}fldSimple":
                    parts.append(f"{{{el.get(f'{W}instr').strip()}}}")
                    for t in el.iter(f"{W}t"):
                        t.text = ""  # the field's cached result is not text of its own
            return "".join(parts)

        return text(refs["first"]), text(refs["default"]), sect.find(f"{W}titlePg") is not None


@pytest.mark.parametrize("name", ["mou", "renja", "surat-tindak-lanjut"])
def test_page_numbers_from_page_two_top_centre(name):
    """DOMAIN.md: none on the first page; from page 2 "- 2 -" top centre; no footer number."""
    from docgen.render.templates import defaults_dir

    path = defaults_dir() / f"{name}.docx"
    first, other, title_page = _header_texts(path)
    assert title_page and first == "" and other == "- {PAGE} -"
    document = docx.Document(str(path))
    section = document.sections[0]
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert all(not p.text for p in section.footer.paragraphs)
    with zipfile.ZipFile(path) as zf:
        assert not any("PAGE" in zf.read(n).decode() for n in zf.namelist() if "footer" in n)


# --- agreements with every optional field -------------------------------------------------


def test_renja_parties_mandate_rank_and_nip(built):
    text = paragraphs(built / "renja-ntt.docx")
    joined = "\n".join(text)
    assert text[:5] == [
        "RENCANA KERJA",
        "ANTARA",
        # broken between the names, never inside one
        "OMBUDSMAN REPUBLIK INDONESIA\nPERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
        "DAN",
        "PEMERINTAH PROVINSI NUSA TENGGARA TIMUR",
    ]
    assert "NOMOR: 05/KB/PW24/II/2022" in text and "NOMOR: BO.130/25/2022" in text
    # "Rencana Kerja Tentang ...": the subject never repeats "tentang"
    assert "PERBAIKAN PELAYANAN PUBLIK TAHUN 2022" in text and "tentang Tentang" not in joined
    assert (
        "Kepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur, berkedudukan di "
        "Jalan El Tari Nomor 52, Kupang, dalam hal ini bertindak untuk dan atas nama Pemerintah "
        "Provinsi Nusa Tenggara Timur berdasarkan Surat Kuasa Gubernur Nusa Tenggara Timur Nomor "
        "BO.130/12/2022 tanggal 1 Februari 2022, selanjutnya disebut PIHAK KEDUA."
    ) in text
    # the MoU cited by its own parties and both its numbers
    assert (
        "bahwa Ombudsman Republik Indonesia dan Pemerintah Provinsi Nusa Tenggara Timur telah "
        "menandatangani Kesepakatan Bersama Nomor 30/ORI-MOU/XII/2021 dan Nomor HK.415/12/2021 "
        "tanggal 20 Desember 2021 tentang Peningkatan Kualitas Penyelenggaraan Pelayanan "
        "Publik, yang perlu ditindaklanjuti dengan Rencana Kerja"
    ) in joined
    table = docx.Document(str(built / "renja-ntt.docx")).tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["PIHAK PERTAMA,", "PIHAK KEDUA,"]
    assert rows[3] == ["DARIUS BEDA DATON", "FLOURI RITA WUISAN"]
    # the rank, then the NIP, right under the name: no empty line between a name and its NIP
    assert rows[4] == ["NIP 197001012005011001", "Pembina Utama Muda (IV/c)"]
    assert rows[5] == ["", "NIP 196806121994032008"]
    assert "NIP." not in joined  # one NIP form in every document


def test_draft_party_without_address_shows_a_dotted_blank(full, cli):
    source = (full / "agreements" / "renja-ntt.yaml").read_text(encoding="utf-8")
    draft = (
        source.replace("id: renja-ntt", "id: renja-draf")
        .replace("signed_on: 2022-02-08\n", "")
        .replace("    address: Jalan El Tari Nomor 52, Kupang\n", "")
    )
    path = full / "agreements" / "renja-draf.yaml"
    path.write_text(draft, encoding="utf-8")
    signed = full / "agreements" / "renja-tanpa-alamat.yaml"
    signed.write_text(
        source.replace("id: renja-ntt", "id: renja-tanpa-alamat").replace(
            "    address: Jalan El Tari Nomor 52, Kupang\n", ""
        ),
        encoding="utf-8",
    )
    try:
        check = cli(full, "check", "--as-of", "2022-07-01")
        assert check.exit_code == 0
        # a signed agreement without an address: a warning naming the field; a draft: none
        assert (
            "warning: agreements/renja-tanpa-alamat.yaml: parties #2, address: PIHAK KEDUA "
            "(Pemerintah Provinsi Nusa Tenggara Timur) has no address"
        ) in check.stderr
        assert "renja-draf.yaml: parties" not in check.stderr
        assert cli(full, "build", "renja-draf").exit_code == 0
        text = "\n".join(paragraphs(full / "outputs" / "agreements" / "renja-draf.docx"))
        assert (
            "Kepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur, berkedudukan "
            "di ............., dalam hal ini bertindak"
        ) in text
    finally:
        path.unlink()
        signed.unlink()


def test_an_mou_under_legal_basis_is_a_warning(full, cli):
    path = full / "agreements" / "renja-ntt.yaml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace(
            "  - Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah\n",
            "  - Kesepakatan Bersama antara Ombudsman RI dan Pemerintah Provinsi NTT\n",
        ),
        encoding="utf-8",
    )
    try:
        run = cli(full, "check", "--as-of", "2022-07-01")
        assert run.exit_code == 0
        assert (
            "warning: agreements/renja-ntt.yaml: legal_basis #2: an agreement is not a peraturan "
            "perundang-undangan"
        ) in run.stderr
    finally:
        path.write_text(source, encoding="utf-8")


# --- letters ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def letters(full) -> list[dict]:
    from typer.testing import CliRunner

    from docgen.cli import app

    runner = CliRunner()
    rows = []
    for as_of, extra in (
        ("2022-05-10", ["--signatory", "keasistenan"]),
        ("2022-06-01", []),
        ("2022-08-15", []),
    ):
        run = runner.invoke(
            app,
            ["-w", str(full), "letter", "followup", "--all", "--as-of", as_of, "--json", *extra],
            catch_exceptions=False,
        )
        assert run.exit_code == 0, run.stderr
        (row,) = __import__("json").loads(run.stdout)
        rows.append(row)
    return rows


def test_letter_kop_from_office(full, letters):
    text = paragraphs(full / letters[0]["file"])
    start = text.index("OMBUDSMAN REPUBLIK INDONESIA")
    # each letterhead line whole on its own, then the address with postcode, then the contacts
    assert text[start : start + 4] == [
        "OMBUDSMAN REPUBLIK INDONESIA",
        "PERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
        "Jalan Polisi Militer Nomor 3, Kupang 85228",
        "Telepon (0380) 8438383; Laman www.ombudsman.go.id; Surel ntt@ombudsman.go.id",
    ]


def test_letter_logo_is_the_configured_image_fitted(full, letters):
    from PIL import Image

    path = full / letters[0]["file"]
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("word/document.xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
        drawing = re.search(r'<wp:inline.*?name="docgen-logo".*?</wp:inline>', xml, re.S)
        assert drawing, "the kop holds the logo"
        cx, cy = map(int, re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"', xml).groups())
        rid = re.search(r'r:embed="([^"]+)"', drawing.group(0)).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels).group(1)
        image = Image.open(io.BytesIO(zf.read(f"word/{target}")))
    assert image.size == LOGO_SIZE  # the office's image, not the placeholder
    assert abs(cx / cy - LOGO_SIZE[0] / LOGO_SIZE[1]) < 0.01  # its proportions kept
    assert cx <= 2.2 * 360000 + 1  # within the kop's 2.2 cm box


def test_first_letter_to_the_unit_signed_by_another_signatory(full, letters):
    first = letters[0]
    assert (first["org"], first["unit"]) == (
        "Pemerintah Provinsi Nusa Tenggara Timur",
        "Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur",
    )
    text = paragraphs(full / first["file"])
    joined = "\n".join(text)
    assert "Kupang, 10 Mei 2022" in text
    assert ["Sifat", ":", "Segera"] == text[text.index("Sifat") : text.index("Sifat") + 3]
    hal = text[text.index("Hal") + 2]
    assert hal == "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022"
    document = docx.Document(str(full / first["file"]))
    hal_cell = next(c for t in document.tables for r in t.rows for c in r.cells if c.text == hal)
    assert not any(run.bold for p in hal_cell.paragraphs for run in p.runs)  # Hal is plain
    i = text.index("Yth.\tKepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur")
    assert text[i + 1 : i + 3] == ["Jalan El Tari Nomor 52", "Kupang"]  # street, city; not the org
    assert (
        "Sehubungan dengan pelaksanaan Rencana Kerja Nomor 05/KB/PW24/II/2022 dan Nomor "
        "BO.130/25/2022 tanggal 8 Februari 2022 tentang Perbaikan Pelayanan Publik Tahun 2022, "
        "bersama ini kami sampaikan bahwa berdasarkan hasil pemantauan kami sampai dengan tanggal "
        "10 Mei 2022 terdapat 2 (dua) keluaran yang telah melewati batas waktunya dan belum kami "
        "terima bukti pelaksanaannya, yaitu 1 (satu) keluaran yang menjadi tanggung jawab Pemerintah "
        "Provinsi Nusa Tenggara Timur dan 1 (satu) keluaran yang "
        "menjadi tanggung jawab bersama, sebagai berikut:"
    ) in joined
    # what is said of the items holds of all of them, not of the joint ones only
    assert "tanggung jawab bersama yang telah melewati" not in joined
    assert "Rapat koordinasi" in text and "(tanggung jawab bersama)" not in joined
    assert "Penetapan pejabat penghubung" in text  # its own item: not marked joint
    assert (
        "tanggung jawab bersama; belum ada bukti pelaksanaan (melewati batas waktu 40 (empat puluh) hari)"
    ) in text
    assert "Bimbingan teknis" not in joined  # the office's own item is not the addressee's
    assert "paling lambat tanggal 20 Mei 2022" in joined  # reply_days = 10
    assert (
        "Untuk koordinasi lebih lanjut, Saudara dapat menghubungi Yosua Karbeka (telepon "
        "0812-3456-7890, surel yosua@example.org)."
    ) in text
    closing = "Demikian kami sampaikan. Atas perhatian Saudara, kami ucapkan terima kasih."
    signature = text[text.index(closing) :]
    assert signature[1:6] == ["Kepala Keasistenan Pencegahan Maladministrasi,", "", "", "", "YOSUA KARBEKA"]
    assert signature[6] == "NIP 198001012010011001"
    assert "Tembusan" not in joined and "Darius" not in joined


def test_third_letter_cites_every_earlier_letter_and_copies_the_superior(full, letters):
    first, second, third = letters
    assert (second["ordinal"], third["ordinal"]) == (2, 3)
    text = paragraphs(full / third["file"])
    joined = "\n".join(text)
    assert "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022 (Surat Ketiga)" in text
    assert (
        f"Menindaklanjuti surat kami Nomor {first['number']} tanggal 10 Mei 2022 hal Tindak "
        f"Lanjut Pelaksanaan Rencana Kerja Tahun 2022 dan Nomor {second['number']} tanggal 1 "
        "Juni 2022 hal Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022 (Surat Kedua), dengan "
        "ini kami sampaikan bahwa sampai dengan tanggal 15 Agustus 2022 bukti pelaksanaan 3 "
        "(tiga) keluaran"
    ) in joined
    assert "Mengingat surat ini merupakan surat ketiga kami" in joined
    body = [p.text for p in docx.Document(str(full / third["file"])).paragraphs]
    assert body[-2:] == ["Tembusan:", "Sekretaris Daerah Provinsi Nusa Tenggara Timur"]
    assert "NIP 197001012005011001" in text  # the office head signs by default


def test_second_letter_without_superior_is_refused(workspace, cli):
    from tests.test_check import MOU, RENJA

    ws = workspace({"agreements/mou-a.yaml": MOU, "agreements/renja-a.yaml": RENJA})
    assert cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-04-15").exit_code == 0
    before = (ws / "tracker.json").read_bytes()
    run = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-07-20")
    assert run.exit_code == 1
    assert run.stderr.strip() == (
        "agreements/renja-a.yaml: parties.1.superior: a second letter to Biro Organisasi Setda "
        "Provinsi NTT is copied to the superior of its signatory; fill in superior (e.g. "
        '"Sekretaris Daerah ...") or pass --without-superior'
    )
    assert (ws / "tracker.json").read_bytes() == before  # no number taken
    forced = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-07-20", "--without-superior", "--json")
    assert forced.exit_code == 0 and forced.json()[0]["ordinal"] == 2
    assert "Tembusan" not in "\n".join(paragraphs(ws / forced.json()[0]["file"]))


@pytest.mark.parametrize(
    "command",
    [
        ["letter", "followup", "--all", "--as-of", "2022-07-01"],
        ["certificate", "issue", "results/kepatuhan-2022.csv", "--year", "2022"],
    ],
)
def test_unknown_signatory_is_one_line(full, cli, command):
    before = (full / "tracker.json").read_bytes() if (full / "tracker.json").exists() else None
    run = cli(full, *command, "--signatory", "sekjen")
    assert run.exit_code == 1
    assert run.stderr.strip() == (
        "--signatory: no [signatories.sekjen] in docgen.toml (known: keasistenan, ketua)"
    )
    after = (full / "tracker.json").read_bytes() if (full / "tracker.json").exists() else None
    assert before == after


def test_config_names_unknown_signatories(workspace, cli):
    from tests.conftest import CONFIG

    ws = workspace(config=CONFIG + '\n[reports]\nprepared_by = "kasubag"\n')
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert (
        "docgen.toml: reports.prepared_by: no [signatories.kasubag] in docgen.toml (known: none yet)"
    ) in run.stderr


# --- certificates ----------------------------------------------------------------------------


def test_certificate_signatory_heading_unit_and_numbers(full, cli):
    run = cli(
        full,
        "certificate",
        "issue",
        "results/kepatuhan-2022.csv",
        "--year",
        "2022",
        "--signed-on",
        "2023-02-16",
        "--json",
    )
    assert run.exit_code == 0, run.stderr
    issued = run.json()["issued"]
    # {assessment_year} and the year and month of signing
    assert [e["number"] for e in issued] == ["0001/PHG/PW24/2022/II/2023", "0002/PHG/PW24/2022/II/2023"]
    text = pdf_pages(full / issued[1]["file"])[0]
    assert text.startswith(
        "OMBUDSMAN REPUBLIK INDONESIA PIAGAM PENGHARGAAN Nomor: 0002/PHG/PW24/2022/II/2023 diberikan kepada"
    )
    assert (
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU KOTA KUPANG PEMERINTAH KOTA "
        "KUPANG atas capaian Opini Kualitas Tertinggi (Kategori A, Zona Hijau) dalam Penilaian "
        "Kepatuhan Standar Pelayanan Publik Tahun 2022 dengan nilai 91,40"
    ) in text
    assert (
        "Kupang, 16 Februari 2023 Ketua Ombudsman Republik Indonesia, MOKHAMMAD NAJIH NIP 197501012000031001"
    ) in text
    # --signatory overrides [certificates] signatory; without a heading: the office's letterhead
    again = cli(
        full,
        "certificate",
        "issue",
        "results/kepatuhan-2022.csv",
        "--year",
        "2022",
        "--signed-on",
        "2023-02-16",
        "--event",
        "Penghargaan Perwakilan",
        "--signatory",
        "keasistenan",
        "--json",
    ).json()["issued"]
    assert again[0]["number"] == "0003/PHG/PW24/2022/II/2023"
    text = pdf_pages(full / again[0]["file"])[0]
    assert text.startswith(
        "OMBUDSMAN REPUBLIK INDONESIA PERWAKILAN PROVINSI NUSA TENGGARA TIMUR PIAGAM PENGHARGAAN"
    )
    assert "Kepala Keasistenan Pencegahan Maladministrasi, YOSUA KARBEKA" in text
    # issued certificates keep their numbers: the same key again is the same certificate
    same = cli(
        full,
        "certificate",
        "issue",
        "results/kepatuhan-2022.csv",
        "--year",
        "2022",
        "--signed-on",
        "2024-03-01",
        "--json",
    ).json()["issued"]
    assert [(e["number"], e["new"]) for e in same] == [(e["number"], False) for e in issued]


# --- the monitoring report -------------------------------------------------------------------


def test_report_signed_by_the_preparer_for_the_head(full, cli, tmp_path):
    target = tmp_path / "laporan.pdf"
    xlsx = tmp_path / "rekap.xlsx"
    run = cli(full, "monitor", "--as-of", "2022-08-15", "--pdf", str(target), "--xlsx", str(xlsx))
    assert run.exit_code == 0, run.stderr
    pages = pdf_pages(target)
    text = " ".join(pages)
    assert text.startswith(
        "OMBUDSMAN REPUBLIK INDONESIA PERWAKILAN PROVINSI NUSA TENGGARA TIMUR "
        "Jalan Polisi Militer Nomor 3, Kupang 85228 Telepon (0380) 8438383"
    )
    assert (
        "Rencana Kerja Nomor 05/KB/PW24/II/2022 dan Nomor BO.130/25/2022 tanggal 8 Februari 2022 "
        "tentang Perbaikan Pelayanan Publik Tahun 2022."
    ) in text
    assert (
        "Kesepakatan Bersama Nomor 30/ORI-MOU/XII/2021 dan Nomor HK.415/12/2021 tanggal 20 "
        "Desember 2021 tentang Peningkatan Kualitas Penyelenggaraan Pelayanan Publik;"
    ) in text
    assert (
        "Kerja sama yang dipantau sebanyak 2 (dua) dan seluruhnya masih berlaku. Dari 4 (empat) "
        "keluaran belum ada yang dilaporkan selesai (0,0%); 4 (empat) keluaran telah melewati batas "
        "waktu."
    ) in text
    assert (
        "Demikian laporan ini kami sampaikan kepada Kepala Perwakilan Ombudsman Republik "
        "Indonesia Provinsi Nusa Tenggara Timur"
    ) in text
    # prepared by another for the head: addressed to him
    assert (
        "Laporan ini disusun untuk menyampaikan kepada Kepala Perwakilan Ombudsman Republik "
        "Indonesia Provinsi Nusa Tenggara Timur keadaan pelaksanaan kerja sama"
    ) in text
    # each overdue item by who owes it: the partner's asked for, the joint ones coordinated,
    # the office's own (W3-D1, responsible: first) carried out
    assert (
        "Terhadap 4 (empat) keluaran yang telah melewati batas waktu, bukti pelaksanaan 2 "
        "(dua) keluaran yang menjadi tanggung jawab mitra kerja sama perlu diminta, 1 (satu) "
        "keluaran yang menjadi tanggung jawab bersama perlu dikoordinasikan pelaksanaannya "
        "dengan mitra kerja sama, dan 1 (satu) keluaran yang menjadi tanggung jawab Ombudsman "
        "Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur perlu segera "
        "diselesaikan."
    ) in text
    last = next(p for p in pages if "YOSUA KARBEKA" in p)
    assert "IV. PENUTUP" in last and "Demikian laporan ini" in last
    assert last.endswith(
        "Kupang, 15 Agustus 2022 Kepala Keasistenan Pencegahan Maladministrasi, "
        "YOSUA KARBEKA NIP 198001012010011001"
    )
    for word in ("renja-ntt", "mou-ntt", "W1-D1", "jatuh tempo", "terlambat"):
        assert word not in text, word
    # the logo is drawn in the kop
    resources = PdfReader(target).pages[0]["/Resources"]
    assert "/XObject" in resources and resources["/XObject"]
    # the workbook is a data export: ids beside the titles
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    rows = list(book["Kerja Sama"].iter_rows(values_only=True))
    renja = next(r for r in rows if r[0] == "renja-ntt")
    assert renja[3] == "05/KB/PW24/II/2022 dan BO.130/25/2022"
