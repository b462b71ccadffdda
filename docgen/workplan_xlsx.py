"""Read a work-plan matrix (matriks rencana kerja) as offices keep it in Excel.

The first sheet holds a table with a header row (found within the first 30 rows, a
title above it is fine) naming the columns in any of their usual spellings:

| field | headers recognised (any case, "/" or spaces between words) |
|---|---|
| work item (required) | Kegiatan, Program/Kegiatan, Uraian Kegiatan, Rencana Kegiatan, Nama Kegiatan |
| deliverable (required) | Keluaran, Output, Keluaran/Output, Hasil, Target, Sasaran |
| due (required) | Batas Waktu, Waktu, Waktu Pelaksanaan, Jadwal, Target Waktu, Tenggat, Tanggal |
| responsible (required) | Penanggung Jawab, PJ, Pelaksana, Pihak |
| evidence | Bukti, Bukti Dukung, Data Dukung, Dokumen Bukti, Bukti Pelaksanaan |
| No | No, No., Nomor (read, not used: docgen numbers the items W1, W1-D1, ...) |

- A work item spanning several rows is a merged cell (or its text repeated, or left
  blank below it): each row below it is one more deliverable of that work item.
- Dates are Excel dates or text: `2022-03-31`, `31-03-2022`, `31/03/2022`, `31 Maret
  2022`, `31 Mar 2022`; a month alone (`Maret 2022`) is its last day, a quarter or half
  (`Triwulan I 2022`, `TW II 2022`, `Semester I 2022`) its last day too.
- Penanggung jawab: PIHAK PERTAMA / PIHAK KEDUA / PARA PIHAK (also "Pihak I / II",
  "bersama"), or the name of a party.
- A row of column numbers under the header ("(1) (2) (3)") and a heading row merged
  across the table are skipped; the table ends at the first empty row.

Every row that cannot be read is an error naming the row as the spreadsheet shows it.
"""

from __future__ import annotations

import calendar
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from docgen.errors import InputError, NotFoundError
from docgen.indonesian import BULAN, parse_date
from docgen.results import _text

HEADER_SEARCH_ROWS = 30
FIELDS: dict[str, tuple[str, ...]] = {
    "work_item": (
        "kegiatan",
        "program kegiatan",
        "uraian kegiatan",
        "rencana kegiatan",
        "nama kegiatan",
        "program",
    ),
    "deliverable": (
        "keluaran",
        "output",
        "keluaran output",
        "output keluaran",
        "hasil",
        "hasil keluaran",
        "target",
        "sasaran",
        "target keluaran",
    ),
    "due": (
        "batas waktu",
        "waktu",
        "waktu pelaksanaan",
        "jadwal",
        "jadwal pelaksanaan",
        "target waktu",
        "tenggat",
        "tenggat waktu",
        "tanggal",
        "tanggal target",
    ),
    "responsible": (
        "penanggung jawab",
        "penanggungjawab",
        "pj",
        "pelaksana",
        "pihak",
        "penanggung jawab pelaksana",
    ),
    "evidence": (
        "bukti",
        "bukti dukung",
        "data dukung",
        "dokumen bukti",
        "bukti pelaksanaan",
        "dokumen pendukung",
        "evidence",
    ),
    "no": ("no", "nomor", "no urut"),
}
REQUIRED = ("work_item", "deliverable", "due", "responsible")
LABELS = {
    "work_item": "Kegiatan",
    "deliverable": "Keluaran",
    "due": "Batas Waktu",
    "responsible": "Penanggung Jawab",
    "evidence": "Bukti",
    "no": "No",
}

_MONTHS = {name.casefold(): i for i, name in enumerate(BULAN, 1)}
_MONTHS.update(
    {
        "jan": 1,
        "feb": 2,
        "peb": 2,
        "pebruari": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "agu": 8,
        "agt": 8,
        "ags": 8,
        "agus": 8,
        "sep": 9,
        "sept": 9,
        "okt": 10,
        "nov": 11,
        "nop": 11,
        "nopember": 11,
        "des": 12,
    }
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


@dataclass
class Row:
    row: int
    work_item: str
    work_item_key: tuple[Any, ...]
    responsible: str | None
    deliverable: str | None = None
    due: date | None = None
    evidence: str | None = None


@dataclass
class WorkPlan:
    """The work items read, in order: each {title, responsible, deliverables: [...]}."""

    work_items: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _norm(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value or "").casefold()).split())


def _field_of(header: Any) -> str | None:
    name = _norm(header)
    if not name:
        return None
    for key, aliases in FIELDS.items():
        if name in aliases:
            return key
    for key, aliases in FIELDS.items():  # "Batas Waktu Pelaksanaan", "Keluaran (Output)"
        if any(name.startswith(alias + " ") for alias in aliases if len(alias) > 3):
            return key
    return None


def parse_due(value: Any) -> date:
    """A due date from a cell: an Excel date, or Indonesian/ISO text (see the module doc)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel date serial left as a number
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError(f"{_text(value)!r} is not a date")
    text = _text(value)
    if not text:
        raise ValueError("empty")
    folded = text.casefold().replace(",", " ").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", folded):
        return parse_date(folded)  # ISO: valid, or a precise "day is out of range"
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", folded)
    if match:
        day, month, year = map(int, match.groups())
        return _date(year, month, day, text)
    match = re.fullmatch(r"(?:tanggal\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", folded)
    if match and match.group(2) in _MONTHS:
        return _date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)), text)
    match = re.fullmatch(r"(?:akhir\s+|bulan\s+)?([a-z]+)\.?\s+(\d{4})", folded)
    if match and match.group(1) in _MONTHS:
        year, month = int(match.group(2)), _MONTHS[match.group(1)]
        return date(year, month, calendar.monthrange(year, month)[1])
    match = re.fullmatch(
        r"(triwulan|tw|kuartal|semester|smt)\s+(iv|iii|ii|i|[1-4])\s+(?:tahun\s+)?(\d{4})", folded
    )
    if match:
        kind, part, year = match.group(1), _ROMAN[match.group(2)], int(match.group(3))
        months = 6 if kind in ("semester", "smt") else 3
        if part * months > 12:
            raise ValueError(f"{text!r}: there is no {match.group(1)} {match.group(2)}")
        month = part * months
        return date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError(f"{text!r} is not a date (write it like 31 Maret 2022, 31-03-2022 or 2022-03-31)")


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


def parse_responsible(value: Any, first_names: list[str], second_names: list[str]) -> str:
    """first, second or both from PIHAK PERTAMA / PIHAK KEDUA / PARA PIHAK or a party's name."""
    text = _norm(value)
    if not text:
        raise ValueError("empty")
    if "para pihak" in text or "kedua belah pihak" in text or text in ("bersama", "semua pihak"):
        return "both"
    first = bool(re.search(r"\bpihak (pertama|i|1)\b", text))
    second = bool(re.search(r"\bpihak (kedua|ii|2)\b", text))
    if not (first or second):
        first = any(n and (n in text or text in n) for n in first_names)
        second = any(n and (n in text or text in n) for n in second_names)
    if first and second:
        return "both"
    if first:
        return "first"
    if second:
        return "second"
    raise ValueError(f"{_text(value)!r} names neither party (write PIHAK PERTAMA, PIHAK KEDUA or PARA PIHAK)")


def read_work_plan(path: Path, label: str, first_names: list[str], second_names: list[str]) -> WorkPlan:
    """The work items of the matrix in `path`; `*_names` are the parties' names (folded)."""
    if not path.exists():
        raise NotFoundError(f"{label}: no such file")
    if not path.is_file():
        raise InputError(f"{label}: not a file")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{label}: not an Excel workbook (.xlsx); save the matrix as .xlsx")
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)  # not read-only: merged cells are needed
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{label}: not a readable .xlsx workbook ({exc})") from exc
    try:
        return _read(
            workbook.worksheets[0], label, [_norm(n) for n in first_names], [_norm(n) for n in second_names]
        )
    finally:
        workbook.close()


def _read(sheet: Any, label: str, first_names: list[str], second_names: list[str]) -> WorkPlan:
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in sheet.merged_cells.ranges:
        box = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = box

    def value(r: int, c: int) -> Any:
        box = merged.get((r, c))
        return sheet.cell(box[0], box[1]).value if box else sheet.cell(r, c).value

    header_row, columns = _find_header(sheet, value, label)
    plan = WorkPlan()
    rows: list[Row] = []
    previous: Item | None = None
    for r in range(header_row + 1, sheet.max_row + 1):
        cells = {key: value(r, c) for key, c in columns.items()}
        texts = {key: _text(v) for key, v in cells.items()}
        if not any(texts.values()):
            if rows or plan.errors:
                break  # the table ends at its first empty row
            continue
        if all(re.fullmatch(r"\(?\d+\)?", t) for t in texts.values() if t):
            continue  # the row of column numbers under the header
        boxes = {merged.get((r, c)) for c in columns.values()}
        if len(boxes) == 1 and None not in boxes:
            continue  # a heading merged across the whole table
        item = _work_item(r, texts, columns, merged, previous)
        if item is None:
            plan.errors.append(f"row {r}: {LABELS['work_item']}: empty, and no work item above it")
            continue
        previous = item
        row = _row(r, cells, texts, item, first_names, second_names, plan.errors)
        if row is not None:
            rows.append(row)
    if not rows and not plan.errors:
        raise InputError(f"{label}: no rows below the header (row {header_row})")
    plan.work_items = _group(rows, plan.errors)
    plan.errors = [f"{label}: {e}" for e in plan.errors]
    return plan


def _find_header(sheet: Any, value: Any, label: str) -> tuple[int, dict[str, int]]:
    for r in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        columns: dict[str, int] = {}
        for c in range(1, sheet.max_column + 1):
            key = _field_of(value(r, c))
            if key is not None and key not in columns:
                columns[key] = c
        if {"work_item", "deliverable", "due"} <= set(columns):
            missing = [LABELS[k] for k in REQUIRED if k not in columns]
            if missing:
                raise InputError(
                    f"{label}: row {r}: no {' or '.join(missing)} column "
                    f"(the header names {', '.join(LABELS[k] for k in columns)})"
                )
            return r, columns
    raise InputError(
        f"{label}: no header row with the columns Kegiatan, Keluaran, Batas Waktu "
        f"and Penanggung Jawab in the first {HEADER_SEARCH_ROWS} rows"
    )


Item = tuple[str, tuple[Any, ...]]  # a work item's title and what identifies it


def _work_item(
    r: int,
    texts: dict[str, str],
    columns: dict[str, int],
    merged: dict[tuple[int, int], tuple[int, int, int, int]],
    previous: Item | None,
) -> Item | None:
    """The work item of row `r`: a merged cell's, the row's own text (the same text as the
    row above: the same work item), or, left blank, the one above."""
    title = texts.get("work_item", "")
    box = merged.get((r, columns["work_item"]))
    if box is not None:
        return title, ("merged", box)
    if title:
        if previous is not None and previous[0] == title and previous[1][0] == "text":
            return previous
        return title, ("text", r)
    return previous


def _row(
    r: int,
    cells: dict[str, Any],
    texts: dict[str, str],
    item: Item,
    first_names: list[str],
    second_names: list[str],
    errors: list[str],
) -> Row | None:
    where = f"row {r}"
    title, key = item
    responsible = None
    if texts.get("responsible"):
        try:
            responsible = parse_responsible(cells["responsible"], first_names, second_names)
        except ValueError as exc:
            errors.append(f"{where}: {LABELS['responsible']}: {exc}")
            return None
    row = Row(
        r, title, key, responsible, texts.get("deliverable") or None, evidence=texts.get("evidence") or None
    )
    if row.deliverable is None:
        if texts.get("due"):
            errors.append(f"{where}: {LABELS['deliverable']}: empty, but a Batas Waktu is given")
            return None
        return row  # a work item without deliverables (yet)
    try:
        row.due = parse_due(cells.get("due"))
    except ValueError as exc:
        errors.append(f"{where}: {LABELS['due']}: {exc}")
        return None
    return row


def _group(rows: list[Row], errors: list[str]) -> list[dict[str, Any]]:
    items: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        item = items.setdefault(
            row.work_item_key,
            {"title": row.work_item, "responsible": None, "row": row.row, "deliverables": []},
        )
        if row.responsible is not None:
            if item["responsible"] is None:
                item["responsible"] = row.responsible
            elif item["responsible"] != row.responsible:
                errors.append(
                    f"row {row.row}: {LABELS['responsible']}: {row.responsible}, but the "
                    f"work item of row {item['row']} is {item['responsible']}: one "
                    "responsible party per work item"
                )
        if row.deliverable is not None:
            item["deliverables"].append(
                {"title": row.deliverable, "due": row.due, "evidence": row.evidence, "row": row.row}
            )
    for item in items.values():
        if item["responsible"] is None:
            errors.append(
                f"row {item['row']}: {LABELS['responsible']}: empty for the work item {item['title']!r}"
            )
    return list(items.values())
