"""Termination events: the one way an agreement ends before its term. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any


def termination_dates(records: Iterable[Mapping[str, Any]]) -> dict[str, date]:
    """Per agreement, the date it is terminated on, from the termination events in
    recording order."""
    dates: dict[str, date] = {}
    for event in records:
        on = date.fromisoformat(event["on"])
        aid = event["agreement"]
        dates[aid] = min(on, dates.get(aid, on))
    return dates
