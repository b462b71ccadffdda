"""What is done, late, due and expiring: pure functions of (agreements, tracker state, as_of).

`build_report` takes plain data (agreement models, each agreement's history events, its
termination date) and returns the `docgen monitor --json` shape; `collect` does the I/O
around it for a workspace. Nothing here prints or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from docgen.models import Agreement
from docgen.progress import CLOSED, deliverable_states, progress
from docgen.status import STATUSES, agreement_status, days_left

ROLE_LABELS = {"first": "PIHAK PERTAMA", "second": "PIHAK KEDUA", "both": "PARA PIHAK"}
# An agreement owes its deliverables once signed and until terminated: the deliverables of a
# draft, a not-yet-valid (pending) or a terminated agreement are never overdue nor due soon.
OWING = frozenset({"active", "expiring", "expired"})


def owes(status: str) -> bool:
    return status in OWING


def responsible_orgs(agreement: Agreement, responsible: str) -> list[str]:
    roles = ("first", "second") if responsible == "both" else (responsible,)
    return [agreement.party(role).org for role in roles]


def build_report(agreements: Iterable[Agreement],
                 history: Mapping[str, Sequence[Mapping[str, Any]]],
                 terminated: Mapping[str, date], as_of: date) -> dict[str, Any]:
    """The monitoring report as of `as_of` (SPEC section 3, `monitor`), plus a summary."""
    rows: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    expiring: list[dict[str, Any]] = []
    for a in sorted(agreements, key=lambda a: a.id):
        status = agreement_status(a, as_of, terminated.get(a.id))
        states = deliverable_states(a, history.get(a.id, ()), as_of)
        prog = progress(states)
        owing = owes(status)
        late = [s for s in states if owing and s.is_overdue(as_of)]
        soon = [s for s in states if owing and s.is_due_soon(as_of)]
        upcoming = [s.deliverable.due for s in states
                    if s.status not in CLOSED and s.deliverable.due >= as_of]
        left = days_left(a, as_of)
        end = a.end_date
        rows.append({
            "id": a.id, "kind": a.kind, "title": a.title, "status": status,
            "parties": [a.first.org, a.second.org],
            "done": prog.done, "total": prog.total, "percent": prog.percent,
            "overdue": len(late), "due_soon": len(soon),
            "next_due": min(upcoming).isoformat() if upcoming and owing else None,
            "ends_on": end.isoformat() if end else None,
            "terminated_on": terminated[a.id].isoformat() if a.id in terminated else None,
        })
        for s in late:
            overdue.append({
                "agreement": a.id, "work_item": s.work_item.id, "id": s.deliverable.id,
                "title": s.deliverable.title, "due": s.deliverable.due.isoformat(),
                "responsible": s.work_item.responsible,
                "parties": responsible_orgs(a, s.work_item.responsible),
                "status": s.status, "days_overdue": s.days_overdue(as_of),
                "evidence": s.deliverable.evidence,
            })
        if status == "expiring" and end is not None and left is not None:
            expiring.append({"id": a.id, "title": a.title, "ends_on": end.isoformat(),
                             "days_left": left})
    overdue.sort(key=lambda r: (r["agreement"], r["due"], r["id"]))
    expiring.sort(key=lambda r: (r["days_left"], r["id"]))
    return {
        "as_of": as_of.isoformat(),
        "agreements": rows,
        "overdue": overdue,
        "expiring": expiring,
        "summary": _summary(rows, overdue, expiring),
    }


def _summary(rows: list[dict[str, Any]], overdue: list[dict[str, Any]],
             expiring: list[dict[str, Any]]) -> dict[str, Any]:
    done = sum(r["done"] for r in rows)
    total = sum(r["total"] for r in rows)
    return {
        "agreements": len(rows),
        "by_status": {s: n for s in STATUSES if (n := sum(1 for r in rows if r["status"] == s))},
        "done": done, "total": total,
        "percent": None if total == 0 else round(done / total * 100, 1),
        "overdue": len(overdue),
        "due_soon": sum(r["due_soon"] for r in rows),
        "expiring": len(expiring),
    }


def overdue_by_party(report: Mapping[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The overdue list grouped by responsible organisation, most items first.

    A deliverable both parties answer for (`responsible: both`) is listed under each.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in report["overdue"]:
        for org in row["parties"]:
            groups.setdefault(org, []).append(row)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def collect(ws: Any, as_of: date) -> tuple[dict[str, Any], list[str]]:
    """Load a workspace's agreements and tracker and build the report.

    Returns the report and the workspace-relative paths of agreement files skipped because
    they have errors.
    """
    from docgen.agreements import load_catalog
    from docgen.terminations import termination_dates
    from docgen.tracker import Tracker

    catalog = load_catalog(ws, as_of)
    state = Tracker(ws.root).read()
    known = set(state.history_ids())
    history = {aid: state.history(aid).all() for aid in catalog.agreements if aid in known}
    report = build_report(catalog.agreements.values(), history, termination_dates(state), as_of)
    skipped = [ws.rel(path) for aid, path in catalog.files.items() if aid not in catalog.agreements]
    return report, skipped
