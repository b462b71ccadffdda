"""`docgen deliverable list|set|history`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from docgen.agreements import load_catalog
from docgen.cli.common import AsOf, Json, console, emit_json, info, parse_day, warn, workspace
from docgen.cli.monitor import emit_json_rows
from docgen.deliverables import history_rows, list_deliverables, set_status
from docgen.indonesian import tanggal
from docgen.progress import DELIVERABLE_STATUSES
from docgen.tracker import Tracker

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
    from rich.table import Table

    ws = workspace(ctx)
    day = parse_day(as_of)
    catalog = load_catalog(ws, day, only=[agreement_id] if agreement_id else None)
    rows = list_deliverables(catalog, Tracker(ws.root).read(), day, agreement_id,
                             status.value if status else None, overdue)
    if agreement_id is None:
        warn(f"{ws.rel(path)}: skipped, it has errors (run `docgen check`)"
             for aid, path in catalog.files.items() if aid not in catalog.agreements)
    if json:
        emit_json_rows(rows)
        return
    table = Table(title=f"Deliverables as of {tanggal(day)}")
    for column in ("agreement", "id", "title", "due", "responsible", "status", "updated"):
        table.add_column(column)
    for r in rows:
        state = r["status"] + (f" [red](overdue {r['days_overdue']} d)[/red]" if r["overdue"] else "")
        table.add_row(r["agreement"], r["id"], r["title"], r["due"], r["responsible"], state,
                      r["updated_on"] or "-")
    console.print(table)
    if not rows:
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
    ws = workspace(ctx)
    day = parse_day(on, "--on")
    agreement = load_catalog(ws, only=[agreement_id]).get(agreement_id)
    result = set_status(ws, agreement, deliverable_id, status.value, day, note, evidence or ())
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
    ws = workspace(ctx)
    agreement = load_catalog(ws, only=[agreement_id]).get(agreement_id)
    events = history_rows(Tracker(ws.root).read(), agreement, deliverable_id)
    if json:
        emit_json(events)
        return
    from rich.table import Table

    table = Table(title=f"{agreement_id} {deliverable_id}")
    for column in ("on", "status", "note", "evidence", "user", "recorded at"):
        table.add_column(column)
    for e in events:
        table.add_row(e["on"], e["status"], e.get("note") or "",
                      "\n".join(f"{x['file']} (sha256 {x['sha256'][:12]}…)"
                                for x in e.get("evidence") or []),
                      e.get("user") or "", e.get("recorded_at") or "")
    console.print(table)
    if not events:
        info(f"{agreement_id} {deliverable_id}: no updates recorded yet (not_started)")


def register(app: typer.Typer) -> None:
    app.add_typer(deliverable_app, name="deliverable")
