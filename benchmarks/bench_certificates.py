"""Certificates per second: `docgen certificate issue` against a naive mail-merge loop.

    python benchmarks/bench_certificates.py [--certs 1000] [--naive N]

Both issue N certificates from one result sheet into a fresh workspace, with a file per
certificate, one combined print file and a registry entry for each:

- naive: the usual recipe, per certificate: a QR code through reportlab's own widget
  (QrCodeWidget, sized with getBounds, drawn with renderPDF), a canvas per file with a
  TrueType font embedded, one TinyDB insert; then the files merged with pypdf;
- docgen: `docgen.certificates.issue` (segno QR drawn as one path, standard fonts,
  a process pool for the individual files while this process draws the combined one,
  the whole registry written in one transaction).

Target (2-core machine): 1,000 certificates in under 5 s, at least 10x the naive loop.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.certificates import issue  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402

AGENCIES = ("Dinas Kesehatan", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
            "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Sosial",
            "Dinas Pendidikan dan Kebudayaan", "Rumah Sakit Umum Daerah", "Dinas Perhubungan",
            "Badan Pendapatan Daerah")


def make_workspace(root: Path, n: int) -> Path:
    root.mkdir(parents=True)
    shutil.copy(ROOT / "docgen.toml", root / "docgen.toml")
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


def naive(root: Path, n: int) -> float:
    """The loop most mail merges grow into."""
    import reportlab
    from pypdf import PdfWriter
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
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
    rows = (root / "results" / "kepatuhan-2022.csv").read_text(encoding="utf-8").splitlines()[1:n + 1]
    width, height = landscape(A4)
    start = time.perf_counter()
    files = []
    for seq, line in enumerate(rows, start=1):
        recipient, _, score = line.split(";")
        number = f"{seq:04d}/PHG/PW24/2022"
        widget = QrCodeWidget(f"{number} 0123456789ABCDEF")
        x0, y0, x1, y1 = widget.getBounds()
        size = 27 * mm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        path = out / f"{seq:04d}.pdf"
        c = canvas.Canvas(str(path), pagesize=(width, height))
        c.setLineWidth(3)
        c.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
        c.setFont("VeraBd", 36)
        c.drawCentredString(width / 2, height - 60 * mm, "PIAGAM PENGHARGAAN")
        c.setFont("Vera", 13)
        c.drawCentredString(width / 2, height - 70 * mm, f"Nomor: {number}")
        c.drawCentredString(width / 2, height - 85 * mm, "diberikan kepada")
        c.setFont("VeraBd", 20)
        c.drawCentredString(width / 2, height - 100 * mm, recipient.upper())
        c.setFont("Vera", 13)
        c.drawCentredString(width / 2, height - 115 * mm, f"atas capaian dengan nilai {score}")
        c.drawCentredString(214 * mm, height - 147 * mm, "Kupang, 16 Februari 2023")
        renderPDF.draw(drawing, c, 29 * mm, 40 * mm)
        c.showPage()
        c.save()
        db.insert({"number": number, "recipient": recipient, "score": score, "file": str(path)})
        files.append(path)
    writer = PdfWriter()
    for path in files:
        writer.append(str(path))
    with open(out / "combined.pdf", "wb") as fh:
        writer.write(fh)
    return time.perf_counter() - start


def fast(root: Path) -> tuple[float, int]:
    ws = Workspace(root)
    start = time.perf_counter()
    report = issue(ws, root / "results" / "kepatuhan-2022.csv", year=2022, min_grade="B",
                   signed_on=date(2023, 2, 16))
    seconds = time.perf_counter() - start
    assert not report.errors, report.errors[:3]
    return seconds, len(report.issued)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:8.1f} certificates/s  ({seconds * 1000 / n:5.1f} ms each, {seconds:6.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certs", type=int, default=1000)
    parser.add_argument("--naive", type=int, default=None,
                        help="certificates for the naive loop (default: as many; it is slow)")
    args = parser.parse_args()
    n = args.certs
    with tempfile.TemporaryDirectory() as tmp:
        root = make_workspace(Path(tmp) / "ws", n)
        seconds, issued = fast(root)
        count = len(list((root / "outputs" / "certificates" / "2022").glob("*.pdf")))
        print(f"cores: {os.cpu_count()}, certificates: {issued} issued, {count} files + 1 combined")
        m = args.naive or n
        naive_seconds = naive(root, m)
        print(f"naive loop        {rate(m, naive_seconds)}")
        speedup = (issued / seconds) / (m / naive_seconds)
        print(f"docgen issue      {rate(issued, seconds)}  {speedup:5.1f}x  (target: {n} in < 5 s, >= 10x)")


if __name__ == "__main__":
    main()
