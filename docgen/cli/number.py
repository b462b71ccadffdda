"""`docgen number next|list|void`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from docgen.cli.common import (
    WRAP,
    Json,
    command_group,
    date_option,
    emit_json,
    info,
    parse_day,
    print_table,
    say,
    user_text,
    warn,
    word,
    workspace,
)
from docgen.errors import InputError
from docgen.i18n import _

# config.NUMBER_KINDS, spelt out: importing config (pydantic) would slow every command's start.
NUMBER_KINDS = ("letter", "certificate", "agreement")
Kind = Enum("Kind", {k: k for k in NUMBER_KINDS}, type=str)  # type: ignore[misc]

number_app = command_group("Allocate, record, import, list and void official numbers.")
Register = Annotated[
    str | None,
    typer.Option(
        "--register",
        metavar="NAME",
        help="A [registers.NAME] that is not the workspace's own (default: its own register).",
    ),
]


@number_app.command("next")
def next_(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help="letter, certificate or agreement.")],
    for_: Annotated[str, typer.Option("--for", metavar="TEXT", help="What the number is for.")] = "",
    on: Annotated[date | None, date_option("--on", "The document's date (default: today).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the next number; take none.")] = False,
    json: Json = False,
) -> None:
    """Allocate (or preview) the next official number of KIND.

    \b
    Example:
      docgen number next letter --for "Undangan rapat koordinasi" --on 2022-12-05
    """
    from docgen.app.numbers import next_number

    purpose = user_text(for_, "--for") or ""
    result = next_number(workspace(ctx), kind.value, parse_day(on), purpose, dry_run=dry_run)
    warn(result["warnings"])
    if json:
        emit_json({key: value for key, value in result.items() if key != "warnings"})
        return
    say(result["number"])
    if dry_run:
        info(_("(preview: no number was taken)"))


@number_app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[Kind | None, typer.Option("--kind", help="Only this kind.")] = None,
    year: Annotated[int | None, typer.Option("--year", metavar="YEAR", help="Only this year.")] = None,
    json: Json = False,
) -> None:
    """The registry: every number given, with its date and purpose; void ones marked.

    \b
    Example:
      docgen number list --kind letter --year 2022
    """
    from docgen.app.numbers import list_numbers

    records = list_numbers(workspace(ctx), kind.value if kind else None, year)
    if json:
        emit_json(records)
        return
    registers = any(r["register"] for r in records)  # a column only when another register is in it
    print_table(
        _("Registry of numbers (buku agenda)"),
        [
            _("number"),
            (_("kind"), WRAP),
            _("date"),
            (_("for"), WRAP),
            *([_("register")] if registers else []),
        ],
        [
            [
                r["number"],
                word(r["kind"]),
                r["on"],
                (r["for"] or "")
                + ("; " + _("VOID: {reason}").format(reason=r["void_reason"]) if r["void"] else ""),
                *([r["register"] or ""] if registers else []),
            ]
            for r in records
        ],
    )


@number_app.command("record")
def record(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(metavar="KIND", help="letter, certificate or agreement.")],
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="The number, as it was given.")],
    on: Annotated[date, date_option("--on", "The date of the document it was given to.")],
    for_: Annotated[str, typer.Option("--for", metavar="TEXT", help="What it was given to.")],
    register: Register = None,
    json: Json = False,
) -> None:
    """Record a number given outside docgen (the agenda book, the e-office system, the
    central office); the workspace's own sequence continues after it.

    \b
    Example:
      docgen number record letter B/045/PW24/KM.01/III/2022 --on 2022-03-14 --for "Undangan rapat"
    """
    from docgen.app.numbers import record_number

    result = record_number(
        workspace(ctx),
        kind.value,
        user_text(number, "NUMBER") or "",
        on,
        user_text(for_, "--for") or "",
        register,
    )
    warn(result.warnings)
    recorded = result.number
    if json:
        emit_json(recorded)
        return
    where = f" ({_('register')} {recorded['register']})" if recorded["register"] else ""
    say(_("recorded  {number}{where}").format(number=recorded["number"], where=where))


@number_app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An agenda book: .xlsx or .csv.")],
    kind: Annotated[Kind, typer.Option("--kind", help="What kind of numbers it holds.")],
    register: Register = None,
    json: Json = False,
) -> None:
    """Record every number of an agenda book (columns Nomor, Tanggal, Hal or Perihal; or
    number, date, subject); a wrong row, or a number already recorded, records nothing.

    \b
    Example:
      docgen number import buku-agenda-2022.xlsx --kind letter
    """
    from docgen.app.numbers import import_numbers

    report = import_numbers(workspace(ctx), file, kind.value, register)
    warn(report.warnings)
    if report.errors:
        raise InputError(report.errors[0], problems=[*report.errors, _("nothing was recorded")])
    if json:
        emit_json(report.recorded)
        return
    say(_("recorded {count} number(s) from {file}").format(count=len(report.recorded), file=report.file))


@number_app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="The number, exactly as registered.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it is not used.")],
) -> None:
    """Mark a number unused; it stays taken and is never given again (a letter's number
    voids the letter, as `letter void` does).

    \b
    Example:
      docgen number void B/002/PW24/KM.01/VII/2022 --reason "dobel, tidak dikirim"
    """
    from docgen.app.numbers import void_number

    record = void_number(workspace(ctx), number, user_text(reason, "--reason") or "")
    say(
        _("void  {number}  ({reason}); the number stays taken").format(
            number=record["number"], reason=record["void_reason"]
        )
    )
