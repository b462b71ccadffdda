"""`docgen deliverable list|set|history|retract`."""

from __future__ import annotations

from datetime import date
from enum import Enum
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
    print_table,
    say,
    skipped,
    state_word,
    user_text,
    warn,
    word,
    workspace,
)
from docgen.domain.deliverable_state import DELIVERABLE_STATUSES
from docgen.i18n import _, ngettext
from docgen.indonesian import tanggal

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.app.deliverables import AgreementEvent
    from docgen.domain.overview import DeliverableRow

Status = Enum("Status", {s: s for s in DELIVERABLE_STATUSES}, type=str)  # type: ignore[misc]

deliverable_app = command_group(
    "Tick off deliverables with evidence; list them and their history; retract a mistaken entry."
)

AgreementId = Annotated[str, typer.Argument(metavar="ID", help="The agreement id.")]
DeliverableId = Annotated[str, typer.Argument(metavar="DID", help="The deliverable id.")]


def _state(r: DeliverableRow) -> str:
    if r.get("lapsed"):
        return state_word(r["status"]) + " " + _("(lapsed)")
    overdue = ngettext("(overdue {n} day)", "(overdue {n} days)", r["days_overdue"] or 0)
    return state_word(r["status"]) + (" " + overdue.format(n=r["days_overdue"]) if r["overdue"] else "")


@deliverable_app.command("list")
def list_(
    ctx: typer.Context,
    agreement_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="Only this agreement's deliverables.")
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Only this status.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue deliverables.")] = False,
    as_of: AsOf = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="FILE", help="Also write the checklist as an Excel workbook to FILE."),
    ] = None,
    json: Json = False,
) -> None:
    """The checklist: agreement, deliverable, title, due, responsible, status, last update.

    \b
    Example:
      docgen deliverable list ntt-renja-2022 --overdue --as-of 2022-07-01
    """
    from docgen.app.deliverables import list_deliverables

    day = parse_day(as_of)
    listing = list_deliverables(
        workspace(ctx), day, agreement_id, status.value if status else None, overdue, xlsx=xlsx
    )
    skipped(listing.skipped)
    for path in listing.written:
        info(_("wrote {path}").format(path=path))
    if json:
        emit_json(listing.rows)
        return
    print_table(
        _("Deliverables as of {date}").format(date=tanggal(day)),
        [
            _("agreement"),
            _("id"),
            (_("title"), WRAP),
            _("due"),
            (_("responsible"), WRAP),
            (_("status"), WRAP),
            _("updated"),
        ],
        [
            [
                r["agreement"],
                r["id"],
                r["title"],
                r["due"],
                word(r["responsible"]),
                _state(r),
                r["updated_on"] or "-",
            ]
            for r in listing.rows
        ],
    )
    if not listing.rows:
        info(_("no deliverables match"))


@deliverable_app.command("set")
def set_(
    ctx: typer.Context,
    agreement_id: AgreementId,
    deliverable_id: DeliverableId,
    status: Annotated[Status, typer.Option("--status", help="The new status.")],
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="A note for the history.")
    ] = None,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            metavar="FILE",
            help="A file proving it (repeatable); copied into agreements/ID/evidence/.",
        ),
    ] = None,
    on: Annotated[date | None, date_option("--on", "When it happened (default: today).")] = None,
) -> None:
    """Record a status update: appended to the history, never rewritten.

    An update identical to the last recorded one (status, date, note, evidence) is
    reported and not recorded again.

    \b
    Example:
      docgen deliverable set ntt-renja-2022 W1-D1 --status done --on 2022-03-30 --evidence notulen.pdf
    """
    from docgen.app.deliverables import set_status

    day = parse_day(on)
    result = set_status(
        workspace(ctx),
        agreement_id,
        deliverable_id,
        status.value,
        day,
        user_text(note, "--note"),
        evidence or (),
    )
    warn(result.warnings)
    for event in result.unchanged:
        say(
            _("{id} {did}: already recorded as event {event} ({status} on {date}); nothing recorded").format(
                id=agreement_id,
                did=deliverable_id,
                event=event["id"],
                status=word(event["status"]),
                date=tanggal(event["on"]),
            )
        )
    for event in result.events:
        files = ", ".join(e["file"] for e in event.get("evidence") or [])
        say(
            _("{id} {did}: {status} on {date}, event {event}").format(
                id=agreement_id,
                did=deliverable_id,
                status=word(event["status"]),
                date=tanggal(day),
                event=event["id"],
            )
            + (" " + _("(evidence: {files})").format(files=files) if files else "")
        )


def _history_status(e: AgreementEvent) -> str:
    if e.get("kind") == "retraction":
        return _("retracts event {event}").format(event=e["retracts"])
    hidden = (
        " " + _("(retracted by {event})").format(event=e["retracted_by"]) if e.get("retracted_by") else ""
    )
    return f"{word(e['status'])}{hidden}"


@deliverable_app.command("history")
def history(
    ctx: typer.Context,
    agreement_id: AgreementId,
    deliverable_id: DeliverableId,
    json: Json = False,
) -> None:
    """Every recorded event of one deliverable: event id, on, status, note, evidence, user,
    recorded at; retracted events and their retractions included.

    \b
    Example:
      docgen deliverable history ntt-renja-2022 W1-D1
    """
    from docgen.app.deliverables import history as deliverable_history

    events = deliverable_history(workspace(ctx), agreement_id, deliverable_id)
    if json:
        emit_json(events)
        return
    if not events:
        info(_("{id} {did}: no report recorded yet").format(id=agreement_id, did=deliverable_id))
        return
    print_table(
        f"{agreement_id} {deliverable_id}",
        [
            _("event"),
            _("on"),
            (_("status"), WRAP),
            (_("note"), WRAP),
            (_("evidence"), WRAP),
            (_("user"), WRAP),
            _("recorded at"),  # a date and a time, each whole on its line
        ],
        [
            [
                e["id"],
                e["on"],
                _history_status(e),
                e.get("reason") or e.get("note") or "",
                "\n".join(f"{x['file']} (sha256 {x['sha256'][:12]}…)" for x in e.get("evidence") or []),
                e.get("user") or "",
                (e.get("recorded_at") or "").replace("T", "\n", 1),
            ]
            for e in events
        ],
    )


@deliverable_app.command("retract")
def retract(
    ctx: typer.Context,
    agreement_id: AgreementId,
    deliverable_id: DeliverableId,
    event: Annotated[
        str, typer.Argument(metavar="EVENT", help="The id of the mistaken event (see `history`).")
    ],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it is a mistake.")],
) -> None:
    """Hide a mistaken event from the deliverable's state; the history keeps both events.

    \b
    Example:
      docgen deliverable retract ntt-renja-2022 W1-D1 3 --reason "salah keluaran"
    """
    from docgen.app.deliverables import retract as retract_event

    result = retract_event(
        workspace(ctx), agreement_id, deliverable_id, event, user_text(reason, "--reason") or ""
    )
    hidden = result["retracted"]
    say(
        _("{id} {did}: event {event} ({status} on {date}) retracted by event {by}").format(
            id=agreement_id,
            did=deliverable_id,
            event=hidden["id"],
            status=word(hidden["status"]),
            date=tanggal(hidden["on"]),
            by=result["id"],
        )
    )
