"""Termination events: the one way an agreement ends before its term."""

from __future__ import annotations

import getpass
from datetime import date, datetime
from typing import Any

from docgen.errors import InputError
from docgen.models import Agreement
from docgen.tracker import Tracker, TrackerState

TABLE = "terminations"


def termination_dates(state: TrackerState) -> dict[str, date]:
    """Per agreement, its earliest termination date."""
    dates: dict[str, date] = {}
    for event in state.table(TABLE).all():
        on = date.fromisoformat(event["on"])
        aid = event["agreement"]
        dates[aid] = min(on, dates.get(aid, on))
    return dates


def terminate(tracker: Tracker, agreement: Agreement, on: date, reason: str) -> dict[str, Any]:
    if not reason.strip():
        raise InputError("--reason: say why the agreement is terminated")
    if agreement.signed_on is not None and on < agreement.signed_on:
        raise InputError(f"--on: {on} is before the agreement was signed ({agreement.signed_on})")
    event = {
        "agreement": agreement.id,
        "on": on.isoformat(),
        "reason": reason.strip(),
        "user": current_user(),
        "recorded_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    with tracker.write() as state:
        state.table(TABLE).insert(event)
    return event


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers, services)
        return "unknown"
