"""Use cases of `docgen agreement`: list, show, new, terminate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docgen.app import scaffold
from docgen.app.common import agreement_view, agreement_views, catalog, publish
from docgen.domain.overview import details, list_row
from docgen.errors import InputError
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.workspace import Workspace


@dataclass
class Listing:
    """Rows for a table, and the files left out because they hold errors."""

    rows: list[dict[str, Any]]
    skipped: list[str] = field(default_factory=list)


def list_agreements(ws: Workspace, as_of: date) -> Listing:
    """`agreement list`: every valid agreement with its status and progress."""
    cat = catalog(ws, as_of)
    with open_tracker(ws).read() as session:
        rows = [list_row(v) for v in agreement_views(session, cat.agreements.values(), as_of)]
    return Listing(rows, cat.skipped())


def show_agreement(ws: Workspace, agreement_id: str, as_of: date) -> dict[str, Any]:
    """`agreement show`: one agreement in full with the state of its deliverables."""
    agreement = catalog(ws, as_of, only=[agreement_id]).get(agreement_id)
    with open_tracker(ws).read() as session:
        return details(agreement_view(session, agreement, as_of))


def new_agreement(ws: Workspace, agreement_id: str, kind: str, parent: str | None) -> str:
    """`agreement new`: scaffold agreements/ID.yaml; returns its workspace-relative path."""
    cat = catalog(ws, only=[parent] if parent else [])
    return ws.rel(scaffold.new_agreement(ws, cat, agreement_id, kind, parent))


def terminate(ws: Workspace, agreement_id: str, on: date, reason: str) -> dict[str, Any]:
    """`agreement terminate`: record that an agreement ends early, from `on`."""
    agreement = catalog(ws, only=[agreement_id]).get(agreement_id)
    if not reason.strip():
        raise InputError("--reason: say why the agreement is terminated")
    if agreement.signed_on is not None and on < agreement.signed_on:
        raise InputError(f"--on: {on} is before the agreement was signed ({agreement.signed_on})")
    event = {"agreement": agreement.id, "on": on.isoformat(), "reason": " ".join(reason.split()),
             "user": current_user(), "recorded_at": now_text()}

    def body(session: Session) -> None:
        session.insert("terminations", [event])
        publish(session, ws.config, [agreement])

    open_tracker(ws).transaction(body)
    return event
