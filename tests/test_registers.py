"""Issue 23: numbers that live with the office's real registers: formats per kind of
document, registers that are not the workspace's own (given numbers only), numbers
recorded from the agenda book, and the own sequences continuing after them."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

from docgen.config import Config
from docgen.domain.numbering import format_number, parse_number, read_number
from tests.conftest import REPO

RESULTS = "results/kepatuhan-2022-kota-kupang.csv"


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs + section.first_page_header.paragraphs]
    return "\n".join(texts)


def numbers(cli, ws, *args) -> list[dict]:
    run = cli(ws, "number", "list", "--json", *args)
    assert run.exit_code == 0, run.stderr
    return run.json()


def draft(ws: Path, new_id: str, source: str = "ntt-renja-2022") -> None:
    """A draft made from an example agreement: no signing date, no numbers."""
    text = (ws / "agreements" / f"{source}.yaml").read_text(encoding="utf-8")
    lines = [
        line
        for line in text.splitlines()
        if not line.startswith(("signed_on:", "numbers:")) and not line.startswith("id:")
    ]
    (ws / "agreements" / f"{new_id}.yaml").write_text(
        f"id: {new_id}\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )


# --- formats and reading a sequence back ------------------------------------------------------


def test_formats_per_document_fall_back_to_agreement():
    config = Config.model_validate(
        {
            "office": {"name": "O", "unit_code": "PW24", "city": "K", "head": {"name": "H", "title": "T"}},
            "numbering": {"renja": "{seq:02d}/RK/{unit_code}/{month_roman}/{year}"},
        }
    )
    on = date(2022, 2, 8)
    assert format_number(config, "agreement", 3, on, document="renja") == "03/RK/PW24/II/2022"
    assert format_number(config, "agreement", 3, on, document="pks") == "03/KB/PW24/II/2022"
    assert format_number(config, "agreement", 3, on, document="adendum") == "03/KB/PW24/II/2022"
    assert read_number(config, "agreement", "07/RK/PW24/V/2022").seq == 7
    assert read_number(config, "agreement", "08/KB/PW24/V/2022").seq == 8
    assert read_number(config, "agreement", "HK.130/45/XII/2021") is None


@pytest.mark.parametrize(
    ("fmt", "number", "seq", "year"),
    [
        ("B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}", "B/045/PW24/KM.01/III/2022", 45, 2022),
        ("{seq:04d}/PHG/{month_roman}/{year}", "0002/PHG/II/2023", 2, 2023),
        ("{seq}/{unit_code}/{year}-{month:02d}", "1234/PW24/2022-03", 1234, 2022),
        ("B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}", "B/045/PW10/KM.01/III/2022", None, None),
        ("B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}", "B/045/PW24/KM.01/XIII/2022", None, None),
    ],
)
def test_parse_number(fmt, number, seq, year):
    parsed = parse_number(fmt, number, "PW24")
    assert (parsed.seq, parsed.year) == (seq, year) if seq is not None else parsed is None


# --- the agenda book -----------------------------------------------------------------------


def test_import_an_agenda_book_and_continue_after_it(cli, example):
    book = example / "buku-agenda-2022.xlsx"
    wb = Workbook()
    sheet = wb.active
    sheet.append(["BUKU AGENDA SURAT KELUAR 2022"])
    sheet.append(["No", "Nomor", "Tanggal", "Perihal"])
    sheet.append([1, "B/044/PW24/KM.01/III/2022", date(2022, 3, 10), "Undangan rapat koordinasi"])
    sheet.append([2, "B/045/PW24/KM.01/III/2022", "14/03/2022", "Laporan triwulan"])
    sheet.append([3, "SRIKANDI-2022-0007", "2022-03-15", "Nota dinas (e-office)"])
    wb.save(book)
    run = cli(example, "number", "import", str(book), "--kind", "letter", "--json")
    assert run.exit_code == 0, run.stderr
    assert [r["number"] for r in run.json()] == [
        "B/044/PW24/KM.01/III/2022",
        "B/045/PW24/KM.01/III/2022",
        "SRIKANDI-2022-0007",
    ]
    assert "SRIKANDI-2022-0007: does not have the format [numbering]" in run.stderr
    listed = {r["number"]: r for r in numbers(cli, example)}
    assert listed["B/045/PW24/KM.01/III/2022"]["source"] == "recorded"
    assert listed["B/045/PW24/KM.01/III/2022"]["register"] is None
    assert listed["B/045/PW24/KM.01/III/2022"]["seq"] == 45
    assert listed["SRIKANDI-2022-0007"]["seq"] is None
    # the next letter of 2022 continues after the book: never a number it already holds
    nxt = cli(example, "number", "next", "letter", "--on", "2022-04-04", "--json")
    assert nxt.json()["number"] == "B/046/PW24/KM.01/IV/2022"
    assert numbers(cli, example, "--kind", "letter")[-1]["source"] == "allocated"
    # 2023 has a sequence of its own
    assert cli(example, "number", "next", "letter", "--on", "2023-01-02").stdout.strip() == (
        "B/001/PW24/KM.01/I/2023"
    )
    # a letter followup continues too (its file named by the sequence)
    letters = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json")
    assert [r["number"] for r in letters.json()] == ["B/047/PW24/KM.01/VII/2022"]
    assert "B/047/PW24/KM.01/VII/2022" in docx_text(example / letters.json()[0]["file"])


def test_a_wrong_row_records_nothing(cli, example):
    (example / "agenda.csv").write_text(
        "number;date;subject\n"
        "B/001/PW24/KM.01/I/2022;2022-01-05;a\n"
        "B/002/PW24/KM.01/I/2022;31/02/2022;b\n"
        "B/001/PW24/KM.01/I/2022;2022-01-07;c\n"
        ";2022-01-08;d\n",
        encoding="utf-8",
    )
    run = cli(example, "number", "import", "agenda.csv", "--kind", "letter")
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert lines[0].startswith("agenda.csv: row 3: Tanggal:")
    assert lines[1] == "agenda.csv: row 4: B/001/PW24/KM.01/I/2022 is in row 2 too"
    assert lines[2] == "agenda.csv: row 5: Nomor: empty"
    assert numbers(cli, example) == []


def test_a_number_is_recorded_once(cli, example):
    first = cli(
        example,
        "number",
        "record",
        "letter",
        "B/045/PW24/KM.01/III/2022",
        "--on",
        "2022-03-14",
        "--for",
        "Laporan",
    )
    assert first.exit_code == 0, first.stderr
    again = cli(
        example, "number", "record", "letter", "B/045/PW24/KM.01/III/2022", "--on", "2022-03-14", "--for", "x"
    )
    assert again.exit_code == 1
    assert "B/045/PW24/KM.01/III/2022: already in the registry" in again.stderr
    (example / "agenda.csv").write_text("Nomor,Tanggal,Hal\nB/045/PW24/KM.01/III/2022,2022-03-14,y\n")
    book = cli(example, "number", "import", "agenda.csv", "--kind", "letter")
    assert (
        book.exit_code == 1 and "row 2: B/045/PW24/KM.01/III/2022 is already in the registry" in book.stderr
    )
    # an allocation never gives a number the registry holds, whatever its sequence says
    assert cli(example, "number", "next", "letter", "--on", "2022-03-20").stdout.strip() == (
        "B/046/PW24/KM.01/III/2022"
    )
    unknown = cli(
        example,
        "number",
        "record",
        "letter",
        "X/1",
        "--on",
        "2022-03-14",
        "--for",
        "x",
        "--register",
        "daerah",
    )
    assert unknown.exit_code == 1 and "no [registers.daerah]" in unknown.stderr


# --- registers that are not the workspace's own -----------------------------------------------


def test_the_ketuas_piagam_are_numbered_in_pusat_from_the_nomor_column(cli, example):
    sheet = example / RESULTS
    args = (
        "certificate",
        "issue",
        str(sheet),
        "--year",
        "2022",
        "--min-grade",
        "B",
        "--signed-on",
        "2023-02-16",
    )
    run = cli(example, *args, "--json")
    assert run.exit_code == 0, run.stderr
    issued = run.json()["issued"]
    assert [e["number"] for e in issued] == [f"000{i}/PHG/II/2023" for i in range(1, 6)]
    listed = numbers(cli, example)
    assert {(r["register"], r["source"]) for r in listed} == {("pusat", "recorded")}
    # no number of the workspace's own was taken
    assert cli(example, "number", "next", "certificate", "--on", "2023-02-16", "--dry-run").stdout.startswith(
        "0001/PHG/PW24/II/2023"
    )
    # without the column: refused, row by row, nothing taken
    (example / "results" / "tanpa-nomor-2022.csv").write_text("instansi,nilai\nDinas Baru Kota Kupang,95\n")
    refused = cli(
        example,
        "certificate",
        "issue",
        str(example / "results/tanpa-nomor-2022.csv"),
        "--signed-on",
        "2023-02-16",
    )
    assert refused.exit_code == 1
    assert "row 2: nomor: empty" in refused.stderr and "pusat register" in refused.stderr
    assert len(numbers(cli, example)) == 5
    # a number not in the register's format: issued, with a warning naming the format
    (example / "results" / "lain-2022.csv").write_text(
        "instansi,nilai,nomor\nDinas Baru Kota Kupang,95,PHG-77\n"
    )
    odd = cli(
        example, "certificate", "issue", str(example / "results/lain-2022.csv"), "--signed-on", "2023-02-16"
    )
    assert odd.exit_code == 0, odd.stderr
    assert "PHG-77: does not have the format [registers.pusat] gives" in odd.stderr
    assert "{seq:04d}/PHG/{month_roman}/{year}" in odd.stderr


def test_an_mou_signed_for_pusat_needs_its_number(cli, example):
    draft(example, "ntt-mou-2026", "ntt-mou-2021")
    refused = cli(example, "agreement", "sign", "ntt-mou-2026", "--on", "2026-01-05")
    assert refused.exit_code == 1
    assert "ntt-mou-2026: numbered in the pusat register" in refused.stderr and "--number" in refused.stderr
    assert numbers(cli, example) == []
    run = cli(
        example, "agreement", "sign", "ntt-mou-2026", "--on", "2026-01-05", "--number", "02/ORI-MOU/I/2026"
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "02/ORI-MOU/I/2026"
    assert "numbers: {first: 02/ORI-MOU/I/2026}" in (example / "agreements/ntt-mou-2026.yaml").read_text()
    (record,) = numbers(cli, example)
    assert (record["register"], record["source"], record["kind"]) == ("pusat", "recorded", "agreement")


def test_a_renja_signs_with_its_own_code_and_a_given_number_is_recorded(cli, example):
    draft(example, "ntt-renja-2022-b")
    signed = cli(example, "agreement", "sign", "ntt-renja-2022-b", "--on", "2022-01-10")
    assert signed.stdout.strip() == "01/RK/PW24/I/2022"
    draft(example, "ntt-renja-2022-c")
    given = cli(
        example,
        "agreement",
        "sign",
        "ntt-renja-2022-c",
        "--on",
        "2022-02-06",
        "--number",
        "05/RK/PW24/II/2022",
    )
    assert given.stdout.strip() == "05/RK/PW24/II/2022"
    listed = {r["number"]: r for r in numbers(cli, example)}
    assert listed["05/RK/PW24/II/2022"]["source"] == "recorded" and listed["05/RK/PW24/II/2022"]["seq"] == 5
    assert cli(example, "number", "next", "agreement", "--on", "2022-03-01", "--dry-run").stdout.startswith(
        "06/KB/PW24/III/2022"
    )


def test_a_letter_the_ketua_signs_needs_its_number(cli, example):
    args = ("letter", "followup", "ntt-renja-2022", "--as-of", "2022-07-01", "--signatory", "ketua")
    refused = cli(example, *args)
    assert refused.exit_code == 1 and "pusat register" in refused.stderr
    run = cli(example, *args, "--number", "B-12/PUSAT/VII/2022", "--json")
    assert run.exit_code == 0, run.stderr
    (row,) = run.json()
    assert row["number"] == "B-12/PUSAT/VII/2022"
    assert "B-12/PUSAT/VII/2022" in docx_text(example / row["file"])
    (record,) = numbers(cli, example)
    assert (record["register"], record["source"]) == ("pusat", "recorded")


def test_tracker_copy_carries_register_and_source(cli, example, tmp_path):
    cli(
        example,
        "number",
        "record",
        "letter",
        "X-1/PUSAT",
        "--on",
        "2022-03-14",
        "--for",
        "x",
        "--register",
        "pusat",
    )
    cli(example, "number", "next", "letter", "--on", "2022-03-15")
    target = tmp_path / "copy" / "tracker.json"
    target.parent.mkdir()
    run = cli(example, "tracker", "copy", "--to", str(target))
    assert run.exit_code == 0, run.stderr
    from docgen.state.file import FileTracker

    with FileTracker(Path(), path=target).read() as session:
        rows = {r["number"]: r for r in session._raw_rows("numbers")}
    assert (rows["X-1/PUSAT"]["register"], rows["X-1/PUSAT"]["source"]) == ("pusat", "recorded")
    assert (rows["B/001/PW24/KM.01/III/2022"]["register"], rows["B/001/PW24/KM.01/III/2022"]["source"]) == (
        None,
        "allocated",
    )


def test_a_schema_1_registry_is_moved_out_of_tracker_json(cli, example):
    old = {
        "numbers": {
            "1": {
                "kind": "letter",
                "number": "B/007/PW24/KM.01/III/2022",
                "seq": 7,
                "year": 2022,
                "on": "2022-03-01",
                "for": "x",
                "void": False,
            }
        },
        "_meta": {"1": {"schema": 1, "docgen": "0.1.0"}},
    }
    (example / "tracker.json").write_text(json.dumps(old), encoding="utf-8")
    assert [r["number"] for r in numbers(cli, example)] == ["B/007/PW24/KM.01/III/2022"]
    nxt = cli(example, "number", "next", "letter", "--on", "2022-03-02")
    assert nxt.stdout.strip() == "B/008/PW24/KM.01/III/2022"
    data = json.loads((example / "tracker.json").read_text(encoding="utf-8"))
    assert "numbers" not in data and data["_meta"]["1"]["schema"] == 2
    assert [r["number"] for r in numbers(cli, example)] == [
        "B/007/PW24/KM.01/III/2022",
        "B/008/PW24/KM.01/III/2022",
    ]


# --- one agreement is signed once --------------------------------------------------------------


def test_concurrent_signs_of_one_draft_give_one_number(backend, tmp_path):
    """Three `agreement sign` runs on one draft at once: one number, the others refused
    naming it (the file is read again under the tracker's lock)."""
    import os
    import shutil

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(REPO / "docgen.toml", ws / "docgen.toml")
    for sub in ("agreements", "templates"):
        shutil.copytree(REPO / sub, ws / sub)
    draft(ws, "ntt-renja-2022-b")
    env = {**os.environ, **backend.env, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "en"}
    argv = [sys.executable, "-m", "docgen", "--workspace", str(ws), "agreement", "sign", "ntt-renja-2022-b"]
    procs = [
        subprocess.Popen(
            [*argv, "--on", "2022-02-06"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    signed = [out.strip() for code, out, _err in results if code == 0]
    assert len(signed) == 1, results
    number = signed[0]
    refusals = [err for code, _out, err in results if code != 0]
    assert len(refusals) == 2 and all(number in err for err in refusals), refusals
    from docgen.app.numbers import list_numbers
    from docgen.workspace import find_workspace

    assert [r["number"] for r in list_numbers(find_workspace(ws))] == [number]
    assert f"first: {number}" in (ws / "agreements/ntt-renja-2022-b.yaml").read_text(encoding="utf-8")
