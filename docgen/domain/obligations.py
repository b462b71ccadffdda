"""What an agreement owes as of a date: its status, each deliverable's state, what is
overdue or due soon. Pure; every command that shows or acts on obligations uses this.

The agreement is seen as amended on that date (its adenda in force applied: term, work
items, deliverables). It owes its deliverables once signed and until terminated: the
deliverables of a draft, a not-yet-valid (pending) or a terminated agreement are never
overdue. An agreement that ended (expired or terminated) more than `grace_days` before
the date owes nothing any more either: its open items have *lapsed* (listed once, so the
office can close them), they are no longer a growing overdue count or a reason for letters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from docgen.domain.amendments import as_amended
from docgen.domain.deliverable_state import (
    CLOSED,
    DeliverableState,
    Progress,
    deliverable_states,
    progress,
)
from docgen.domain.status import agreement_status, days_left
from docgen.models import Agreement
from docgen.records import Event

OWING = frozenset({"active", "expiring", "expired"})
GRACE_DAYS = 30  # [letters] grace_days
ROLE_LABELS = {"first": "PIHAK PERTAMA", "second": "PIHAK KEDUA", "both": "PARA PIHAK"}


def owes(status: str) -> bool:
    return status in OWING


def owed_by(responsible: str, role: str) -> bool:
    """Whether the party of `role` answers for an item (`both`: each party does)."""
    return responsible in (role, "both")


@dataclass(frozen=True)
class AgreementView:
    """One agreement as of a date."""

    agreement: Agreement  # as amended on `as_of`
    as_of: date
    status: str
    terminated_on: date | None
    states: tuple[DeliverableState, ...]
    grace_days: int = GRACE_DAYS

    @property
    def ended_on(self) -> date | None:
        """The last day of an expired agreement's term, or the date it was terminated."""
        if self.status == "terminated":
            return self.terminated_on
        return self.agreement.end_date if self.status == "expired" else None

    @property
    def lapsed(self) -> bool:
        """Ended more than `grace_days` ago: nothing is owed or chased any more."""
        ended = self.ended_on
        return ended is not None and (self.as_of - ended).days > self.grace_days

    @property
    def owing(self) -> bool:
        return owes(self.status) and not self.lapsed

    @cached_property
    def lapsed_items(self) -> list[DeliverableState]:
        """The open items of a lapsed agreement, to be closed (done or dropped)."""
        return [s for s in self.states if self.lapsed and s.status not in CLOSED]

    def is_lapsed(self, state: DeliverableState) -> bool:
        return self.lapsed and state.status not in CLOSED

    @cached_property
    def progress(self) -> Progress:
        return progress(self.states)

    @cached_property
    def overdue(self) -> list[DeliverableState]:
        return [s for s in self.states if self.owing and s.is_overdue(self.as_of)]

    @cached_property
    def due_soon(self) -> list[DeliverableState]:
        return [s for s in self.states if self.owing and s.is_due_soon(self.as_of)]

    def is_overdue(self, state: DeliverableState) -> bool:
        return self.owing and state.is_overdue(self.as_of)

    @property
    def next_due(self) -> date | None:
        upcoming = [
            s.deliverable.due
            for s in self.states
            if s.status not in CLOSED and s.deliverable.due >= self.as_of
        ]
        return min(upcoming) if upcoming and self.owing else None

    @property
    def days_left(self) -> int | None:
        return days_left(self.agreement, self.as_of)

    def overdue_for(self, role: str) -> list[DeliverableState]:
        """The overdue items the party of `role` answers for."""
        return [s for s in self.overdue if owed_by(s.work_item.responsible, role)]

    def responsible_orgs(self, responsible: str) -> list[str]:
        """Who answers for the work: each responsible party, the legal party (the Pemerintah
        Provinsi), never its working unit (DOMAIN.md), which only receives the letters."""
        roles = ("first", "second") if responsible == "both" else (responsible,)
        return [self.agreement.party(role).org for role in roles]


def view(
    agreement: Agreement,
    events: Iterable[Event],
    as_of: date,
    terminated_on: date | None = None,
    grace_days: int = GRACE_DAYS,
) -> AgreementView:
    """The agreement as amended on `as_of`, its status and the state of each deliverable."""
    amended = as_amended(agreement, as_of)
    status = agreement_status(amended, as_of, terminated_on)
    states = tuple(deliverable_states(amended, events, as_of))
    return AgreementView(amended, as_of, status, terminated_on, states, grace_days)


def views(
    agreements: Iterable[Agreement],
    histories: Mapping[str, Iterable[Event]],
    terminated: Mapping[str, date],
    as_of: date,
    grace_days: int = GRACE_DAYS,
) -> list[AgreementView]:
    """The view of each agreement, sorted by id."""
    return [
        view(a, histories.get(a.id, ()), as_of, terminated.get(a.id), grace_days)
        for a in sorted(agreements, key=lambda a: a.id)
    ]
