"""Deliverable state and agreement progress as of a date: pure functions of the history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command line reads DELIVERABLE_STATUSES without loading pydantic
    from docgen.models import Agreement, Deliverable, WorkItem

DELIVERABLE_STATUSES = ("not_started", "in_progress", "done", "blocked", "dropped")
CLOSED = frozenset({"done", "dropped"})
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DeliverableState:
    agreement: Agreement
    work_item: WorkItem
    deliverable: Deliverable
    status: str
    updated_on: date | None
    event: Mapping[str, Any] | None

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


def is_retraction(event: Mapping[str, Any]) -> bool:
    """A retraction event hides the event it names (`retracts`) from every state."""
    return event.get("kind") == "retraction"


def retracted(events: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Event id -> the id of the retraction that hides it."""
    return {str(e["retracts"]): str(e.get("id", "")) for e in events if is_retraction(e)}


def effective_events(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The status updates that count: neither a retraction nor retracted (recording order)."""
    events = list(events)
    hidden = retracted(events)
    return [e for e in events if not is_retraction(e) and str(e.get("id", "")) not in hidden]


def latest_events(events: Iterable[Mapping[str, Any]], as_of: date) -> dict[str, Mapping[str, Any]]:
    """Per deliverable, the last event whose `on` is on or before `as_of` (ties: last recorded).

    `events` must be in recording order (the history table's order); retracted events
    and the retractions themselves do not count.
    """
    cutoff = as_of.isoformat()
    latest: dict[str, Mapping[str, Any]] = {}
    for event in effective_events(events):
        if event["on"] > cutoff:
            continue
        current = latest.get(event["deliverable"])
        if current is None or event["on"] >= current["on"]:
            latest[event["deliverable"]] = event
    return latest


def deliverable_states(
    agreement: Agreement, events: Iterable[Mapping[str, Any]], as_of: date
) -> list[DeliverableState]:
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
                    event["status"] if event else "not_started",
                    date.fromisoformat(event["on"]) if event else None,
                    event,
                )
            )
    return states


def progress(states: Iterable[DeliverableState]) -> Progress:
    counted = [s for s in states if s.status != "dropped"]
    return Progress(sum(1 for s in counted if s.status == "done"), len(counted))
