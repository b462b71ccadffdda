"""Use cases of `docgen deliverable`: the checklist, recording updates, the history.

An update is validated completely (agreement and deliverable ids, status, evidence files)
before anything is written. The events of a whole batch are then appended in one tracker
transaction, one append per agreement (TinyDB rewrites a table on every insert, so
recording N updates one by one would cost O(N^2)).

The history is append-only: an update identical to the deliverable's last recorded event
(status, date, note, evidence) is reported and not recorded again; a mistaken event is
hidden by a retraction event naming it, never removed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Required

from docgen.app.agreements import Listing
from docgen.app.common import agreement_views, catalog, discard, publish
from docgen.app.evidence import EvidenceCopier, recover_evidence, settle
from docgen.domain.amendments import as_amended
from docgen.domain.deliverable_state import (
    effective_events,
    is_retraction,
    next_event_id,
    retracted,
    status_problem,
)
from docgen.domain.overview import DeliverableRow, checklist
from docgen.errors import InputError, NotFoundError
from docgen.fsutil import sha256_file
from docgen.i18n import _
from docgen.models import Agreement, Deliverable
from docgen.records import Event
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
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
    names: tuple[str, ...] = ()  # the evidence files' own names, when they differ (uploads)


class AgreementEvent(Event, total=False):
    """An event with the id of the agreement whose history holds it."""

    agreement: Required[str]
    retracted_by: str  # `deliverable history`: the retraction that hides it
    retracted: Event  # `deliverable retract`: the event it hides


@dataclass
class Recorded:
    """What a batch recorded: the events (with their agreement id and event id), the updates
    that repeated the last recorded event (`unchanged`: that event), and warnings to show."""

    events: list[AgreementEvent] = field(default_factory=list)
    unchanged: list[AgreementEvent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def list_deliverables(
    ws: Workspace,
    as_of: date,
    agreement_id: str | None = None,
    status: str | None = None,
    overdue: bool = False,
    *,
    xlsx: Path | None = None,
) -> Listing[DeliverableRow]:
    """`deliverable list`: every deliverable of the valid agreements (or of one), filtered;
    with `xlsx`, also written to that workbook."""
    if status is not None and (problem := status_problem(status)):
        raise InputError(_("--status: {problem}").format(problem=problem))
    cat = catalog(ws, as_of, only=[agreement_id] if agreement_id else None)
    agreements = [cat.get(agreement_id)] if agreement_id else list(cat.agreements.values())
    with open_tracker(ws).read() as session:
        rows = checklist(agreement_views(session, agreements, as_of, ws.config.letters.grace_days))
    rows = [r for r in rows if (status is None or r["status"] == status) and (not overdue or r["overdue"])]
    listing = Listing(rows, [] if agreement_id else cat.skipped())
    if xlsx is not None:
        from docgen.render.report_xlsx import write_checklist_xlsx

        write_checklist_xlsx(rows, ws.config, as_of, xlsx)
        listing.written.append(xlsx)
    return listing


def set_status(
    ws: Workspace,
    agreement_id: str,
    deliverable_id: str,
    status: str,
    on: date,
    note: str | None = None,
    evidence: Sequence[Path] = (),
    *,
    user: str | None = None,
    names: Sequence[str] | None = None,
) -> Recorded:
    """`deliverable set`: record one update. `user` is who records it (default: the login
    name); `names` the evidence files' own names when they arrive under other names (the
    web face's uploads), one per file."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    update = Update(agreement.id, deliverable_id, status, on, note, tuple(evidence), tuple(names or ()))
    return record_updates(ws, [update], {agreement.id: agreement}, user=user)


def record_updates(
    ws: Workspace,
    updates: Sequence[Update],
    agreements: Mapping[str, Agreement],
    *,
    user: str | None = None,
) -> Recorded:
    """Validate every update, then append them all in one tracker transaction.

    `agreements` maps the ids the updates name to their models. Any invalid update raises
    InputError/NotFoundError listing every problem, and nothing is written. `user` is who
    records them (default: the login name).
    """
    today = date.today()
    problems: list[str] = []
    sources: dict[Path, Path] = {}
    for u in updates:
        problems.extend(_problems(u, agreements, sources))
    if problems:
        error = NotFoundError if all("no such" in p for p in problems) else InputError
        raise error(problems[0], problems=problems)

    user = user or current_user()
    recorded_at = now_text()
    created: list[Path] = []
    markers: list[Path] = []
    digests = {path: sha256_file(source) for path, source in sources.items()}

    def body(session: Session) -> Recorded:
        discard(created)  # evidence of an attempt the database asked to run again
        settle(markers)
        result = Recorded()
        result.warnings.extend(recover_evidence(ws, session))
        copier = EvidenceCopier(ws, created, markers)
        per_agreement: dict[str, list[Event]] = {}
        histories: dict[str, list[Event]] = {}
        last: dict[tuple[str, str], Event] = {}
        for u in updates:
            if u.agreement not in histories:
                histories[u.agreement] = session.events(u.agreement)
                for e in effective_events(histories[u.agreement]):
                    last[(u.agreement, e["deliverable"])] = e
            note = u.note.strip() if u.note and u.note.strip() else None
            previous = last.get((u.agreement, u.deliverable))
            if previous is not None and _same(previous, u, note, digests):
                result.unchanged.append({"agreement": u.agreement, **previous})
                continue
            event: Event = {
                "deliverable": u.deliverable,
                "on": u.on.isoformat(),
                "status": u.status,
                "note": note,
                "evidence": [
                    copier.copy(u.agreement, sources[p], name)
                    for p, name in zip(u.evidence, u.names or [p.name for p in u.evidence], strict=True)
                ],
                "user": user,
                "recorded_at": recorded_at,
            }
            last[(u.agreement, u.deliverable)] = event
            per_agreement.setdefault(u.agreement, []).append(event)
        for agreement_id, events in per_agreement.items():
            earlier = histories[agreement_id]
            result.warnings.extend(_warnings(agreements[agreement_id], earlier, events, today))
            first = next_event_id(e.get("id") for e in earlier)
            for offset, event in enumerate(events):
                event["id"] = str(first + offset)
            session.append_history(agreement_id, events)
            result.events.extend({"agreement": agreement_id, **e} for e in events)
        publish(session, ws.config, (agreements[a] for a in per_agreement))
        return result

    try:
        recorded = open_tracker(ws).transaction(body)
    except BaseException:
        discard(created)  # the tracker is untouched: leave no orphan evidence behind
        settle(markers)
        raise
    settle(markers)  # committed: the copies are recorded
    return recorded


def _same(previous: Event, u: Update, note: str | None, digests: Mapping[Path, str]) -> bool:
    """Whether an update repeats a recorded event: same status, date, note and evidence."""
    return (
        previous.get("status") == u.status
        and previous.get("on") == u.on.isoformat()
        and (previous.get("note") or None) == note
        and [e.get("sha256") for e in previous.get("evidence") or []] == [digests[p] for p in u.evidence]
    )


def _problems(u: Update, agreements: Mapping[str, Agreement], sources: dict[Path, Path]) -> list[str]:
    where = f"{u.agreement} {u.deliverable}"
    agreement = agreements.get(u.agreement)
    if agreement is None:
        return [
            _("{agreement}: no such agreement (no agreements/{agreement}.yaml)").format(agreement=u.agreement)
        ]
    problems = []
    if _deliverable(agreement, u.deliverable) is None:
        problems.append(_unknown(agreement, u.deliverable))
    if problem := status_problem(u.status):
        problems.append(_("{where}: --status: {problem}").format(where=where, problem=problem))
    for path in u.evidence:
        if path in sources:
            continue
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(_("{where}: --evidence {path}: no such file").format(where=where, path=path))
            continue
        if not resolved.is_file():
            problems.append(_("{where}: --evidence {path}: not a file").format(where=where, path=path))
        elif not os.access(resolved, os.R_OK):
            problems.append(
                _("{where}: --evidence {path}: cannot be read (permission denied)").format(
                    where=where, path=path
                )
            )
        else:
            sources[path] = resolved
    return problems


def _warnings(agreement: Agreement, earlier: Iterable[Event], new: list[Event], today: date) -> list[str]:
    """`done` without the evidence the agreement names (in this or an earlier update),
    `done` before the agreement was signed, future dates."""
    warnings = []
    with_evidence = {e["deliverable"] for e in effective_events(earlier) if e.get("evidence")}
    for event in new:
        did = event["deliverable"]
        if event["evidence"]:
            with_evidence.add(did)
        deliverable = _deliverable(agreement, did)
        expected = deliverable.evidence if deliverable else None
        if event["status"] == "done" and expected and did not in with_evidence:
            warnings.append(
                _(
                    "{id} {did}: marked done without evidence (expected: {expected}); add "
                    "it with --evidence FILE"
                ).format(id=agreement.id, did=did, expected=expected)
            )
        signed = agreement.signed_on
        if event["status"] == "done" and signed is None:
            warnings.append(
                _("{id} {did}: marked done while the agreement is still a draft (not signed)").format(
                    id=agreement.id, did=did
                )
            )
        elif event["status"] == "done" and signed is not None and event["on"] < signed.isoformat():
            warnings.append(
                _("{id} {did}: marked done on {on}, before the agreement was signed ({signed})").format(
                    id=agreement.id, did=did, on=event["on"], signed=signed
                )
            )
        if event["on"] > today.isoformat():
            warnings.append(
                _("{id} {did}: recorded on {on}, a future date; it counts only from that date").format(
                    id=agreement.id, did=did, on=event["on"]
                )
            )
    return warnings


def history(ws: Workspace, agreement_id: str, deliverable_id: str) -> list[AgreementEvent]:
    """`deliverable history`: every event of one deliverable, in the order that decides
    its state (by `on`, then as recorded); a retracted event carries `retracted_by`."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    with open_tracker(ws).read() as session:
        recorded = session.events(agreement.id)
        events = [e for e in recorded if e.get("deliverable") == deliverable_id]
    if _deliverable(agreement, deliverable_id) is None and not events:
        raise NotFoundError(_unknown(agreement, deliverable_id))
    hidden = retracted(events)
    events.sort(key=lambda e: e["on"])  # stable: equal dates keep their recording order
    shown: list[AgreementEvent] = []
    for e in events:
        row: AgreementEvent = {"agreement": agreement.id, **e}
        if str(e.get("id")) in hidden:
            row["retracted_by"] = hidden[str(e.get("id"))]
        shown.append(row)
    return shown


def _deliverable(agreement: Agreement, deliverable_id: str) -> Deliverable | None:
    """The deliverable, also one an amendment adds (whatever the date)."""
    found = agreement.deliverable(deliverable_id)
    if found is None and agreement.amendments:
        found = as_amended(agreement, date.max).deliverable(deliverable_id)
    return found


def _unknown(agreement: Agreement, deliverable_id: str) -> str:
    known = ", ".join(d.id for d in as_amended(agreement, date.max).deliverables) or "none"
    return _(
        "{id} {deliverable_id}: no such deliverable in agreements/{id}.yaml (deliverables: {known})"
    ).format(id=agreement.id, deliverable_id=deliverable_id, known=known)


def retract(
    ws: Workspace,
    agreement_id: str,
    deliverable_id: str,
    event_id: str,
    reason: str,
    *,
    user: str | None = None,
) -> AgreementEvent:
    """`deliverable retract`: hide a mistaken event from the state with a retraction event
    of its own; the history keeps both. `user` is who retracts (default: the login name)."""
    if not reason.strip():
        raise InputError(_("--reason: say why the event is retracted"))
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    event_id = event_id.strip().lstrip("#")
    where = f"{agreement.id} {deliverable_id}"
    recorded_at = now_text()

    def body(session: Session) -> AgreementEvent:
        events = session.events(agreement.id)
        mine = [e for e in events if e.get("deliverable") == deliverable_id]
        if not mine and _deliverable(agreement, deliverable_id) is None:
            raise NotFoundError(_unknown(agreement, deliverable_id))
        target = next((e for e in events if str(e.get("id")) == event_id), None)
        if target is None:
            ids = ", ".join(str(e["id"]) for e in mine) or "none"
            raise NotFoundError(
                _(
                    "{where}: no event {event_id!r} (its events: {ids}; see `docgen "
                    "deliverable history {id} {deliverable_id}`)"
                ).format(
                    where=where, event_id=event_id, ids=ids, id=agreement.id, deliverable_id=deliverable_id
                )
            )
        if target.get("deliverable") != deliverable_id:
            raise InputError(
                _("{where}: event {event_id} is about {get}, not {deliverable_id}").format(
                    where=where,
                    event_id=event_id,
                    get=target.get("deliverable"),
                    deliverable_id=deliverable_id,
                )
            )
        if is_retraction(target):
            raise InputError(
                _("{where}: event {event_id} is itself a retraction; it cannot be retracted").format(
                    where=where, event_id=event_id
                )
            )
        hidden = retracted(events)
        if event_id in hidden:
            raise InputError(
                _("{where}: event {event_id} is already retracted (by event {value})").format(
                    where=where, event_id=event_id, value=hidden[event_id]
                )
            )
        event: Event = {
            "deliverable": deliverable_id,
            "kind": "retraction",
            "retracts": event_id,
            "on": date.today().isoformat(),
            "status": None,
            "note": None,
            "reason": " ".join(reason.split()),
            "evidence": [],
            "user": user or current_user(),
            "recorded_at": recorded_at,
        }
        event["id"] = str(next_event_id(e.get("id") for e in events))
        session.append_history(agreement.id, [event])
        publish(session, ws.config, [agreement])
        return {"agreement": agreement.id, **event, "retracted": target}

    return open_tracker(ws).transaction(body)
