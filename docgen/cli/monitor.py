"""`docgen monitor`: progress, overdue and expiring, on screen, as JSON, PDF or xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from docgen.cli.common import (
    WRAP,
    AsOf,
    Json,
    emit_json,
    info,
    parse_day,
    percent,
    print_table,
    say,
    skipped,
    state_word,
    warn,
    word,
    workspace,
)
from docgen.i18n import _, ngettext
from docgen.indonesian import tanggal

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.domain.monitor import AgreementRow, NationalReport, OverdueRow, Report


def monitor(
    ctx: typer.Context,
    as_of: AsOf = None,
    pdf: Annotated[
        Path | None,
        typer.Option("--pdf", metavar="FILE", help="Also write the monitoring report as PDF to FILE."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", metavar="FILE", help="Also write its tables as an Excel workbook to FILE."),
    ] = None,
    json: Json = False,
    all_offices: Annotated[
        bool,
        typer.Option(
            "--all-offices",
            help="The national view: every office sharing the tracker, grouped by "
            "office (needs a PostgreSQL tracker).",
        ),
    ] = False,
) -> None:
    """Per agreement: status, % done, overdue, due soon, next due; expiring (with their
    renewals); overdue by party; the open items of agreements ended long ago (lapsed).

    \b
    Example:
      docgen monitor --as-of 2022-07-01 --pdf laporan/pemantauan-2022-07.pdf
    """
    from docgen.app.monitor import monitor as run_monitor
    from docgen.app.monitor import monitor_all_offices

    run = monitor_all_offices if all_offices else run_monitor
    result = run(workspace(ctx), parse_day(as_of), pdf=pdf, xlsx=xlsx)
    skipped(result.skipped)
    warn(result.warnings)
    for path in result.written:
        info(_("wrote {path}").format(path=path))
    report = result.report
    if json:
        emit_json(report)
    elif "offices" not in report:  # one office's report (a national one has no "agreements")
        _print(report, result.by_party)
    elif "agreements" not in report:
        _print_national(report)


def _agreements(title: str, rows: list[AgreementRow]) -> None:
    print_table(
        title,
        [
            _("agreement"),
            (_("status"), WRAP),
            (_("done"), "right"),
            ("%", "right"),
            (_("overdue"), "right"),
            (_("due soon"), "right"),
            _("next due"),
            _("ends"),
        ],
        [
            [
                r["id"],
                word(r["status"]),
                f"{r['done']}/{r['total']}",
                percent(r["percent"]),
                str(r["overdue"]),
                str(r["due_soon"]),
                r["next_due"] or "-",
                r["ends_on"] or "-",
            ]
            for r in rows
        ],
        alert=_("overdue"),
    )


def _print(report: Report, groups: list[tuple[str, list[OverdueRow]]]) -> None:
    s = report["summary"]
    _agreements(
        ngettext(
            "Monitoring as of {date}: {n} agreement, {done}/{total} deliverables done ({pct})",
            "Monitoring as of {date}: {n} agreements, {done}/{total} deliverables done ({pct})",
            s["agreements"],
        ).format(
            date=tanggal(report["as_of"]),
            n=s["agreements"],
            done=s["done"],
            total=s["total"],
            pct=percent(s["percent"]),
        ),
        report["agreements"],
    )
    if report["expiring"]:
        print_table(
            _("Expiring within 90 days"),
            [_("agreement"), _("ends on"), (_("days left"), "right"), _("renewed by"), (_("title"), WRAP)],
            [
                [
                    e["id"],
                    e["ends_on"],
                    str(e["days_left"]),
                    "\n".join(f"{r['id']} ({word(r['status'])})" for r in e["renewed_by"]) or "-",
                    e["title"],
                ]
                for e in report["expiring"]
            ],
        )
    else:
        say(_("No agreement expires within 90 days."))
    if not groups:
        say(_("No overdue deliverables."))
    for org, rows in groups:
        print_table(
            _("Overdue, responsible: {org} ({n})").format(org=org, n=len(rows)),
            [
                _("agreement"),
                _("id"),
                (_("title"), WRAP),
                _("due"),
                (_("days"), "right"),
                (_("status"), WRAP),
            ],
            [
                [
                    r["agreement"],
                    r["id"],
                    r["title"] + (" " + _("(with the other party)") if r["responsible"] == "both" else ""),
                    r["due"],
                    str(r["days_overdue"]),
                    state_word(r["status"]),
                ]
                for r in rows
            ],
        )
    if report["lapsed"]:
        print_table(
            _(
                "Lapsed: open items of agreements that ended long ago ({n}); close them (done or dropped)"
            ).format(n=len(report["lapsed"])),
            [_("agreement"), _("id"), (_("title"), WRAP), _("due"), (_("status"), WRAP), (_("ended"), WRAP)],
            [
                [
                    r["agreement"],
                    r["id"],
                    r["title"],
                    r["due"],
                    state_word(r["status"]),
                    f"{r['ended_on']} ({word(r['agreement_status'])})",
                ]
                for r in report["lapsed"]
            ],
        )


def _print_national(report: NationalReport) -> None:
    s = report["summary"]
    say(
        _(
            "National view as of {date}: offices {offices}, agreements {agreements}, "
            "{done}/{total} deliverables done ({pct}), {overdue} overdue, {expiring} expiring within 90 days"
        ).format(date=tanggal(report["as_of"]), pct=percent(s["percent"]), **s)
    )
    if not report["offices"]:
        say(_("No office has published its agreements yet (`docgen sync`)."))
    for group in report["offices"]:
        g = group["summary"]
        _agreements(
            _(
                "{office} {name}: agreements {agreements}, {done}/{total} done ({pct}), {overdue} overdue"
            ).format(office=group["office"], name=group["name"], pct=percent(g["percent"]), **g),
            group["agreements"],
        )
    if report["expiring"]:
        print_table(
            _("Expiring within 90 days"),
            [_("office"), _("agreement"), _("ends on"), (_("days left"), "right")],
            [[e["office"], e["id"], e["ends_on"], str(e["days_left"])] for e in report["expiring"]],
        )
    overdue = [(g["office"], r) for g in report["offices"] for r in g["overdue"]]
    if overdue:
        print_table(
            _("Overdue deliverables ({n})").format(n=len(overdue)),
            [_("office"), _("agreement"), _("id"), _("due"), (_("days"), "right"), (_("responsible"), WRAP)],
            [
                [office, r["agreement"], r["id"], r["due"], str(r["days_overdue"]), ", ".join(r["parties"])]
                for office, r in overdue
            ],
        )


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
