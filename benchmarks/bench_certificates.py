"""Certificates per second: `docgen certificate issue` against a naive and a fair loop.

    python benchmarks/bench_certificates.py [--certs 1000] [--naive N]

All three issue N certificates from one result sheet: a PDF file per certificate, one
combined print file, a registry entry each. Side by side, in one run:

- naive: the loop mail merges grow into: per certificate a QR code through reportlab's
  own widget (QrCodeWidget, sized with getBounds, drawn with renderPDF), a canvas with a
  TrueType font embedded, one TinyDB insert; then the files merged with pypdf;
- fair: what a careful hand-written script does with the same public APIs docgen
  uses: segno.make for the QR code (drawn as one path of module runs with the canvas
  path API), the PDF standard fonts, the page drawn on its own canvas and on the
  combined canvas, the registry written in one TinyDB transaction at the end;
- docgen: `docgen.certificates.issue`, everything included (reading the CSV, grading,
  numbering, HMAC checksums, the layout file, atomic writes, the tracker transaction).

Targets: docgen issues 1,000 certificates in < 5 s, >= 5x the naive loop.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from common import REPO, row, timed

from docgen.app.certificates import issue
from docgen.workspace import Workspace

AGENCIES = ("Dinas Kesehatan", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
            "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Sosial",
            "Dinas Pendidikan dan Kebudayaan", "Rumah Sakit Umum Daerah", "Dinas Perhubungan",
            "Badan Pendapatan Daerah")
MM = 72 / 25.4


def make_workspace(root: Path, n: int) -> Path:
    root.mkdir(parents=True)
    # The office's own piagam (the example's Ketua signs in the pusat register, whose
    # numbers are given, not allocated): numbered from this workspace's registry.
    config = (REPO / "docgen.toml").read_text(encoding="utf-8")
    (root / "docgen.toml").write_text(config.replace('signatory = "ketua"', ""), encoding="utf-8")
    for sub in ("agreements", "templates", "outputs", "results"):
        (root / sub).mkdir()
    lines = ["instansi;unit;nilai"]
    for i in range(n):
        agency = AGENCIES[i % len(AGENCIES)]
        place = f"Kabupaten Contoh Nomor {i + 1}"
        score = f"{78 + (i * 37 % 2200) / 100:.2f}".replace(".", ",")
        lines.append(f"{agency} {place};Pemerintah {place};{score}")
    (root / "results" / "kepatuhan-2022.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def rows(root: Path, n: int) -> list[tuple[str, str]]:
    lines = (root / "results" / "kepatuhan-2022.csv").read_text(encoding="utf-8").splitlines()[1:n + 1]
    return [(line.split(";")[0], line.split(";")[2]) for line in lines]


def draw_text(c: Any, fonts: tuple[str, str], number: str, recipient: str, score: str) -> None:
    """The frame and the text of a certificate (A4 landscape), in a regular and a bold font."""
    from reportlab.lib.pagesizes import A4, landscape

    width, height = landscape(A4)
    regular, bold = fonts
    c.setLineWidth(3)
    c.rect(8 * MM, 8 * MM, width - 16 * MM, height - 16 * MM)
    for font, size, x, y, text in ((bold, 36, width / 2, 60, "PIAGAM PENGHARGAAN"),
                                   (regular, 13, width / 2, 70, f"Nomor: {number}"),
                                   (regular, 13, width / 2, 85, "diberikan kepada"),
                                   (bold, 20, width / 2, 100, recipient.upper()),
                                   (regular, 13, width / 2, 115, f"atas capaian dengan nilai {score}"),
                                   (regular, 13, 214 * MM, 147, "Kupang, 16 Februari 2023")):
        c.setFont(font, size)
        c.drawCentredString(x, height - y * MM, text)


def naive(root: Path, n: int) -> None:
    """The loop most mail merges grow into."""
    import reportlab
    from pypdf import PdfWriter
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from tinydb import TinyDB

    fonts = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont("Vera", str(fonts / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("VeraBd", str(fonts / "VeraBd.ttf")))
    out = root / "naive"
    out.mkdir()
    db = TinyDB(root / "naive-tracker.json")
    width, height = landscape(A4)
    files = []
    for seq, (recipient, score) in enumerate(rows(root, n), start=1):
        number = f"{seq:04d}/PHG/PW24/2022"
        widget = QrCodeWidget(f"{number} 0123456789ABCDEF")
        x0, y0, x1, y1 = widget.getBounds()
        size = 27 * MM
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        path = out / f"{seq:04d}.pdf"
        c = canvas.Canvas(str(path), pagesize=(width, height))
        draw_text(c, ("Vera", "VeraBd"), number, recipient, score)
        renderPDF.draw(drawing, c, 29 * MM, 40 * MM)
        c.showPage()
        c.save()
        db.insert({"number": number, "recipient": recipient, "score": score, "file": str(path)})
        files.append(path)
    writer = PdfWriter()
    for path in files:
        writer.append(str(path))
    with open(out / "combined.pdf", "wb") as fh:
        writer.write(fh)


def fair(root: Path, n: int) -> None:
    """segno's and reportlab's public APIs, used with care, and one registry write."""
    import segno
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas
    from tinydb import TinyDB

    out = root / "fair"
    out.mkdir()
    width, height = landscape(A4)
    key = b"0123456789abcdef0123456789abcdef"

    def draw(c: Any, number: str, recipient: str, score: str, qr: Any) -> None:
        draw_text(c, ("Times-Roman", "Times-Bold"), number, recipient, score)
        modules = qr.matrix
        unit = 27 * MM / len(modules)
        path = c.beginPath()
        for r, line in enumerate(modules):
            start = line.find(1)
            while start >= 0:
                end = line.find(0, start)
                end = len(line) if end < 0 else end
                path.rect(29 * MM + start * unit, 40 * MM + (len(modules) - r - 1) * unit,
                          (end - start) * unit, unit)
                start = line.find(1, end)
        c.drawPath(path, stroke=0, fill=1)

    combined = Canvas(str(out / "combined.pdf"), pagesize=(width, height))
    records = []
    for seq, (recipient, score) in enumerate(rows(root, n), start=1):
        number = f"{seq:04d}/PHG/PW24/2022"
        check = hmac.new(key, f"{number}\x1f{recipient}\x1f{score}".encode(), hashlib.sha256).hexdigest()
        qr = segno.make(f"{number} {check[:16].upper()}", error="m", micro=False, boost_error=False)
        path = out / f"{seq:04d}.pdf"
        single = Canvas(str(path), pagesize=(width, height))
        for c in (single, combined):
            draw(c, number, recipient, score, qr)
            c.showPage()
        single.save()
        records.append({"number": number, "recipient": recipient, "score": score, "file": str(path)})
    combined.save()
    TinyDB(root / "fair-tracker.json").insert_multiple(records)


def docgen(root: Path) -> int:
    report = issue(Workspace(root), root / "results" / "kepatuhan-2022.csv", year=2022, min_grade="B",
                   signed_on=date(2023, 2, 16))
    assert not report.errors, report.errors[:3]
    return len(report.issued)


def warm_up() -> None:
    """Import what the three loops use, and load the standard fonts' metrics they draw
    with, so that none of them pays for what the first to run would otherwise pay alone."""
    import pypdf  # noqa: F401
    import reportlab.graphics.barcode.qr  # noqa: F401
    import reportlab.graphics.renderPDF  # noqa: F401
    import reportlab.pdfgen.canvas  # noqa: F401
    import segno  # noqa: F401
    import tinydb  # noqa: F401
    from reportlab.pdfbase import pdfmetrics

    import docgen.app.certificates  # noqa: F401
    import docgen.render.certificate_pdf  # noqa: F401

    for font in ("Times-Roman", "Times-Bold", "Times-Italic", "Helvetica", "Helvetica-Bold"):
        pdfmetrics.getFont(font)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certs", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=None,
                        help="certificates for the naive loop (default: as many; rates are compared)")
    args = parser.parse_args()
    n, m = args.certs, args.naive or args.certs
    warm_up()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        root = make_workspace(Path(tmp) / "ws", n)
        issued, ours = timed(lambda: docgen(root))
        files = len(list((root / "outputs" / "certificates" / "2022").glob("*.pdf")))
        assert issued == n == files, (issued, files)
        _, baseline = timed(lambda: fair(root, n))
        _, slow = timed(lambda: naive(root, m))
    print(f"{n} certificates: a PDF each, a combined print file, a registry entry each; "
          "speed-up over the naive loop:")
    print(row("naive (QR widget, TTF, insert each)", m, "certs", slow))
    print(row("fair (segno, canvas, one write)", n, "certs", baseline, (m, slow)))
    print(row("docgen certificate issue", n, "certs", ours, (m, slow)))
    print(f"  docgen against the fair loop: {baseline.wall / ours.wall:.1f}x "
          f"({baseline.cpu / ours.cpu:.1f}x CPU)")
    print("targets: docgen 1000 certificates in < 5 s wall, >= 5x the naive loop")


if __name__ == "__main__":
    main()
