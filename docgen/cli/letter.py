"""`docgen letter followup|reminder|list|show|render|void`: the office's letters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from docgen.cli.common import (
    WRAP,
    AsOf,
    Json,
    command_group,
    emit_json,
    info,
    parse_day,
    print_table,
    say,
    skipped,
    user_text,
    warn,
    word,
    workspace,
)
from docgen.i18n import _, ngettext
from docgen.indonesian import tanggal

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.app.letters import LetterRow, LetterRun

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
        help="Who signs: a [signatories.NAME] of docgen.toml (default: [office.head]).",
    ),
]


def _report(run: LetterRun, json: bool, nothing: str) -> None:
    """What `followup` or `reminder` did: JSON, or one line per letter."""
    skipped(run.skipped)
    warn(run.warnings)
    if json:
        emit_json(run.rows)
        return
    _print_rows(run.rows)
    if not run.rows:
        info(nothing)


def _print_rows(rows: list[LetterRow]) -> None:
    for r in rows:
        if r.get("in_force"):
            say(
                _(
                    "in force  {number}  {agreement} -> {to}: reply due by {date}; "
                    "no new letter before then  {file}"
                ).format(
                    number=r["number"],
                    agreement=r["agreement"],
                    to=r["unit"] or r["org"],
                    date=tanggal(r["reply_by"]),
                    file=r["file"],
                )
            )
            continue
        state = _("new") if r["new"] else _("existing")
        second = (
            " " + _("(letter no. {n}, cites {cites})").format(n=r["ordinal"], cites=", ".join(r["cites"]))
            if r["ordinal"] > 1
            else ""
        )
        again = " " + _("(file re-created)") if r.get("rendered") else ""
        items = (
            ngettext("{n} item due soon", "{n} items due soon", len(r["items"]))
            if r["type"] == "reminder"
            else ngettext("{n} item", "{n} items", len(r["items"]))
        ).format(n=len(r["items"]))
        say(
            f"{state:<9} {r['number']}  {r['agreement']} -> {r['unit'] or r['org']}: "
            f"{items}{second}  {r['file']}{again}"
        )


GivenNumber = Annotated[
    str | None,
    typer.Option(
        "--number",
        metavar="TEXT",
        help="The letter's number as given (the signatory's register, the e-office system); "
        "recorded, not allocated. One letter only.",
    ),
]


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
    number: GivenNumber = None,
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
        number=user_text(number, "--number"),
    )
    _report(run, json, _("no overdue deliverables of any counterpart: no letter to write"))


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
    number: GivenNumber = None,
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
        number=user_text(number, "--number"),
    )
    _report(
        run,
        json,
        _("no deliverable of any counterpart is due within {days} days: no reminder to write").format(
            days=days
        ),
    )


@letter_app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", metavar="YEAR", help="Only the letters of this year.")
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
    # The file is in `letter show` and --json: at 80 columns the numbers stay whole.
    print_table(
        _("Letters"),
        [_("number"), _("date"), _("agreement"), (_("letter"), WRAP)],
        [
            [
                r["number"],
                r["on"],
                r["agreement"],
                _("{type} to the {party}: {items}").format(
                    type=word(r["type"]), party=word(r["party"]), items=", ".join(r["items"])
                )
                + ("" if r["file_exists"] else "; " + _("file missing"))
                + ("; " + _("VOID: {reason}").format(reason=r["void_reason"]) if r["void"] else ""),
            ]
            for r in rows
        ],
    )
    if not rows:
        info(_("no letters issued in {year}").format(year=year) if year else _("no letters issued"))


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
    say(f"{letter['number']}  ({word(letter['type'])}, {tanggal(letter['on'])})", style="bold")
    if letter["void"]:
        say(_("VOID: {reason}").format(reason=letter["void_reason"]))
    fields = [
        (_("agreement"), f"{letter['agreement']} ({word(letter['party'])})"),
        (_("to"), f"{letter['addressee'] or '-'}, {letter['unit'] or letter['org']}"),
        (_("subject"), letter["hal"] or "-"),
    ]
    if letter["cites"]:
        fields.append((_("cites"), ", ".join(letter["cites"])))
    if letter["reply_by"]:
        fields.append((_("reply by"), tanggal(letter["reply_by"])))
    missing = " " + _("(missing: `docgen letter render` re-creates it)")
    fields.append((_("file"), letter["file"] + ("" if letter["file_exists"] else missing)))
    width = max(len(label) for label, _value in fields)
    for label, value in fields:
        say(f"{label:<{width}}  {value}")
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
    state = _("wrote") if result.changed else _("unchanged")
    say(f"{state:<10} {result.number}  {result.file}")


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
    say(
        _("void  {number}  ({reason}); the number stays taken").format(
            number=letter["number"], reason=letter["void_reason"]
        )
    )
