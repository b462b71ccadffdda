"""`docgen monitor`: progress, overdue and expiring, on screen, as JSON, PDF or xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from docgen.cli.common import AsOf, Json, console, emit_json, info, parse_day, warn, workspace
from docgen.indonesian import tanggal
from docgen.monitor import collect, overdue_by_party


def monitor(
    ctx: typer.Context,
    as_of: AsOf = None,
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", metavar="FILE", help="Also write the monitoring report as PDF to FILE.")] = None,
    xlsx: Annotated[Path | None, typer.Option(
        "--xlsx", metavar="FILE", help="Also write its tables as an Excel workbook to FILE.")] = None,
    json: Json = False,
) -> None:
    """Per agreement: status, % done, overdue, due soon, next due; expiring; overdue by party."""
    ws = workspace(ctx)
    day = parse_day(as_of)
    report, skipped = collect(ws, day)
    warn(f"{path}: skipped, it has errors (run `docgen check`)" for path in skipped)
    if pdf is not None:
        from docgen.render.report_pdf import write_report_pdf

        write_report_pdf(report, ws.config, pdf)
        info(f"wrote {pdf}")
    if xlsx is not None:
        from docgen.report_xlsx import write_report_xlsx

        write_report_xlsx(report, ws.config, xlsx)
        info(f"wrote {xlsx}")
    if json:
        emit_json(report)
    else:
        _print(report)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _print(report: dict[str, Any]) -> None:
    from rich.table import Table

    s = report["summary"]
    table = Table(title=f"Monitoring as of {tanggal(report['as_of'])}: {s['agreements']} agreement(s), "
                  f"{s['done']}/{s['total']} deliverables done ({_pct(s['percent'])})")
    for column, justify in (("agreement", "left"), ("status", "left"), ("done", "right"),
                            ("%", "right"), ("overdue", "right"), ("due soon", "right"),
                            ("next due", "left"), ("ends", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in report["agreements"]:
        overdue = f"[bold red]{r['overdue']}[/]" if r["overdue"] else "0"
        table.add_row(r["id"], r["status"], f"{r['done']}/{r['total']}", _pct(r["percent"]),
                      overdue, str(r["due_soon"]), r["next_due"] or "-", r["ends_on"] or "-")
    console.print(table)

    if report["expiring"]:
        exp = Table(title="Expiring within 90 days")
        for column in ("agreement", "ends on", "days left", "title"):
            exp.add_column(column)
        for e in report["expiring"]:
            exp.add_row(e["id"], e["ends_on"], str(e["days_left"]), e["title"])
        console.print(exp)
    else:
        console.print("No agreement expires within 90 days.")

    groups = overdue_by_party(report)
    if not groups:
        console.print("No overdue deliverables.")
    for org, rows in groups:
        late = Table(title=f"Overdue, responsible: {org} ({len(rows)})")
        for column in ("agreement", "id", "title", "due", "days", "status"):
            late.add_column(column)
        for r in rows:
            title = r["title"] + (" (with the other party)" if r["responsible"] == "both" else "")
            late.add_row(r["agreement"], r["id"], title, r["due"], str(r["days_overdue"]), r["status"])
        console.print(late)


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
