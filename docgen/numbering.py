"""Official numbers (letters, certificates, agreements) from the registry in the tracker.

The registry is the office's outgoing-document logbook (buku agenda). Sequences run per
kind and per year (restarting every 1 January when `reset = "yearly"`); the next number
is always one past the highest ever registered, so a number is never reused, even after
it is voided or its document deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from docgen.config import NUMBER_KINDS, Config
from docgen.errors import NotFoundError, NumberingError
from docgen.indonesian import bulan_romawi
from docgen.tracker import TrackerState

TABLE = "numbers"


@dataclass(frozen=True)
class Allocation:
    """What one allocation asks for: its purpose and the document it goes to."""

    purpose: str = ""
    ref: dict[str, Any] | None = None


def format_number(config: Config, kind: str, seq: int, on: date, year: int | None = None) -> str:
    """The number text of `kind` for sequence `seq`; `year` overrides the year of `on`."""
    if kind not in NUMBER_KINDS:
        raise NumberingError(f"unknown number kind {kind!r} (use {', '.join(NUMBER_KINDS)})")
    fmt = getattr(config.numbering, kind)
    return fmt.format(
        seq=seq,
        year=year if year is not None else on.year,
        month=on.month,
        month_roman=bulan_romawi(on.month),
        day=on.day,
        unit_code=config.office.unit_code,
    )


class Registry:
    """Allocates and looks up numbers inside one tracker transaction."""

    def __init__(self, state: TrackerState, config: Config) -> None:
        self.state = state
        self.config = config
        self._last: dict[tuple[str, int], int] = {}
        self._numbers: set[str] | None = None

    def _sequence_year(self, year: int) -> int:
        return year if self.config.numbering.reset == "yearly" else 0

    def _last_seq(self, kind: str, year: int) -> int:
        key = (kind, self._sequence_year(year))
        if key not in self._last:
            records = self.state.table(TABLE).all()
            self._last[key] = max(
                (r["seq"] for r in records
                 if r["kind"] == kind and self._sequence_year(r["year"]) == key[1]),
                default=0,
            )
        return self._last[key]

    def _existing(self) -> set[str]:
        if self._numbers is None:
            self._numbers = {r["number"] for r in self.state.table(TABLE).all()}
        return self._numbers

    def preview(self, kind: str, on: date, year: int | None = None) -> dict[str, Any]:
        """The number the next allocation would get, without taking it."""
        year = year if year is not None else on.year
        seq = self._last_seq(kind, year) + 1
        number = format_number(self.config, kind, seq, on, year)
        return {"kind": kind, "number": number, "seq": seq, "year": year}

    def allocate(self, kind: str, on: date, purpose: str = "", *, year: int | None = None,
                 ref: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.allocate_many(kind, on, [Allocation(purpose, ref)], year=year)[0]

    def allocate_many(self, kind: str, on: date, wanted: list[Allocation], *,
                      year: int | None = None) -> list[dict[str, Any]]:
        """Consecutive numbers for several documents, registered in one table write."""
        year = year if year is not None else on.year
        existing = self._existing()
        recorded_at = datetime.now().astimezone().isoformat(timespec="seconds")
        records = []
        seq = self._last_seq(kind, year)
        for item in wanted:
            seq += 1
            number = format_number(self.config, kind, seq, on, year)
            if number in existing:
                raise NumberingError(
                    f"numbering.{kind}: the format gives {number!r}, a number already in the "
                    "registry; include {year} (and {seq}) in the format"
                )
            existing.add(number)
            records.append({
                "kind": kind, "number": number, "seq": seq, "year": year,
                "on": on.isoformat(), "for": item.purpose, "ref": item.ref or {},
                "void": False, "void_reason": None, "recorded_at": recorded_at,
            })
        self._last[(kind, self._sequence_year(year))] = seq
        self.state.table(TABLE).insert_multiple(records)
        return records

    def find(self, number: str) -> dict[str, Any] | None:
        wanted = number.strip()
        return next((dict(r) for r in self.state.table(TABLE).all() if r["number"] == wanted), None)

    def void(self, number: str, reason: str) -> dict[str, Any]:
        """Mark a number unused; it stays taken forever."""
        if not reason.strip():
            raise NumberingError("--reason: say why the number is voided")
        table = self.state.table(TABLE)
        for doc in table.all():
            if doc["number"] == number.strip():
                if doc["void"]:
                    raise NumberingError(f"{number}: already void ({doc['void_reason']})")
                changes = {"void": True, "void_reason": reason.strip(),
                           "voided_at": datetime.now().astimezone().isoformat(timespec="seconds")}
                table.update(changes, doc_ids=[doc.doc_id])
                return {**doc, **changes}
        raise NotFoundError(f"{number}: no such number in the registry")

    def records(self, kind: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        rows = [dict(r) for r in self.state.table(TABLE).all()
                if (kind is None or r["kind"] == kind) and (year is None or r["year"] == year)]
        return sorted(rows, key=lambda r: (r["kind"], r["year"], r["seq"]))
