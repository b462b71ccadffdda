"""Official numbers (letters, certificates, agreements) from the registry in the tracker.

The registry is the office's outgoing-document logbook (buku agenda). Sequences run per
kind and per year (restarting every 1 January when `reset = "yearly"`); the next number
is always one past the highest ever registered in the workspace's own register (allocated
or recorded from the office's books), so a number is never reused, even after it is
voided or its document deleted. Numbers of another register (`[registers.NAME]`, e.g.
the central office's) are never allocated here, only recorded as given (docs/numbering.md).
The next number is read from the backend's index (`Session.last_number`), never from
the whole registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from docgen.config import Config
from docgen.domain.numbering import format_number, format_warning, formats, read_number
from docgen.errors import NotFoundError, NumberingError
from docgen.i18n import _
from docgen.records import NUMBERS, NumberRecord, Reference
from docgen.state.base import Session, now_text

TABLE = NUMBERS
ALLOCATED, RECORDED = "allocated", "recorded"


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
    """Allocates, records and looks up numbers inside one tracker session."""

    def __init__(self, session: Session, config: Config) -> None:
        self.session = session
        self.config = config

    def _records(self) -> list[NumberRecord]:
        return self.session.records(TABLE)

    def _last(self, kind: str, year: int) -> NumberRecord | None:
        """The own register's highest sequence of `kind` in `year` (any year without a
        yearly reset), from the backend's index."""
        return self.session.last_number(kind, year if self.config.numbering.reset == "yearly" else None)

    def preview(self, kind: str, on: date, year: int | None = None) -> Preview:
        """The number the next allocation would get, without taking it."""
        year = year if year is not None else on.year
        last = self._last(kind, year)
        seq = ((last["seq"] or 0) if last else 0) + 1
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
        document: str | None = None,
    ) -> NumberRecord:
        return self.allocate_many(kind, on, [Allocation(purpose, ref)], year=year, document=document)[0]

    def take(
        self,
        kind: str,
        on: date,
        purpose: str,
        *,
        given: str | None,
        register: str | None,
        ref: Reference | None = None,
        document: str | None = None,
        warnings: list[str],
    ) -> NumberRecord:
        """A document's number: `given` (recorded in `register`, its format checked), else
        allocated from the own register; a register not the workspace's own never
        allocates (the caller refuses a missing number first: `require_given`)."""
        if given:
            record, found = self.record_given(
                kind, given, on, purpose, register=register, ref=ref, document=document
            )
            warnings.extend(found)
            return record
        require_given(register, None, "")
        warnings.extend(self.backdated(kind, on))
        return self.allocate(kind, on, purpose, ref=ref, document=document)

    def allocate_many(
        self,
        kind: str,
        on: date,
        wanted: list[Allocation],
        *,
        year: int | None = None,
        assessment_year: int | None = None,
        document: str | None = None,
    ) -> list[NumberRecord]:
        """Consecutive numbers for several documents, registered in one write.

        `year` is the sequence's year (default: that of `on`, the document's date);
        `assessment_year` fills a certificate format's `{assessment_year}`; `document` is
        an agreement's kind (mou, renja, pks, adendum), whose format it takes."""
        year = year if year is not None else on.year
        recorded_at = now_text()
        records: list[NumberRecord] = []
        existing: set[str] = set()
        last = self._last(kind, year)
        seq = (last["seq"] or 0) if last else 0
        for item in wanted:
            seq += 1
            number = format_number(
                self.config, kind, seq, on, year, assessment_year=assessment_year, document=document
            )
            if number in existing or self.session.record(TABLE, number) is not None:
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
                    "register": None,
                    "source": ALLOCATED,
                }
            )
            if document:
                records[-1]["document"] = document
        self.session.insert(TABLE, records)
        return records

    def record_given(
        self,
        kind: str,
        number: str,
        on: date,
        purpose: str = "",
        *,
        register: str | None = None,
        ref: Reference | None = None,
        document: str | None = None,
    ) -> tuple[NumberRecord, list[str]]:
        """Record a number given outside docgen (the agenda book, the e-office system, the
        central office), in the own register or `register`; with the warnings to show (a
        number whose format is not its register's). A number already recorded is refused."""
        number = " ".join(number.split())
        if not number:
            raise NumberingError(_("give the number"))
        formats(self.config, register)  # an unknown register: refused
        held = self.find(number)
        if held is not None:
            raise NumberingError(
                _("{number}: already in the registry (dated {on}, for {purpose}); recorded once only").format(
                    number=number, on=held["on"], purpose=held.get("for") or "-"
                )
            )
        parsed = read_number(self.config, kind, number, register)
        warnings = [w for w in [format_warning(self.config, kind, number, register, document)] if w]
        record: NumberRecord = {
            "kind": kind,
            "number": number,
            "seq": parsed.seq if parsed is not None else None,
            "year": parsed.year if parsed is not None and parsed.year is not None else on.year,
            "on": on.isoformat(),
            "for": purpose,
            "ref": ref or {},
            "void": False,
            "void_reason": None,
            "recorded_at": now_text(),
            "register": register,
            "source": RECORDED,
        }
        if document:
            record["document"] = document
        self.session.insert(TABLE, [record])
        return record, warnings

    def find(self, number: str) -> NumberRecord | None:
        found = self.session.record(TABLE, number.strip())
        return None if found is None else NumberRecord(**found)

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
        return self.session.update(TABLE, record["number"], changes)

    def records(self, kind: str | None = None, year: int | None = None) -> list[NumberRecord]:
        rows = [
            NumberRecord(**r)
            for r in self._records()
            if (kind is None or r["kind"] == kind) and (year is None or r["year"] == year)
        ]
        return sorted(
            rows, key=lambda r: (r["kind"], r["year"], r.get("register") or "", r["seq"] or 0, r["number"])
        )


def require_given(register: str | None, given: str | None, where: str) -> None:
    """A document of a register that is not the workspace's own needs its number given:
    refused with one line saying where it comes from."""
    if register is not None and not given:
        raise NumberingError(
            _(
                "{where}numbered in the {register} register, which this workspace does not "
                "allocate from: give the number that register gave ({how})"
            ).format(where=where, register=register, how=_("--number, or a nomor column in a result sheet"))
        )
