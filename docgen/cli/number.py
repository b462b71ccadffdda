"""`docgen number next|list|void`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import Json, console, emit_json, info, parse_day, workspace
from docgen.config import NUMBER_KINDS
from docgen.errors import InputError
from docgen.numbering import Registry
from docgen.tracker import Tracker

number_app = typer.Typer(help="Allocate, list and void official numbers.", no_args_is_help=True)


def _kind(kind: str) -> str:
    if kind not in NUMBER_KINDS:
        raise InputError(f"KIND: {kind!r} is not one of {', '.join(NUMBER_KINDS)}")
    return kind


def _public(record: dict) -> dict:
    return {key: record.get(key) for key in
            ("kind", "number", "seq", "year", "on", "for", "void", "void_reason", "ref")}


@number_app.command("next")
def next_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="letter, certificate or agreement.")],
    for_: Annotated[str, typer.Option("--for", metavar="TEXT", help="What the number is for.")]
    = "",
    on: Annotated[str | None, typer.Option("--on", metavar="YYYY-MM-DD",
                                           help="The document's date (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the next number; take none.")]
    = False,
    json: Json = False,
) -> None:
    """Allocate (or preview) the next official number of KIND."""
    ws = workspace(ctx)
    kind, day = _kind(kind), parse_day(on, "--on")
    tracker = Tracker(ws.root)
    if dry_run:
        result = Registry(tracker.read(), ws.config).preview(kind, day)
    else:
        with tracker.write() as state:
            record = Registry(state, ws.config).allocate(kind, day, for_.strip())
        result = {k: record[k] for k in ("kind", "number", "seq", "year")}
    if json:
        emit_json(result)
    else:
        typer.echo(result["number"])
        if dry_run:
            info("(preview: no number was taken)")


@number_app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    json: Json = False,
) -> None:
    """The registry: every number given, with its date and purpose; void ones marked."""
    ws = workspace(ctx)
    records = Registry(Tracker(ws.root).read(), ws.config).records(
        _kind(kind) if kind else None, year)
    if json:
        emit_json([_public(r) for r in records])
        return
    from rich.table import Table

    table = Table(title="Buku agenda (registry of numbers)")
    for column in ("number", "kind", "date", "for", "void"):
        table.add_column(column)
    for r in records:
        table.add_row(r["number"], r["kind"], r["on"], r["for"],
                      f"void: {r['void_reason']}" if r["void"] else "")
    console.print(table)


@number_app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The number, exactly as registered.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is not used.")],
) -> None:
    """Mark a number unused; it stays taken and is never given again."""
    ws = workspace(ctx)
    with Tracker(ws.root).write() as state:
        Registry(state, ws.config).void(number, reason)
    info(f"{number}: void ({reason.strip()}); the number stays taken")


def register(app: typer.Typer) -> None:
    app.add_typer(number_app, name="number")
