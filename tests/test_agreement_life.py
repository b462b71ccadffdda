"""`docgen agreement sign|extend|renew`, amendments as the rest of docgen sees them, and the
lifecycle warnings of `check`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document

from tests.conftest import tracker_rows
from tests.test_check import MOU, RENJA, files

DRAFT = """\
# Rencana Kerja 2023: drafted with the Biro in January.
id: renja-b
kind: renja
title: Rencana Kerja Tahun 2023   # the subject as it will be printed
parent: mou-a
place: Kupang
# signed_on: YYYY-MM-DD        # leave out while this is a draft
duration_months: 12
parties:
  - role: first
    org: Ombudsman RI Perwakilan NTT
    kind: ombudsman
    signatory: {name: Darius Beda Daton, title: Kepala Perwakilan}
  - role: second
    org: Pemerintah Provinsi Nusa Tenggara Timur
    kind: pemda
    signatory:
      name: Flouri Rita Wuisan     # Kepala Biro since 2021
      title: Kepala Biro Organisasi
work_items:
  - id: W1
    title: Koordinasi
    responsible: both
    deliverables:
      - {id: W1-D1, title: Rapat koordinasi triwulan I, due: 2023-03-31, evidence: notulen}
"""


def text_of(path) -> str:
    doc = Document(str(path))
    return "\n".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )


# --- sign ---------------------------------------------------------------------------------


def test_sign_writes_number_and_date_keeping_the_file_as_written(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = ws / "agreements" / "renja-b.yaml"
    run = cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06", "--number-second", "120/45/BO/2023")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "01/KB/PW24/II/2023"
    text = path.read_text(encoding="utf-8")
    # only the two lines are new (the scaffold's hint gives way): comments and layout kept
    expected = DRAFT.replace(
        "# signed_on: YYYY-MM-DD        # leave out while this is a draft\n", "signed_on: 2023-02-06\n"
    )
    expected = expected.replace(
        "duration_months: 12\n",
        "duration_months: 12\nnumbers: {first: 01/KB/PW24/II/2023, second: 120/45/BO/2023}\n",
    )
    assert text == expected
    shown = cli(ws, "agreement", "show", "renja-b", "--as-of", "2023-03-01", "--json").json()
    assert shown["status"] == "active" and shown["signed_on"] == "2023-02-06"
    assert shown["numbers"] == {"first": "01/KB/PW24/II/2023", "second": "120/45/BO/2023"}
    (record,) = tracker_rows(ws, "numbers")
    assert (record["kind"], record["on"], record["ref"]) == (
        "agreement",
        "2023-02-06",
        {"agreement": "renja-b"},
    )
    assert cli(ws, "check", "--as-of", "2023-03-01").exit_code == 0


def test_sign_fills_the_numbers_placeholder_in_place(workspace, cli):
    draft = DRAFT.replace(
        "duration_months: 12\n", 'duration_months: 12\nnumbers: {first: "...", second: "..."}\n'
    )
    ws = workspace(files(renja_b=draft))
    assert cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06").exit_code == 0
    text = (ws / "agreements" / "renja-b.yaml").read_text(encoding="utf-8")
    assert 'numbers: {first: "01/KB/PW24/II/2023", second: "..."}' in text
    # the other party's number is still a placeholder: a warning, never an error
    check = cli(ws, "check", "--as-of", "2023-03-01")
    assert check.exit_code == 0
    assert (
        "warning: agreements/renja-b.yaml: numbers.second: '...' still to be filled in, in a signed agreement"
    ) in check.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("Rapat koordinasi triwulan I", "TODO keluaran"), "placeholder still to be filled in"),
        (("due: 2023-03-31", "due: 2023-02-30"), "is not a valid date"),
    ],
)
def test_sign_refuses_a_file_with_errors_and_takes_no_number(workspace, cli, change, message):
    ws = workspace(files(renja_b=DRAFT.replace(*change)))
    before = (ws / "agreements" / "renja-b.yaml").read_bytes()
    run = cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06")
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert lines[0] == ("renja-b: agreements/renja-b.yaml has errors; fix them before signing")
    assert message in run.stderr and "Traceback" not in run.stderr
    assert (ws / "agreements" / "renja-b.yaml").read_bytes() == before
    assert not (ws / "tracker.json").exists()


def test_sign_refusals(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    assert cli(ws, "agreement", "sign", "nope", "--on", "2023-02-06").stderr.startswith(
        "nope: no such agreement"
    )
    run = cli(ws, "agreement", "sign", "renja-a", "--on", "2023-02-06")
    assert run.exit_code == 1 and run.stderr.startswith("renja-a: already signed on 2022-02-08")
    assert cli(ws, "agreement", "sign", "renja-b", "--on", "06-02-2023").exit_code == 2
    assert cli(ws, "agreement", "sign", "renja-b").exit_code == 2
    assert not (ws / "tracker.json").exists()


def test_a_failed_commit_takes_no_number_and_leaves_the_file(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    (ws / "tracker.json").write_text("{not json", encoding="utf-8")
    before = (ws / "agreements" / "renja-b.yaml").read_bytes()
    run = cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06")
    assert run.exit_code == 1 and "corrupt tracker file" in run.stderr
    assert (ws / "agreements" / "renja-b.yaml").read_bytes() == before


def test_signing_warnings(workspace, cli):
    mou = MOU.replace("signed_on: 2021-12-20", "signed_on: 2023-03-01")
    ws = workspace(
        {
            "agreements/mou-a.yaml": mou,
            "agreements/renja-b.yaml": DRAFT.replace("duration_months: 12", "ends_on: 2029-12-31"),
        }
    )
    run = cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06")
    assert run.exit_code == 0, run.stderr
    assert (
        "warning: agreements/renja-b.yaml: signed_on: signed (2023-02-06) before its MoU mou-a (2023-03-01)"
    ) in run.stderr
    assert (
        "warning: agreements/renja-b.yaml: ends_on: runs until 2029-12-31, past the term of its "
        "MoU mou-a (until 2028-02-29)"
    ) in run.stderr
    check = cli(ws, "check", "--as-of", "2023-03-01")
    assert check.exit_code == 0 and "before its MoU mou-a" in check.stderr


def test_backdated_agreement_number_is_a_warning(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    cli(ws, "number", "next", "agreement", "--on", "2023-03-01")
    run = cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06")
    assert run.exit_code == 0
    assert (
        "warning: agreement numbers: the next number is dated 2023-02-06, before "
        "01/KB/PW24/III/2023 of 2023-03-01: the number is backdated"
    ) in run.stderr


def test_done_before_signing_is_a_warning(workspace, cli):
    ws = workspace(files())
    run = cli(ws, "deliverable", "set", "renja-a", "W1-D2", "--status", "done", "--on", "2022-01-15")
    assert run.exit_code == 0
    assert (
        "warning: renja-a W1-D2: marked done on 2022-01-15, before the agreement was signed (2022-02-08)"
    ) in run.stderr


# --- amendments -----------------------------------------------------------------------------

AMENDED = (
    RENJA
    + """\
amendments:
  - number: 09/KB/PW24/XII/2022
    on: 2022-12-15
    title: Perpanjangan jangka waktu dan tambahan keluaran
    ends_on: 2023-06-30
    work_items:
      - id: W1
        deliverables:
          - {id: W1-D2, due: 2023-03-31}
          - {id: W1-D3, title: Rapat koordinasi triwulan III, due: 2023-05-31}
      - id: W2
        title: Evaluasi
        responsible: second
        deliverables:
          - {id: W2-D1, title: Laporan evaluasi, due: 2023-06-15}
"""
)


def test_the_agreement_as_amended_on_the_date(workspace, cli):
    ws = workspace(files(renja_a=AMENDED))
    before = cli(ws, "agreement", "show", "renja-a", "--as-of", "2022-12-14", "--json").json()
    assert before["ends_on"] == "2022-12-31" and len(before["deliverables"]) == 2
    after = cli(ws, "agreement", "show", "renja-a", "--as-of", "2023-01-15", "--json").json()
    assert after["status"] == "active" and after["ends_on"] == "2023-06-30"
    assert [(d["id"], d["due"]) for d in after["deliverables"]] == [
        ("W1-D1", "2022-03-31"),
        ("W1-D2", "2023-03-31"),
        ("W1-D3", "2023-05-31"),
        ("W2-D1", "2023-06-15"),
    ]
    assert [am["in_force"] for am in after["amendments"]] == [True]
    # monitor: W1-D2 moved to 2023: no longer overdue in January; the term is extended
    report = cli(ws, "monitor", "--as-of", "2023-01-15", "--json").json()
    row = {r["id"]: r for r in report["agreements"]}["renja-a"]
    assert (row["status"], row["total"], row["overdue"], row["amendments"]) == ("active", 4, 1, 1)
    assert [r["id"] for r in report["overdue"]] == ["W1-D1"]
    # a deliverable the adendum added can be reported
    assert (
        cli(ws, "deliverable", "set", "renja-a", "W2-D1", "--status", "done", "--on", "2023-06-01").exit_code
        == 0
    )
    listing = cli(ws, "deliverable", "list", "renja-a", "--as-of", "2023-06-02", "--json").json()
    assert {r["id"]: r["status"] for r in listing}["W2-D1"] == "done"


@pytest.mark.parametrize(
    ("amendment", "message"),
    [
        (
            "  - {title: X, on: 2022-01-01}\n",
            "amendments #1, on: 2022-01-01 is before the agreement was signed",
        ),
        (
            "  - {title: X, on: 2022-05-01, ends_on: 2022-04-01}\n",
            "amendments #1, ends_on: the new term ends (2022-04-01) before the amendment (2022-05-01)",
        ),
        (
            "  - {title: X, on: 2022-05-01, ends_on: 2022-12-01, duration_months: 3}\n",
            "amendments #1, ends_on: give either duration_months or ends_on, not both",
        ),
        (
            "  - {title: X, on: 2022-05-01, work_items: [{id: W9, deliverables: []}]}\n",
            "amendments #1, work_items #1, title: required for a new work item (W9)",
        ),
        (
            "  - {title: X, on: 2022-05-01, work_items: [{id: W1, deliverables: [{id: W1-D9}]}]}\n",
            "amendments #1, work_items #1, deliverables #1, title: required for a new deliverable (W1-D9)",
        ),
        (
            "  - {title: X, on: 2022-05-01}\n  - {title: Y, on: 2022-04-01}\n",
            "amendments #2, on: amendments are listed in the order of their dates",
        ),
        ("  - {title: X, on: 2022-05-01, typo: 1}\n", "amendments #1, typo: unknown field"),
    ],
)
def test_invalid_amendments_are_check_errors(workspace, cli, amendment, message):
    ws = workspace(files(renja_a=RENJA + "amendments:\n" + amendment))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    assert f"agreements/renja-a.yaml: {message}" in run.stderr, run.stderr


def test_amendments_of_a_draft_are_an_error(workspace, cli):
    ws = workspace(files(renja_b=DRAFT + "amendments:\n  - {title: X, on: 2023-05-01}\n"))
    run = cli(ws, "check", "--as-of", "2023-01-01")
    assert run.exit_code == 1 and "agreements/renja-b.yaml: amendments: a draft is changed" in run.stderr


def test_adendum_draft_in_domain_form(workspace, cli):
    ws = workspace(files(renja_a=AMENDED + "  - title: Perubahan penanggung jawab\n"))
    run = cli(ws, "build", "renja-a", "--json")
    assert run.exit_code == 0, run.stderr
    assert sorted(run.json()["built"]) == [
        "outputs/agreements/renja-a-adendum-1.docx",
        "outputs/agreements/renja-a-adendum-2.docx",
        "outputs/agreements/renja-a.docx",
    ]
    text = text_of(ws / "outputs/agreements/renja-a-adendum-1.docx")
    for expected in (
        "ADENDUM PERTAMA\nRENCANA KERJA\nANTARA\nOMBUDSMAN RI PERWAKILAN NTT\nDAN\nBIRO ORGANISASI",
        "NOMOR: 09/KB/PW24/XII/2022",
        "Pada hari ini, Kamis, tanggal lima belas, bulan Desember, tahun dua ribu dua puluh dua (15-12-2022)",
        "bahwa PARA PIHAK telah menandatangani Rencana Kerja Nomor 01/RK/PW24/II/2022 dan Nomor "
        "119/BO/II/2022 tanggal 8 Februari 2022 tentang Perbaikan Pelayanan Publik;",
        # the title cites the agreement by both numbers
        "TENTANG\nPERUBAHAN ATAS RENCANA KERJA NOMOR 01/RK/PW24/II/2022 DAN NOMOR 119/BO/II/2022 "
        "TENTANG PERBAIKAN PELAYANAN PUBLIK",
        # each change names its Pasal and ayat and restates it, numbered as there are two
        "Beberapa ketentuan dalam Rencana Kerja diubah sebagai berikut:\n"
        "1.\tKetentuan Pasal 3 ayat (1) diubah sehingga berbunyi sebagai berikut:\n"
        "(1)\tKegiatan, keluaran, batas waktu, dan penanggung jawab pelaksanaan Rencana Kerja ini "
        "adalah sebagai berikut:",
        "2.\tKetentuan Pasal 6 ayat (1) diubah sehingga berbunyi sebagai berikut:\n"
        "(1)\tRencana Kerja ini berlaku sejak tanggal ditandatangani oleh PARA PIHAK sampai dengan "
        "tanggal 30 Juni 2023.",
        "Pasal 1\nPERUBAHAN",
        "Pasal 2\nKETENTUAN LAIN",
        "Pasal 3\nPENUTUP",
        "Rapat koordinasi triwulan III",
        "31 Mei 2023",
        "Laporan evaluasi",
        "bermeterai cukup",
    ):
        assert expected in text, expected
    assert "addendum" not in text.casefold().replace("adendum", "")
    # no internal id in a signed document: the work items are numbered as in the agreement
    assert not re.search(r"\bW\d", text), re.findall(r".*\bW\d.*", text)
    draft = text_of(ws / "outputs/agreements/renja-a-adendum-2.docx")
    assert "ADENDUM KEDUA" in draft and "NOMOR: ...." in draft
    assert "PERUBAHAN KEDUA ATAS RENCANA KERJA NOMOR 01/RK/PW24/II/2022 DAN NOMOR" in draft
    # a later adendum cites the earlier ones by both numbers
    assert (
        "sebagaimana telah diubah dengan Adendum Pertama Nomor 09/KB/PW24/XII/2022 dan Nomor "
        "............. tanggal 15 Desember 2022"
    ) in draft
    again = cli(ws, "build", "renja-a", "--json").json()
    assert again["built"] == [] and len(again["unchanged"]) == 3


def test_adendum_serial_commas_and_the_subject_mid_sentence(workspace, cli):
    """EYD V's serial comma ("bulan, dan tahun"; "batas waktu, dan penanggung jawab"); the
    amendment's title continues a sentence in lower case, but an acronym stays as typed."""
    ws = workspace(files(renja_a=AMENDED + "  - title: SPBE ditambahkan sebagai kegiatan\n"))
    assert cli(ws, "build", "renja-a").exit_code == 0
    first = " ".join(text_of(ws / "outputs/agreements/renja-a-adendum-1.docx").split())
    assert (
        "ditandatangani oleh PARA PIHAK pada hari, tanggal, bulan, dan tahun sebagaimana "
        "tersebut pada awal Adendum ini."
    ) in first
    assert "bulan dan tahun" not in first
    assert (
        "Kegiatan, keluaran, batas waktu, dan penanggung jawab pelaksanaan Rencana Kerja ini "
        "adalah sebagai berikut:"
    ) in first
    assert (
        "sepakat melakukan perubahan atas Rencana Kerja tersebut mengenai perpanjangan "
        "jangka waktu dan tambahan keluaran."
    ) in first
    second = " ".join(text_of(ws / "outputs/agreements/renja-a-adendum-2.docx").split())
    assert "tersebut mengenai SPBE ditambahkan sebagai kegiatan." in second
    assert "sPBE" not in second


def test_check_validates_the_adendum_template(workspace, cli):
    ws = workspace(files())
    from docx import Document as Doc

    from docgen.render.templates import defaults_dir

    doc = Doc(str(defaults_dir() / "adendum.docx"))
    doc.add_paragraph("{{ adendum.nomor_salah }}")
    doc.save(str(ws / "templates" / "adendum.docx"))
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1 and "templates/adendum.docx" in run.stderr


# --- extend ---------------------------------------------------------------------------------


def test_extend_writes_an_adendum_entry(workspace, cli):
    ws = workspace(files())
    path = ws / "agreements" / "renja-a.yaml"
    run = cli(ws, "agreement", "extend", "renja-a", "--to", "2023-06-30", "--on", "2022-12-15")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "01/KB/PW24/XII/2022"
    assert path.read_text(encoding="utf-8") == RENJA + (
        "amendments:\n"
        "  - number: 01/KB/PW24/XII/2022\n"
        "    on: 2022-12-15\n"
        "    title: Perpanjangan jangka waktu sampai dengan tanggal 30 Juni 2023\n"
        "    ends_on: 2023-06-30\n"
    )
    rows = {r["id"]: r for r in cli(ws, "agreement", "list", "--as-of", "2023-01-10", "--json").json()}
    assert (rows["renja-a"]["status"], rows["renja-a"]["ends_on"]) == ("active", "2023-06-30")
    # a second extension appends a second adendum
    assert (
        cli(
            ws,
            "agreement",
            "extend",
            "renja-a",
            "--to",
            "2023-12-31",
            "--on",
            "2023-06-01",
            "--number-second",
            "B/77/2023",
        ).exit_code
        == 0
    )
    text = path.read_text(encoding="utf-8")
    assert "    number_second: B/77/2023\n" in text and text.count("  - number: ") == 2
    assert [r["for"] for r in tracker_rows(ws, "numbers")] == [
        "Adendum 1 Rencana Kerja Perbaikan Pelayanan Publik",
        "Adendum 2 Rencana Kerja Perbaikan Pelayanan Publik",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--to", "2022-12-01", "--on", "2022-11-01"],
            "--to: 2022-12-01 does not extend the term, which ends on 2022-12-31",
        ),
        (
            ["--to", "2023-06-30", "--on", "2023-01-05"],
            "--on: 2023-01-05 is after the term ended (2022-12-31); an ended agreement is renewed",
        ),
        (["--to", "2023-06-30", "--on", "2022-01-05"], "--on: 2022-01-05 is before the agreement was signed"),
    ],
)
def test_extend_refusals_change_nothing(workspace, cli, args, message):
    ws = workspace(files())
    before = (ws / "agreements" / "renja-a.yaml").read_bytes()
    run = cli(ws, "agreement", "extend", "renja-a", *args)
    assert run.exit_code == 1 and run.stderr.startswith(message), run.stderr
    assert (ws / "agreements" / "renja-a.yaml").read_bytes() == before
    assert not (ws / "tracker.json").exists()


def test_a_terminated_agreement_cannot_be_extended(workspace, cli):
    ws = workspace(files())
    cli(ws, "agreement", "terminate", "renja-a", "--on", "2022-09-01", "--reason", "x")
    run = cli(ws, "agreement", "extend", "renja-a", "--to", "2023-06-30", "--on", "2022-10-01")
    assert run.exit_code == 1 and "terminated on 2022-09-01" in run.stderr
    assert "amendments" not in (ws / "agreements" / "renja-a.yaml").read_text(encoding="utf-8")
    assert [r["kind"] for r in tracker_rows(ws, "numbers")] == []


# --- renew ----------------------------------------------------------------------------------


def test_renew_scaffolds_a_valid_draft_listed_beside_the_expiring_one(workspace, cli):
    ws = workspace(files(renja_a=RENJA.replace("Publik\n", "Publik Tahun 2022\n", 1)))
    run = cli(ws, "agreement", "renew", "renja-a", "renja-2023")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "created agreements/renja-2023.yaml"
    text = (ws / "agreements" / "renja-2023.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Renewal of renja-a (signed 2022-02-08)")
    assert "id: renja-2023\n" in text and "renews: renja-a\n" in text
    assert "title: Rencana Kerja Perbaikan Pelayanan Publik Tahun 2023\n" in text
    assert "signed_on" not in text and "ends_on: 2023-12-31\n" in text
    assert "due: 2023-03-31" in text and "due: 2023-06-30" in text
    report = cli(ws, "monitor", "--as-of", "2022-11-01", "--json").json()
    assert report["expiring"][0]["id"] == "renja-a"
    assert report["expiring"][0]["renewed_by"] == [{"id": "renja-2023", "status": "draft"}]
    table = cli(ws, "monitor", "--as-of", "2022-11-01").stdout
    assert "renja-2023 (draft)" in table
    assert cli(ws, "check", "--as-of", "2022-11-01").exit_code == 0


def test_renew_refusals(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    for args, message in (
        (["renja-a", "mou-a"], "mou-a: agreements/mou-a.yaml already exists"),
        (["renja-a", "Bad Id"], "'Bad Id': not a valid id"),
        (["renja-b", "renja-c"], "renja-b: a draft (not signed)"),
        (["nope", "renja-c"], "nope: no such agreement"),
    ):
        run = cli(ws, "agreement", "renew", *args)
        assert run.exit_code == 1 and run.stderr.startswith(message), (args, run.stderr)
    assert not (ws / "agreements" / "renja-c.yaml").exists()


def test_renews_must_name_an_agreement(workspace, cli):
    ws = workspace(files(renja_b=DRAFT.replace("parent: mou-a\n", "parent: mou-a\nrenews: ghost\n")))
    run = cli(ws, "check", "--as-of", "2023-01-01")
    assert run.exit_code == 1
    assert "agreements/renja-b.yaml: renews: no agreement 'ghost'" in run.stderr


def test_yaml_1_1_booleans_stay_text(workspace, cli):
    ws = workspace(files(renja_a=RENJA.replace("evidence: notulen", "evidence: no")))
    run = cli(ws, "agreement", "show", "renja-a", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["deliverables"][0]["evidence"] == "no"


def test_as_amended_is_pure_and_ordered():
    import yaml

    from docgen.agreements import _TextDatesLoader
    from docgen.domain.amendments import as_amended
    from docgen.models import Agreement

    data = yaml.load(AMENDED, Loader=_TextDatesLoader)
    a = Agreement.model_validate(data)
    assert as_amended(a, date(2022, 12, 14)) is a
    amended = as_amended(a, date(2022, 12, 15))
    assert amended.end_date == date(2023, 6, 30) and a.end_date == date(2022, 12, 31)
    assert [wi.id for wi in amended.work_items] == ["W1", "W2"]
    assert amended.deliverable("W1-D1").evidence == "notulen"  # unchanged fields stay
