"""`docgen letter followup|reminder|list|show|render|void`: the office's letters."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from docgen.cli.common import (
    AsOf,
    Json,
    command_group,
    emit_json,
    info,
    parse_day,
    print_table,
    say,
    warn,
    workspace,
)
from docgen.indonesian import tanggal

letter_app = command_group(
    "Letters: follow-ups of overdue commitments, reminders before the "
    "deadline; list, show, re-create or void a letter."
)

Number = Annotated[str, typer.Argument(metavar="NUMBER", help="The letter's number, as registered.")]
AllowBlankNumbers = Annotated[
    bool,
    typer.Option(
        "--allow-blank-numbers",
        help="Write the letter even when the agreement's numbers are blank (printed as dotted blanks).",
    ),
]
Signatory = Annotated[
    str | None,
    typer.Option(
        "--signatory",
        metavar="NAME",
        help="Who signs: a \\[signatories.NAME] of docgen.toml (default: \\[office.head]).",
    ),
]


def _report(run: Any, json: bool, nothing: str) -> None:
    """What `followup` or `reminder` did: JSON, or one line per letter."""
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in run.skipped)
    warn(run.warnings)
    if json:
        emit_json(run.rows)
        return
    _print_rows(run.rows)
    if not run.rows:
        info(nothing)


def _print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        if r.get("in_force"):
            say(
                f"in force  {r['number']}  {r['agreement']} -> {r['unit'] or r['org']}: reply due by "
                f"{tanggal(r['reply_by'])}; no new letter before then  {r['file']}"
            )
            continue
        state = "new     " if r["new"] else "existing"
        second = f" (surat ke-{r['ordinal']}, cites {', '.join(r['cites'])})" if r["ordinal"] > 1 else ""
        again = " (file re-created)" if r.get("rendered") else ""
        due = " due soon" if r["type"] == "reminder" else ""
        say(
            f"{state}  {r['number']}  {r['agreement']} -> {r['unit'] or r['org']}: "
            f"{len(r['items'])} item(s){due}{second}  {r['file']}{again}"
        )


@letter_app.command()
def followup(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="Agreements to write for.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every agreement.")] = False,
    as_of: AsOf = None,
    again: Annotated[
        bool,
        typer.Option(
            "--again",
            help="Issue new letters even when the same letter was issued on this date or one is in force.",
        ),
    ] = False,
    signatory: Signatory = None,
    without_superior: Annotated[
        bool,
        typer.Option(
            "--without-superior",
            help="Issue a second letter even to a party without `superior` (it then has no tembusan).",
        ),
    ] = False,
    allow_blank_numbers: AllowBlankNumbers = False,
    json: Json = False,
) -> None:
    """One letter per agreement and counterpart party with overdue deliverables.

    \b
    Example:
      docgen letter followup --all --as-of 2022-07-01
    """
    from docgen.app.letters import followup as write_letters

    run = write_letters(
        workspace(ctx),
        ids or [],
        all_=all_,
        as_of=parse_day(as_of),
        again=again,
        signatory=signatory,
        without_superior=without_superior,
        allow_blank_numbers=allow_blank_numbers,
    )
    _report(run, json, "no overdue deliverables of any counterpart: no letter to write")


@letter_app.command()
def reminder(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Agreements to write for (default: every agreement)."),
    ] = None,
    days: Annotated[
        int,
        typer.Option("--days", metavar="N", min=0, max=366, help="Remind of deliverables due within N days."),
    ] = 14,
    as_of: AsOf = None,
    signatory: Signatory = None,
    allow_blank_numbers: AllowBlankNumbers = False,
    json: Json = False,
) -> None:
    """A numbered reminder (surat pemberitahuan) to each counterpart with deliverables due soon.

    Items a reminder already named are not named again.

    \b
    Example:
      docgen letter reminder --days 14 --as-of 2022-03-17
    """
    from docgen.app.letters import reminder as write_reminders

    run = write_reminders(
        workspace(ctx),
        ids or [],
        as_of=parse_day(as_of),
        days=days,
        signatory=signatory,
        allow_blank_numbers=allow_blank_numbers,
    )
    _report(run, json, f"no deliverable of any counterpart is due within {days} days: no reminder to write")


@letter_app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", metavar="YYYY", help="Only the letters of this year.")
    ] = None,
    json: Json = False,
) -> None:
    """Every letter issued, oldest first; voided ones marked.

    \b
    Example:
      docgen letter list --year 2022
    """
    from docgen.app.letters import list_letters

    rows = list_letters(workspace(ctx), year)
    if json:
        emit_json(rows)
        return
    print_table(
        "Letters",
        ["number", "type", "date", "agreement", "to", "items", "file", "void"],
        [
            [
                r["number"],
                r["type"],
                r["on"],
                r["agreement"],
                r["party"],
                ", ".join(r["items"]),
                r["file"] + ("" if r["file_exists"] else " (missing)"),
                f"void: {r['void_reason']}" if r["void"] else "",
            ]
            for r in rows
        ],
    )
    if not rows:
        info("no letters issued" + (f" in {year}" if year else ""))


@letter_app.command()
def show(ctx: typer.Context, number: Number, json: Json = False) -> None:
    """One letter: number, date, addressee, subject, items, file, void or not.

    \b
    Example:
      docgen letter show B/001/PW24/KM.01/VII/2022
    """
    from docgen.app.letters import show_letter

    letter = show_letter(workspace(ctx), number)
    if json:
        emit_json(letter)
        return
    say(f"{letter['number']}  ({letter['type']}, {tanggal(letter['on'])})", style="bold")
    if letter["void"]:
        say(f"VOID: {letter['void_reason']}")
    say(f"agreement  {letter['agreement']} ({letter['party']})")
    say(f"to         {letter['addressee'] or '-'}, {letter['unit'] or letter['org']}")
    say(f"hal        {letter['hal'] or '-'}")
    if letter["cites"]:
        say(f"cites      {', '.join(letter['cites'])}")
    if letter["reply_by"]:
        say(f"reply by   {tanggal(letter['reply_by'])}")
    say(
        f"file       {letter['file']}"
        + ("" if letter["file_exists"] else " (missing: `docgen letter render` re-creates it)")
    )
    for item in letter["items_detail"] or [
        {"id": i, "deliverable": "", "due": "", "note": ""} for i in letter["items"]
    ]:
        say(f"  {item['id']}  {item['deliverable']}  {item['due']}  {item['note']}".rstrip())


@letter_app.command()
def render(ctx: typer.Context, number: Number) -> None:
    """Re-create a letter at its recorded path, the same file as when it was issued.

    \b
    Example:
      docgen letter render B/001/PW24/KM.01/VII/2022
    """
    from docgen.app.letters import render_letter

    result = render_letter(workspace(ctx), number)
    warn(result.warnings)
    say(f"{'wrote    ' if result.changed else 'unchanged'}  {result.number}  {result.file}")


@letter_app.command()
def void(
    ctx: typer.Context,
    number: Number,
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it was not sent.")],
) -> None:
    """Void a letter: not sent, never cited or counted; its items are owed again.

    \b
    Example:
      docgen letter void B/001/PW24/KM.01/VII/2022 --reason "salah alamat, tidak dikirim"
    """
    from docgen.app.letters import void_letter

    letter = void_letter(workspace(ctx), number, reason)
    say(f"void  {letter['number']}  ({letter['void_reason']}); the number stays taken")
