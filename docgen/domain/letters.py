"""Which letters are due: follow-ups for overdue items, reminders for items due soon. Pure.

Follow-up letters (surat tindak lanjut), one per agreement and counterpart with overdue items:
- items with `responsible: both` count for the counterpart; a party of kind `ombudsman`
  is the office itself and gets no letter (its own overdue items show in `monitor`);
- an agreement that owes nothing (draft, pending, terminated, or ended more than
  `[letters] grace_days` ago) gets none;
- while the last letter to the party is in force (its reply deadline, `reply_by`, not
  yet passed) no new letter is written: that letter is reported;
- items already sent in earlier letters whose deadline has passed make it a second
  (third...) letter, which cites every one of them;
- the same agreement, party and items on the same date is the existing letter.

Reminders (surat pemberitahuan), one per agreement and counterpart with items due within
N days that no earlier reminder named.

Voided letters were never sent: they are not cited, not counted, and not in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from docgen.domain.deliverable_state import CLOSED, DeliverableState
from docgen.domain.obligations import AgreementView, owed_by
from docgen.models import Agreement, Party
from docgen.records import LetterRecord

FOLLOWUP = "followup"
REMINDER = "reminder"


@dataclass
class Planned:
    """A letter to write: who gets it, about which items, and what came before."""

    agreement: Agreement
    party: Party
    items: list[DeliverableState]
    earlier: list[LetterRecord]  # earlier letters to this party about these items, oldest first
    existing: LetterRecord | None  # the same letter, already issued on this date
    in_force: LetterRecord | None = None  # a letter whose reply deadline has not passed
    kind: str = FOLLOWUP

    @property
    def item_ids(self) -> list[str]:
        return [s.deliverable.id for s in self.items]

    @property
    def ordinal(self) -> int:
        """1 for a first letter, 2 for a second about the same items, ..."""
        counts = [sum(1 for letter in self.earlier if item in letter["items"]) for item in self.item_ids]
        return 1 + max(counts, default=0)

    @property
    def copied_to(self) -> list[str]:
        """The tembusan: a second (third...) letter goes in copy to the superior of the
        party's signatory (DOMAIN.md), when the agreement names one."""
        return [self.party.superior] if self.needs_superior and self.party.superior else []

    @property
    def needs_superior(self) -> bool:
        """Whether this letter is one the party's superior must be copied on."""
        return self.ordinal > 1


def counterparts(agreement: Agreement) -> list[Party]:
    return [p for p in agreement.parties if p.kind != "ombudsman"]


def kind_of(record: LetterRecord) -> str:
    """A letter record's kind; records of docgen 0.1 are follow-up letters."""
    return str(record.get("type") or FOLLOWUP)


def sent(letters: Iterable[LetterRecord], kind: str) -> list[LetterRecord]:
    """The letters of `kind` that count: every one not voided."""
    return [r for r in letters if kind_of(r) == kind and not r.get("void")]


def reply_deadline(on: date, reply_days: int) -> date:
    """The date by which a follow-up letter dated `on` asks for the evidence: `[letters]
    reply_days` later. The one rule: the letter's text, its record and the letters of
    docgen 0.1 (which recorded none) all use it."""
    return on + timedelta(days=reply_days)


def reply_by(record: LetterRecord, reply_days: int) -> str:
    """The reply deadline of a letter (ISO); records of docgen 0.1 carry none."""
    if record.get("reply_by"):
        return str(record["reply_by"])
    return reply_deadline(date.fromisoformat(record["on"]), reply_days).isoformat()


def plan_followups(
    views: Iterable[AgreementView], letters: Iterable[LetterRecord], reply_days: int = 14
) -> list[Planned]:
    """The follow-up letters due for these agreements, given the letters already issued."""
    records = sent(letters, FOLLOWUP)
    planned = []
    for v in views:
        agreement = v.agreement
        if not v.owing:
            continue  # a draft, pending, terminated or long-ended agreement is not chased
        today = v.as_of.isoformat()
        for party in counterparts(agreement):
            items = v.overdue_for(party.role)
            if not items:
                continue
            mine = sorted(
                (
                    r
                    for r in records
                    if r["agreement"] == agreement.id and r["party"] == party.role and r["on"] <= today
                ),
                key=lambda r: (r["on"], r["year"], r["seq"]),
            )
            ids = sorted(s.deliverable.id for s in items)
            existing = next(
                (r for r in reversed(mine) if r["on"] == today and sorted(r["items"]) == ids), None
            )
            current = next((r for r in reversed(mine) if reply_by(r, reply_days) >= today), None)
            earlier = [r for r in mine if reply_by(r, reply_days) < today and set(r["items"]) & set(ids)]
            planned.append(Planned(agreement, party, items, earlier, existing, current))
    return planned


def due_within(v: AgreementView, role: str, days: int) -> list[DeliverableState]:
    """The open items the party of `role` answers for, due within `days` from the date."""
    last = v.as_of + timedelta(days=days)
    return [
        s
        for s in v.states
        if owed_by(s.work_item.responsible, role)
        and s.status not in CLOSED
        and v.as_of <= s.deliverable.due <= last
    ]


def plan_reminders(
    views: Iterable[AgreementView], letters: Iterable[LetterRecord], days: int
) -> list[Planned]:
    """The reminders due: per agreement and counterpart, the items due within `days` that
    no earlier reminder named. A reminder already naming all of them is `existing`."""
    records = sent(letters, REMINDER)
    planned = []
    for v in views:
        if not v.owing:
            continue
        today = v.as_of.isoformat()
        for party in counterparts(v.agreement):
            items = due_within(v, party.role, days)
            if not items:
                continue
            mine = sorted(
                (
                    r
                    for r in records
                    if r["agreement"] == v.agreement.id and r["party"] == party.role and r["on"] <= today
                ),
                key=lambda r: (r["on"], r["year"], r["seq"]),
            )
            named = {i for r in mine for i in r["items"]}
            new = [s for s in items if s.deliverable.id not in named]
            ids = {s.deliverable.id for s in items}
            existing = None
            if not new:
                existing = next(r for r in reversed(mine) if set(r["items"]) & ids)
            planned.append(
                Planned(v.agreement, v.agreement.party(party.role), new or items, [], existing, kind=REMINDER)
            )
    return planned
