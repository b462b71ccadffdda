"""One definition per kind of tracker record (docgen/records.py): the shape check is derived
from it, and a key typo in a reader or a writer is a mypy error."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from docgen.records import ALL, HISTORY, LETTERS
from docgen.state.records import record_problem, shapes

ROOT = Path(__file__).resolve().parents[1]


def test_every_table_is_checked_from_its_typeddict():
    derived = shapes()
    assert set(derived) == {t.name for t in (*ALL, HISTORY)}
    letters = {name: required for name, required, _ in derived[LETTERS.name]}
    assert [n for n, required in letters.items() if required] == [
        "number", "agreement", "party", "on", "items", "seq", "year", "file",
    ]  # fmt: skip
    assert letters["cites"] is False  # optional, and typed str | list[str] (docgen 0.1)


def test_the_check_refuses_what_the_type_refuses():
    good = {"deliverable": "W1-D1", "on": "2022-03-01", "status": "done"}
    assert record_problem("history", good) is None
    assert record_problem("history", {**good, "on": "2022-02-30"}) == (
        "on: '2022-02-30' is not a date YYYY-MM-DD"
    )
    assert record_problem("history", {"on": "2022-03-01", "status": None}) == "deliverable: missing"
    assert record_problem("history", {**good, "note": 3}) == "note: 3 is not text"
    assert record_problem("history", {**good, "evidence": [{"file": "x"}]}) == (
        "evidence: [{'file': 'x'}] is not a list of evidence files"
    )


TYPO = """
from docgen.records import LETTERS, LetterRecord
from docgen.state.base import Session


def reader(session: Session) -> list[str]:
    return [letter["nubmer"] for letter in session.records(LETTERS)]


def writer(session: Session) -> None:
    letter: LetterRecord = {
        "number": "B/1", "agreement": "a", "party": "second", "on": "2022-07-01",
        "items": [], "seq": 1, "year": 2022, "fiel": "x.docx",
    }
    session.insert(LETTERS, [letter])
"""


def planted_mypy(tmp_path: Path, source: str, **modules: str) -> subprocess.CompletedProcess[str]:
    """mypy, as CI runs it, on a module `source` planted beside the package (and on each
    of `modules`, planted as NAME.py)."""
    paths = []
    for name, text in {"planted": source, **modules}.items():
        (tmp_path / f"{name}.py").write_text(text)
        paths.append(str(tmp_path / f"{name}.py"))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy"),
         "--config-file", str(ROOT / "pyproject.toml"), *paths],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def with_typo(module: str, right: str, wrong: str) -> str:
    """The source of docgen/`module` with `right`, found once, written `wrong`."""
    source = (ROOT / "docgen" / module).read_text(encoding="utf-8")
    assert source.count(right) == 1, f"{module}: {right!r} is not there once"
    return source.replace(right, wrong)


def test_a_key_typo_in_a_reader_or_a_writer_is_a_mypy_error(tmp_path):
    xlsx = "render/report_xlsx.py"
    result = planted_mypy(
        tmp_path,
        TYPO,
        # readers of documents/, render/ and domain/ as they are written, with one key mistyped
        letter=with_typo("documents/letter.py", "tanggal(r['on'])", "tanggal(r['onn'])"),
        report_xlsx=with_typo(xlsx, 'lambda r: r["title"], 60)', 'lambda r: r["titel"], 60)'),
        sheet_rows=with_typo(
            xlsx,
            '_sheet(workbook, "Terlambat", OVERDUE, report["overdue"])',
            '_sheet(workbook, "Terlambat", OVERDUE, report["expiring"])',
        ),
        monitor=with_typo("domain/monitor.py", 'info.get("name")', 'info.get("nmae")'),
    )
    errors = result.stdout
    assert result.returncode == 1, errors
    assert 'TypedDict "LetterRecord" has no key "nubmer"' in errors
    assert '"fiel"' in errors and 'Missing key "file"' in errors
    assert re.search(r'/letter\.py:\d+: error: TypedDict "LetterRecord" has no key "onn"', errors)
    assert re.search(r'/report_xlsx\.py:\d+: error: TypedDict "AgreementRow" has no key "titel"', errors)
    # a sheet's columns read its own kind of row
    assert re.search(r'/sheet_rows\.py:\d+: error: Argument 3 to "_sheet"', errors)
    # .get() of a key a TypedDict lacks is an object: an error where a text is wanted
    assert re.search(r'/monitor\.py:\d+: error: Incompatible types \(expression has type "object"', errors)
