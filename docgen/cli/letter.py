"""`docgen letter followup`: follow-up letters for overdue commitments."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import AsOf, Json, emit_json, info, parse_day, say, warn, workspace

letter_app = typer.Typer(help="Write letters: follow-ups of overdue commitments.",
                         no_args_is_help=True)


@letter_app.command()
def followup(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...",
                                                    help="Agreements to write for.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every agreement.")] = False,
    as_of: AsOf = None,
    again: Annotated[bool, typer.Option("--again", help="Issue new letters even when the same "
                                        "letter was issued on this date.")] = False,
    signatory: Annotated[str | None, typer.Option(
        "--signatory", metavar="NAME", help="Who signs: a \\[signatories.NAME] of docgen.toml "
        "(default: \\[office.head]).")] = None,
    without_superior: Annotated[bool, typer.Option(
        "--without-superior", help="Issue a second letter even to a party without `superior` "
        "(it then has no tembusan).")] = False,
    json: Json = False,
) -> None:
    """One letter per agreement and counterpart party with overdue deliverables."""
    from docgen.app.letters import followup as write_letters

    rows, skipped = write_letters(workspace(ctx), ids or [], all_=all_, as_of=parse_day(as_of),
                                  again=again, signatory=signatory,
                                  without_superior=without_superior)
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in skipped)
    if json:
        emit_json(rows)
        return
    for r in rows:
        state = "new     " if r["new"] else "existing"
        second = f" (surat ke-{r['ordinal']}, cites {r['cites']})" if r["ordinal"] > 1 else ""
        say(f"{state}  {r['number']}  {r['agreement']} -> {r['unit'] or r['org']}: "
            f"{len(r['items'])} item(s){second}  {r['file']}")
    if not rows:
        info("no overdue deliverables of any counterpart: no letter to write")


def register(app: typer.Typer) -> None:
    app.add_typer(letter_app, name="letter")
