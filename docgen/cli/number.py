"""`docgen number next|list|void`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import Json, emit_json, info, parse_day, print_table, say, user_text, workspace

number_app = typer.Typer(help="Allocate, list and void official numbers.", no_args_is_help=True)


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
    from docgen.app.numbers import next_number

    purpose = user_text(for_, "--for") or ""
    result = next_number(workspace(ctx), kind, parse_day(on, "--on"), purpose, dry_run=dry_run)
    if json:
        emit_json(result)
        return
    say(result["number"])
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
    from docgen.app.numbers import list_numbers

    records = list_numbers(workspace(ctx), kind, year)
    if json:
        emit_json(records)
        return
    print_table("Buku agenda (registry of numbers)", ["number", "kind", "date", "for", "void"],
                [[r["number"], r["kind"], r["on"], r["for"],
                  f"void: {r['void_reason']}" if r["void"] else ""] for r in records])


@number_app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="The number, exactly as registered.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is not used.")],
) -> None:
    """Mark a number unused; it stays taken and is never given again."""
    from docgen.app.numbers import void_number

    record = void_number(workspace(ctx), number, user_text(reason, "--reason") or "")
    info(f"{record['number']}: void ({record['void_reason']}); the number stays taken")


def register(app: typer.Typer) -> None:
    app.add_typer(number_app, name="number")
