"""Build the default follow-up letter template, docgen/templates/surat-tindak-lanjut.docx.

    python scripts/make_letter_template.py [--out DIR]

A surat dinas per Tata Naskah Dinas (DOMAIN.md, "Letters"): the kop from `[office]`,
place and date top right, Nomor/Sifat/Lampiran/Hal with aligned colons, "Yth." and the
addressee's title over the street address, the body with a table of overdue items, the
closing sentence, the signature block and the Tembusan kept together on one page, and
page numbers "- 2 -" from the second page. The parts come from make_templates.py
(`kop`, `letter_fields`, `addressee`, `signature_block`, `tembusan` ...), which other
letter templates use too. The variables are those of `docgen.documents.letter.
letter_context` (README, "Templates"). Like make_templates.py, the output is
reproducible byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (  # noqa: E402
    addressee,
    blank,
    cell_text,
    closing_sentence,
    kop,
    letter_fields,
    new_document,
    no_wrap,
    para,
    place_and_date,
    row_flags,
    shade,
    signature_block,
    table,
    tag,
    tembusan,
    write_templates,
)


def items_table(doc) -> None:
    """No, Kegiatan, Keluaran, Batas Waktu, Keterangan: one row per overdue item, the
    work item's own number in the agreement and the activity merged down its items; "tanggung
    jawab bersama" in the Keterangan; the date on one line ("30 September 2022")."""
    t = table(doc, [1.0, 3.4, 3.3, 3.6, 4.2], 6, borders=True)
    row_flags(t.rows[0], header=True)
    for cell, text in zip(t.rows[0].cells, ("No", "Kegiatan", "Keluaran", "Batas Waktu",
                                            "Keterangan"), strict=True):
        cell_text(cell, text, align="center", bold=True, size=10)
        shade(cell, "D9D9D9")
    cell_text(t.rows[1].cells[0], "{%tr for g in groups %}")
    cell_text(t.rows[2].cells[0], "{%tr for item in g.rows %}")
    cells = t.rows[3].cells
    row_flags(t.rows[3])
    cell_text(cells[0], "{% vm %}{{ g.no }}.", align="center", size=10)
    cell_text(cells[1], "{% vm %}{{ g.work_item }}", size=10)
    cell_text(cells[2], "{{ item.deliverable }}", size=10)
    cell_text(cells[3], "{{ item.due_text }}", align="center", size=10)
    no_wrap(cells[3])
    cell_text(cells[4], "{{ item.note }}", size=10)
    cell_text(t.rows[4].cells[0], "{%tr endfor %}")
    cell_text(t.rows[5].cells[0], "{%tr endfor %}")


def body(doc) -> None:
    para(doc, "{{ letter.opening }}")
    items_table(doc)
    blank(doc)
    para(doc, "{{ letter.request }}")
    tag(doc, "{%p if letter.contact_sentence %}")
    para(doc, "{{ letter.contact_sentence }}")
    tag(doc, "{%p endif %}")


def make():
    doc = new_document()
    doc.core_properties.title = "{{ letter.hal }}"
    kop(doc)
    place_and_date(doc)
    letter_fields(doc)
    blank(doc)
    addressee(doc)
    blank(doc, 10)
    body(doc)
    closing_sentence(doc)
    signature_block(doc)
    tembusan(doc)
    return doc


def main(argv: list[str] | None = None) -> None:
    write_templates(__doc__.splitlines()[0], {"surat-tindak-lanjut.docx": make}, argv)


if __name__ == "__main__":
    main()
