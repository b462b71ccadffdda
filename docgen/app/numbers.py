"""Use cases of `docgen number`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

from docgen.config import NUMBER_KINDS, unknown_register
from docgen.errors import InputError
from docgen.i18n import _
from docgen.records import NumberRecord, Reference
from docgen.state import open_tracker
from docgen.state.base import Session
from docgen.state.registry import ALLOCATED, Preview, Registry
from docgen.usertext import problem as text_problem
from docgen.workspace import Workspace


class NextNumber(Preview):
    """The number `number next` took (or, with --dry-run, would take)."""

    warnings: list[str]


NumberInfo = TypedDict(
    "NumberInfo",
    {
        "kind": str,
        "number": str,
        "seq": int | None,
        "year": int,
        "on": str,
        "for": str | None,
        "void": bool | None,
        "void_reason": str | None,
        "ref": Reference | None,
        "register": str | None,  # None: the workspace's own register
        "source": str,  # "allocated" or "recorded"
    },
)


@dataclass
class RecordedNumber:
    """`number record`: the number as recorded (as `number list` shows it), and warnings
    (a number not in its register's format)."""

    number: NumberInfo
    warnings: list[str]


def _info(r: NumberRecord) -> NumberInfo:
    """A number as `number list` shows it (and --json gives it)."""
    return {
        "kind": r["kind"],
        "number": r["number"],
        "seq": r["seq"],
        "year": r["year"],
        "on": r["on"],
        "for": r.get("for"),
        "void": r.get("void"),
        "void_reason": r.get("void_reason"),
        "ref": r.get("ref"),
        "register": r.get("register"),
        "source": r.get("source") or ALLOCATED,
    }


def _kind(kind: str) -> str:
    if kind not in NUMBER_KINDS:
        raise InputError(
            _("KIND: {kind!r} is not one of {items}").format(kind=kind, items=", ".join(NUMBER_KINDS))
        )
    return kind


def next_number(
    ws: Workspace, kind: str, on: date, purpose: str = "", *, dry_run: bool = False
) -> NextNumber:
    """`number next`: allocate (or with `dry_run` preview) the next number of `kind`;
    `warnings` says when it is backdated (dated before a later number of its sequence)."""
    kind = _kind(kind)
    tracker = open_tracker(ws)
    if dry_run:
        with tracker.read() as session:
            registry = Registry(session, ws.config)
            return {**registry.preview(kind, on), "warnings": registry.backdated(kind, on)}

    def body(session: Session) -> NextNumber:
        registry = Registry(session, ws.config)
        warnings = registry.backdated(kind, on)
        record = registry.allocate(kind, on, purpose.strip())
        return {
            "kind": record["kind"],
            "number": record["number"],
            "seq": record["seq"] or 0,
            "year": record["year"],
            "warnings": warnings,
        }

    return tracker.transaction(body)


def list_numbers(ws: Workspace, kind: str | None = None, year: int | None = None) -> list[NumberInfo]:
    """`number list`: every number given, with its date and purpose."""
    with open_tracker(ws).read() as session:
        records = Registry(session, ws.config).records(_kind(kind) if kind else None, year)
    return [_info(r) for r in records]


def void_number(ws: Workspace, number: str, reason: str) -> NumberRecord:
    """`number void`: mark a number unused; it stays taken and is never given again.
    A letter's number voids the letter too (as `letter void` does)."""
    from docgen.app.letters import mark_void  # loads the letter machinery only here

    def body(session: Session) -> NumberRecord:
        record = Registry(session, ws.config).void(number, reason)
        if record.get("kind") == "letter":
            mark_void(session, record)
        return record

    return open_tracker(ws).transaction(body)


# --- numbers given outside docgen: one recorded, or an agenda book imported ------------------

# How an agenda book heads its columns (Indonesian, or English).
NUMBER_HEADS = ("nomor", "no. surat", "nomor surat", "number")
DATE_HEADS = ("tanggal", "tanggal surat", "date")
SUBJECT_HEADS = ("hal", "perihal", "subject")
_DMY = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")


def _register(ws: Workspace, register: str | None) -> str | None:
    if register is None:
        return None
    if register not in ws.config.registers:
        raise InputError(
            _("--register: {unknown_register}").format(unknown_register=unknown_register(register, ws.config))
        )
    return register


def record_number(
    ws: Workspace, kind: str, number: str, on: date, purpose: str, register: str | None = None
) -> RecordedNumber:
    """`number record`: a number given outside docgen (the agenda book, the e-office system,
    the central office), recorded in the own register or `register`; the own sequence
    continues after it. `warnings`: a number not in its register's format."""
    kind = _kind(kind)
    register = _register(ws, register)
    if not purpose.strip():
        raise InputError(_("--for: say what the number was given to"))

    def body(session: Session) -> RecordedNumber:
        record, warnings = Registry(session, ws.config).record_given(
            kind, number, on, " ".join(purpose.split()), register=register
        )
        return RecordedNumber(_info(record), warnings)

    return open_tracker(ws).transaction(body)


def _heads(cells: list[Any]) -> dict[str, int]:
    """column -> index for the agenda book's header row (empty when this is not one)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        head = " ".join(str(cell or "").split()).casefold().rstrip(":")
        for column, names in (("number", NUMBER_HEADS), ("date", DATE_HEADS), ("subject", SUBJECT_HEADS)):
            if head in names and column not in found:
                found[column] = index
    return found if {"number", "date"} <= set(found) else {}


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError(_("empty"))
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    try:
        return (
            date.fromisoformat(text[:10]) if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else _named(text)
        )
    except ValueError:
        raise ValueError(
            _("{text!r} is not a date (YYYY-MM-DD, DD/MM/YYYY or 8 Februari 2022)").format(text=text)
        ) from None


def _named(text: str) -> date:
    """ "8 Februari 2022" (the months in Indonesian, as an agenda book writes them)."""
    from docgen.indonesian import BULAN

    parts = text.split()
    months = [m.casefold() for m in BULAN]
    if len(parts) == 3 and parts[1].casefold() in months and parts[0].isdigit() and parts[2].isdigit():
        return date(int(parts[2]), months.index(parts[1].casefold()) + 1, int(parts[0]))
    raise ValueError(text)


@dataclass
class Imported:
    """What `number import` recorded (all of the book, or nothing: `errors`)."""

    file: str
    recorded: list[NumberInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_numbers(ws: Workspace, path: Path, kind: str, register: str | None = None) -> Imported:
    """`number import`: every number of an agenda book (.xlsx or .csv: Nomor, Tanggal,
    Hal or Perihal; or number, date, subject), recorded in one transaction; a row that
    is wrong (or a number already recorded) records nothing, each named by its row."""
    from docgen.results import sheet_rows

    kind = _kind(kind)
    register = _register(ws, register)
    if not path.is_absolute() and not path.exists() and (ws.root / path).exists():
        path = ws.root / path
    label = ws.rel(path) if path.resolve().is_relative_to(ws.root) else str(path)
    rows = sheet_rows(path, label)
    report = Imported(label)
    columns: dict[str, int] = {}
    wanted: list[tuple[int, str, date, str]] = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        if not columns:
            columns = _heads(cells)
            continue
        if not any(str(c or "").strip() for c in cells):
            continue

        def cell(column: str, cells: list[Any] = cells, columns: dict[str, int] = columns) -> Any:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        number = " ".join(str(cell("number") or "").split())
        subject = " ".join(str(cell("subject") or "").split())
        problem = text_problem(number) or text_problem(subject)
        if not number:
            report.errors.append(_("{file}: row {row}: Nomor: empty").format(file=label, row=row))
            continue
        if problem:
            report.errors.append(
                _("{label}: row {row}: {problem}").format(label=label, row=row, problem=problem)
            )
            continue
        try:
            on = _day(cell("date"))
        except ValueError as exc:
            report.errors.append(
                _("{file}: row {row}: Tanggal: {reason}").format(file=label, row=row, reason=exc)
            )
            continue
        if number in seen:
            report.errors.append(
                _("{file}: row {row}: {number} is in row {other} too").format(
                    file=label, row=row, number=number, other=seen[number]
                )
            )
            continue
        seen[number] = row
        wanted.append((row, number, on, subject))
    if not columns:
        raise InputError(
            _("{file}: no header row with Nomor and Tanggal (or number and date) columns").format(file=label)
        )
    if report.errors:
        return report

    def body(session: Session) -> list[NumberInfo]:
        registry = Registry(session, ws.config)
        errors: list[str] = []
        recorded: list[NumberInfo] = []
        warnings: list[str] = []
        for row, number, on, subject in wanted:
            held = registry.find(number)
            if held is not None:
                errors.append(
                    _("{file}: row {row}: {number} is already in the registry ({purpose})").format(
                        file=label, row=row, number=number, purpose=held.get("for") or "-"
                    )
                )
                continue
            record, found = registry.record_given(kind, number, on, subject, register=register)
            recorded.append(_info(record))
            warnings.extend(f"{label}: row {row}: {w}" for w in found)
        if errors:
            report.errors.extend(errors)
            raise _NothingRecorded()
        report.warnings.extend(warnings)
        return recorded

    try:
        report.recorded = open_tracker(ws).transaction(body)
    except _NothingRecorded:
        report.recorded = []
    return report


class _NothingRecorded(Exception):
    """A row was wrong: the transaction is rolled back, the rows are reported."""
