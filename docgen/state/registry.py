"""Official numbers (letters, certificates, agreements) from the registry in the tracker.

The registry is the office's outgoing-document logbook (buku agenda). Sequences run per
kind and per year (restarting every 1 January when `reset = "yearly"`); the next number
is always one past the highest ever registered, so a number is never reused, even after
it is voided or its document deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from docgen.config import Config
from docgen.domain.numbering import format_number
from docgen.errors import NotFoundError, NumberingError
from docgen.i18n import _
from docgen.records import NUMBERS, NumberRecord, Reference
from docgen.state.base import Session, now_text

TABLE = NUMBERS


@dataclass(frozen=True)
class Allocation:
    """What one allocation asks for: its purpose and the document it goes to."""

    purpose: str = ""
    ref: Reference | None = None


class Preview(TypedDict):
    """The number the next allocation would get."""

    kind: str
    number: str
    seq: int
    year: int


class Registry:
    """Allocates and looks up numbers inside one tracker session."""

    def __init__(self, session: Session, config: Config) -> None:
        self.session = session
        self.config = config
        self._rows: list[NumberRecord] | None = None

    def _records(self) -> list[NumberRecord]:
        if self._rows is None:
            self._rows = self.session.records(TABLE)
        return self._rows

    def _sequence_year(self, year: int) -> int:
        return year if self.config.numbering.reset == "yearly" else 0

    def _last(self, kind: str, year: int) -> NumberRecord | None:
        key = self._sequence_year(year)
        same = [r for r in self._records() if r["kind"] == kind and self._sequence_year(r["year"]) == key]
        return max(same, key=lambda r: r["seq"], default=None)

    def preview(self, kind: str, on: date, year: int | None = None) -> Preview:
        """The number the next allocation would get, without taking it."""
        year = year if year is not None else on.year
        last = self._last(kind, year)
        seq = (last["seq"] if last else 0) + 1
        number = format_number(self.config, kind, seq, on, year)
        return {"kind": kind, "number": number, "seq": seq, "year": year}

    def backdated(self, kind: str, on: date, year: int | None = None) -> list[str]:
        """A warning when `on` is earlier than the date of a later number of the same
        sequence (the number would be backdated); none otherwise."""
        last = self._last(kind, year if year is not None else on.year)
        if last is None or last["on"] <= on.isoformat():
            return []
        return [
            _(
                "{kind} numbers: the next number is dated {isoformat}, before {number} "
                "of {on}: the number is backdated"
            ).format(kind=kind, isoformat=on.isoformat(), number=last["number"], on=last["on"])
        ]

    def allocate(
        self,
        kind: str,
        on: date,
        purpose: str = "",
        *,
        year: int | None = None,
        ref: Reference | None = None,
    ) -> NumberRecord:
        return self.allocate_many(kind, on, [Allocation(purpose, ref)], year=year)[0]

    def allocate_many(
        self,
        kind: str,
        on: date,
        wanted: list[Allocation],
        *,
        year: int | None = None,
        assessment_year: int | None = None,
    ) -> list[NumberRecord]:
        """Consecutive numbers for several documents, registered in one write.

        `year` is the sequence's year (default: that of `on`, the document's date);
        `assessment_year` fills a certificate format's `{assessment_year}`."""
        year = year if year is not None else on.year
        existing = {r["number"] for r in self._records()}
        recorded_at = now_text()
        records: list[NumberRecord] = []
        last = self._last(kind, year)
        seq = last["seq"] if last else 0
        for item in wanted:
            seq += 1
            number = format_number(self.config, kind, seq, on, year, assessment_year=assessment_year)
            if number in existing:
                raise NumberingError(
                    _(
                        "numbering.{kind}: the format gives {number!r}, a number already in the"
                        " registry; include {{year}} (and {{seq}}) in the format"
                    ).format(kind=kind, number=number)
                )
            existing.add(number)
            records.append(
                {
                    "kind": kind,
                    "number": number,
                    "seq": seq,
                    "year": year,
                    "on": on.isoformat(),
                    "for": item.purpose,
                    "ref": item.ref or {},
                    "void": False,
                    "void_reason": None,
                    "recorded_at": recorded_at,
                }
            )
        self.session.insert(TABLE, records)
        self._records().extend(records)
        return records

    def find(self, number: str) -> NumberRecord | None:
        wanted = number.strip()
        return next((NumberRecord(**r) for r in self._records() if r["number"] == wanted), None)

    def void(self, number: str, reason: str) -> NumberRecord:
        """Mark a number unused; it stays taken forever."""
        if not reason.strip():
            raise NumberingError(_("--reason: say why the number is voided"))
        record = self.find(number)
        if record is None:
            raise NotFoundError(_("{number}: no such number in the registry").format(number=number))
        if record["void"]:
            raise NumberingError(
                _("{number}: already void ({void_reason})").format(
                    number=number, void_reason=record["void_reason"]
                )
            )
        changes = {"void": True, "void_reason": " ".join(reason.split()), "voided_at": now_text()}
        self._rows = None
        return self.session.update(TABLE, record["number"], changes)

    def records(self, kind: str | None = None, year: int | None = None) -> list[NumberRecord]:
        rows = [
            NumberRecord(**r)
            for r in self._records()
            if (kind is None or r["kind"] == kind) and (year is None or r["year"] == year)
        ]
        return sorted(rows, key=lambda r: (r["kind"], r["year"], r["seq"]))
