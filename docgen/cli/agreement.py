"""`docgen agreement list|show|new|sign|extend|renew|terminate|import`."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from docgen.cli.common import (
    WRAP,
    AsOf,
    Json,
    command_group,
    date_option,
    emit_json,
    info,
    parse_day,
    percent,
    print_table,
    say,
    skipped,
    state_word,
    user_text,
    warn,
    word,
    workspace,
)
from docgen.i18n import _
from docgen.indonesian import tanggal

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.domain.overview import AgreementDetails, DeliverableRow

agreement_app = command_group("List, show, scaffold, sign, extend, renew, terminate and import agreements.")


class Kind(StrEnum):
    mou = "mou"
    renja = "renja"
    pks = "pks"


class PlanKind(StrEnum):
    renja = "renja"
    pks = "pks"


AgreementId = Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")]
NumberSecond = Annotated[
    str | None,
    typer.Option("--number-second", metavar="TEXT", help="The other party's number of the document."),
]
NumberGiven = Annotated[
    str | None,
    typer.Option(
        "--number",
        metavar="TEXT",
        help="The first party's number as given (required when the first party numbers in "
        "another register); recorded, not allocated.",
    ),
]


@agreement_app.command("list")
def list_(ctx: typer.Context, as_of: AsOf = None, json: Json = False) -> None:
    """Agreements with kind, parties, status and progress.

    \b
    Example:
      docgen agreement list --as-of 2022-07-01
    """
    from docgen.app.agreements import list_agreements

    ws = workspace(ctx)
    day = parse_day(as_of)
    listing = list_agreements(ws, day)
    skipped(listing.skipped)
    if json:
        emit_json(listing.rows)
        return
    print_table(
        _("Agreements as of {date}").format(date=tanggal(day)),
        [
            _("id"),
            (_("kind"), WRAP),
            (_("status"), WRAP),
            (_("parties"), WRAP),
            (_("done"), "right"),
            _("ends"),
        ],
        [
            [
                r["id"],
                word(r["kind"]),
                word(r["status"]),
                "\n".join(r["parties"]),
                f"{r['done']}/{r['total']}",
                r["ends_on"] or "-",
            ]
            for r in listing.rows
        ],
    )


@agreement_app.command()
def show(ctx: typer.Context, agreement_id: AgreementId, as_of: AsOf = None, json: Json = False) -> None:
    """One agreement in full (as amended on the date), with the state of its deliverables,
    its adenda and its termination events.

    \b
    Example:
      docgen agreement show ntt-renja-2022 --as-of 2022-07-01
    """
    from docgen.app.agreements import show_agreement

    details = show_agreement(workspace(ctx), agreement_id, parse_day(as_of))
    if json:
        emit_json(details)
        return
    _print_details(details)


def _print_details(d: AgreementDetails[DeliverableRow]) -> None:
    say(d["title"], style="bold")
    say(
        _("{id} ({kind}), status: {status}").format(
            id=d["id"], kind=word(d["kind"]), status=word(d["status"])
        )
        + (", " + _("parent: {id}").format(id=d["parent"]) if d["parent"] else "")
        + (", " + _("renews: {id}").format(id=d["renews"]) if d.get("renews") else "")
    )
    numbers = ", ".join(n for n in (d["numbers"]["first"], d["numbers"]["second"]) if n)
    say(
        _("signed: {date}").format(date=d["signed_on"] or _("not yet (draft)"))
        + (f" ({numbers})" if numbers else "")
        + ", "
        + _("ends: {date}").format(date=d["ends_on"] or "-")
    )
    for p in d["parties"]:
        say(f"{p['role_name']}: {p['org']} ({p['signatory']['name']}, {p['signatory']['title']})")
    for am in d.get("amendments", []):
        if am["in_force"]:
            state = _("in force")
        else:
            state = _("from {date}").format(date=am["on"]) if am["on"] else word("draft")
        say(
            _("adendum: {title} ({number}, {on}; {state})").format(
                title=am["title"],
                number=am["number"] or _("no number"),
                on=am["on"] or _("not signed"),
                state=state,
            )
        )
    for e in d.get("terminations", []):
        what = {
            "terminate": _("terminated"),
            "correct": _("termination corrected to"),
            "cancel": _("termination cancelled"),
        }.get(e.get("action") or "terminate", _("terminated"))
        on = e.get("on")
        say(
            f"{what}{' ' + on if on else ''}: {e['reason']} "
            f"({e.get('user', '?')}, {e.get('recorded_at', '?')})"
        )
    pct = percent(d["percent"])
    say(
        _("progress: {done}/{total} done ({pct}), overdue: {overdue}").format(
            done=d["done"], total=d["total"], pct=pct, overdue=d["overdue"]
        )
    )
    if d["deliverables"]:
        print_table(
            None,
            [
                _("id"),
                (_("title"), WRAP),
                _("due"),
                (_("responsible"), WRAP),
                (_("status"), WRAP),
                _("updated"),
            ],
            [
                [
                    x["id"],
                    x["title"],
                    x["due"],
                    word(x["responsible"]),
                    state_word(x["status"])
                    + (
                        " " + _("(overdue)")
                        if x["overdue"]
                        else " " + _("(lapsed)")
                        if x.get("lapsed")
                        else ""
                    ),
                    x["updated_on"] or "-",
                ]
                for x in d["deliverables"]
            ],
        )


@agreement_app.command()
def new(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(metavar="ID", help="The new agreement's id.")],
    kind: Annotated[Kind, typer.Option("--kind", help="mou, renja or pks.")],
    parent: Annotated[
        str | None, typer.Option("--parent", metavar="ID", help="The MoU a renja/pks implements.")
    ] = None,
) -> None:
    """Scaffold agreements/ID.yaml with placeholders to fill in.

    \b
    Example:
      docgen agreement new ntt-renja-2023 --kind renja --parent ntt-mou-2021
    """
    from docgen.app.agreements import new_agreement

    path = new_agreement(workspace(ctx), agreement_id, kind.value, parent)
    say(_("created {path}").format(path=path))
    info(_("fill in every TODO, then run `docgen check`"))


@agreement_app.command()
def sign(
    ctx: typer.Context,
    agreement_id: AgreementId,
    on: Annotated[date, date_option("--on", "The date it was signed.")],
    number_second: NumberSecond = None,
    number: NumberGiven = None,
) -> None:
    """Sign a draft: take the office's agreement number from the registry and write it and
    the date into the file (signed_on, numbers), keeping its comments and layout.

    \b
    Example:
      docgen agreement sign ntt-renja-2023 --on 2023-02-06 --number-second 120/45/BO/2023
    """
    from docgen.app.signing import sign as sign_agreement

    result = sign_agreement(workspace(ctx), agreement_id, on, number_second, user_text(number, "--number"))
    warn(result.warnings)
    say(result.number)
    info(
        _("{id}: signed on {date}; {file} updated").format(
            id=agreement_id, date=tanggal(on), file=result.file
        )
    )


@agreement_app.command()
def extend(
    ctx: typer.Context,
    agreement_id: AgreementId,
    to: Annotated[date, date_option("--to", "The new last day of the term.")],
    on: Annotated[date, date_option("--on", "The date the adendum is signed.")],
    number_second: NumberSecond = None,
    number: NumberGiven = None,
) -> None:
    """Extend the term by an adendum: numbered from the registry, written to the file's
    `amendments:`; `docgen build` renders its draft.

    \b
    Example:
      docgen agreement extend ntt-renja-2022 --to 2023-06-30 --on 2022-12-15
    """
    from docgen.app.signing import extend as extend_agreement

    result = extend_agreement(
        workspace(ctx), agreement_id, to, on, number_second, user_text(number, "--number")
    )
    warn(result.warnings)
    say(result.number)
    info(
        _("{id}: extended to {to} by the adendum of {on}; {file} updated").format(
            id=agreement_id, to=tanggal(to), on=tanggal(on), file=result.file
        )
    )


@agreement_app.command()
def renew(
    ctx: typer.Context,
    agreement_id: AgreementId,
    new_id: Annotated[str, typer.Argument(metavar="NEW_ID", help="The new agreement's id.")],
) -> None:
    """Scaffold the next agreement from one that is ending: same parties and content, a
    `renews:` link, the dates left to fill in.

    \b
    Example:
      docgen agreement renew ntt-renja-2022 ntt-renja-2023
    """
    from docgen.app.signing import renew as renew_agreement

    path = renew_agreement(workspace(ctx), agreement_id, new_id)
    say(_("created {path}").format(path=path))
    info(_("review its title, signatories, term and due dates, then run `docgen check`"))


@agreement_app.command()
def terminate(
    ctx: typer.Context,
    agreement_id: AgreementId,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why it ends early (or why the correction).")
    ],
    on: Annotated[date | None, date_option("--on", "Termination date.")] = None,
    correct: Annotated[
        bool, typer.Option("--correct", help="Replace the recorded termination date with --on.")
    ] = False,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Withdraw the recorded termination (no --on).")
    ] = False,
) -> None:
    """Record that an agreement ends early (from the date on it is `terminated`); correct or
    cancel a recorded termination. Every call is kept as an event.

    \b
    Example:
      docgen agreement terminate ntt-renja-2022 --on 2022-09-01 --reason "Reorganisasi"
    """
    from docgen.app.agreements import terminate as record_termination

    if cancel and (on is not None or correct):
        raise typer.BadParameter(_("--cancel takes only --reason"), param_hint="--cancel")
    if not cancel and on is None:
        raise typer.BadParameter(_("give the termination date (or --cancel)"), param_hint="--on")
    result = record_termination(
        workspace(ctx), agreement_id, on, user_text(reason, "--reason") or "", correct=correct, cancel=cancel
    )
    event, previous = result["event"], result["previous"]
    before = tanggal(previous["on"]) if previous is not None else ""  # none only when terminating
    if event is None:
        say(_("{id}: already terminated on {date}; nothing recorded").format(id=agreement_id, date=before))
    elif cancel:
        say(
            _("{id}: termination of {date} cancelled (event {event})").format(
                id=agreement_id, date=before, event=event["id"]
            )
        )
    elif correct:
        say(
            _("{id}: termination corrected from {before} to {date} (event {event})").format(
                id=agreement_id, before=before, date=tanggal(event["on"]), event=event["id"]
            )
        )
    else:
        say(
            _("{id}: terminated on {date} (event {event})").format(
                id=agreement_id, date=tanggal(event["on"]), event=event["id"]
            )
        )


@agreement_app.command()
def history(ctx: typer.Context, agreement_id: AgreementId, json: Json = False) -> None:
    """Everything recorded about an agreement, by date: its numbers (signing, adenda),
    letters and reminders (voided ones too), terminations and their corrections,
    deliverable updates and retractions.

    \b
    Example:
      docgen agreement history ntt-renja-2022
    """
    from docgen.app.agreements import agreement_history

    entries = agreement_history(workspace(ctx), agreement_id)
    if json:
        emit_json(entries)
        return
    print_table(
        _("{id}: history").format(id=agreement_id),
        [_("on"), (_("what"), WRAP), _("ref"), (_("detail"), WRAP), (_("recorded at"), WRAP)],
        [[e["on"], word(e["kind"]), e["ref"], e["text"], e["recorded_at"] or ""] for e in entries],
    )
    if not entries:
        info(_("{id}: nothing recorded in the tracker yet").format(id=agreement_id))


@agreement_app.command("import")
def import_(
    ctx: typer.Context,
    xlsx: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help="The work-plan matrix.")],
    agreement_id: Annotated[str, typer.Option("--id", metavar="ID", help="The new agreement's id.")],
    parent: Annotated[str, typer.Option("--parent", metavar="MOU", help="The MoU it implements.")],
    kind: Annotated[PlanKind, typer.Option("--kind", help="renja or pks.")] = PlanKind.renja,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME",
            help="The sheet holding the matrix (default: the first visible one; "
            "a hidden sheet is read only when named).",
        ),
    ] = None,
) -> None:
    """Turn a work-plan matrix kept in Excel (No, Kegiatan, Keluaran, Batas Waktu,
    Penanggung Jawab, Bukti) into agreements/ID.yaml.

    \b
    Example:
      docgen agreement import "Matriks Renja 2023.xlsx" --id ntt-renja-2023 --parent ntt-mou-2021
    """
    from docgen.app.importing import import_work_plan

    result = import_work_plan(workspace(ctx), xlsx, agreement_id, parent, kind.value, sheet)
    say(
        _("created {file}: work items {items}, deliverables {deliverables}").format(
            file=result.file, items=result.work_items, deliverables=result.deliverables
        )
    )
    info(_("fill in every TODO (title, term, the second party's signatory), then run `docgen check`"))
