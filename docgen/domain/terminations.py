"""Termination events: the one way an agreement ends before its term. Pure.

The tracker keeps every event, in recording order, never rewritten:
- `terminate`: the agreement ends on `on`;
- `correct`: the termination in force is replaced by one on another date;
- `cancel`: the termination in force is withdrawn (the agreement runs on).
Events of docgen 0.1 carry no `action`: they are `terminate` events. Of two
`terminate` events without a correction between them (possible only before 0.2),
the earlier date wins, as it did then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from docgen.records import TerminationRecord


def action(event: TerminationRecord) -> str:
    return str(event.get("action") or "terminate")


def in_force(events: Iterable[TerminationRecord]) -> dict[str, TerminationRecord]:
    """Per agreement, the event whose date is the termination in force (absent: none)."""
    current: dict[str, TerminationRecord] = {}
    for event in events:
        aid, on = event["agreement"], event["on"]
        kind = action(event)
        if kind == "cancel":
            current.pop(aid, None)
        elif on is not None and (kind == "correct" or aid not in current or on < str(current[aid]["on"])):
            current[aid] = event
    return current


def termination_dates(records: Iterable[TerminationRecord]) -> dict[str, date]:
    """Per agreement, the date it is terminated on, from the termination events in
    recording order."""
    return {
        aid: date.fromisoformat(on)
        for aid, event in in_force(records).items()
        if (on := event["on"]) is not None
    }
