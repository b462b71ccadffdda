"""`docgen monitor`: progress, overdue and expiring, on screen, as JSON, PDF or xlsx."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from docgen.cli.common import AsOf, Json, console, info, parse_day, warn, workspace
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
        emit_json_rows(report)
    else:
        _print(report)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def emit_json_rows(data: dict[str, Any] | list[Any]) -> None:
    """Indented JSON with one table row per line: greppable, and written by the C encoder.

    (`indent=` makes the json module encode in pure Python: 0.3 s for a large monitor.)
    """
    def rows(items: list[Any], pad: str) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join(pad + "  " + _dumps(x) for x in items) + "\n" + pad + "]"

    if isinstance(data, list):
        text = rows(data, "")
    else:
        text = "{\n" + ",\n".join(
            f"  {_dumps(k)}: " + (rows(v, "  ") if isinstance(v, list) else _dumps(v))
            for k, v in data.items()) + "\n}"
    sys.stdout.write(text + "\n")


# rich lays out about 1,500 table rows a second; past this many rows a table is printed as
# aligned plain text instead, which takes milliseconds.
RICH_ROWS = 400


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _table(title: str, columns: list[tuple[str, str]], rows: list[list[str]]) -> None:
    """A rich table, or for very long lists the same columns as aligned plain text."""
    from rich.text import Text

    if len(rows) <= RICH_ROWS:
        from rich.table import Table

        table = Table(title=Text(title))  # Text: an org named "[x]" is not rich markup
        for name, justify in columns:
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*(Text(cell, style="bold red" if name == "overdue" and cell != "0" else "")
                            for cell, (name, _) in zip(row, columns, strict=True)))
        console.print(table)
        return
    widths = [max(len(name), *(len(row[i]) for row in rows)) for i, (name, _) in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if j == "right" else c.ljust(w)
                         for c, w, (_, j) in zip(cells, widths, columns, strict=True)).rstrip()

    console.print(Text(title, style="bold"))
    text = "\n".join([line([name for name, _ in columns]), line(["-" * w for w in widths]),
                      *(line(row) for row in rows)])
    console.out(text, highlight=False)


def _print(report: dict[str, Any]) -> None:
    s = report["summary"]
    _table(f"Monitoring as of {tanggal(report['as_of'])}: {s['agreements']} agreement(s), "
           f"{s['done']}/{s['total']} deliverables done ({_pct(s['percent'])})",
           [("agreement", "left"), ("status", "left"), ("done", "right"), ("%", "right"),
            ("overdue", "right"), ("due soon", "right"), ("next due", "left"), ("ends", "left")],
           [[r["id"], r["status"], f"{r['done']}/{r['total']}", _pct(r["percent"]), str(r["overdue"]),
             str(r["due_soon"]), r["next_due"] or "-", r["ends_on"] or "-"]
            for r in report["agreements"]])

    if report["expiring"]:
        _table("Expiring within 90 days",
               [("agreement", "left"), ("ends on", "left"), ("days left", "right"), ("title", "left")],
               [[e["id"], e["ends_on"], str(e["days_left"]), e["title"]] for e in report["expiring"]])
    else:
        console.print("No agreement expires within 90 days.")

    groups = overdue_by_party(report)
    if not groups:
        console.print("No overdue deliverables.")
    for org, rows in groups:
        _table(f"Overdue, responsible: {org} ({len(rows)})",
               [("agreement", "left"), ("id", "left"), ("title", "left"), ("due", "left"),
                ("days", "right"), ("status", "left")],
               [[r["agreement"], r["id"],
                 r["title"] + (" (with the other party)" if r["responsible"] == "both" else ""),
                 r["due"], str(r["days_overdue"]), r["status"]] for r in rows])


def register(app: typer.Typer) -> None:
    app.command("monitor")(monitor)
