"""The monitoring report as PDF (reportlab): summary, progress chart, expiring, overdue by party.

Input is the report of `docgen.monitor.build_report` and the office's config; the text is
Bahasa Indonesia, A4 landscape, in the PDF standard fonts (they cover Indonesian).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from docgen.config import Config
from docgen.domain.monitor import overdue_by_party
from docgen.domain.obligations import ROLE_LABELS
from docgen.errors import DocgenError
from docgen.fsutil import atomic_path
from docgen.indonesian import angka, tanggal

STATUS_LABELS = {"draft": "Draf", "pending": "Belum berlaku", "active": "Berlaku",
                 "expiring": "Segera berakhir", "expired": "Berakhir", "terminated": "Diakhiri"}
DELIVERABLE_LABELS = {"not_started": "Belum dimulai", "in_progress": "Sedang berjalan",
                      "done": "Selesai", "blocked": "Terkendala", "dropped": "Dibatalkan"}
TITLE = "LAPORAN PEMANTAUAN PELAKSANAAN KERJA SAMA"
BARS_PER_CHART = 20
BLUE = colors.HexColor("#1f5f99")
RED = colors.HexColor("#c0392b")
HEADER_BG = colors.HexColor("#dde6f0")
PAGE = landscape(A4)
MARGIN = 2 * cm
WIDTH = PAGE[0] - 2 * MARGIN
CELL_SIZE = 8


def percent_text(value: float | None) -> str:
    return "-" if value is None else f"{angka(value, 1)}%"


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10,
                          leading=13)
    return {
        "kop": ParagraphStyle("kop", parent=body, fontName="Helvetica-Bold", fontSize=13,
                              leading=16, alignment=TA_CENTER),
        "kop2": ParagraphStyle("kop2", parent=body, fontSize=9, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=12,
                                leading=15, alignment=TA_CENTER, spaceBefore=10),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=8),
        "h": ParagraphStyle("h", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14,
                            spaceBefore=12, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=10,
                             spaceBefore=8, spaceAfter=4),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=8,
                               leading=10),
        "sign": ParagraphStyle("sign", parent=body, leading=14),
    }


def _table(header: list[str], rows: list[list[Any]], widths: list[float],
           st: dict[str, ParagraphStyle]) -> Table:
    """A grid table across the page; long lists split over pages with the header repeated.

    Text that fits its column is drawn as a plain string, the rest as a wrapping
    Paragraph: wrapping every cell made a report of 2,000 overdue items take ten seconds.
    """
    scale = WIDTH / sum(widths)
    col_widths = [w * scale for w in widths]
    fits = [int((w - 6) / (CELL_SIZE * 0.55)) for w in col_widths]  # Helvetica is ~0.5 em wide
    cells: list[list[Any]] = [[Paragraph(escape(h), st["head"]) for h in header]]
    for row in rows:
        cells.append([c if isinstance(c, Paragraph) or len(str(c)) <= fit
                      else Paragraph(escape(str(c)), st["cell"])
                      for c, fit in zip(row, fits, strict=True)])
    table = Table(cells, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_SIZE + 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _charts(rows: list[dict[str, Any]]) -> list[Drawing]:
    """Horizontal bars of % done per agreement, red where something is overdue."""
    shown = [r for r in rows if r["percent"] is not None]
    drawings = []
    for start in range(0, len(shown), BARS_PER_CHART):
        chunk = shown[start:start + BARS_PER_CHART]
        label_width = min(220, 40 + 5.2 * max(len(r["id"]) for r in chunk))
        height = 18 * len(chunk) + 55
        drawing = Drawing(WIDTH, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = label_width, 35
        chart.width, chart.height = WIDTH - label_width - 40, height - 45
        ordered = list(reversed(chunk))  # the chart draws its first category at the bottom
        chart.data = [[r["percent"] for r in ordered]]
        chart.categoryAxis.categoryNames = [r["id"] for r in ordered]
        chart.categoryAxis.labels.fontName = "Helvetica"
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
        chart.valueAxis.labels.fontName = "Helvetica"
        chart.valueAxis.labels.fontSize = 8
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.lightgrey
        chart.bars.strokeColor = None
        chart.barWidth = 10
        chart.bars[0].fillColor = BLUE
        for i, r in enumerate(ordered):
            if r["overdue"]:
                chart.bars[(0, i)].fillColor = RED
        chart.barLabelFormat = lambda v: angka(v, 1) + "%"
        chart.barLabels.fontName = "Helvetica"
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        drawing.add(chart)
        legend_y = 6
        drawing.add(Rect(label_width, legend_y, 8, 8, fillColor=BLUE, strokeColor=None))
        drawing.add(String(label_width + 12, legend_y + 1, "tanpa keluaran terlambat",
                           fontName="Helvetica", fontSize=8))
        drawing.add(Rect(label_width + 130, legend_y, 8, 8, fillColor=RED, strokeColor=None))
        drawing.add(String(label_width + 142, legend_y + 1, "ada keluaran terlambat",
                           fontName="Helvetica", fontSize=8))
        drawings.append(drawing)
    return drawings


def _summary_text(report: dict[str, Any]) -> str:
    s = report["summary"]
    by_status = ", ".join(f"{n} {STATUS_LABELS.get(k, k).lower()}" for k, n in s["by_status"].items())
    return (
        f"Dipantau {s['agreements']} kerja sama ({by_status or '-'}). "
        f"Keluaran selesai {s['done']} dari {s['total']} ({percent_text(s['percent'])}); "
        f"{s['overdue']} keluaran terlambat; {s['due_soon']} keluaran jatuh tempo dalam 30 hari; "
        f"{s['expiring']} kerja sama berakhir dalam 90 hari."
    )


def _heading(text: str, style: ParagraphStyle) -> list[Any]:
    """A heading never alone at the foot of a page (room for it and a few rows, else a new page)."""
    return [CondPageBreak(3.5 * cm), Paragraph(text, style)]


def build_story(report: dict[str, Any], config: Config) -> list[Any]:
    st = _styles()
    office = config.office
    as_of = date.fromisoformat(report["as_of"])
    story: list[Any] = [Paragraph(escape(office.name.upper()), st["kop"])]
    if office.address:
        story.append(Paragraph(escape(office.address), st["kop2"]))
    story.append(Table([[""]], colWidths=[WIDTH], rowHeights=[4],
                       style=[("LINEBELOW", (0, 0), (-1, -1), 1.5, colors.black)]))
    story += [
        Paragraph(TITLE, st["title"]),
        Paragraph(f"Keadaan per {tanggal(as_of)}", st["subtitle"]),
        Paragraph(escape(_summary_text(report)), st["body"]),
        *_heading("A. Capaian per Kerja Sama", st["h"]),
    ]
    rows = []
    for i, r in enumerate(report["agreements"], start=1):
        name = Paragraph(f"<b>{escape(r['id'])}</b><br/>{escape(r['title'])}", st["cell"])
        rows.append([i, name, STATUS_LABELS.get(r["status"], r["status"]),
                     f"{r['done']}/{r['total']}", percent_text(r["percent"]), r["overdue"],
                     r["due_soon"], tanggal(r["next_due"]) if r["next_due"] else "-",
                     tanggal(r["ends_on"]) if r["ends_on"] else "-"])
    story.append(_table(["No", "Kerja sama", "Status", "Selesai", "Capaian", "Terlambat",
                         "Jatuh tempo 30 hari", "Tenggat berikutnya", "Berakhir pada"], rows,
                        [0.9, 10, 2.5, 1.7, 1.8, 2.1, 2.4, 3, 3], st))

    story.append(CondPageBreak(6 * cm))
    story += _heading("B. Grafik Persentase Keluaran Selesai", st["h"])
    charts = _charts(report["agreements"])
    story.extend(charts or [Paragraph("Belum ada kerja sama yang memuat keluaran.", st["body"])])

    story += _heading("C. Kerja Sama yang Berakhir dalam 90 Hari", st["h"])
    if report["expiring"]:
        story.append(_table(
            ["No", "Kerja sama", "Berakhir", "Sisa hari"],
            [[i, Paragraph(f"<b>{escape(e['id'])}</b><br/>{escape(e['title'])}", st["cell"]),
              tanggal(e["ends_on"]), e["days_left"]]
             for i, e in enumerate(report["expiring"], start=1)],
            [1, 17, 4, 2], st))
    else:
        story.append(Paragraph("Tidak ada kerja sama yang berakhir dalam 90 hari.", st["body"]))

    story += _heading("D. Keluaran yang Terlambat menurut Pihak Penanggung Jawab", st["h"])
    groups = overdue_by_party(report)
    if not groups:
        story.append(Paragraph("Tidak ada keluaran yang terlambat.", st["body"]))
    for org, items in groups:
        table = _table(
            ["No", "Kerja sama", "Keluaran", "Batas waktu", "Terlambat", "Status", "Keterangan"],
            [[i, r["agreement"], f"{r['id']} {r['title']}", tanggal(r["due"]),
              f"{r['days_overdue']} hari", DELIVERABLE_LABELS.get(r["status"], r["status"]),
              f"bersama ({ROLE_LABELS['both']})" if r["responsible"] == "both" else ""]
             for i, r in enumerate(items, start=1)],
            [1, 4.5, 10, 3, 2.2, 2.8, 3.2], st)
        story += [*_heading(f"{escape(org)} ({len(items)} keluaran)", st["h2"]), table]

    head = office.head
    signature = [
        Paragraph(f"{escape(office.city)}, {tanggal(as_of)}", st["sign"]),
        Paragraph(escape(head.title) + ",", st["sign"]),
        Spacer(1, 1.8 * cm),
        Paragraph(f"<b>{escape(head.name)}</b>", st["sign"]),
    ]
    if head.nip:
        signature.append(Paragraph(f"NIP {escape(head.nip)}", st["sign"]))
    story += [Spacer(1, 0.8 * cm),
              KeepTogether(Table([["", signature]], colWidths=[WIDTH * 0.55, WIDTH * 0.45]))]
    return story


def write_report_pdf(report: dict[str, Any], config: Config, target: Path) -> None:
    """Write the report to `target` (the path the user named), atomically."""
    as_of_text = tanggal(report["as_of"])

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, 1.1 * cm, f"Laporan Pemantauan Pelaksanaan Kerja Sama, "
                          f"keadaan per {as_of_text}")
        canvas.drawRightString(PAGE[0] - MARGIN, 1.1 * cm, f"Halaman {doc.page}")
        canvas.restoreState()

    try:
        with atomic_path(target) as tmp:
            doc = SimpleDocTemplate(
                str(tmp), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                topMargin=1.5 * cm, bottomMargin=1.8 * cm,
                title=f"Laporan Pemantauan Pelaksanaan Kerja Sama per {as_of_text}",
                author=config.office.name, subject="Pemantauan kerja sama", creator="docgen")
            doc.build(build_story(report, config), onFirstPage=footer, onLaterPages=footer)
    except OSError as exc:
        raise DocgenError(f"--pdf {target}: cannot write: {exc.strerror or exc}") from exc
