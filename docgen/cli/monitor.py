"""`docgen monitor`: progress, overdue and expiring, on screen, as JSON, PDF or xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from docgen.cli.common import AsOf, Json, emit_json, info, parse_day, print_table, say, warn, workspace
from docgen.indonesian import tanggal


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
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in result.skipped)
    warn(result.warnings)
    for path in result.written:
        info(f"wrote {path}")
    if json:
        emit_json(result.report)
    elif all_offices:
        _print_national(result.report)
    else:
        _print(result.report, result.by_party)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _agreements(title: str, rows: list[dict[str, Any]]) -> None:
    print_table(
        title,
        [
            "agreement",
            "status",
            ("done", "right"),
            ("%", "right"),
            ("overdue", "right"),
            ("due soon", "right"),
            "next due",
            "ends",
        ],
        [
            [
                r["id"],
                r["status"],
                f"{r['done']}/{r['total']}",
                _pct(r["percent"]),
                str(r["overdue"]),
                str(r["due_soon"]),
                r["next_due"] or "-",
                r["ends_on"] or "-",
            ]
            for r in rows
        ],
        alert="overdue",
    )


def _print(report: dict[str, Any], groups: list[tuple[str, list[dict[str, Any]]]]) -> None:
    s = report["summary"]
    _agreements(
        f"Monitoring as of {tanggal(report['as_of'])}: {s['agreements']} agreement(s), "
        f"{s['done']}/{s['total']} deliverables done ({_pct(s['percent'])})",
        report["agreements"],
    )
    if report["expiring"]:
        print_table(
            "Expiring within 90 days",
            ["agreement", "ends on", ("days left", "right"), "renewed by", "title"],
            [
                [
                    e["id"],
                    e["ends_on"],
                    str(e["days_left"]),
                    "\n".join(f"{r['id']} ({r['status']})" for r in e["renewed_by"]) or "-",
                    e["title"],
                ]
                for e in report["expiring"]
            ],
        )
    else:
        say("No agreement expires within 90 days.")
    if not groups:
        say("No overdue deliverables.")
    for org, rows in groups:
        print_table(
            f"Overdue, responsible: {org} ({len(rows)})",
            ["agreement", "id", "title", "due", ("days", "right"), "status"],
            [
                [
                    r["agreement"],
                    r["id"],
                    r["title"] + (" (with the other party)" if r["responsible"] == "both" else ""),
                    r["due"],
                    str(r["days_overdue"]),
                    r["status"],
                ]
                for r in rows
            ],
        )
    if report["lapsed"]:
        print_table(
            f"Lapsed: open items of agreements that ended long ago ({len(report['lapsed'])}); "
            "close them (done or dropped)",
            ["agreement", "id", "title", "due", "status", "ended"],
            [
                [
                    r["agreement"],
                    r["id"],
                    r["title"],
                    r["due"],
                    r["status"],
                    f"{r['ended_on']} ({r['agreement_status']})",
                ]
                for r in report["lapsed"]
            ],
        )


def _print_national(report: dict[str, Any]) -> None:
    s = report["summary"]
    say(
        f"National view as of {tanggal(report['as_of'])}: {s['offices']} office(s), "
        f"{s['agreements']} agreement(s), {s['done']}/{s['total']} deliverables done "
        f"({_pct(s['percent'])}), {s['overdue']} overdue, {s['expiring']} expiring within 90 days"
    )
    if not report["offices"]:
        say("No office has published its agreements yet (`docgen sync`).")
    for group in report["offices"]:
        g = group["summary"]
        _agreements(
            f"{group['office']} {group['name']}: {g['agreements']} agreement(s), "
            f"{g['done']}/{g['total']} done ({_pct(g['percent'])}), {g['overdue']} overdue",
            group["agreements"],
        )
    if report["expiring"]:
        print_table(
            "Expiring within 90 days",
            ["office", "agreement", "ends on", ("days left", "right")],
            [[e["office"], e["id"], e["ends_on"], str(e["days_left"])] for e in report["expiring"]],
        )
    overdue = [(g["office"], r) for g in report["offices"] for r in g["overdue"]]
    if overdue:
        print_table(
            f"Overdue deliverables ({len(overdue)})",
            ["office", "agreement", "id", "due", ("days", "right"), "responsible"],
            [
                [office, r["agreement"], r["id"], r["due"], str(r["days_overdue"]), ", ".join(r["parties"])]
                for office, r in overdue
            ],
        )


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
