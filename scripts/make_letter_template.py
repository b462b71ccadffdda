"""Build the default follow-up letter template, docgen/templates/surat-tindak-lanjut.docx.

    python scripts/make_letter_template.py [--out DIR]

A surat dinas per Tata Naskah Dinas (DOMAIN.md): kop, place and date top right,
Nomor/Sifat/Lampiran/Hal with aligned colons, "Yth." and the addressee's title, the
body with a table of overdue items, the closing sentence, the signature block and the
Tembusan. The variables are those of `docgen.letters.letter_context` (README,
"Templates"). Like make_templates.py, the output is reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (  # noqa: E402
    OUT,
    blank,
    cell_text,
    new_document,
    para,
    reproducible,
    row_flags,
    shade,
    table,
    tag,
)


def kop(doc) -> None:
    para(doc, "{{ office.name | upper }}", align="center", bold=True, size=13, after=0)
    p = para(doc, "{{ office.address }}", align="center", size=10, after=12)
    # The rule under the letterhead.
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thick"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def header_block(doc) -> None:
    p = para(doc, "{{ office.city }}, {{ letter.date_text }}", after=6)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    t = table(doc, [2.6, 0.5, 12.4], 4, borders=False)
    for row, (label, value) in zip(t.rows, (("Nomor", "{{ letter.number }}"),
                                            ("Sifat", "{{ letter.sifat }}"),
                                            ("Lampiran", "{{ letter.lampiran }}"),
                                            ("Hal", "{{ letter.hal }}")), strict=True):
        cell_text(row.cells[0], label)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], value, bold=label == "Hal")
    blank(doc)
    para(doc, "Yth. {{ addressee.title }}", align="left", after=0)
    para(doc, "{{ addressee.org }}", align="left", after=0)
    tag(doc, "{%p if addressee.address %}")
    para(doc, "{{ addressee.address }}", align="left", after=0)
    tag(doc, "{%p endif %}")
    blank(doc, 10)


def body(doc) -> None:
    para(doc, "{{ letter.opening }}", indent=0)
    t = table(doc, [0.9, 4.6, 4.6, 2.7, 2.7], 4, borders=True)
    row_flags(t.rows[0], header=True)
    for cell, text in zip(t.rows[0].cells, ("No", "Kegiatan", "Keluaran", "Batas Waktu",
                                            "Keterangan"), strict=True):
        cell_text(cell, text, align="center", bold=True, size=10)
        shade(cell, "D9D9D9")
    cell_text(t.rows[1].cells[0], "{%tr for item in items %}")
    cells = t.rows[2].cells
    row_flags(t.rows[2])
    cell_text(cells[0], "{{ item.no }}.", align="center", size=10)
    cell_text(cells[1], "{{ item.work_item }}", size=10)
    cell_text(cells[2], "{{ item.deliverable }}", size=10)
    cell_text(cells[3], "{{ item.due_text }}", align="center", size=10)
    cell_text(cells[4], "{{ item.note }}", size=10)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}")
    blank(doc)
    para(doc, "{{ letter.request }}")
    tag(doc, "{%p if letter.contact_sentence %}")
    para(doc, "{{ letter.contact_sentence }}")
    tag(doc, "{%p endif %}")
    para(doc, "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.")


def signature(doc) -> None:
    blank(doc, 10)
    t = table(doc, [7.5, 8.0], 1, borders=False)
    row_flags(t.rows[0])  # the signature block never splits across pages
    cell = t.rows[0].cells[1]
    cell_text(cell, "{{ office.head.title }},", keep=True)
    for _ in range(4):
        p = cell.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
    p = cell.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run("{{ office.head.name }}")
    run.bold = True
    p = cell.add_paragraph()
    p.add_run("{% if office.head.nip %}NIP {{ office.head.nip }}{% endif %}")


def tembusan(doc) -> None:
    tag(doc, "{%p if tembusan %}")
    blank(doc, 10)
    para(doc, "Tembusan:", align="left", after=0, size=10)
    tag(doc, "{%p for t in tembusan %}")
    para(doc, "{{ t }}", align="left", after=0, size=10)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


def make():
    doc = new_document()
    doc.core_properties.title = "{{ letter.hal }}"
    kop(doc)
    header_block(doc)
    body(doc)
    signature(doc)
    tembusan(doc)
    return doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "surat-tindak-lanjut.docx"
    path.write_bytes(reproducible(make()))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
