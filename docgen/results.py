"""Read a compliance-assessment result sheet (.csv or .xlsx) into rows to grade.

Columns, found by name in any case: `instansi` (the recipient) and `nilai` (the score,
0–100) are required; `unit` and `predikat` are optional; others are ignored. Rows are
numbered as a spreadsheet shows them: the header is row 1 (or the row where the header
is found, when a title sits above it).

A problem with the file itself (missing, unreadable, no header) raises InputError; a
problem with one row is kept as a RowError so the good rows can still be issued.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from docgen.errors import InputError
from docgen.i18n import _
from docgen.safepath import read_regular
from docgen.usertext import problem

MAX_FILE_BYTES = 50 << 20  # a sheet of ten thousand rows is about 1 MB
MAX_ROWS = 100_000
MAX_NAME = 500  # characters of a recipient's name (the longest agency: ~150)
REQUIRED = ("instansi", "nilai")
OPTIONAL = ("unit", "predikat", "nomor")  # nomor: a number given by another register
HEADER_SEARCH_ROWS = 10  # a title or a blank line may sit above the header
_SCORE_RE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ResultRow:
    row: int
    recipient: str
    score: Decimal  # rounded to two decimals, 0..100
    unit: str = ""
    predikat: str = ""
    nomor: str = ""  # the certificate's number, when it is given (docs/numbering.md)


@dataclass(frozen=True)
class RowError:
    row: int
    error: str


@dataclass
class Results:
    path: Path
    label: str  # how messages name the file
    rows: list[ResultRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_results(path: Path, label: str | None = None, *, scored: bool = True) -> Results:
    """Rows and per-row errors of a .csv or .xlsx result sheet; `scored=False`: a list of
    recipients of a piagam not tied to a score (no nilai column; the rows' score is 0)."""
    label = label or path.name
    table = sheet_rows(path, label)
    return _parse(table, path, label, strict_width=path.suffix.lower() == ".csv", scored=scored)


def sheet_rows(path: Path, label: str) -> list[tuple[int, list[Any]]]:
    """(row as a spreadsheet numbers it, cells) of a .csv or .xlsx file (its first sheet),
    any columns: an agenda book for `number import`, or a result sheet."""
    try:
        if not path.is_file():
            raise InputError(
                _("{label}: no such file").format(label=label)
                if not path.exists()
                else _("{label}: not a file").format(label=label)
            )
    except OSError as exc:  # a name too long, a folder docgen may not enter
        raise InputError(
            _("{label}: cannot read: {reason}").format(label=label, reason=exc.strerror or exc)
        ) from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path, label)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, label)
    if suffix in (".xls", ".ods", ".numbers"):
        raise InputError(
            _(
                "{label}: {suffix} files cannot be read; save the sheet as .xlsx or as CSV UTF-8 (.csv)"
            ).format(label=label, suffix=suffix)
        )
    raise InputError(
        _("{label}: unknown file type {suffix}; give a .csv or .xlsx file").format(
            label=label, suffix=suffix or "(none)"
        )
    )


def _csv_rows(path: Path, label: str) -> list[tuple[int, list[Any]]]:
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise InputError(
            _("{label}: cannot read: {reason}").format(label=label, reason=exc.strerror or exc)
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            _(
                '{label}: line {line}: not UTF-8 text; in Excel save it as "CSV UTF-8 (Comma delimited)"'
            ).format(label=label, line=line)
        ) from exc
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is a spreadsheet row even when a quoted cell spans several lines.
        return [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputError(
            _("{label}: row {line_num}: {exc}").format(label=label, line_num=reader.line_num, exc=exc)
        ) from exc


def _delimiter(text: str) -> str:
    """`;` (Excel in an Indonesian locale, where the comma is the decimal mark) or `,`:
    whichever splits a header line into the required columns."""
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    for line in lines:
        for delimiter in (";", ",", "\t"):
            cells = {_header(c) for c in next(csv.reader([line], delimiter=delimiter), [])}
            if set(REQUIRED) <= cells:
                return delimiter
    sample = "\n".join(lines)
    return ";" if sample.count(";") > sample.count(",") else ","


def _xlsx_rows(path: Path, label: str) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(
                _("{label}: too large for a result sheet (at most {max_file_bytes:,} bytes)").format(
                    label=label, max_file_bytes=MAX_FILE_BYTES
                )
            )
        workbook = load_workbook(path, read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a broken file
        raise InputError(
            _("{label}: not a readable .xlsx workbook ({reason})").format(label=label, reason=_reason(exc))
        ) from exc
    try:
        if not workbook.worksheets:
            raise InputError(
                _("{label}: not a readable .xlsx workbook (it holds no sheet)").format(label=label)
            )
        sheet = workbook.worksheets[0]
        # values_only rows come one per sheet row from row 1, blank rows included.
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                raise InputError(
                    _("{label}: more than {max_rows:,} rows; split the sheet").format(
                        label=label, max_rows=MAX_ROWS
                    )
                )
            rows.append((number, list(cells)))
        return rows
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet part missing or malformed
        raise InputError(
            _("{label}: not a readable .xlsx workbook ({reason})").format(label=label, reason=_reason(exc))
        ) from exc
    finally:
        workbook.close()


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _header(cell: Any) -> str:
    return " ".join(str(cell or "").replace("\ufeff", "").split()).casefold()


def _parse(
    table: list[tuple[int, list[Any]]], path: Path, label: str, *, strict_width: bool, scored: bool = True
) -> Results:
    required = REQUIRED if scored else ("instansi",)
    header_at = None
    for index, (_skip, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        if set(required) <= {_header(c) for c in cells}:
            header_at = index
            break
    if header_at is None:
        first = next((cells for _, cells in table if any(_text(c) for c in cells)), [])
        found = ", ".join(repr(_text(c)) for c in first if _text(c)) or "nothing"
        if scored:
            raise InputError(
                _(
                    "{label}: no header row with the columns 'instansi' and 'nilai' "
                    "(the first row holds {found})"
                ).format(label=label, found=found)
            )
        raise InputError(
            _("{label}: no header row with the column 'instansi' (the first row holds {found})").format(
                label=label, found=found
            )
        )
    header_row, header = table[header_at]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _header(cell)
        if name in REQUIRED + OPTIONAL:
            if name in columns:
                raise InputError(
                    _("{label}: row {header_row}: column '{name}' appears twice").format(
                        label=label, header_row=header_row, name=name
                    )
                )
            columns[name] = index
    results = Results(path, label)
    for number, cells in table[header_at + 1 :]:
        if not any(_text(c) for c in cells):
            continue  # a blank row
        width = max(i + 1 for i, c in enumerate(cells) if _text(c))
        if strict_width and width > len(header):
            # "Dinas X,Pemkot,90,54" reads as nilai 90 plus a stray 54: never guess.
            results.errors.append(
                RowError(
                    number,
                    (
                        _(
                            "{width} cells but the header has {n} columns; a decimal comma in a "
                            'comma-separated file must be quoted ("90,54"), or use ; as the '
                            "separator"
                        ).format(width=width, n=len(header))
                    ),
                )
            )
            continue
        results_row = _row(number, cells, columns, scored)
        if isinstance(results_row, RowError):
            results.errors.append(results_row)
        else:
            results.rows.append(results_row)
    if not results.rows and not results.errors:
        raise InputError(
            _("{label}: no data rows below the header (row {header_row})").format(
                label=label, header_row=header_row
            )
        )
    return results


def _cell(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _text(value: Any) -> str:
    """A cell as text: spaces collapsed, composed (NFC: "e" + U+0301 is one "é", as the
    certificate's fonts know it)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _row(number: int, cells: list[Any], columns: dict[str, int], scored: bool = True) -> ResultRow | RowError:
    recipient = _text(_cell(cells, columns, "instansi"))
    if not recipient:
        return RowError(number, "instansi: empty (the recipient's name is required)")
    for name in ("instansi", "unit", "predikat", "nomor"):
        message = problem(_text(_cell(cells, columns, name)))
        if message:
            return RowError(number, f"{name}: {message}")
    if len(recipient) > MAX_NAME:
        return RowError(
            number,
            _("instansi: {n} characters; a recipient's name has at most {max_name}").format(
                n=len(recipient), max_name=MAX_NAME
            ),
        )
    try:
        score = parse_score(_cell(cells, columns, "nilai")) if scored else Decimal(0)
    except ValueError as exc:
        return RowError(number, f"nilai: {exc}")
    return ResultRow(
        number,
        recipient,
        score,
        _text(_cell(cells, columns, "unit")),
        _text(_cell(cells, columns, "predikat")),
        _text(_cell(cells, columns, "nomor")),
    )


def parse_score(value: Any) -> Decimal:
    """A score 0..100 from a cell: 90.54, "90,54", "90.54", rounded half up to two
    decimals (the precision of the published results, and of the printed certificate)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("empty (a score from 0 to 100 is required)"))
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ValueError(_("{text!r} is not a number").format(text=_text(value)))
    if isinstance(value, int | float | Decimal):
        try:
            # repr() of a float is its shortest exact text: 90.54 stays 90.54.
            score = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(_("{value!r} is not a number").format(value=value)) from exc
        if not score.is_finite():
            raise ValueError(_("{value!r} is not a number").format(value=value))
    else:
        text = str(value).strip().replace("\u00a0", "")
        if not _SCORE_RE.fullmatch(text):
            raise ValueError(
                _("{strip!r} is not a number (write it like 90,54 or 90.54)").format(strip=str(value).strip())
            )
        score = Decimal(text.replace(",", "."))
    if not Decimal(0) <= score <= Decimal(100):
        raise ValueError(_("{shown} is out of range (a score is from 0 to 100)").format(shown=_shown(score)))
    return score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _shown(score: Decimal) -> str:
    return format(score.normalize(), "f").replace(".", ",")


def year_in_name(path: Path) -> int | None:
    """The assessment year a file name states (`kepatuhan-2022-kota-kupang.csv`), if it
    states exactly one."""
    years = {int(y) for y in re.findall(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])", path.stem)}
    return years.pop() if len(years) == 1 else None
