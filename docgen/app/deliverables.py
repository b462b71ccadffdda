"""Use cases of `docgen deliverable`: the checklist, recording updates, the history.

An update is validated completely (agreement and deliverable ids, status, evidence files)
before anything is written. The events of a whole batch are then appended in one tracker
transaction, one append per agreement (TinyDB rewrites a table on every insert, so
recording N updates one by one would cost O(N^2)).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.app.agreements import Listing
from docgen.app.common import agreement_views, catalog, discard, publish
from docgen.app.evidence import EvidenceCopier
from docgen.domain.deliverable_state import DELIVERABLE_STATUSES
from docgen.domain.overview import checklist
from docgen.errors import InputError, NotFoundError
from docgen.models import Agreement
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.state.records import checked
from docgen.workspace import Workspace


@dataclass(frozen=True)
class Update:
    """One status update of one deliverable, as a user gives it."""

    agreement: str
    deliverable: str
    status: str
    on: date
    note: str | None = None
    evidence: tuple[Path, ...] = ()


@dataclass
class Recorded:
    """What a batch recorded: the events (with their agreement id) and warnings to show."""

    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def list_deliverables(ws: Workspace, as_of: date, agreement_id: str | None = None,
                      status: str | None = None, overdue: bool = False) -> Listing:
    """`deliverable list`: every deliverable of the valid agreements (or of one), filtered."""
    if status is not None and status not in DELIVERABLE_STATUSES:
        raise InputError(f"--status: {status!r} is not one of {', '.join(DELIVERABLE_STATUSES)}")
    cat = catalog(ws, as_of, only=[agreement_id] if agreement_id else None)
    agreements = [cat.get(agreement_id)] if agreement_id else list(cat.agreements.values())
    with open_tracker(ws).read() as session:
        rows = checklist(agreement_views(session, agreements, as_of))
    rows = [r for r in rows
            if (status is None or r["status"] == status) and (not overdue or r["overdue"])]
    return Listing(rows, [] if agreement_id else cat.skipped())


def set_status(ws: Workspace, agreement_id: str, deliverable_id: str, status: str, on: date,
               note: str | None = None, evidence: Sequence[Path] = ()) -> Recorded:
    """`deliverable set`: record one update."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    update = Update(agreement.id, deliverable_id, status, on, note, tuple(evidence))
    return record_updates(ws, [update], {agreement.id: agreement})


def record_updates(ws: Workspace, updates: Sequence[Update],
                   agreements: Mapping[str, Agreement]) -> Recorded:
    """Validate every update, then append them all in one tracker transaction.

    `agreements` maps the ids the updates name to their models. Any invalid update raises
    InputError/NotFoundError listing every problem, and nothing is written.
    """
    today = date.today()
    problems: list[str] = []
    sources: dict[Path, Path] = {}
    for u in updates:
        problems.extend(_problems(u, agreements, sources))
    if problems:
        error = NotFoundError if all("no such" in p for p in problems) else InputError
        raise error(problems[0], problems=problems)

    user = current_user()
    recorded_at = now_text()
    created: list[Path] = []

    def body(session: Session) -> Recorded:
        discard(created)  # evidence of an attempt the database asked to run again
        result = Recorded()
        copier = EvidenceCopier(ws, created)
        per_agreement: dict[str, list[dict[str, Any]]] = {}
        for u in updates:
            event = {
                "deliverable": u.deliverable,
                "on": u.on.isoformat(),
                "status": u.status,
                "note": u.note.strip() if u.note and u.note.strip() else None,
                "evidence": [copier.copy(u.agreement, sources[p]) for p in u.evidence],
                "user": user,
                "recorded_at": recorded_at,
            }
            per_agreement.setdefault(u.agreement, []).append(event)
            result.events.append({"agreement": u.agreement, **event})
        for agreement_id, events in per_agreement.items():
            earlier = checked(session, "history", session.history(agreement_id), agreement_id)
            result.warnings.extend(_warnings(agreements[agreement_id], earlier, events, today))
            session.append_history(agreement_id, events)
        publish(session, ws.config, (agreements[a] for a in per_agreement))
        return result

    try:
        return open_tracker(ws).transaction(body)
    except BaseException:
        discard(created)  # the tracker is untouched: leave no orphan evidence behind
        raise


def _problems(u: Update, agreements: Mapping[str, Agreement], sources: dict[Path, Path]) -> list[str]:
    where = f"{u.agreement} {u.deliverable}"
    agreement = agreements.get(u.agreement)
    if agreement is None:
        return [f"{u.agreement}: no such agreement (no agreements/{u.agreement}.yaml)"]
    problems = []
    if agreement.deliverable(u.deliverable) is None:
        known = ", ".join(d.id for d in agreement.deliverables) or "none"
        problems.append(f"{where}: no such deliverable in agreements/{u.agreement}.yaml "
                        f"(deliverables: {known})")
    if u.status not in DELIVERABLE_STATUSES:
        problems.append(f"{where}: --status: {u.status!r} is not one of "
                        f"{', '.join(DELIVERABLE_STATUSES)}")
    for path in u.evidence:
        if path in sources:
            continue
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(f"{where}: --evidence {path}: no such file")
            continue
        if not resolved.is_file():
            problems.append(f"{where}: --evidence {path}: not a file")
        elif not os.access(resolved, os.R_OK):
            problems.append(f"{where}: --evidence {path}: cannot be read (permission denied)")
        else:
            sources[path] = resolved
    return problems


def _warnings(agreement: Agreement, earlier: Iterable[Mapping[str, Any]],
              new: list[dict[str, Any]], today: date) -> list[str]:
    """`done` without the evidence the agreement names (in this or an earlier update), future dates."""
    warnings = []
    with_evidence = {e["deliverable"] for e in earlier if e.get("evidence")}
    for event in new:
        did = event["deliverable"]
        if event["evidence"]:
            with_evidence.add(did)
        deliverable = agreement.deliverable(did)
        expected = deliverable.evidence if deliverable else None
        if event["status"] == "done" and expected and did not in with_evidence:
            warnings.append(f"{agreement.id} {did}: marked done without evidence "
                            f"(expected: {expected}); add it with --evidence FILE")
        if event["on"] > today.isoformat():
            warnings.append(f"{agreement.id} {did}: recorded on {event['on']}, a future date; "
                            "it counts only from that date")
    return warnings


def history(ws: Workspace, agreement_id: str, deliverable_id: str) -> list[dict[str, Any]]:
    """`deliverable history`: every event of one deliverable, in the order that decides
    its state (by `on`, then as recorded)."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    with open_tracker(ws).read() as session:
        recorded = checked(session, "history", session.history(agreement.id), agreement.id)
        events = [e for e in recorded if e.get("deliverable") == deliverable_id]
    if agreement.deliverable(deliverable_id) is None and not events:
        known = ", ".join(d.id for d in agreement.deliverables) or "none"
        raise NotFoundError(f"{agreement.id} {deliverable_id}: no such deliverable in "
                            f"agreements/{agreement.id}.yaml (deliverables: {known})")
    events.sort(key=lambda e: e["on"])  # stable: equal dates keep their recording order
    return [{"agreement": agreement.id, **e} for e in events]
