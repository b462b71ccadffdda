"""`docgen deliverable list|set|history`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from docgen.cli.common import (
    AsOf,
    Json,
    emit_json,
    info,
    parse_day,
    print_table,
    user_text,
    warn,
    workspace,
)
from docgen.domain.deliverable_state import DELIVERABLE_STATUSES
from docgen.indonesian import tanggal

Status = Enum("Status", {s: s for s in DELIVERABLE_STATUSES}, type=str)  # type: ignore[misc]

deliverable_app = typer.Typer(help="Tick off deliverables with evidence; list them and their history.",
                              no_args_is_help=True)


@deliverable_app.command("list")
def list_(
    ctx: typer.Context,
    agreement_id: Annotated[str | None, typer.Argument(
        metavar="[ID]", help="Only this agreement's deliverables.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only this status.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue deliverables.")] = False,
    as_of: AsOf = None,
    json: Json = False,
) -> None:
    """The checklist: agreement, deliverable, title, due, responsible, status, last update."""
    from docgen.app.deliverables import list_deliverables

    day = parse_day(as_of)
    listing = list_deliverables(workspace(ctx), day, agreement_id,
                                status.value if status else None, overdue)
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in listing.skipped)
    if json:
        emit_json(listing.rows)
        return
    print_table(f"Deliverables as of {tanggal(day)}",
                ["agreement", "id", "title", "due", "responsible", "status", "updated"],
                [[r["agreement"], r["id"], r["title"], r["due"], r["responsible"],
                  r["status"] + (f" (overdue {r['days_overdue']} d)" if r["overdue"] else ""),
                  r["updated_on"] or "-"] for r in listing.rows])
    if not listing.rows:
        info("no deliverables match")


@deliverable_app.command("set")
def set_(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    deliverable_id: Annotated[str, typer.Argument(metavar="DID", help="The deliverable id.")],
    status: Annotated[Status, typer.Option("--status", help="The new status.")],
    note: Annotated[str | None, typer.Option("--note", help="A note for the history.")] = None,
    evidence: Annotated[list[Path] | None, typer.Option(
        "--evidence", metavar="FILE",
        help="A file proving it (repeatable); copied into agreements/ID/evidence/.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", metavar="YYYY-MM-DD", help="When it happened (default: today).")] = None,
) -> None:
    """Record a status update: appended to the history, never rewritten."""
    from docgen.app.deliverables import set_status

    day = parse_day(on, "--on")
    result = set_status(workspace(ctx), agreement_id, deliverable_id, status.value, day,
                        user_text(note, "--note"), evidence or ())
    warn(result.warnings)
    event = result.events[0]
    files = ", ".join(e["file"] for e in event["evidence"])
    info(f"{agreement_id} {deliverable_id}: {event['status']} on {tanggal(day)}"
         + (f" (evidence: {files})" if files else ""))


@deliverable_app.command("history")
def history(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    deliverable_id: Annotated[str, typer.Argument(metavar="DID", help="The deliverable id.")],
    json: Json = False,
) -> None:
    """Every recorded event of one deliverable: on, status, note, evidence, user, recorded at."""
    from docgen.app.deliverables import history as deliverable_history

    events = deliverable_history(workspace(ctx), agreement_id, deliverable_id)
    if json:
        emit_json(events)
        return
    print_table(f"{agreement_id} {deliverable_id}",
                ["event", "on", "status", "note", "evidence", "user", "recorded at"],
                [[e["id"], e["on"], e["status"], e.get("note") or "",
                  "\n".join(f"{x['file']} (sha256 {x['sha256'][:12]}…)" for x in e.get("evidence") or []),
                  e.get("user") or "", e.get("recorded_at") or ""] for e in events])
    if not events:
        info(f"{agreement_id} {deliverable_id}: no updates recorded yet (not_started)")


def register(app: typer.Typer) -> None:
    app.add_typer(deliverable_app, name="deliverable")
