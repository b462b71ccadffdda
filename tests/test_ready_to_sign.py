"""Issue 22: documents that go to signature as they come out, and a `check` that names
every blank first (DOMAIN.md). Each test reads the generated document."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from tests.test_letters import text_of

RENJA = "agreements/ntt-renja-2022.yaml"
MOU = "agreements/ntt-mou-2021.yaml"


def blank_example(example: Path) -> Path:
    """The example as it was before it was completed: no numbers, a mandate with dotted
    blanks, no rank nor NIP for the civil servant who signs under it."""
    for rel in (RENJA, MOU):
        path = example / rel
        text = re.sub(r"^numbers: .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
        text = re.sub(r"Nomor BO\.130/12/II/2022 tanggal 3 Februari 2022", "Nomor ... tanggal ...", text)
        text = re.sub(r"^      (rank|nip): .*\n", "", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
    return example


# --- readiness ------------------------------------------------------------------------------


def test_check_names_every_blank_before_any_letter_is_written(example, cli):
    blank_example(example)
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0, run.stderr  # warnings, never errors
    lines = run.stderr.splitlines()
    for file, key in (
        (MOU, "numbers"),
        (RENJA, "numbers"),
        (RENJA, "parties #2, signatory.nip"),
        (RENJA, "parties #2, mandate"),
        ("docgen.toml", "office.postcode"),
        ("docgen.toml", "office.phone"),
        ("docgen.toml", "office.website"),
        ("docgen.toml", "office.email"),
        ("docgen.toml", "office.logo"),
        ("docgen.toml", "certificates.verify_url"),
    ):
        assert any(line.startswith(f"warning: {file}: {key}") for line in lines), (file, key, lines)
    # the mandate's dotted blanks are said once, in the readiness words
    assert sum("parties #2, mandate" in line for line in lines) == 1
    assert "numbers.first and numbers.second" in run.stderr
    # and no letter cites the agreement by blank numbers: one line, nothing written
    for command in (["followup", "--all", "--as-of", "2022-07-01"], ["reminder", "--as-of", "2022-03-20"]):
        refused = cli(example, "letter", *command)
        assert refused.exit_code == 1
        (line,) = refused.stderr.strip().splitlines()
        assert line.startswith(f"{RENJA}: numbers: ") and "--allow-blank-numbers" in line
        assert not list((example / "outputs").rglob("*.docx"))
    # told to, it prints dotted blanks
    allowed = cli(
        example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--allow-blank-numbers", "--json"
    )
    assert allowed.exit_code == 0, allowed.stderr
    text = text_of(example / allowed.json()[0]["file"])
    assert "Rencana Kerja Nomor ............. dan Nomor ............. tanggal 8 Februari 2022" in text


def test_the_completed_example_checks_clean(example, cli, tmp_path):
    config = (example / "docgen.toml").read_text(encoding="utf-8")
    config = (
        config.replace('postcode = ""', 'postcode = "85228"')
        .replace('phone = ""', 'phone = "(0380) 8438383"')
        .replace('website = ""', 'website = "www.ombudsman.go.id"')
        .replace('email = ""', 'email = "ntt@ombudsman.go.id"')
        .replace('logo = "logo.png"', 'logo = "lambang.png"')
        .replace(
            'signatory = "ketua"',
            'signatory = "ketua"\nverify_url = "https://example.go.id/cek?n={number}&c={checksum}"',
        )
    )
    (example / "docgen.toml").write_text(config, encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (200, 200), (30, 60, 120)).save(example / "templates" / "lambang.png")
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0 and "warning" not in run.stderr, run.stderr


# --- legal basis as of the signing date -------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "last"),
    [
        ("2020-11-01", "Undang-Undang Nomor 9 Tahun 2015 tentang Perubahan Kedua atas"),
        ("2020-11-02", "Undang-Undang Nomor 11 Tahun 2020 tentang Cipta Kerja"),
        ("2022-01-04", "Undang-Undang Nomor 11 Tahun 2020 tentang Cipta Kerja"),
        ("2022-01-05", "Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan Keuangan antara Pemerintah Pusat"),
        ("2022-12-30", "Peraturan Pemerintah Pengganti Undang-Undang Nomor 2 Tahun 2022 tentang Cipta Kerja"),
        ("2023-03-31", "Undang-Undang Nomor 6 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti"),
    ],
)
def test_uu_23_2014_as_documents_of_each_period_cite_it(on, last):
    from docgen.legal import load_legal

    catalogue, problems = load_legal(None)
    assert problems == []
    text = catalogue["uu-23-2014"].citation(date.fromisoformat(on))
    assert text.startswith(
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa "
        f"kali diubah, terakhir dengan {last}"
    )


def test_shipped_catalogue_titles():
    from docgen.legal import load_legal

    catalogue, _ = load_legal(None)
    on = date(2022, 2, 8)
    assert catalogue["pp-21-2011"].citation(on) == (
        "Peraturan Pemerintah Nomor 21 Tahun 2011 tentang Pembentukan, Susunan, dan Tata Kerja "
        "Perwakilan Ombudsman Republik Indonesia di Daerah"
    )
    assert (
        catalogue["pp-28-2018"].citation(on)
        == "Peraturan Pemerintah Nomor 28 Tahun 2018 tentang Kerja Sama Daerah"
    )
    assert catalogue["uu-37-2008"].citation(on).endswith("tentang Ombudsman Republik Indonesia")
    assert catalogue["uu-25-2009"].citation(on).endswith("tentang Pelayanan Publik")


LOCAL = """\
perda-ntt-3-2020:
  kind: Peraturan Daerah Provinsi Nusa Tenggara Timur
  number: "3"
  year: 2020
  title: Pelayanan Publik
  verified: false
  amendments:
    - {on: 2021-06-01, by: Peraturan Daerah Provinsi Nusa Tenggara Timur Nomor 2 Tahun 2021}
"""


def test_a_workspace_extends_the_catalogue_and_check_warns_unverified(example, cli):
    (example / "legal").mkdir()
    (example / "legal" / "daerah.yaml").write_text(LOCAL, encoding="utf-8")
    path = example / MOU
    text = path.read_text(encoding="utf-8").replace(
        "legal_basis: [uu-37-2008, uu-25-2009, uu-23-2014, pp-28-2018]",
        "legal_basis: [uu-37-2008, uu-25-2009, uu-23-2014, pp-28-2018, perda-ntt-3-2020, "
        "Peraturan Gubernur Nusa Tenggara Timur Nomor 5 Tahun 2021]",
    )
    path.write_text(text, encoding="utf-8")
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0
    assert (
        f"warning: {MOU}: legal_basis #5: perda-ntt-3-2020: the catalogue marks this entry verified: false"
        in run.stderr
    )
    assert cli(example, "build", "ntt-mou-2021").exit_code == 0
    text = "\n".join(
        p.text for p in Document(str(example / "outputs/agreements/ntt-mou-2021.docx")).paragraphs
    )
    # signed 20 December 2021: UU 23/2014 as last amended by UU 11/2020; one amendment: singular
    assert (
        "3.\tUndang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa "
        "kali diubah, terakhir dengan Undang-Undang Nomor 11 Tahun 2020 tentang Cipta Kerja;"
    ) in text
    assert (
        "5.\tPeraturan Daerah Provinsi Nusa Tenggara Timur Nomor 3 Tahun 2020 tentang Pelayanan Publik "
        "sebagaimana telah diubah dengan Peraturan Daerah Provinsi Nusa Tenggara Timur Nomor 2 Tahun 2021;"
    ) in text
    # free text keeps working
    assert "6.\tPeraturan Gubernur Nusa Tenggara Timur Nomor 5 Tahun 2021." in text
    assert "uu-23-2014" not in text


def test_an_unknown_key_is_an_error_naming_it(example, cli):
    path = example / MOU
    path.write_text(
        path.read_text(encoding="utf-8").replace("pp-28-2018]", "pp-28-2018, uu-99-2099]"), encoding="utf-8"
    )
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    assert f"{MOU}: legal_basis #5: uu-99-2099: no such regulation" in run.stderr
    built = cli(example, "build", "ntt-mou-2021")
    assert built.exit_code == 1 and "legal_basis" in built.stderr and "uu-99-2099" in built.stderr


# --- a signed agreement is not edited silently -----------------------------------------------


def _signed_then_edited(example: Path, cli) -> Path:
    path = example / RENJA
    text = path.read_text(encoding="utf-8")
    text = text.replace("signed_on: 2022-02-08\n", "")
    text = re.sub(r"^numbers: .*\n", "", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    run = cli(
        example,
        "agreement",
        "sign",
        "ntt-renja-2022",
        "--on",
        "2022-02-08",
        "--number-second",
        "119/BO/II/2022",
    )
    assert run.exit_code == 0, run.stderr
    edited = path.read_text(encoding="utf-8").replace(
        "{id: W1-D1, title: Rapat koordinasi triwulan I, due: 2022-03-31",
        "{id: W1-D1, title: Rapat koordinasi triwulan I, due: 2022-09-30",
    )
    path.write_text(edited, encoding="utf-8")
    return path


def test_an_edit_after_signing_is_reported_and_the_signed_terms_kept(example, cli):
    _signed_then_edited(example, cli)
    field = (
        "work_items.W1.deliverables.W1-D1.due: changed since the agreement was signed "
        "(2022-03-31 -> 2022-09-30)"
    )
    for command in (["check", "--as-of", "2022-07-01"], ["build"], ["monitor", "--as-of", "2022-07-01"]):
        run = cli(example, *command)
        assert f"warning: {RENJA}: {field}" in run.stderr, command
        assert "amendments:" in run.stderr and "agreement extend" in run.stderr
    # judged by the signed terms: W1-D1 is overdue since 31 March
    report = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    assert "W1-D1" in [r["id"] for r in report["overdue"]]
    listing = cli(example, "deliverable", "list", "ntt-renja-2022", "--as-of", "2022-07-01", "--json").json()
    assert next(r for r in listing if r["id"] == "W1-D1")["due"] == "2022-03-31"
    (row,) = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json").json()
    assert "W1-D1" in row["items"]
    assert "31 Maret 2022" in text_of(example / row["file"])


def test_an_adendum_changes_the_signed_terms(example, cli):
    path = _signed_then_edited(example, cli)
    text = path.read_text(encoding="utf-8").replace(
        "triwulan I, due: 2022-09-30", "triwulan I, due: 2022-03-31"
    )
    text += (
        "amendments:\n"
        "  - title: Perubahan batas waktu rapat koordinasi triwulan I\n"
        "    on: 2022-03-15\n"
        "    number: 02/RK/PW24/III/2022\n"
        "    number_second: 130/BO/III/2022\n"
        "    work_items:\n"
        "      - id: W1\n"
        "        deliverables:\n"
        "          - {id: W1-D1, due: 2022-09-30}\n"
    )
    path.write_text(text, encoding="utf-8")
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert "changed since the agreement was signed" not in run.stderr
    report = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    assert "W1-D1" not in [r["id"] for r in report["overdue"]]


# --- adendum --------------------------------------------------------------------------------


def test_one_change_names_and_restates_its_article_unnumbered(example, cli):
    run = cli(example, "agreement", "extend", "ntt-renja-2022", "--to", "2023-03-31", "--on", "2022-12-15")
    assert run.exit_code == 0, run.stderr
    assert cli(example, "build").exit_code == 0
    doc = Document(str(example / "outputs/agreements/ntt-renja-2022-adendum-1.docx"))
    text = [p.text for p in doc.paragraphs]
    joined = "\n".join(text)
    assert (
        "PERUBAHAN ATAS RENCANA KERJA NOMOR 01/RK/PW24/II/2022 DAN NOMOR 119/BO/II/2022 TENTANG "
        "PERBAIKAN PELAYANAN PUBLIK DI LINGKUNGAN PEMERINTAH PROVINSI NUSA TENGGARA TIMUR TAHUN 2022"
    ) in text
    i = text.index("Ketentuan Pasal 6 ayat (1) diubah sehingga berbunyi sebagai berikut:")
    assert text[i + 1] == (
        "(1)\tRencana Kerja ini berlaku sejak tanggal ditandatangani oleh PARA PIHAK sampai dengan "
        "tanggal 31 Maret 2023."
    )
    assert "1.\tKetentuan" not in joined and "Beberapa ketentuan" not in joined
    assert not re.search(r"\bW\d", joined)


# --- letters ---------------------------------------------------------------------------------


def test_a_reminder_lists_its_rows_by_due_date(workspace, cli):
    from tests.test_check import MOU as MOU_TEXT
    from tests.test_check import RENJA as RENJA_TEXT

    renja = RENJA_TEXT + (
        "  - id: W2\n"
        "    title: Penetapan pejabat penghubung\n"
        "    responsible: second\n"
        "    deliverables:\n"
        "      - {id: W2-D1, title: Surat keputusan pejabat penghubung, due: 2022-03-25}\n"
    )
    ws = workspace({"agreements/mou-a.yaml": MOU_TEXT, "agreements/renja-a.yaml": renja})
    (row,) = cli(ws, "letter", "reminder", "--as-of", "2022-03-20", "--json").json()
    doc = Document(str(ws / row["file"]))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "No")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    # 25 March (the second work item, "2.") before 31 March (the first, "1.")
    assert [(r[0], r[3]) for r in rows] == [("2.", "25 Maret 2022"), ("1.", "31 Maret 2022")]
    assert rows[1][4] == "tanggung jawab bersama; batas waktu 11 (sebelas) hari lagi"


def test_the_signer_name_form_is_configurable(example, cli):
    config = example / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[documents]\nsigner_name_case = "as_written"\n',
        encoding="utf-8",
    )
    (row,) = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json").json()
    text = text_of(example / row["file"])
    assert "Darius Beda Daton" in text and "DARIUS BEDA DATON" not in text


# --- piagam ---------------------------------------------------------------------------------


def test_a_piagam_of_a_kind_not_tied_to_a_score(example, cli):
    from tests.test_documents import pdf_pages

    config = example / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[certificates.kinds.magang]\n"
        'wording = "atas partisipasi aktif dalam {event} Tahun {year}"\n'
        'event = "Program Magang Ombudsman Republik Indonesia"\n',
        encoding="utf-8",
    )
    sheet = example / "results" / "magang.csv"
    # the Ketua signs: the number is Ombudsman RI's, given in the sheet (register pusat)
    sheet.write_text(
        "instansi,unit,nomor\nMaria Goreti Lake,Universitas Nusa Cendana,0007/PHG/II/2023\n", encoding="utf-8"
    )
    run = cli(
        example,
        "certificate",
        "issue",
        "results/magang.csv",
        "--kind",
        "magang",
        "--signed-on",
        "2023-02-16",
        "--json",
    )
    assert run.exit_code == 0, run.stderr
    (entry,) = run.json()["issued"]
    text = pdf_pages(example / entry["file"])[0]
    assert "MARIA GORETI LAKE UNIVERSITAS NUSA CENDANA" in text
    assert "atas partisipasi aktif dalam Program Magang Ombudsman Republik Indonesia Tahun 2023" in text
    assert "nilai" not in text and "Opini" not in text
    # the place is where the signatory (the Ketua) signs, not the office's city
    assert "Jakarta, 16 Februari 2023 Ketua Ombudsman Republik Indonesia, MOKHAMMAD NAJIH" in text
    unknown = cli(example, "certificate", "issue", "results/magang.csv", "--kind", "lomba")
    assert unknown.exit_code == 1 and "certificates.kinds.lomba" in unknown.stderr


# --- layout, as LibreOffice lays the pages out ------------------------------------------------

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) and pdftoppm are needed",
)
NAMES = (
    "OMBUDSMAN REPUBLIK INDONESIA",
    "PERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
    "PEMERINTAH PROVINSI NUSA TENGGARA TIMUR",
    "SEKRETARIAT DAERAH",
    "NUSA TENGGARA TIMUR",
    "VIKTOR BUNGTILU LAISKODAT",
    "FLOURI RITA WUISAN",
    "DARIUS BEDA DATON",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    from typer.testing import CliRunner

    from docgen.cli import app
    from docgen.render.libreoffice import to_pdf
    from tests.conftest import REPO

    ws = tmp_path_factory.mktemp("layout") / "ws"
    ws.mkdir()
    shutil.copy(REPO / "docgen.toml", ws / "docgen.toml")
    for sub in ("agreements", "results", "templates"):
        shutil.copytree(REPO / sub, ws / sub)
    runner = CliRunner()
    for args in (["build"], ["letter", "followup", "--all", "--as-of", "2022-07-01"]):
        assert runner.invoke(app, ["-w", str(ws), *args]).exit_code == 0
    docs = {
        "mou": ws / "outputs/agreements/ntt-mou-2021.docx",
        "renja": ws / "outputs/agreements/ntt-renja-2022.docx",
        "letter": next((ws / "outputs/letters").rglob("*.docx")),
    }
    converted = to_pdf(list(docs.values()), ws / "pdf")
    return {name: converted[path] for name, path in docs.items()}


def _lines(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [
        " ".join(line.split())
        for page in PdfReader(pdf).pages
        for line in (page.extract_text() or "").splitlines()
    ]


@needs_soffice
def test_no_title_or_signature_line_breaks_inside_a_name(pages):
    for name in ("mou", "renja", "letter"):
        lines = _lines(pages[name])
        for whole in NAMES:
            head = " ".join(whole.split()[:2])
            for line in lines:
                # the title block and the signature blocks: lines in capitals
                if line.isupper() and (line.startswith(head) or line.endswith(head)):
                    assert whole in line, (name, whole, line)
    renja = _lines(pages["renja"])
    i = renja.index("OMBUDSMAN REPUBLIK INDONESIA")
    assert renja[i + 1] == "PERWAKILAN PROVINSI NUSA TENGGARA TIMUR"  # the title block, two names
    # the komparisi's name column holds a full name on one line
    assert any(line.startswith("2. VIKTOR BUNGTILU LAISKODAT :") for line in _lines(pages["mou"]))
    # the letter's signature: its title broken between names
    letter = _lines(pages["letter"])
    i = letter.index("Kepala Perwakilan")
    assert letter[i + 1 : i + 3] == ["Ombudsman Republik Indonesia", "Provinsi Nusa Tenggara Timur,"]


@needs_soffice
def test_date_cells_do_not_wrap(pages):
    import yaml

    from docgen.indonesian import tanggal
    from docgen.models import Agreement
    from tests.conftest import REPO

    data = yaml.safe_load((REPO / RENJA).read_text(encoding="utf-8"))
    renja = Agreement.model_validate(data)
    lines = _lines(pages["renja"])
    # every due date of the table whole on one line ("30 September 2022", never "30 September" / "2022")
    for d in renja.deliverables:
        assert any(tanggal(d.due) in line for line in lines), tanggal(d.due)
    letter = _lines(pages["letter"])
    assert any("31 Maret 2022" in line for line in letter) and any("30 April 2022" in line for line in letter)


@needs_soffice
def test_the_letterhead_logo_is_whole(pages, tmp_path):
    import subprocess

    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pages["letter"]),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "p.png").convert("L")
    width, height = image.size
    dark = image.point(lambda v: 255 if v < 200 else 0)
    # the thick rule under the kop: the first row dark across most of the page
    rule = next(y for y in range(height) if dark.crop((0, y, width, y + 1)).histogram()[255] > width // 2)
    box = (0, 0, int(width * 0.3), rule - 2)  # the logo cell: left of the kop text, above the rule
    left, top, right, bottom = dark.crop(box).getbbox()
    # the placeholder is a ring: whole, it is as wide as it is tall, and clear of the box
    assert abs((right - left) - (bottom - top)) <= 3, (left, top, right, bottom)
    assert left > 0 and top > 0 and right < box[2] and bottom < box[3]
