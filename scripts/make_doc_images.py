"""Make docs/images/: one PNG page of each document docgen writes for the example workspace.

    python scripts/make_doc_images.py [--out DIR] [--dpi N]

Runs the README's quick start (and `monitor --pdf`) on a copy of the example workspace in
a temporary folder, converts the .docx drafts and the letter with LibreOffice (soffice),
and renders the first page of each PDF with pdftoppm. Needs both on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
QUICK_START = [
    ["check"], ["build"], ["monitor", "--as-of", "2022-07-01", "--pdf", "{ws}/laporan.pdf"],
    ["letter", "reminder", "--as-of", "2022-03-20"],
    ["letter", "followup", "--all", "--as-of", "2022-07-01"],
    ["agreement", "extend", "ntt-renja-2022", "--to", "2023-03-31", "--on", "2022-12-15",
     "--number-second", "250/BO/XII/2022"],
    ["build"],
    ["certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv", "--year", "2022",
     "--min-grade", "B", "--signed-on", "2023-02-16"],
]


def docgen(ws: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "docgen", "-w", str(ws), *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def first_page_png(pdf: Path, target: Path, dpi: int) -> None:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    parser.add_argument("--dpi", type=int, default=60, help="resolution of the PNGs (default: 60)")
    args = parser.parse_args(argv)
    from docgen.render.libreoffice import to_pdf

    with tempfile.TemporaryDirectory(prefix="docgen-images-") as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        shutil.copy(ROOT / "docgen.toml", ws / "docgen.toml")
        for sub in ("agreements", "results", "templates"):
            shutil.copytree(ROOT / sub, ws / sub)
        for command in QUICK_START:
            docgen(ws, *(part.format(ws=ws) for part in command))
        outputs = ws / "outputs"
        letters = sorted((outputs / "letters").rglob("*.docx"))
        drafts = {"kesepakatan-bersama": outputs / "agreements" / "ntt-mou-2021.docx",
                  "rencana-kerja": outputs / "agreements" / "ntt-renja-2022.docx",
                  "adendum": outputs / "agreements" / "ntt-renja-2022-adendum-1.docx",
                  "surat-pemberitahuan": letters[0],
                  "surat-tindak-lanjut": letters[1]}
        converted = to_pdf(list(drafts.values()), Path(tmp) / "pdf")
        pdfs = {name: converted[path] for name, path in drafts.items()}
        pdfs["laporan-pemantauan"] = ws / "laporan.pdf"
        pdfs["piagam-penghargaan"] = next((outputs / "certificates").glob("*/0002-*.pdf"))
        args.out.mkdir(parents=True, exist_ok=True)
        for name, pdf in pdfs.items():
            if not isinstance(pdf, Path):
                raise SystemExit(f"{name}: {pdf}")
            target = args.out / f"{name}.png"
            first_page_png(pdf, target, args.dpi)
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
