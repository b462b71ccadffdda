"""Which follow-up letters are due: one per agreement and counterpart with overdue items. Pure.

- items with `responsible: both` count for the counterpart; a party of kind `ombudsman`
  is the office itself and gets no letter (its own overdue items show in `monitor`);
- items already sent in an earlier letter make it a second (third...) letter;
- the same agreement, party and items on the same date is the existing letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from docgen.domain.deliverable_state import DeliverableState
from docgen.domain.obligations import AgreementView
from docgen.models import Agreement, Party


@dataclass
class Planned:
    """A letter to write: who gets it, about which items, and what came before."""

    agreement: Agreement
    party: Party
    items: list[DeliverableState]
    earlier: list[dict[str, Any]]  # earlier letters to this party about any of these items
    existing: dict[str, Any] | None  # the same letter, already issued on this date

    @property
    def item_ids(self) -> list[str]:
        return [s.deliverable.id for s in self.items]

    @property
    def ordinal(self) -> int:
        """1 for a first letter, 2 for a second about the same items, ..."""
        counts = [sum(1 for letter in self.earlier if item in letter["items"])
                  for item in self.item_ids]
        return 1 + max(counts, default=0)


def counterparts(agreement: Agreement) -> list[Party]:
    return [p for p in agreement.parties if p.kind != "ombudsman"]


def plan_followups(views: Iterable[AgreementView],
                   letters: Iterable[Mapping[str, Any]]) -> list[Planned]:
    """The follow-up letters due for these agreements, given the letters already issued."""
    records = [dict(r) for r in letters]
    planned = []
    for v in views:
        agreement = v.agreement
        if not v.owing:
            continue  # a draft, pending or terminated agreement owes nothing yet / any more
        today = v.as_of.isoformat()
        for party in counterparts(agreement):
            items = v.overdue_for(party.role)
            if not items:
                continue
            mine = [r for r in records if r["agreement"] == agreement.id and r["party"] == party.role]
            ids = sorted(s.deliverable.id for s in items)
            existing = next((r for r in reversed(mine)
                             if r["on"] == today and sorted(r["items"]) == ids), None)
            earlier = sorted((r for r in mine if r["on"] <= today and r is not existing
                              and set(r["items"]) & set(ids)), key=lambda r: (r["on"], r["seq"]))
            planned.append(Planned(agreement, party, items, earlier, existing))
    return planned
