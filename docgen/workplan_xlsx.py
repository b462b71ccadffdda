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

The sheet read is the first visible one (hidden sheets are never read unless named with
`--sheet`); a chart sheet, a sheet whose part is missing from the file, control
characters in a cell, and a workbook beyond the limits below are one clear error. The
limits bound the time and memory any workbook costs (a few seconds) and the size of the
file written: LIMITS.
"""

from __future__ import annotations

import calendar
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict
from xml.etree import ElementTree

from docgen.errors import InputError, NotFoundError
from docgen.i18n import _
from docgen.indonesian import BULAN, parse_date, valid_date
from docgen.results import _text
from docgen.usertext import problem

HEADER_SEARCH_ROWS = 30
# What a work-plan matrix may hold: far above any real one, low enough that any workbook
# is read in seconds and the agreement file written stays small.
MAX_FILE_BYTES = 20 << 20  # the .xlsx itself
MAX_XML_BYTES = 4 << 20  # all its XML parts, uncompressed (what openpyxl parses)
MAX_MERGED_CELLS = 100_000  # the cells of every merged range together (openpyxl makes each one)
MAX_ROWS = 2_000  # rows of the table below its header
MAX_COLUMNS = 64  # columns where the header is looked for
MAX_CELL_CHARS = 2_000  # one cell's text
MAX_TEXT_CHARS = 500_000  # the text of the whole table (bounds the file written)
LIMITS = (
    f"at most {MAX_FILE_BYTES >> 20} MB of file and {MAX_XML_BYTES >> 20} MB of XML, "
    f"{MAX_MERGED_CELLS:,} merged cells, {MAX_ROWS:,} rows below the header, the header "
    f"within the first {MAX_COLUMNS} columns, {MAX_CELL_CHARS:,} characters per cell and "
    f"{MAX_TEXT_CHARS:,} in all"
)
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]*)\"")
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


class PlannedDeliverable(TypedDict):
    title: str
    due: date
    evidence: str | None
    row: int  # of the sheet


class PlannedWork(TypedDict):
    """A work item of the matrix: its title, who is responsible (None: the matrix does not
    say, an error), the row it starts on, its deliverables."""

    title: str
    responsible: str | None
    row: int
    deliverables: list[PlannedDeliverable]


@dataclass
class WorkPlan:
    """The work items read, in order."""

    work_items: list[PlannedWork] = field(default_factory=list)
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
        raise ValueError(_("{text!r} is not a date").format(text=_text(value)))
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
            raise ValueError(
                _("{text!r}: there is no {group} {group2}").format(
                    text=text, group=match.group(1), group2=match.group(2)
                )
            )
        month = part * months
        return date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError(
        _("{text!r} is not a date (write it like 31 Maret 2022, 31-03-2022 or 2022-03-31)").format(text=text)
    )


def _date(year: int, month: int, day: int, text: str) -> date:
    return valid_date(year, month, day, shown=text)


_FIRST = re.compile(r"(?:pihak )?(?:pertama|kesatu|i|1)")
_SECOND = re.compile(r"(?:pihak )?(?:kedua|ii|2)")
_BOTH = ("para pihak", "kedua belah pihak", "bersama", "semua pihak", "pihak pertama dan pihak kedua")
_PARTS = re.compile(r"\s*(?:[/&,;+()]|\bdan\b|\band\b)\s*", re.IGNORECASE)


def parse_responsible(value: Any, first_names: list[str], second_names: list[str]) -> str:
    """first, second or both from PIHAK PERTAMA / PIHAK KEDUA / PARA PIHAK or a party's
    name. Each part ("X dan Y", "X / Y", "X (Y)") must be a role word or a party's whole
    name: a word that merely occurs in a name ("Dinas", "Provinsi") names no party."""
    text = _norm(value)
    if not text:
        raise ValueError("empty")
    if text in _BOTH:
        return "both"
    first = second = False
    roles = "pihak" in text.split()  # "Pihak I / II": a bare numeral continues the role words
    for raw in _PARTS.split(str(value)):
        part = _norm(raw)
        if not part:
            continue
        if part in _BOTH:
            first = second = True
        elif (part.startswith("pihak ") or roles) and _FIRST.fullmatch(part):
            first = True
        elif (part.startswith("pihak ") or roles) and _SECOND.fullmatch(part):
            second = True
        elif part in first_names:
            first = True
        elif part in second_names:
            second = True
        else:
            raise ValueError(
                _(
                    "{text!r} names neither party (write PIHAK PERTAMA, PIHAK KEDUA or PARA"
                    " PIHAK, or a party's full name)"
                ).format(text=_text(value))
            )
    if first and second:
        return "both"
    if first:
        return "first"
    if second:
        return "second"
    raise ValueError(
        _("{text!r} names neither party (write PIHAK PERTAMA, PIHAK KEDUA or PARA PIHAK)").format(
            text=_text(value)
        )
    )


def read_work_plan(
    path: Path, label: str, first_names: list[str], second_names: list[str], sheet: str | None = None
) -> WorkPlan:
    """The work items of the matrix in `path` (its first visible sheet, or `sheet`);
    `*_names` are the parties' names (folded)."""
    if not path.exists():
        raise NotFoundError(_("{label}: no such file").format(label=label))
    if not path.is_file():
        raise InputError(_("{label}: not a file").format(label=label))
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(
            _("{label}: not an Excel workbook (.xlsx); save the matrix as .xlsx").format(label=label)
        )
    title = _inspect(path, label, sheet)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)  # not read-only: merged cells are needed
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, ElementTree.ParseError) as exc:
        raise InputError(
            _("{label}: not a readable .xlsx workbook ({exc})").format(label=label, exc=exc)
        ) from exc
    try:
        if title not in workbook.sheetnames:
            raise InputError(
                _("{label}: the sheet {sheet!r} cannot be read").format(label=label, sheet=title)
            )
        return _read(
            workbook[title], label, [_norm(n) for n in first_names], [_norm(n) for n in second_names]
        )
    finally:
        workbook.close()


def _inspect(path: Path, label: str, wanted: str | None) -> str:
    """Before openpyxl reads a byte: the workbook is within the limits, its sheets' parts
    are all there, and the sheet to read (named, else the first visible) is a worksheet.
    Returns that sheet's name."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(
            _("{label}: too large for a work-plan matrix ({limits})").format(label=label, limits=LIMITS)
        )
    try:
        with zipfile.ZipFile(path) as zf:
            parts = _xml_parts(zf, label)
    except zipfile.BadZipFile as exc:
        raise InputError(
            _("{label}: not a readable .xlsx workbook ({exc})").format(label=label, exc=exc)
        ) from exc
    sheets = _sheets(parts, label)
    for name, _state, kind, part in sheets:
        if part not in parts:
            raise InputError(
                _(
                    "{label}: the sheet {sheet!r} is missing from the file (no part {part}); "
                    "the workbook is damaged: open it in Excel and save it again"
                ).format(label=label, sheet=name, part=part)
            )
        if kind == "worksheet":
            _check_merges(parts[part], label, name)
    if wanted is not None:
        found = next((s for s in sheets if s[0] == wanted), None)
        if found is None:
            raise InputError(
                _("--sheet: {label} has no sheet {sheet!r} (its sheets: {names})").format(
                    label=label, sheet=wanted, names=", ".join(s[0] for s in sheets)
                )
            )
    else:
        found = next((s for s in sheets if s[1] == "visible"), None)
        if found is None:
            raise InputError(
                _("{label}: no visible sheet; name the one to read with --sheet").format(label=label)
            )
    if found[2] != "worksheet":
        raise InputError(
            _(
                "{label}: the sheet {sheet!r} is a chart, not a table; name the sheet holding "
                "the matrix with --sheet"
            ).format(label=label, sheet=found[0])
        )
    return found[0]


def _xml_parts(zf: zipfile.ZipFile, label: str) -> dict[str, bytes]:
    """Every XML part of the package (read with a budget: a size the zip declares may lie)."""
    parts: dict[str, bytes] = {}
    budget = MAX_XML_BYTES
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as fh:
            data = fh.read(budget + 1)
        budget -= len(data)
        if budget < 0:
            raise InputError(
                _("{label}: too large for a work-plan matrix ({limits})").format(label=label, limits=LIMITS)
            )
        parts[info.filename] = data
    return parts


def _sheets(parts: dict[str, bytes], label: str) -> list[tuple[str, str, str, str]]:
    """(name, state, "worksheet"/"chartsheet"/..., part) of each sheet, in workbook order."""
    try:
        package = ElementTree.fromstring(parts["_rels/.rels"])
        book = next(
            r.get("Target", "").lstrip("/")
            for r in package.iter(f"{_NS_PKG}Relationship")
            if r.get("Type", "").endswith("/officeDocument")
        )
        folder = posixpath.dirname(book)
        rels_part = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
        targets = {
            r.get("Id"): (r.get("Type", "").rsplit("/", 1)[-1], r.get("Target", ""))
            for r in ElementTree.fromstring(parts[rels_part]).iter(f"{_NS_PKG}Relationship")
        }
        found = []
        for sheet in ElementTree.fromstring(parts[book]).iter(f"{_NS_MAIN}sheet"):
            kind, target = targets[sheet.get(f"{_NS_REL}id")]
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found.append((sheet.get("name", ""), sheet.get("state", "visible"), kind, part))
    except (KeyError, StopIteration, ElementTree.ParseError) as exc:
        raise InputError(
            _("{label}: not a readable .xlsx workbook (no valid workbook part: {exc})").format(
                label=label, exc=exc
            )
        ) from exc
    if not found:
        raise InputError(_("{label}: not a readable .xlsx workbook (it has no sheet)").format(label=label))
    return found


def _check_merges(xml: bytes, label: str, sheet: str) -> None:
    from openpyxl.utils.cell import range_boundaries

    cells = 0
    for match in _MERGE.finditer(xml):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode("ascii"))
        except (ValueError, TypeError, UnicodeDecodeError):
            continue  # openpyxl reports it
        cells += ((max_row or min_row or 1) - (min_row or 1) + 1) * (
            (max_col or min_col or 1) - (min_col or 1) + 1
        )
        if cells > MAX_MERGED_CELLS:
            raise InputError(
                _(
                    "{label}: sheet {sheet!r}: its merged cells cover more than {count:,} cells ({limits})"
                ).format(label=label, sheet=sheet, count=MAX_MERGED_CELLS, limits=LIMITS)
            )


def _read(sheet: Any, label: str, first_names: list[str], second_names: list[str]) -> WorkPlan:
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in sheet.merged_cells.ranges:  # at most MAX_MERGED_CELLS cells (_inspect)
        box = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        for r in range(rng.min_row, min(rng.max_row, HEADER_SEARCH_ROWS + MAX_ROWS + 1) + 1):
            for c in range(rng.min_col, min(rng.max_col, MAX_COLUMNS) + 1):
                merged[(r, c)] = box

    def value(r: int, c: int) -> Any:
        box = merged.get((r, c))
        return sheet.cell(box[0], box[1]).value if box else sheet.cell(r, c).value

    header_row, columns = _find_header(sheet, value, label)
    plan = WorkPlan()
    rows: list[Row] = []
    previous: Item | None = None
    total = 0
    for r in range(header_row + 1, sheet.max_row + 1):
        cells = {key: value(r, c) for key, c in columns.items()}
        texts = {key: _text(v) for key, v in cells.items()}
        if not any(texts.values()):
            if rows or plan.errors or r - header_row >= MAX_ROWS:
                break  # the table ends at its first empty row
            continue
        if r - header_row > MAX_ROWS:
            raise InputError(
                _("{label}: the table goes on below row {row} ({limits})").format(
                    label=label, row=header_row + MAX_ROWS, limits=LIMITS
                )
            )
        total += sum(len(t) for t in texts.values())
        bad = _bad_cell(r, cells, texts, total)
        if bad is not None:
            plan.errors.append(bad)
            if total > MAX_TEXT_CHARS:
                break
            continue
        if all(re.fullmatch(r"\(?\d+\)?", t) for t in texts.values() if t):
            continue  # the row of column numbers under the header
        boxes = {merged.get((r, c)) for c in columns.values()}
        if len(boxes) == 1 and None not in boxes:
            continue  # a heading merged across the whole table
        item = _work_item(r, texts, columns, merged, previous)
        if item is None:
            plan.errors.append(
                _("row {r}: {work_item}: empty, and no work item above it").format(
                    r=r, work_item=LABELS["work_item"]
                )
            )
            continue
        previous = item
        row = _row(r, cells, texts, item, first_names, second_names, plan.errors)
        if row is not None:
            rows.append(row)
    if not rows and not plan.errors:
        raise InputError(
            _("{label}: no rows below the header (row {header_row})").format(
                label=label, header_row=header_row
            )
        )
    plan.work_items = _group(rows, plan.errors)
    plan.errors = [f"{label}: {e}" for e in plan.errors]
    return plan


def _bad_cell(r: int, cells: Mapping[str, object], texts: dict[str, str], total: int) -> str | None:
    """Why row `r` cannot be imported as text: a control character, a cell too long, the
    table's text over its limit; None when it can."""
    if total > MAX_TEXT_CHARS:
        return _("row {row}: the table holds more than {count:,} characters of text ({limits})").format(
            row=r, count=MAX_TEXT_CHARS, limits=LIMITS
        )
    for key, raw in cells.items():
        if isinstance(raw, str) and (message := problem(raw)):
            return f"row {r}: {LABELS[key]}: {message}"
        if len(texts[key]) > MAX_CELL_CHARS:
            return _("row {row}: {column}: {count:,} characters; a cell holds at most {limit:,}").format(
                row=r, column=LABELS[key], count=len(texts[key]), limit=MAX_CELL_CHARS
            )
    return None


def _find_header(sheet: Any, value: Any, label: str) -> tuple[int, dict[str, int]]:
    for r in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1):
        columns: dict[str, int] = {}
        for c in range(1, min(sheet.max_column, MAX_COLUMNS) + 1):
            key = _field_of(value(r, c))
            if key is not None and key not in columns:
                columns[key] = c
        if {"work_item", "deliverable", "due"} <= set(columns):
            missing = [LABELS[k] for k in REQUIRED if k not in columns]
            if missing:
                raise InputError(
                    _("{label}: row {r}: no {items} column (the header names {items2})").format(
                        label=label,
                        r=r,
                        items=" or ".join(missing),
                        items2=", ".join(LABELS[k] for k in columns),
                    )
                )
            return r, columns
    raise InputError(
        _(
            "{label}: no header row with the columns Kegiatan, Keluaran, Batas "
            "Waktu and Penanggung Jawab in the first {header_search_rows} rows"
        ).format(label=label, header_search_rows=HEADER_SEARCH_ROWS)
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
    cells: Mapping[str, object],
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
            errors.append(
                _("{where}: {deliverable}: empty, but a Batas Waktu is given").format(
                    where=where, deliverable=LABELS["deliverable"]
                )
            )
            return None
        return row  # a work item without deliverables (yet)
    try:
        row.due = parse_due(cells.get("due"))
    except ValueError as exc:
        errors.append(f"{where}: {LABELS['due']}: {exc}")
        return None
    return row


def _group(rows: list[Row], errors: list[str]) -> list[PlannedWork]:
    items: dict[tuple[Any, ...], PlannedWork] = {}
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
                    _(
                        "row {row}: {responsible}: {responsible2}, but the work item of row "
                        "{row2} is {responsible3}: one responsible party per work item"
                    ).format(
                        row=row.row,
                        responsible=LABELS["responsible"],
                        responsible2=row.responsible,
                        row2=item["row"],
                        responsible3=item["responsible"],
                    )
                )
        if row.deliverable is not None and row.due is not None:  # (_row gives a deliverable its date)
            item["deliverables"].append(
                {"title": row.deliverable, "due": row.due, "evidence": row.evidence, "row": row.row}
            )
    for item in items.values():
        if item["responsible"] is None:
            errors.append(
                _("row {row}: {responsible}: empty for the work item {title!r}").format(
                    row=item["row"], responsible=LABELS["responsible"], title=item["title"]
                )
            )
    return list(items.values())
