"""Rendering agreement drafts: the text of the documents, escaping, the sandbox, the fast path."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate

from docgen.agreements import load_catalog
from docgen.app.build import draft_context
from docgen.documents.agreement import build_context, enumerate_items, letter_label
from docgen.documents.samples import agreement_samples
from docgen.errors import TemplateError
from docgen.render.docx import PreparedTemplate, RenderJob, render_many, write_docx
from docgen.render.environment import jinja_env
from docgen.render.templates import defaults_dir, template_path
from docgen.workspace import Workspace
from tests.conftest import REPO

DELIVERABLES = {  # the example Renja: deliverable -> due date as printed
    "Rapat koordinasi triwulan I": "31 Maret 2022",
    "Rapat koordinasi triwulan II": "30 Juni 2022",
    "Rapat koordinasi triwulan III": "30 September 2022",
    "Bimbingan teknis penyusunan Standar Pelayanan bagi OPD provinsi": "30 April 2022",
    "Penetapan Standar Pelayanan seluruh OPD provinsi": "31 Agustus 2022",
    "Evaluasi dokumentasi Standar Pelayanan": "31 Oktober 2022",
    "Penunjukan administrator SP4N-LAPOR! pada setiap OPD": "31 Mei 2022",
    "Penetapan pejabat penghubung": "31 Maret 2022",
    "Laporan tindak lanjut pengaduan semester I": "31 Juli 2022",
    "Penugasan Inspektorat Daerah untuk memfasilitasi pemeriksaan laporan": "30 Juni 2022",
    "Desk pengaduan pada Biro Organisasi beroperasi": "31 Mei 2022",
    "Desk pengaduan pada seluruh OPD pelayanan": "30 November 2022",
    "Laporan pemantauan dan evaluasi SPBE": "15 Desember 2022",
}


def paragraphs(path_or_bytes) -> list[str]:
    """Every paragraph of a .docx, body and table cells, in document order."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    document = docx.Document(source)
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(p.text for p in cell.paragraphs)
    return out


def rows(path_or_bytes, table_index: int) -> list[list[str]]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    table = docx.Document(source).tables[table_index]
    return [[cell.text for cell in row.cells] for row in table.rows]


def render_example(agreement_id: str) -> bytes:
    ws = Workspace(REPO)
    catalog = load_catalog(ws)
    agreement = catalog.get(agreement_id)
    context = draft_context(ws, catalog, agreement_id)  # as `docgen build` makes it
    return PreparedTemplate.load(template_path(ws.templates_dir, agreement.template_name)).render(context)


@pytest.fixture(scope="module")
def renja() -> bytes:
    return render_example("ntt-renja-2022")


@pytest.fixture(scope="module")
def mou() -> bytes:
    return render_example("ntt-mou-2021")


def test_renja_opening_is_domain_exact(renja):
    text = paragraphs(renja)
    assert (
        "Pada hari ini, Selasa, tanggal delapan, bulan Februari, tahun dua ribu dua puluh dua "
        "(08-02-2022), bertempat di Kupang, kami yang bertanda tangan di bawah ini:"
    ) in text


def test_renja_title_block(renja):
    text = paragraphs(renja)
    start = text.index("RENCANA KERJA")
    assert text[start : start + 5] == [
        "RENCANA KERJA",
        "ANTARA",
        "OMBUDSMAN REPUBLIK INDONESIA\nPERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
        "DAN",
        "PEMERINTAH PROVINSI NUSA TENGGARA TIMUR",
    ]  # the legal party, never the Biro; broken between names, never inside one
    assert "NOMOR: 01/RK/PW24/II/2022" in text and "NOMOR: 119/BO/II/2022" in text
    assert "TENTANG" in text
    assert (
        "PERBAIKAN PELAYANAN PUBLIK DI LINGKUNGAN PEMERINTAH PROVINSI NUSA TENGGARA TIMUR TAHUN 2022"
    ) in text


def test_renja_parties_and_signatories(renja):
    komparisi = rows(renja, 0)
    assert komparisi[0][:3] == ["1.", "DARIUS BEDA DATON", ":"]
    assert komparisi[0][3] == (
        "Kepala Perwakilan Ombudsman Republik Indonesia Provinsi Nusa Tenggara Timur, berkedudukan "
        "di Jalan Polisi Militer Nomor 3, Kupang, dalam hal ini bertindak untuk dan atas nama "
        "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur, selanjutnya disebut "
        "PIHAK PERTAMA."
    )
    assert komparisi[1][1] == "FLOURI RITA WUISAN"
    assert komparisi[1][3] == (
        "Kepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur, berkedudukan di "
        "Jalan El Tari Nomor 52, Kupang, dalam hal ini bertindak untuk dan atas nama Pemerintah "
        "Provinsi Nusa Tenggara Timur berdasarkan Surat Kuasa Gubernur Nusa Tenggara Timur Nomor "
        "BO.130/12/II/2022 tanggal 3 Februari 2022, selanjutnya disebut PIHAK KEDUA."
    )
    text = paragraphs(renja)
    assert (
        "PIHAK PERTAMA dan PIHAK KEDUA secara bersama-sama disebut PARA PIHAK dan masing-masing "
        "disebut PIHAK."
    ) in text
    signatures = rows(renja, 2)
    # "PIHAK PERTAMA, / JOB TITLE, / (space) / NAME": the job title once, not the institution too
    assert signatures[0] == ["PIHAK PERTAMA,", "PIHAK KEDUA,"]
    # the title broken between names only (explicit line breaks), never inside one
    assert signatures[1] == [
        "KEPALA PERWAKILAN\nOMBUDSMAN REPUBLIK INDONESIA\nPROVINSI NUSA TENGGARA TIMUR,",
        "KEPALA BIRO ORGANISASI\nSEKRETARIAT DAERAH\nPROVINSI NUSA TENGGARA TIMUR,",
    ]
    assert signatures[2] == ["", ""]
    assert signatures[3] == ["DARIUS BEDA DATON", "FLOURI RITA WUISAN"]
    # the civil servant under a mandate: rank, then NIP; the office head gave neither
    assert signatures[4:] == [["", "Pembina Tingkat I (IV/b)"], ["", "NIP 197001011995032001"]]


def test_renja_scope_is_a_running_list_in_lower_case(renja):
    """Pasal 2 lists the example's `scope`: items of a running list in lower case (an item
    opening with a name stays as typed), "; dan" before the last, a full stop after it."""
    text = paragraphs(renja)
    start = text.index("Ruang lingkup Rencana Kerja ini meliputi:")
    items = [t.split("\t", 1) for t in text[start + 1 : start + 8]]
    assert [label for label, _ in items] == ["a.", "b.", "c.", "d.", "e.", "f.", "g."]
    assert items[0][1] == (
        "koordinasi dan pengawasan penyelenggaraan pelayanan publik di lingkungan kerja Pemerintah Daerah;"
    )
    assert items[1][1].startswith("fasilitasi penyusunan, revisi, dan penetapan Standar Pelayanan")
    assert items[4][1] == "Inspektorat Daerah memfasilitasi kegiatan pemeriksaan laporan masyarakat;"
    assert items[5][1].endswith("; dan")
    assert items[6][1] == "optimalisasi penerapan SPBE serta pemantauan dan evaluasinya."


def test_renja_work_items_table(renja):
    table = rows(renja, 1)
    assert table[0] == ["No", "Kegiatan", "Keluaran", "Batas Waktu", "Penanggung Jawab"]
    body = table[1:]
    assert len(body) == len(DELIVERABLES)
    assert sorted({r[0] for r in body}) == [f"{i}." for i in range(1, 8)]  # all seven work items
    for title, due in DELIVERABLES.items():
        row = next(r for r in body if r[2].startswith(title))
        assert row[3] == due
    w1 = [r for r in body if r[0] == "1."]
    assert len(w1) == 3 and all(r[4] == "PARA PIHAK" for r in w1)
    assert w1[0][1].startswith("Koordinasi dan pengawasan penyelenggaraan pelayanan publik")
    assert next(r for r in body if r[0] == "3.")[4] == "PIHAK KEDUA"
    assert "Rapat koordinasi triwulan I (bukti: notulen rapat)" in [r[2] for r in body]
    assert next(r for r in body if r[0] == "5.")[1] == (
        "Inspektorat Daerah memfasilitasi kegiatan pemeriksaan laporan masyarakat"
    )


def test_renja_articles(renja):
    text = paragraphs(renja)
    headings = [text[i + 1] for i, t in enumerate(text) if t.startswith("Pasal ")]
    assert headings == [
        "MAKSUD DAN TUJUAN",
        "RUANG LINGKUP",
        "PELAKSANAAN",
        "HAK DAN KEWAJIBAN",
        "PEMBIAYAAN",
        "JANGKA WAKTU",
        "MONITORING DAN EVALUASI",
        "PENYELESAIAN PERSELISIHAN",
        "KEADAAN KAHAR",
        "PERUBAHAN",
        "PENUTUP",
    ]
    assert [t for t in text if t.startswith("Pasal ")] == [f"Pasal {i}" for i in range(1, 12)]
    joined = "\n".join(text)
    assert (
        "(1)\tRencana Kerja ini berlaku sejak tanggal ditandatangani oleh PARA PIHAK sampai "
        "dengan tanggal 31 Desember 2022."
    ) in text
    assert "dibebankan pada anggaran masing-masing PIHAK" in joined
    assert "musyawarah untuk mufakat" in joined
    assert (
        "Demikian Rencana Kerja ini dibuat dalam rangkap 2 (dua) asli, bermeterai cukup, "
        "masing-masing mempunyai kekuatan hukum yang sama"
    ) in joined
    # the MoU it implements is cited by its own parties, both numbers, date, subject
    assert (
        "c.\tbahwa Ombudsman Republik Indonesia dan Pemerintah Provinsi Nusa Tenggara Timur telah "
        "menandatangani Kesepakatan Bersama Nomor 30/ORI-MOU/XII/2021 dan Nomor HK.130/45/XII/2021 tanggal "
        "20 Desember 2021 tentang Peningkatan Kualitas Penyelenggaraan Pelayanan Publik dan "
        "Pencegahan Maladministrasi di Provinsi Nusa Tenggara Timur, yang perlu ditindaklanjuti "
        "dengan Rencana Kerja yang memuat kegiatan, keluaran, batas waktu, dan penanggung jawab "
        "pelaksanaannya;"
    ) in text
    assert "PARA PIHAK telah menandatangani" not in joined
    assert "1.\tUndang-Undang Nomor 37 Tahun 2008 tentang Ombudsman Republik Indonesia;" in text
    # catalogue keys, cited as in force on the signing date (8 February 2022)
    assert (
        "3.\tUndang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah "
        "beberapa kali diubah, terakhir dengan Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan "
        "Keuangan antara Pemerintah Pusat dan Pemerintahan Daerah;"
    ) in text
    assert (
        "4.\tPeraturan Pemerintah Nomor 21 Tahun 2011 tentang Pembentukan, Susunan, dan Tata Kerja "
        "Perwakilan Ombudsman Republik Indonesia di Daerah;"
    ) in text
    assert "5.\tPeraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah." in text
    legal = text[text.index(next(t for t in text if "peraturan perundang-undangan sebagai" in t)) :]
    assert not any("Kesepakatan Bersama" in t for t in legal[:6])  # the MoU is not legislation
    # drafting words (UU 12/2011, EYD V)
    assert "adendum" in joined and "addendum" not in joined
    assert "sekurang-kurangnya" not in joined
    assert "saran, pendampingan, dan asistensi" in joined
    assert "hari, tanggal, bulan, dan tahun" in joined
    # no template syntax, no Python None left anywhere
    assert "{{" not in joined and "{%" not in joined and "None" not in joined


def test_mou_term_in_words_and_scope(mou):
    text = paragraphs(mou)
    assert text[0] == "KESEPAKATAN BERSAMA"
    assert (
        "PENINGKATAN KUALITAS PENYELENGGARAAN PELAYANAN PUBLIK DAN PENCEGAHAN MALADMINISTRASI DI "
        "PROVINSI NUSA TENGGARA TIMUR"
    ) in text
    assert (
        "(1)\tKesepakatan Bersama ini berlaku untuk jangka waktu 5 (lima) tahun terhitung sejak "
        "tanggal ditandatangani oleh PARA PIHAK sampai dengan tanggal 19 Desember 2026."
    ) in text
    # the scope as typed, in lower case: items of a running list
    assert "a.\tkoordinasi dan pengawasan penyelenggaraan pelayanan publik;" in text
    assert "d.\tpeningkatan kapasitas aparatur penyelenggara pelayanan publik; dan" in text
    assert "e.\tpertukaran data dan informasi." in text
    assert "paling sedikit kegiatan, keluaran, batas waktu, dan penanggung jawab" in "\n".join(text)
    assert any("Rencana Kerja dan/atau Perjanjian Kerja Sama" in t for t in text)
    assert len(docx.Document(io.BytesIO(mou)).tables) == 2  # komparisi, signatures: no work table


def _agreement(**changes):
    ws = Workspace(REPO)
    catalog = load_catalog(ws)
    renja = catalog.get("ntt-renja-2022")
    return ws, renja.model_copy(update=changes), catalog.get("ntt-mou-2021")


def test_both_numbers_in_the_title_block():
    from docgen.models import Numbers

    ws, renja, mou = _agreement(numbers=Numbers(first="12/KB/PW24/II/2022", second="050/123/BO/2022"))
    data = PreparedTemplate.load(defaults_dir() / "renja.docx").render(build_context(renja, mou, ws.config))
    text = paragraphs(data)
    assert "NOMOR: 12/KB/PW24/II/2022" in text
    assert "NOMOR: 050/123/BO/2022" in text


def test_draft_without_signed_on_has_dotted_blanks():
    ws, renja, mou = _agreement(signed_on=None, place=None)
    data = PreparedTemplate.load(defaults_dir() / "renja.docx").render(build_context(renja, mou, ws.config))
    text = paragraphs(data)
    assert (
        "Pada hari ini, ............., tanggal ............., bulan ............., tahun "
        "............. (..-..-....), bertempat di ............., kami yang bertanda tangan di "
        "bawah ini:"
    ) in text
    assert "None" not in "\n".join(text)


def test_special_characters_are_escaped(tmp_path):
    from docgen.models import Party

    ws, renja, mou = _agreement()
    second = Party.model_validate(
        {
            "role": "second",
            "org": "PT \"Maju\" & Sejahtera <Tbk> 'Kupang'",
            "kind": "other",
            "signatory": {"name": "A & B <C>", "title": 'Direktur "Utama"'},
        }
    )
    renja = renja.model_copy(
        update={"parties": [renja.first, second], "title": 'Rencana Kerja <Uji> & "Kutip"'}
    )
    out = tmp_path / "special.docx"
    template = PreparedTemplate.load(defaults_dir() / "renja.docx")
    write_docx(template, build_context(renja, mou, ws.config), out)
    text = "\n".join(paragraphs(out))  # python-docx parses it: the XML is valid
    assert "PT \"MAJU\" & SEJAHTERA <TBK> 'KUPANG'" in text
    assert "PT \"Maju\" & Sejahtera <Tbk> 'Kupang'" in text
    assert "A & B <C>" in text and 'Direktur "Utama"' in text
    assert '<UJI> & "KUTIP"' in text
    # the core properties (document title) are escaped once, not twice
    assert docx.Document(out).core_properties.title == 'Rencana Kerja <Uji> & "Kutip"'


def test_values_with_newlines_become_line_breaks():
    ws, renja, mou = _agreement(purpose="Baris satu\nBaris dua")
    data = PreparedTemplate.load(defaults_dir() / "renja.docx").render(build_context(renja, mou, ws.config))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "Baris satu</w:t><w:br/>" in xml


def _template(tmp_path: Path, *texts: str, header: str | None = None, title: str | None = None) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if title:
        document.core_properties.title = title
    path = tmp_path / "t.docx"
    document.save(path)
    return path


def test_sandbox_blocks_python_internals(tmp_path):
    path = _template(tmp_path, "{{ agreement.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as err:
        PreparedTemplate.load(path, "templates/evil.docx").render({"agreement": {}})
    assert err.value.message.startswith("templates/evil.docx: paragraph ")
    assert "blocked by the sandbox" in err.value.message
    path = _template(tmp_path, "{{ cycler.__init__.__globals__.os.system('echo owned') }}")
    with pytest.raises(TemplateError, match="unsafe"):
        PreparedTemplate.load(path).render({})


def test_undefined_variable_names_the_template(tmp_path):
    path = _template(tmp_path, "Judul", "Nama: {{ agreement.titel }}")
    with pytest.raises(TemplateError) as err:
        PreparedTemplate.load(path, "templates/x.docx").render({"agreement": {"title": "A"}})
    assert err.value.message == (
        "templates/x.docx: paragraph 'Nama: {{ agreement.titel }}': 'dict object' has no attribute 'titel'"
    )


def test_syntax_error_names_the_template(tmp_path):
    path = _template(tmp_path, "Pasal {% if %}")
    with pytest.raises(TemplateError, match=r"^templates/x.docx: Jinja syntax error: "):
        PreparedTemplate.load(path, "templates/x.docx")


def test_not_a_docx(tmp_path):
    path = tmp_path / "x.docx"
    path.write_text("not a zip")
    with pytest.raises(TemplateError, match=r"^x.docx: not a .docx file"):
        PreparedTemplate.load(path)


@pytest.mark.parametrize("name", ["mou", "renja"])
def test_same_text_as_plain_docxtpl(name):
    """The prepared renderer is docxtpl made fast: the same document text, every sample."""
    template = defaults_dir() / f"{name}.docx"
    prepared = PreparedTemplate.load(template)
    for context in agreement_samples(name):
        plain = DocxTemplate(template)
        plain.render(context, jinja_env(), autoescape=True)
        buffer = io.BytesIO()
        plain.save(buffer)
        assert paragraphs(prepared.render(context)) == paragraphs(buffer.getvalue())


def test_headers_core_properties_and_loops_render(tmp_path):
    path = _template(
        tmp_path,
        "{%p for x in items %}",
        "Butir {{ x }}",
        "{%p endfor %}",
        header="Kop {{ office }}",
        title="Judul {{ office }}",
    )
    data = PreparedTemplate.load(path).render({"items": ["a", "b"], "office": "Ombudsman & Co"})
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["Butir a", "Butir b"]
    assert document.sections[0].header.paragraphs[0].text == "Kop Ombudsman & Co"
    assert document.core_properties.title == "Judul Ombudsman & Co"


def test_untouched_members_are_kept_as_they_are(tmp_path):
    template = defaults_dir() / "renja.docx"
    data = PreparedTemplate.load(template).render(agreement_samples("renja")[0])
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(io.BytesIO(data)) as out:
        assert sorted(src.namelist()) == sorted(out.namelist())
        assert out.testzip() is None
        for name in src.namelist():
            if name not in ("word/document.xml", "docProps/core.xml"):
                assert src.read(name) == out.read(name), name


def test_render_many_isolates_failures(tmp_path):
    template = defaults_dir() / "renja.docx"
    good = agreement_samples("renja")[0]
    bad = {k: v for k, v in good.items() if k != "second"}
    jobs = [RenderJob(template, bad if i == 5 else good, tmp_path / f"d{i}.docx") for i in range(8)]
    errors = render_many(jobs)
    assert [i for i, e in enumerate(errors) if e] == [5]
    assert "'second' is undefined" in errors[5]
    assert not (tmp_path / "d5.docx").exists()
    assert "PIHAK KEDUA," in paragraphs(tmp_path / "d7.docx")


def test_failed_render_leaves_the_old_file(tmp_path):
    path = _template(tmp_path, "{{ x }}")
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    with pytest.raises(TemplateError):
        write_docx(PreparedTemplate.load(path), {}, out)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.docx", "t.docx"]


def test_environment():
    env = jinja_env()
    assert env is jinja_env()
    assert env.from_string("{{ x }}").render(x="a & <b>") == "a &amp; &lt;b&gt;"
    assert env.from_string("{{ d | tanggal }}").render(d="2022-03-31") == "31 Maret 2022"
    assert env.from_string("{{ x }}|{{ y }}").render(x=None, y=0) == "|0"
    assert {"tanggal", "hari", "terbilang", "tanggal_terbilang", "bulan_romawi", "rupiah"} <= set(env.filters)


@pytest.mark.parametrize("name", ["../x", "a/b", "..", "", " x", "x\\y"])
def test_template_names_cannot_escape(name):
    with pytest.raises(TemplateError, match="not a valid template name"):
        template_path(Workspace(REPO).templates_dir, name)


def test_template_override_and_missing(tmp_path):
    ws = Workspace(tmp_path)
    (tmp_path / "templates").mkdir()
    assert template_path(ws.templates_dir, "renja") == defaults_dir() / "renja.docx"
    own = tmp_path / "templates" / "renja.docx"
    own.write_bytes((defaults_dir() / "renja.docx").read_bytes())
    assert template_path(ws.templates_dir, "renja") == own
    assert template_path(ws.templates_dir, "renja.docx") == own
    with pytest.raises(TemplateError, match="template 'pusat': no templates/pusat.docx"):
        template_path(ws.templates_dir, "pusat")


def test_legal_list_punctuation():
    assert enumerate_items(["Satu.", "Dua", "Tiga;"]) == [
        {"label": "a.", "text": "Satu;"},
        {"label": "b.", "text": "Dua; dan"},
        {"label": "c.", "text": "Tiga."},
    ]
    assert enumerate_items(["A"], lettered=False) == [{"label": "1.", "text": "A."}]
    assert [letter_label(i) for i in (0, 25, 26, 27)] == ["a", "z", "aa", "ab"]
