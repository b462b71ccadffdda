"""Deliverable state and agreement progress as of a date: pure functions of the history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from docgen.i18n import _
from docgen.records import Event

if TYPE_CHECKING:  # the command line reads DELIVERABLE_STATUSES without loading pydantic
    from docgen.models import Agreement, Deliverable, WorkItem

# Every status a deliverable can be reported in, and the words the reports use for it
# (DOMAIN.md): the office knows a deliverable only through what it was told, so without
# any report it is "belum ada laporan" (not "belum dimulai"); dates owed are "batas waktu".
# The interface's word for each (i18n.DELIVERABLE_STATUS_WORDS) is checked against this
# list by tests/test_i18n.py.
DELIVERABLE_LABELS = {
    "not_started": "belum ada laporan",
    "in_progress": "sedang berjalan",
    "done": "dilaporkan selesai",  # the office knows only what it was told
    "blocked": "terkendala",
    "dropped": "dibatalkan",
}
DELIVERABLE_STATUSES = tuple(DELIVERABLE_LABELS)


def status_problem(status: str) -> str | None:
    """Why `status` is not a deliverable status (a message naming the valid ones), or None."""
    if status in DELIVERABLE_LABELS:
        return None
    return _("{status!r} is not one of {items}").format(status=status, items=", ".join(DELIVERABLE_STATUSES))


CLOSED = frozenset({"done", "dropped"})
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DeliverableState:
    agreement: Agreement
    work_item: WorkItem
    deliverable: Deliverable
    status: str
    updated_on: date | None
    event: Event | None

    def is_overdue(self, as_of: date) -> bool:
        return self.status not in CLOSED and self.deliverable.due < as_of

    def is_due_soon(self, as_of: date) -> bool:
        due = self.deliverable.due
        # Days apart rather than as_of + 30 days, which does not exist near 9999-12-31.
        return self.status not in CLOSED and 0 <= (due - as_of).days <= DUE_SOON_DAYS

    def days_overdue(self, as_of: date) -> int:
        return max(0, (as_of - self.deliverable.due).days)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if self.total == 0 else round(self.done / self.total * 100, 1)


def next_event_id(ids: Iterable[object]) -> int:
    """The id of the next event (or termination): events are numbered "1", "2", ... in
    recording order (per agreement; terminations per office); records of docgen 0.1, which
    carry none, count by their position (the backends give them that id)."""
    return 1 + max((int(text) for text in map(str, ids) if text.isdigit()), default=0)


def is_retraction(event: Event) -> bool:
    """A retraction event hides the event it names (`retracts`) from every state."""
    return event.get("kind") == "retraction"


def retracted(events: Iterable[Event]) -> dict[str, str]:
    """Event id -> the id of the retraction that hides it."""
    return {str(e["retracts"]): str(e.get("id", "")) for e in events if is_retraction(e)}


def effective_events(events: Iterable[Event]) -> list[Event]:
    """The status updates that count: neither a retraction nor retracted (recording order)."""
    events = list(events)
    hidden = retracted(events)
    return [e for e in events if not is_retraction(e) and str(e.get("id", "")) not in hidden]


def latest_events(events: Iterable[Event], as_of: date) -> dict[str, Event]:
    """Per deliverable, the last event whose `on` is on or before `as_of` (ties: last recorded).

    `events` must be in recording order (the history table's order); retracted events
    and the retractions themselves do not count.
    """
    cutoff = as_of.isoformat()
    latest: dict[str, Event] = {}
    for event in effective_events(events):
        if event["on"] > cutoff:
            continue
        current = latest.get(event["deliverable"])
        if current is None or event["on"] >= current["on"]:
            latest[event["deliverable"]] = event
    return latest


def deliverable_states(agreement: Agreement, events: Iterable[Event], as_of: date) -> list[DeliverableState]:
    latest = latest_events(events, as_of)
    states = []
    for wi in agreement.work_items:
        for d in wi.deliverables:
            event = latest.get(d.id)
            states.append(
                DeliverableState(
                    agreement,
                    wi,
                    d,
                    (event["status"] or "not_started") if event else "not_started",
                    date.fromisoformat(event["on"]) if event else None,
                    event,
                )
            )
    return states


def progress(states: Iterable[DeliverableState]) -> Progress:
    counted = [s for s in states if s.status != "dropped"]
    return Progress(sum(1 for s in counted if s.status == "done"), len(counted))
