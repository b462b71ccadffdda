"""Agreement summaries for `agreement list` and `agreement show`."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.agreements import Catalog
from docgen.monitor import owes
from docgen.progress import deliverable_states, progress
from docgen.status import agreement_status
from docgen.terminations import termination_dates
from docgen.tracker import TrackerState


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def agreement_rows(catalog: Catalog, tracker: TrackerState, as_of: date) -> list[dict[str, Any]]:
    terminated = termination_dates(tracker)
    known = set(tracker.history_ids())
    rows = []
    for a in sorted(catalog.agreements.values(), key=lambda a: a.id):
        events = tracker.history(a.id).all() if a.id in known else []
        prog = progress(deliverable_states(a, events, as_of))
        rows.append({
            "id": a.id, "kind": a.kind, "title": a.title,
            "status": agreement_status(a, as_of, terminated.get(a.id)),
            "parent": a.parent, "parties": [a.first.org, a.second.org],
            "signed_on": _iso(a.signed_on), "ends_on": _iso(a.end_date),
            "done": prog.done, "total": prog.total, "percent": prog.percent,
        })
    return rows


def agreement_details(catalog: Catalog, tracker: TrackerState, agreement_id: str,
                      as_of: date) -> dict[str, Any]:
    a = catalog.get(agreement_id)
    terminated_on = termination_dates(tracker).get(a.id)
    events = tracker.history(a.id).all() if a.id in tracker.history_ids() else []
    states = deliverable_states(a, events, as_of)
    prog = progress(states)
    status = agreement_status(a, as_of, terminated_on)
    owing = owes(status)  # a draft, pending or terminated agreement has nothing overdue
    return {
        **a.model_dump(mode="json", exclude={"work_items"}),
        "status": status,
        "terminated_on": _iso(terminated_on),
        "ends_on": _iso(a.end_date),
        "as_of": as_of.isoformat(),
        "parties": [{**p.model_dump(mode="json"), "role_name": p.role_name} for p in a.parties],
        "done": prog.done, "total": prog.total, "percent": prog.percent,
        "overdue": sum(1 for s in states if owing and s.is_overdue(as_of)),
        "deliverables": [{
            "work_item": s.work_item.id, "id": s.deliverable.id, "title": s.deliverable.title,
            "due": s.deliverable.due.isoformat(), "responsible": s.work_item.responsible,
            "status": s.status, "updated_on": _iso(s.updated_on),
            "overdue": owing and s.is_overdue(as_of), "evidence": s.deliverable.evidence,
        } for s in states],
    }
