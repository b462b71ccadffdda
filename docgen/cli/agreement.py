"""`docgen agreement list|show|new|terminate`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from docgen.cli.common import (
    AsOf,
    Json,
    emit_json,
    info,
    parse_day,
    print_table,
    say,
    user_text,
    warn,
    workspace,
)
from docgen.indonesian import tanggal

agreement_app = typer.Typer(help="List, show, scaffold and terminate agreements.",
                            no_args_is_help=True)


@agreement_app.command("list")
def list_(ctx: typer.Context, as_of: AsOf = None, json: Json = False) -> None:
    """Agreements with kind, parties, status and progress."""
    from docgen.app.agreements import list_agreements

    ws = workspace(ctx)
    day = parse_day(as_of)
    listing = list_agreements(ws, day)
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in listing.skipped)
    if json:
        emit_json(listing.rows)
        return
    print_table(f"Agreements as of {tanggal(day)}", ["id", "kind", "status", "parties", "done", "ends"],
                [[r["id"], r["kind"], r["status"], "\n".join(r["parties"]),
                  f"{r['done']}/{r['total']}", r["ends_on"] or "-"] for r in listing.rows])


@agreement_app.command()
def show(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    as_of: AsOf = None,
    json: Json = False,
) -> None:
    """One agreement in full, with the state of its deliverables."""
    from docgen.app.agreements import show_agreement

    details = show_agreement(workspace(ctx), agreement_id, parse_day(as_of))
    if json:
        emit_json(details)
        return
    _print_details(details)


def _print_details(d: dict[str, Any]) -> None:
    say(d["title"], style="bold")
    say(f"{d['id']} ({d['kind']}), status: {d['status']}"
        + (f", parent: {d['parent']}" if d["parent"] else ""))
    say(f"signed: {d['signed_on'] or 'not yet (draft)'}, ends: {d['ends_on'] or '-'}")
    for p in d["parties"]:
        say(f"{p['role_name']}: {p['org']} ({p['signatory']['name']}, {p['signatory']['title']})")
    pct = "-" if d["percent"] is None else f"{d['percent']}%"
    say(f"progress: {d['done']}/{d['total']} done ({pct}), overdue: {d['overdue']}")
    if d["deliverables"]:
        print_table(None, ["id", "title", "due", "responsible", "status", "updated"],
                    [[x["id"], x["title"], x["due"], x["responsible"],
                      x["status"] + (" (overdue)" if x["overdue"] else ""), x["updated_on"] or "-"]
                     for x in d["deliverables"]])


@agreement_app.command()
def new(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The new agreement's id.")],
    kind: Annotated[str, typer.Option("--kind", help="mou, renja or pks.")],
    parent: Annotated[str | None, typer.Option("--parent", metavar="ID",
                                               help="The MoU a renja/pks implements.")] = None,
) -> None:
    """Scaffold agreements/ID.yaml with placeholders to fill in."""
    from docgen.app.agreements import new_agreement

    path = new_agreement(workspace(ctx), agreement_id, kind, parent)
    info(f"created {path}: fill in every TODO, then run `docgen check`")


@agreement_app.command()
def terminate(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")],
    on: Annotated[str, typer.Option("--on", metavar="YYYY-MM-DD", help="Termination date.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends early.")],
) -> None:
    """Record that an agreement ends early (from DATE on it is `terminated`)."""
    from docgen.app.agreements import terminate as record_termination

    day = parse_day(on, "--on")
    record_termination(workspace(ctx), agreement_id, day, user_text(reason, "--reason") or "")
    info(f"{agreement_id}: terminated on {tanggal(day)}")


def register(app: typer.Typer) -> None:
    app.add_typer(agreement_app, name="agreement")
