"""Broken result sheets and PDFs, names in decomposed Unicode or named like Windows devices,
docxtpl's own escapes in values."""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from pathlib import Path

from docx import Document
from openpyxl import Workbook

from tests.hostile.conftest import MOU, assert_clean_failure, state_of

ISSUE = ("certificate", "issue", "--signed-on", "2023-01-05", "--year", "2022", "--json")


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _without(data: bytes, member: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
    return buffer.getvalue()


def test_malformed_workbooks_are_not_readable(example, cli):
    good = _xlsx([["instansi", "nilai"], ["Dinas A", 90]])
    cases = {
        "missing-sheet.xlsx": _without(good, "xl/worksheets/sheet1.xml"),
        "no-workbook.xlsx": _without(good, "xl/workbook.xml"),
        "not-zip.xlsx": b"PK\x03\x04 this is not a zip",
        "empty.xlsx": b"",
        "text.xlsx": b"instansi,nilai\nDinas A,90\n",
    }
    before = state_of(example)
    for name, data in cases.items():
        (example / "results" / name).write_bytes(data)
        lines = assert_clean_failure(cli(example, *ISSUE[:2], f"results/{name}", *ISSUE[2:]))
        assert lines[0].startswith(f"results/{name}: not a readable .xlsx workbook ("), lines
    assert state_of(example) == before


def test_control_characters_in_a_sheet_are_row_errors(example, cli):
    (example / "results" / "k.csv").write_text(
        "instansi,nilai\nDinas\x1b[2J A,90\nDinas B,91\n", encoding="utf-8"
    )
    run = cli(example, *ISSUE[:2], "results/k.csv", *ISSUE[2:])
    assert run.exit_code == 1
    report = run.json()
    assert [e["row"] for e in report["errors"]] == [2]
    assert report["errors"][0]["error"].startswith("instansi: contains U+001B (escape)")
    assert [i["recipient"] for i in report["issued"]] == ["Dinas B"]


def _certificate(example: Path, cli) -> Path:
    (example / "results" / "k.csv").write_text("instansi,nilai\nDinas A,90\n", encoding="utf-8")
    assert cli(example, *ISSUE[:2], "results/k.csv", *ISSUE[2:]).exit_code == 0
    return next((example / "outputs" / "certificates" / "2022").glob("0001-*.pdf"))


SELF_REFERENCING = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj
4 0 obj << /Keywords 5 0 R >> endobj
5 0 obj 5 0 R endobj
trailer << /Root 1 0 R /Info 4 0 R >>
%%EOF
"""


def test_malformed_pdfs_are_not_readable_in_one_line(example, cli, tmp_path):
    genuine = _certificate(example, cli).read_bytes()
    cases = {
        "self.pdf": SELF_REFERENCING,
        "header.pdf": b"garbage\n" + genuine,
        "truncated.pdf": genuine[: len(genuine) // 2],
        "empty.pdf": b"",
        "loop.pdf": SELF_REFERENCING.replace(b"/Pages 2 0 R", b"/Pages 1 0 R"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        run = cli(example, "certificate", "verify", str(tmp_path / name))
        lines = assert_clean_failure(run)
        assert all(line.startswith(str(tmp_path / name)) for line in lines), lines
        assert "invalid pdf header" not in run.stderr.lower()


def test_nfd_names_are_composed_before_the_font_check(example, cli):
    decomposed = unicodedata.normalize("NFD", "Dinas Pendidikan dan Kebudayaan Kota Kupang Ré")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    (example / "results" / "nfd.csv").write_text(f"instansi,nilai\n{decomposed},90\n", encoding="utf-8")
    run = cli(example, *ISSUE[:2], "results/nfd.csv", *ISSUE[2:])
    assert run.exit_code == 0, run.stderr
    assert run.json()["issued"][0]["recipient"] == unicodedata.normalize("NFC", decomposed)


def test_device_names_never_become_file_names(example, cli):
    for stem in ("con", "nul", "aux", "prn", "com1", "lpt1"):
        (example / "results" / f"{stem}.csv").write_text(
            f"instansi,nilai\nDinas {stem},90\n", encoding="utf-8"
        )
        run = cli(example, *ISSUE[:2], f"results/{stem}.csv", *ISSUE[2:])
        assert run.exit_code == 0, run.stderr
        assert run.json()["combined"] == f"outputs/certificates/2022/print/{stem}-file.pdf"
    (example / "results" / "x.csv").write_text("instansi,nilai\nCON,90\nnul,91\n", encoding="utf-8")
    run = cli(example, *ISSUE[:2], "results/x.csv", *ISSUE[2:])
    assert run.exit_code == 0, run.stderr
    for entry in run.json()["issued"]:
        stem = Path(entry["file"]).name.split(".")[0].lower()
        assert stem not in {"con", "nul"}


def test_docxtpl_escapes_in_values_print_as_typed(example, cli):
    title = "Kesepakatan {_{ agreement.id }_} {_% if x %_} {{ nyata }} {% raw %}"
    path = example / "agreements" / f"{MOU}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(f"title: '{title}'" if line.startswith("title:") else line for line in lines) + "\n",
        encoding="utf-8",
    )
    run = cli(example, "build", MOU)
    assert run.exit_code == 0, run.stderr
    document = Document(example / "outputs" / "agreements" / f"{MOU}.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert title in text, text[:500]


def test_json_of_failures_is_still_json(example, cli):
    (example / "results" / "bad.csv").write_text("instansi,nilai\n,90\nDinas A,abc\n", encoding="utf-8")
    run = cli(example, *ISSUE[:2], "results/bad.csv", *ISSUE[2:])
    assert run.exit_code == 1
    assert [e["row"] for e in json.loads(run.stdout)["errors"]] == [2, 3]
