"""Use cases of `docgen agreement`: list, show, new, terminate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypedDict, TypeVar

from docgen.app import scaffold
from docgen.app.common import agreement_view, agreement_views, catalog, publish
from docgen.domain.amendments import as_amended
from docgen.domain.deliverable_state import retracted
from docgen.domain.monitor import AgreementRow
from docgen.domain.overview import AgreementDetails, DeliverableRow, details, list_row
from docgen.domain.terminations import in_force as termination_in_force
from docgen.errors import InputError
from docgen.i18n import _
from docgen.models import Agreement
from docgen.records import LETTERS, NUMBERS, TERMINATIONS, TerminationRecord
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.workspace import Workspace

Row = TypeVar("Row")


@dataclass
class Listing(Generic[Row]):
    """Rows for a table, and the files left out because they hold errors."""

    rows: list[Row]
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def list_agreements(ws: Workspace, as_of: date) -> Listing[AgreementRow]:
    """`agreement list`: every valid agreement with its status and progress."""
    cat = catalog(ws, as_of)
    with open_tracker(ws).read() as session:
        rows = [
            list_row(v)
            for v in agreement_views(session, cat.agreements.values(), as_of, ws.config.letters.grace_days)
        ]
    return Listing(rows, cat.skipped())


class Terminated(TypedDict):
    """What `agreement terminate` did (terminate, correct or cancel), the termination in
    force before it, and the event it recorded (None: it was so already)."""

    action: str
    previous: TerminationRecord | None
    event: TerminationRecord | None


class HistoryEntry(TypedDict):
    """One line of `agreement history`: when, what kind of record, its number or id, what
    it says, who recorded it and when."""

    on: str
    kind: str  # number, void, letter, reminder, termination, deliverable
    ref: str
    text: str
    user: str | None
    recorded_at: str | None


def show_agreement(ws: Workspace, agreement_id: str, as_of: date) -> AgreementDetails[DeliverableRow]:
    """`agreement show`: one agreement in full with the state of its deliverables."""
    agreement = catalog(ws, as_of, only=[agreement_id]).get(agreement_id)
    with open_tracker(ws).read() as session:
        view = agreement_view(session, agreement, as_of, ws.config.letters.grace_days)
        terminations = [e for e in session.records(TERMINATIONS) if e.get("agreement") == agreement.id]
    return details(view, terminations)


def new_agreement(ws: Workspace, agreement_id: str, kind: str, parent: str | None) -> str:
    """`agreement new`: scaffold agreements/ID.yaml; returns its workspace-relative path."""
    cat = catalog(ws, only=[parent] if parent else [])
    return ws.rel(scaffold.new_agreement(ws, cat, agreement_id, kind, parent))


def terminate(
    ws: Workspace,
    agreement_id: str,
    on: date | None,
    reason: str,
    *,
    correct: bool = False,
    cancel: bool = False,
) -> Terminated:
    """`agreement terminate`: record that an agreement ends early, from `on`; with
    `correct`, move a recorded termination to another date; with `cancel`, withdraw it.
    Every call is an event of its own: the tracker keeps them all.

    Returns the action, the termination in force before (`previous`) and the event
    recorded (None when nothing needed recording).
    """
    if cancel and (correct or on is not None):
        raise InputError(_("--cancel takes only --reason (not --on or --correct)"))
    if not cancel and on is None:
        raise InputError(_("--on: give the termination date (or --cancel to withdraw one)"))
    if not reason.strip():
        raise InputError(
            "--reason: say why"
            + (" the termination is withdrawn" if cancel else " the agreement is terminated")
        )
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    action = "cancel" if cancel else "correct" if correct else "terminate"
    recorded_at = now_text()

    def body(session: Session) -> Terminated:
        events = [e for e in session.records(TERMINATIONS) if e.get("agreement") == agreement.id]
        current = termination_in_force(events).get(agreement.id)
        result: Terminated = {"action": action, "previous": current, "event": None}
        if cancel:
            if current is None:
                raise InputError(_("{id}: no termination in force to cancel").format(id=agreement.id))
        else:
            assert on is not None
            _check_term(agreement, on)
            if current is not None and current["on"] == on.isoformat():
                return result  # already so: nothing to record
            if current is not None and not correct:
                raise InputError(
                    _(
                        "{id}: already terminated on {on}; to record another date, give "
                        "--correct (or --cancel to withdraw it)"
                    ).format(id=agreement.id, on=current["on"])
                )
            if current is None and correct:
                raise InputError(
                    _("{id}: no termination in force to correct; record one without --correct").format(
                        id=agreement.id
                    )
                )
        event: TerminationRecord = {
            "agreement": agreement.id,
            "action": action,
            "on": None if cancel else on.isoformat() if on else None,
            "reason": " ".join(reason.split()),
            "user": current_user(),
            "recorded_at": recorded_at,
        }
        if current is not None:
            event["replaces"] = current.get("id")
        session.insert(TERMINATIONS, [event])
        result["event"] = session.records(TERMINATIONS)[-1]
        publish(session, ws.config, [agreement])
        return result

    return open_tracker(ws).transaction(body)


def _check_term(agreement: Agreement, on: date) -> None:
    """A termination needs a signed agreement and a date within its term (as amended)."""
    if agreement.signed_on is None:
        raise InputError(
            _("{id}: a draft (not signed) cannot be terminated; delete or keep the file instead").format(
                id=agreement.id
            )
        )
    if on < agreement.signed_on:
        raise InputError(
            _("--on: {on} is before the agreement was signed ({signed_on})").format(
                on=on, signed_on=agreement.signed_on
            )
        )
    end = as_amended(agreement, on).end_date
    if end is not None and on > end:
        raise InputError(
            _("--on: {on} is after the term ended ({end}); an expired agreement needs no termination").format(
                on=on, end=end
            )
        )


def agreement_history(ws: Workspace, agreement_id: str) -> list[HistoryEntry]:
    """`agreement history`: everything the tracker recorded about an agreement, in date order:
    the numbers taken for it (signing, adenda), letters issued and voided, termination
    events, deliverable updates and their retractions."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    aid = agreement.id
    entries: list[HistoryEntry] = []

    def add(
        on: str | None, recorded_at: str | None, kind: str, ref: str, text: str, user: str | None = None
    ) -> None:
        entries.append(
            {
                "on": on or (recorded_at or "")[:10],
                "kind": kind,
                "ref": ref,
                "text": text,
                "user": user,
                "recorded_at": recorded_at,
            }
        )

    with open_tracker(ws).read() as session:
        for r in session.records(NUMBERS):
            ref = r.get("ref") or {}
            if ref.get("agreement") == aid:
                add(r["on"], r.get("recorded_at"), "number", r["number"], r.get("for") or "")
            if (ref.get("agreement") == aid or ref.get("letter") == aid) and r.get("void"):
                add(
                    (r.get("voided_at") or "")[:10],
                    r.get("voided_at"),
                    "void",
                    r["number"],
                    _("number voided: {get}").format(get=r.get("void_reason")),
                )
        for letter in session.records(LETTERS):
            if letter.get("agreement") != aid:
                continue
            kind = "reminder" if letter.get("type") == "reminder" else "letter"
            ordinal = (
                " " + _("(letter no. {n})").format(n=letter["ordinal"])
                if letter.get("ordinal", 1) > 1
                else ""
            )
            void = (
                " " + _("(void: {reason})").format(reason=letter.get("void_reason"))
                if letter.get("void")
                else ""
            )
            what = _("reminder") if kind == "reminder" else _("letter")
            add(
                letter["on"],
                letter.get("recorded_at"),
                kind,
                letter["number"],
                _("{what} to {org}").format(what=what, org=letter["org"])
                + f"{ordinal}: {', '.join(letter['items'])}{void}",
                letter.get("user"),
            )
        for t in session.records(TERMINATIONS):
            if t.get("agreement") != aid:
                continue
            action = t.get("action") or "terminate"
            text = {
                "terminate": _("terminated from {get}").format(get=t.get("on")),
                "correct": _("termination corrected to {get}").format(get=t.get("on")),
                "cancel": _("termination cancelled"),
            }.get(action, action)
            add(
                t.get("on") if action != "cancel" else None,
                t.get("recorded_at"),
                "termination",
                str(t.get("id")),
                f"{text}: {t.get('reason')}",
                t.get("user"),
            )
        events = session.events(aid)
        hidden = retracted(events)
        for e in events:
            if e.get("kind") == "retraction":
                text = _("{deliverable}: event {event} retracted: {reason}").format(
                    deliverable=e["deliverable"], event=e["retracts"], reason=e.get("reason")
                )
            else:
                text = f"{e['deliverable']}: {e['status']}" + (f" ({e['note']})" if e.get("note") else "")
                if str(e.get("id")) in hidden:
                    text += " " + _("(retracted by event {event})").format(event=hidden[str(e.get("id"))])
            add(e["on"], e.get("recorded_at"), "deliverable", str(e.get("id")), text, e.get("user"))
    entries.sort(key=lambda x: (x["on"], x["recorded_at"] or ""))
    return entries
