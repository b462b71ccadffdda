"""`docgen agreement list|show|new|terminate`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from docgen.agreements import load_catalog
from docgen.cli.common import AsOf, Json, console, emit_json, info, parse_day, warn, workspace
from docgen.indonesian import tanggal
from docgen.overview import agreement_details, agreement_rows
from docgen.scaffold import new_agreement
from docgen.terminations import terminate as record_termination
from docgen.tracker import Tracker

agreement_app = typer.Typer(help="List, show, scaffold and terminate agreements.",
                            no_args_is_help=True)


@agreement_app.command("list")
def list_(ctx: typer.Context, as_of: AsOf = None, json: Json = False) -> None:
    """Agreements with kind, parties, status and progress."""
    ws = workspace(ctx)
    day = parse_day(as_of)
    catalog = load_catalog(ws, day)
    rows = agreement_rows(catalog, Tracker(ws.root).read(), day)
    warn(f"{ws.rel(path)}: skipped, it has errors (run `docgen check`)"
         for aid, path in catalog.files.items() if aid not in catalog.agreements)
    if json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(title=f"Agreements as of {tanggal(day)}")
    for column in ("id", "kind", "status", "parties", "done", "ends"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["kind"], r["status"], "\n".join(r["parties"]),
                      f"{r['done']}/{r['total']}", r["ends_on"] or "-")
    console.print(table)


@agreement_app.command()
def show(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    as_of: AsOf = None,
    json: Json = False,
) -> None:
    """One agreement in full, with the state of its deliverables."""
    ws = workspace(ctx)
    day = parse_day(as_of)
    catalog = load_catalog(ws, day, only=[agreement_id])
    details = agreement_details(catalog, Tracker(ws.root).read(), agreement_id, day)
    if json:
        emit_json(details)
        return
    _print_details(details)


def _print_details(d: dict[str, Any]) -> None:
    console.print(f"[bold]{d['title']}[/bold]")
    console.print(f"{d['id']} ({d['kind']}), status: {d['status']}"
                  + (f", parent: {d['parent']}" if d["parent"] else ""))
    console.print(f"signed: {d['signed_on'] or 'not yet (draft)'}, ends: {d['ends_on'] or '-'}")
    for p in d["parties"]:
        console.print(f"{p['role_name']}: {p['org']} ({p['signatory']['name']}, "
                      f"{p['signatory']['title']})")
    pct = "-" if d["percent"] is None else f"{d['percent']}%"
    console.print(f"progress: {d['done']}/{d['total']} done ({pct}), overdue: {d['overdue']}")
    if d["deliverables"]:
        from rich.table import Table

        table = Table()
        for column in ("id", "title", "due", "responsible", "status", "updated"):
            table.add_column(column)
        for x in d["deliverables"]:
            status = x["status"] + (" (overdue)" if x["overdue"] else "")
            table.add_row(x["id"], x["title"], x["due"], x["responsible"], status,
                          x["updated_on"] or "-")
        console.print(table)


@agreement_app.command()
def new(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The new agreement's id.")],
    kind: Annotated[str, typer.Option("--kind", help="mou, renja or pks.")],
    parent: Annotated[str | None, typer.Option("--parent", metavar="ID",
                                               help="The MoU a renja/pks implements.")] = None,
) -> None:
    """Scaffold agreements/ID.yaml with placeholders to fill in."""
    ws = workspace(ctx)
    catalog = load_catalog(ws, only=[parent] if parent else [])
    path = new_agreement(ws, catalog, agreement_id, kind, parent)
    info(f"created {ws.rel(path)}: fill in every TODO, then run `docgen check`")


@agreement_app.command()
def terminate(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="Termination date.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends early.")],
) -> None:
    """Record that an agreement ends early (from DATE on it is `terminated`)."""
    ws = workspace(ctx)
    day = parse_day(on, "--on")
    agreement = load_catalog(ws, only=[agreement_id]).get(agreement_id)
    record_termination(Tracker(ws.root), agreement, day, reason)
    info(f"{agreement_id}: terminated on {tanggal(day)}")


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
