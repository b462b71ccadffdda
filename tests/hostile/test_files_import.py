"""`agreement import` against workbooks built to hurt: a merge over the whole sheet, a
small file that would write a huge agreement, too many rows, an XML bomb, a chart sheet,
a missing sheet part, hidden sheets, control characters, a party named by half a word.
Each is one clear line (exit 1) within seconds, and nothing is written."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from tests.hostile.conftest import MOU, assert_clean_failure
from tests.test_import import ROWS, matrix

SHEET = "xl/worksheets/sheet1.xml"


def _patched(path: Path, part: str, change) -> Path:
    """`path` with one part of its package rewritten by `change(bytes) -> bytes | None`
    (None: the part is left out)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            dst.writestr(info.filename, data)
    path.write_bytes(buffer.getvalue())
    return path


def _import(cli, example, source: Path, *extra: str):
    started = time.monotonic()
    run = cli(example, "agreement", "import", str(source), "--id", "baru-2023", "--parent", MOU, *extra)
    return run, time.monotonic() - started


def _refused(cli, example, source: Path, *extra: str) -> str:
    run, seconds = _import(cli, example, source, *extra)
    lines = assert_clean_failure(run)
    assert not (example / "agreements" / "baru-2023.yaml").exists()
    assert seconds < 30, f"{seconds:.1f} s"  # the bound is 10 s; CI machines are slow
    return "\n".join(lines)


def test_one_merge_over_the_whole_sheet(example, cli, tmp_path):
    source = matrix(tmp_path / "merge.xlsx", ROWS)
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    _patched(source, SHEET, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merge))
    assert source.stat().st_size < 20_000
    assert "merged cells cover more than 100,000 cells" in _refused(cli, example, source)


def _shared_strings(path: Path) -> Path:
    """`path` with its inline strings moved to a shared-strings part, as Excel saves them:
    a text repeated in many cells is stored once."""
    strings: dict[bytes, int] = {}

    def share(xml: bytes) -> bytes:
        def one(match: re.Match[bytes]) -> bytes:
            index = strings.setdefault(match.group(2), len(strings))
            return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), index)

        return re.sub(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', one, xml)

    _patched(path, SHEET, share)
    items = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    table = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items)
    )
    kind = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    _patched(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % kind
        ),
    )
    rel = (
        b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    _patched(path, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"</Relationships>", rel))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings.xml", table)
    return path


def test_a_small_workbook_that_would_write_a_huge_file(example, cli, tmp_path):
    # One long text, stored once (shared strings), in every row: a small .xlsx.
    long = "Laporan pelaksanaan kegiatan " * 60  # 1,740 characters: within one cell's limit
    rows = [(i, f"Kegiatan {i}", long, "31 Maret 2023", "PIHAK KEDUA", long) for i in range(1, 1900)]
    source = _shared_strings(matrix(tmp_path / "besar.xlsx", rows))
    assert source.stat().st_size < 150_000
    assert "more than 500,000 characters of text" in _refused(cli, example, source)


def test_a_cell_too_long(example, cli, tmp_path):
    rows = [(1, "Rapat", "x" * 30_000, "31 Maret 2023", "PIHAK KEDUA", None)]
    source = matrix(tmp_path / "panjang.xlsx", rows)
    assert "row 5: Keluaran: 30,000 characters; a cell holds at most 2,000" in _refused(cli, example, source)


def test_too_many_rows(example, cli, tmp_path):
    rows = [(i, f"Kegiatan {i}", "Rapat", "31 Maret 2023", "PIHAK KEDUA", None) for i in range(1, 2100)]
    source = matrix(tmp_path / "baris.xlsx", rows)
    assert "the table goes on below row" in _refused(cli, example, source)


def test_an_xml_bomb(example, cli, tmp_path):
    source = matrix(tmp_path / "bom.xlsx", ROWS)
    padding = b"<!--" + b" " * (6 << 20) + b"-->"
    _patched(source, SHEET, lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"))
    assert source.stat().st_size < 100_000
    assert "too large for a work-plan matrix" in _refused(cli, example, source)


def test_a_missing_sheet_part(example, cli, tmp_path):
    source = _patched(matrix(tmp_path / "rusak.xlsx", ROWS), SHEET, lambda xml: None)
    text = _refused(cli, example, source)
    assert "is missing from the file (no part xl/worksheets/sheet1.xml)" in text


def _book(path: Path, *, chart_first: bool = False, hidden_first: bool = False) -> Path:
    book = Workbook()
    visible = book.active
    visible.title = "Matriks"
    for row in [
        ["No", "Kegiatan", "Keluaran", "Batas Waktu", "Penanggung Jawab"],
        [1, "Rapat koordinasi", "Rapat triwulan I", "31 Maret 2023", "PARA PIHAK"],
    ]:
        visible.append(row)
    if hidden_first:
        hidden = book.create_sheet("Catatan", 0)
        hidden.sheet_state = "hidden"
        hidden.append(["No", "Kegiatan", "Keluaran", "Batas Waktu", "Penanggung Jawab"])
        hidden.append([1, "Rahasia", "Draf internal", "31 Maret 2023", "PIHAK PERTAMA"])
    if chart_first:
        chart = BarChart()
        chart.add_data(Reference(visible, min_col=1, min_row=1, max_row=2))
        book.create_chartsheet("Grafik", 0).add_chart(chart)
    book.save(path)
    return path


def test_a_chart_sheet_is_a_clear_error(example, cli, tmp_path):
    source = _book(tmp_path / "grafik.xlsx", chart_first=True)
    assert "the sheet 'Grafik' is a chart, not a table" in _refused(cli, example, source)
    assert "is a chart" in _refused(cli, example, source, "--sheet", "Grafik")
    run, _seconds = _import(cli, example, source, "--sheet", "Matriks")
    assert run.exit_code == 0, run.stderr


def test_hidden_sheets_are_read_only_when_named(example, cli, tmp_path):
    source = _book(tmp_path / "tersembunyi.xlsx", hidden_first=True)
    run, _seconds = _import(cli, example, source)
    assert run.exit_code == 0, run.stderr
    text = (example / "agreements" / "baru-2023.yaml").read_text(encoding="utf-8")
    assert "Rapat koordinasi" in text and "Rahasia" not in text
    (example / "agreements" / "baru-2023.yaml").unlink()
    run, _seconds = _import(cli, example, source, "--sheet", "Catatan")
    assert run.exit_code == 0, run.stderr
    assert "Rahasia" in (example / "agreements" / "baru-2023.yaml").read_text(encoding="utf-8")
    (example / "agreements" / "baru-2023.yaml").unlink()
    missing = _refused(cli, example, source, "--sheet", "Lain")
    assert "no sheet 'Lain' (its sheets: Catatan, Matriks)" in missing


def test_control_characters_are_refused(example, cli, tmp_path):
    rows = [(1, "Rapat TOKEN", "Rapat triwulan I", "31 Maret 2023", "PARA PIHAK", None)]
    source = matrix(tmp_path / "kontrol.xlsx", rows)
    # XML 1.0 admits C1 controls and a carriage return as character references: CSI
    # (U+009B) starts a terminal escape sequence.
    _patched(source, SHEET, lambda xml: xml.replace(b"Rapat TOKEN", b"Rapat &#x9B;31m merah"))
    assert "row 5: Kegiatan: contains U+009B (a control character)" in _refused(cli, example, source)
    _patched(source, SHEET, lambda xml: xml.replace(b"Rapat &#x9B;31m merah", b"Rapat&#13;baris"))
    assert "row 5: Kegiatan: contains U+000D (carriage return)" in _refused(cli, example, source)


@pytest.mark.parametrize("value", ["Pemerintah", "Provinsi", "Nusa", "Ombud", "I", "pertama"])
def test_a_party_is_named_by_its_full_name_or_role_word(example, cli, tmp_path, value):
    rows = [(1, "Rapat", "Rapat triwulan I", "31 Maret 2023", value, None)]
    source = matrix(tmp_path / "pihak.xlsx", rows)
    assert "names neither party" in _refused(cli, example, source)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Pemerintah Provinsi Nusa Tenggara Timur", "second"),
        ("PIHAK PERTAMA (Ombudsman)", "first"),
        ("Pihak I / II", "both"),
    ],
)
def test_full_names_and_role_words_still_work(example, cli, tmp_path, value, expected):
    rows = [(1, "Rapat", "Rapat triwulan I", "31 Maret 2023", value, None)]
    source = matrix(tmp_path / "pihak.xlsx", rows)
    run, _seconds = _import(cli, example, source)
    assert run.exit_code == 0, run.stderr
    text = (example / "agreements" / "baru-2023.yaml").read_text(encoding="utf-8")
    assert f"responsible: {expected}" in text
