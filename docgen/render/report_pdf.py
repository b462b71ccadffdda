"""The monitoring report as a laporan in PDF (reportlab), A4 portrait.

Input is the context of `docgen.documents.report.report_context`: the kop, the title,
I. Pendahuluan (A. Umum, B. Maksud dan Tujuan, C. Ruang Lingkup, D. Dasar), II. Hasil
Pemantauan (the summary in sentences, then the tables and the chart, every title whole),
III. Kesimpulan dan Saran (drawn from the figures), IV. Penutup, and the signature of
whoever prepared it. Page numbers as in every naskah dinas: none on the first page, "- 2 -" at
the top centre from the second. The PDF standard fonts (they cover Indonesian).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from docgen.context import Context
from docgen.errors import DocgenError
from docgen.fsutil import atomic_path
from docgen.i18n import _
from docgen.indonesian import angka

BARS_PER_CHART = 20
CHART_SIZE = 7  # pt: the chart's labels
BLUE = colors.HexColor("#1f5f99")
RED = colors.HexColor("#c0392b")
HEADER_BG = colors.HexColor("#dde6f0")
PAGE = A4
LEFT, RIGHT = 3 * cm, 2 * cm
WIDTH = PAGE[0] - LEFT - RIGHT
CELL_SIZE = 8
LOGO = 2.0 * cm


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "body",
        parent=base["BodyText"],
        fontName="Helvetica",
        fontSize=10.5,
        leading=14,
        alignment=TA_JUSTIFY,
        spaceAfter=4,
    )
    center = ParagraphStyle("center", parent=body, alignment=TA_CENTER, spaceAfter=0)
    return {
        "kop1": ParagraphStyle("kop1", parent=center, fontName="Helvetica-Bold", fontSize=13, leading=16),
        "kop2": ParagraphStyle("kop2", parent=center, fontName="Helvetica-Bold", fontSize=11.5, leading=14),
        "kop3": ParagraphStyle("kop3", parent=center, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", parent=center, fontName="Helvetica-Bold", fontSize=11.5, leading=15),
        "h": ParagraphStyle(
            "h", parent=body, fontName="Helvetica-Bold", spaceBefore=10, spaceAfter=4, alignment=0
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName="Helvetica-Bold", spaceBefore=6, leftIndent=0.6 * cm, alignment=0
        ),
        "body": ParagraphStyle("indented", parent=body, leftIndent=0.6 * cm),
        "item": ParagraphStyle("item", parent=body, leftIndent=1.2 * cm, firstLineIndent=-0.6 * cm),
        "cell": ParagraphStyle(
            "cell", parent=body, fontSize=CELL_SIZE, leading=CELL_SIZE + 2, alignment=0, spaceAfter=0
        ),
        "head": ParagraphStyle(
            "head",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=CELL_SIZE,
            leading=CELL_SIZE + 2,
            alignment=TA_CENTER,
            spaceAfter=0,
        ),
        "sign": ParagraphStyle("sign", parent=body, alignment=0, spaceAfter=0),
    }


_WORDS: dict[str, float] = {}


def _wrapped(text: str, width: float) -> str:
    """`text` broken into lines that fit `width` points in the cell font, joined by "\n":
    a plain table cell draws them line by line. Words are measured once each; wrapping
    every cell as a Paragraph made a report of 2,000 overdue items take ten seconds."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def measure(word: str) -> float:
        if word not in _WORDS:
            if len(_WORDS) > 50_000:
                _WORDS.clear()
            _WORDS[word] = stringWidth(word, "Helvetica", CELL_SIZE)
        return _WORDS[word]

    space = measure(" ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in str(text).split():
        w = measure(word)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [word], w
        else:
            used += (space if current else 0) + w
            current.append(word)
    lines.append(" ".join(current))
    return "\n".join(lines)


def _table(
    header: list[str], rows: list[list[Any]], widths: list[float], st: dict[str, ParagraphStyle]
) -> Table:
    """A grid table in the text column; long lists split over pages with the header repeated.
    Plain text is wrapped here (see `_wrapped`); a Paragraph cell keeps its markup."""
    scale = (WIDTH - 0.6 * cm) / sum(widths)
    col_widths = [w * scale for w in widths]
    room = [w - 7 for w in col_widths]  # less the cell padding
    cells: list[list[Any]] = [[Paragraph(escape(h), st["head"]) for h in header]]
    for row in rows:
        cells.append(
            [c if isinstance(c, Paragraph) else _wrapped(c, fit) for c, fit in zip(row, room, strict=True)]
        )
    table = Table(cells, colWidths=col_widths, repeatRows=1, hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                ("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
                ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
                ("LEADING", (0, 0), (-1, -1), CELL_SIZE + 2),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _charts(rows: list[Context]) -> list[Drawing]:
    """Horizontal bars of % done per agreement (labelled by its number in table A and
    its title), red where something is overdue."""
    shown = rows  # every agreement; one without deliverables says so instead of a percentage
    drawings = []
    width = WIDTH - 0.6 * cm
    for start in range(0, len(shown), BARS_PER_CHART):
        chunk = shown[start : start + BARS_PER_CHART]
        # Every title whole, wrapped onto as many lines as it needs (never cut short).
        label_width = width * 0.45
        labels = {
            id(r): _wrapped(r["chart_label"], (label_width - 8) * CELL_SIZE / CHART_SIZE) for r in chunk
        }
        lines = max(label.count("\n") + 1 for label in labels.values())
        slot = max(18.0, CHART_SIZE * 1.2 * lines + 6)
        height = slot * len(chunk) + 45
        drawing = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = label_width, 35
        chart.width, chart.height = width - label_width - 30, height - 45
        ordered = list(reversed(chunk))  # the chart draws its first category at the bottom
        chart.data = [[r["percent_value"] or 0 for r in ordered]]
        chart.barLabelArray = [
            [
                angka(r["percent_value"], 1) + "%" if r["percent_value"] is not None else "tanpa keluaran"
                for r in ordered
            ]
        ]
        chart.categoryAxis.categoryNames = [labels[id(r)] for r in ordered]
        chart.categoryAxis.labels.leading = CHART_SIZE * 1.2
        chart.categoryAxis.labels.textAnchor = "end"
        chart.categoryAxis.labels.fontName = "Helvetica"
        chart.categoryAxis.labels.fontSize = CHART_SIZE
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
        chart.valueAxis.labels.fontName = "Helvetica"
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.labelTextFormat = "%d%%"
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.lightgrey
        chart.bars.strokeColor = None
        chart.barWidth = 10
        chart.bars[0].fillColor = BLUE
        for i, r in enumerate(ordered):
            if r["overdue"]:
                chart.bars[(0, i)].fillColor = RED
        chart.barLabelFormat = "values"  # the texts of barLabelArray
        chart.barLabels.fontName = "Helvetica"
        chart.barLabels.fontSize = 7
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
        drawing.add(chart)
        legend_y = 6
        drawing.add(Rect(0, legend_y, 8, 8, fillColor=BLUE, strokeColor=None))
        drawing.add(
            String(
                12,
                legend_y + 1,
                "tidak ada keluaran yang melewati batas waktu",
                fontName="Helvetica",
                fontSize=7,
            )
        )
        drawing.add(Rect(190, legend_y, 8, 8, fillColor=RED, strokeColor=None))
        drawing.add(
            String(
                202, legend_y + 1, "ada keluaran yang melewati batas waktu", fontName="Helvetica", fontSize=7
            )
        )
        drawings.append(drawing)
    return drawings


def _heading(text: str, style: ParagraphStyle) -> list[Any]:
    """A heading never alone at the foot of a page (room for it and a few rows, else a new page)."""
    return [CondPageBreak(3.5 * cm), Paragraph(escape(text), style)]


def _kop(ctx: Context, st: dict[str, ParagraphStyle], logo: Path | None) -> list[Any]:
    """The letterhead lines (each whole on its own line), address, contact, a rule."""
    office = ctx["office"]
    lines = office["letterhead"]
    text = [Paragraph(escape(lines[0]), st["kop1"])]
    text += [Paragraph(escape(line), st["kop2"]) for line in lines[1:]]
    text += [
        Paragraph(escape(office[key]), st["kop3"]) for key in ("kop_address", "kop_contact") if office[key]
    ]
    if logo is not None:
        image = Image(str(logo))
        image.drawWidth, image.drawHeight = _fit(image.imageWidth, image.imageHeight, LOGO)
        kop = Table([[image, text]], colWidths=[LOGO + 0.3 * cm, WIDTH - LOGO - 0.3 * cm])
        kop.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
        story: list[Any] = [kop]
    else:
        story = list(text)
    story.append(
        Table(
            [[""]],
            colWidths=[WIDTH],
            rowHeights=[4],
            style=[("LINEBELOW", (0, 0), (-1, -1), 2, colors.black)],
        )
    )
    return story


def _fit(width: float, height: float, box: float) -> tuple[float, float]:
    scale = min(box / width, box / height)
    return width * scale, height * scale


def build_story(ctx: Context, logo: Path | None = None) -> list[Any]:
    st = _styles()
    story = _kop(ctx, st, logo)
    story += [
        Spacer(1, 0.5 * cm),
        Paragraph(ctx["title"], st["title"]),
        Paragraph("TENTANG", st["title"]),
        Paragraph(escape(ctx["subject"]), st["title"]),
        Paragraph(escape(ctx["period"]), st["title"]),
        Spacer(1, 0.4 * cm),
    ]

    story += _heading("I. PENDAHULUAN", st["h"])
    story += [Paragraph("A. Umum", st["h2"]), Paragraph(escape(ctx["general"]), st["body"])]
    story += [Paragraph("B. Maksud dan Tujuan", st["h2"]), Paragraph(escape(ctx["purpose"]), st["body"])]
    story += [Paragraph("C. Ruang Lingkup", st["h2"]), Paragraph(escape(ctx["scope"]), st["body"])]
    story.append(Paragraph("D. Dasar", st["h2"]))
    if ctx["basis"]:
        last = len(ctx["basis"])
        for i, text in enumerate(ctx["basis"], 1):
            end = "." if i == last else ";"
            story.append(Paragraph(f"{i}.&nbsp;&nbsp;{escape(text)}{end}", st["item"]))
    else:
        story.append(Paragraph("Belum ada kerja sama yang dipantau.", st["body"]))

    story += _heading("II. HASIL PEMANTAUAN", st["h"])
    story.append(Paragraph(escape(" ".join(ctx["summary"])), st["body"]))
    story += _heading("A. Capaian per Kerja Sama", st["h2"])
    rows = [
        [
            r["no"],
            Paragraph(
                f"<b>{escape(r['title'])}</b><br/>{escape(r['numbers'])}"
                + (f"<br/><i>{escape(r['office'])}</i>" if r.get("office") else ""),
                st["cell"],
            ),
            r["status"],
            r["done_text"],
            r["overdue"],
            r["due_soon"],
            r["next_due"],
            r["ends_on"],
        ]
        for r in ctx["agreements"]
    ]
    story.append(
        _table(
            [
                "No",
                "Kerja sama",
                "Status",
                "Keluaran dilaporkan selesai",
                "Lewat batas waktu",
                "Batas waktu dalam 30 hari",
                "Batas waktu terdekat",
                "Berakhir pada",
            ],
            rows,
            [1.0, 5.6, 1.8, 2.2, 1.6, 1.8, 2.0, 2.0],
            st,
        )
    )

    story.append(CondPageBreak(6 * cm))
    story += _heading("B. Grafik Persentase Keluaran yang Dilaporkan Selesai", st["h2"])
    charts = _charts(ctx["agreements"])
    story.extend(charts or [Paragraph("Belum ada kerja sama yang memuat keluaran.", st["body"])])

    story += _heading("C. Kerja Sama yang Berakhir dalam 90 Hari", st["h2"])
    if ctx["expiring"]:
        story.append(
            _table(
                ["No", "Kerja sama", "Berakhir pada", "Sisa hari"],
                [
                    [
                        e["no"],
                        Paragraph(f"<b>{escape(e['title'])}</b><br/>{escape(e['numbers'])}", st["cell"]),
                        e["ends_on"],
                        e["days_left"],
                    ]
                    for e in ctx["expiring"]
                ],
                [1.0, 10, 3, 2],
                st,
            )
        )
    else:
        story.append(Paragraph("Tidak ada kerja sama yang berakhir dalam 90 hari.", st["body"]))

    story += _heading("D. Keluaran yang Telah Melewati Batas Waktu menurut Penanggung Jawab", st["h2"])
    if not ctx["overdue_groups"]:
        story.append(Paragraph("Tidak ada keluaran yang melewati batas waktu.", st["body"]))
    for g in ctx["overdue_groups"]:
        table = _table(
            ["No", "Kegiatan", "Keluaran", "Batas waktu", "Lewat", "Keterangan"],
            [
                [i["no"], i["work_item"], i["deliverable"], i["due"], f"{i['days']} hari", i["note"]]
                for i in g["items"]
            ],
            [1.0, 4.8, 4.2, 2.2, 1.6, 2.8],
            st,
        )
        title = f"<b>{escape(g['party'])}</b>: {g['count']} keluaran dalam {escape(g['agreement'])}"
        story += [CondPageBreak(3.5 * cm), Paragraph(title, st["body"]), table, Spacer(1, 0.2 * cm)]

    if ctx.get("lapsed"):
        story += _heading("E. Keluaran pada Kerja Sama yang Telah Berakhir, untuk Ditutup", st["h2"])
        story.append(
            _table(
                ["No", "Kerja sama", "Keluaran", "Batas waktu", "Berakhir pada", "Keterangan"],
                [
                    [r["no"], r["agreement"], r["deliverable"], r["due"], r["ended_on"], r["status"]]
                    for r in ctx["lapsed"]
                ],
                [1.0, 5.0, 4.6, 2.2, 2.2, 2.6],
                st,
            )
        )

    signer = ctx["signatory"]
    signature = [
        Paragraph(escape(ctx["place_date"]), st["sign"]),
        # the title broken between names only (documents.layout), never inside one
        Paragraph("<br/>".join(escape(line) for line in signer["title_lines"]), st["sign"]),
        Spacer(1, 1.8 * cm),
        Paragraph(f"<b>{escape(signer['name'])}</b>", st["sign"]),
    ]
    if signer["nip"]:
        signature.append(Paragraph(f"NIP {escape(signer['nip'])}", st["sign"]))
    story += _heading("III. KESIMPULAN DAN SARAN", st["h"])
    for label, items in (("A. Kesimpulan", ctx["conclusions"]), ("B. Saran", ctx["suggestions"])):
        story.append(Paragraph(label, st["h2"]))
        for i, text in enumerate(items, 1):
            story.append(Paragraph(f"{i}.&nbsp;&nbsp;{escape(text)}", st["item"]))
    # The heading, the closing sentence and the signature on one page, never a signature alone.
    story.append(
        KeepTogether(
            [
                Paragraph("IV. PENUTUP", st["h"]),
                Paragraph(escape(ctx["closing"]), st["body"]),
                Spacer(1, 0.6 * cm),
                Table(
                    [["", signature]],
                    colWidths=[WIDTH * 0.5, WIDTH * 0.5],
                    style=[("LEFTPADDING", (0, 0), (-1, -1), 0)],
                ),
            ]
        )
    )
    return story


def write_report_pdf(ctx: Context, target: Path, logo: Path | None = None) -> None:
    """Write the laporan to `target` (the path the user named), atomically."""

    def page_number(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 10)
        canvas.drawCentredString(LEFT + WIDTH / 2, PAGE[1] - 1.3 * cm, f"- {doc.page} -")
        canvas.restoreState()

    try:
        with atomic_path(target) as tmp:
            doc = SimpleDocTemplate(
                str(tmp),
                pagesize=PAGE,
                leftMargin=LEFT,
                rightMargin=RIGHT,
                topMargin=2 * cm,
                bottomMargin=2 * cm,
                title=f"Laporan Pemantauan Pelaksanaan Kerja Sama per {ctx['as_of_text']}",
                author=ctx["office"]["name"],
                subject="Pemantauan kerja sama",
                creator="docgen",
            )
            doc.build(build_story(ctx, logo), onLaterPages=page_number)
    except OSError as exc:
        raise DocgenError(
            _("--pdf {target}: cannot write: {reason}").format(target=target, reason=exc.strerror or exc)
        ) from exc
