"""Build the default adendum template, docgen/templates/adendum.docx.

    python scripts/make_adendum_template.py [--out DIR]

An adendum amends a signed agreement and is drafted in the same form (DOMAIN.md,
"Agreements"): the title block (ADENDUM PERTAMA, the document name, both institutions,
both numbers, TENTANG and the subject), the opening sentence with the date in words,
the komparisi of the same parties, recitals citing the agreement (and any earlier
adenda), numbered articles (Pasal 1 Perubahan, Pasal 2 Ketentuan Lain, Pasal 3
Penutup) and the two signature blocks side by side. The variables are those of
`docgen.documents.adendum.adendum_context`; the helpers and the parts shared with the
agreements (komparisi, signatures) come from make_templates.py, so the two read alike.
Like the other scripts, the output is reproducible byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (  # noqa: E402
    ayat,
    blank,
    komparisi,
    listing,
    new_document,
    para,
    pasal,
    signatures,
    tag,
    work_items_table,
    write_templates,
)

NAME = "adendum.docx"


def title_block(doc) -> None:
    for text in ("ADENDUM {{ adendum.ordinal | upper }}", "{{ doc_type }}", "ANTARA",
                 "{{ first.org_title }}", "DAN", "{{ second.org_title }}"):
        para(doc, text, align="center", bold=True, after=0, keep=True)
    blank(doc, 12)
    para(doc, "NOMOR: {{ numbers.first }}", align="center", after=0, keep=True)
    para(doc, "NOMOR: {{ numbers.second }}", align="center", after=0, keep=True)
    blank(doc, 12)
    para(doc, "TENTANG", align="center", bold=True, after=0, keep=True)
    para(doc, "{{ adendum.title_text }}", align="center", bold=True, after=18)


def recitals(doc) -> None:
    para(doc, [("PARA PIHAK", True), (" terlebih dahulu menerangkan hal-hal sebagai berikut:", False)])
    listing(doc, "r in recitals")
    para(doc, [("Berdasarkan hal-hal tersebut di atas, ", False), ("PARA PIHAK", True),
               (" sepakat untuk mengadakan {{ adendum.name }} atas {{ doc_name }}, yang selanjutnya "
                "disebut Adendum, dengan ketentuan sebagai berikut:", False)])


def articles(doc) -> None:
    pasal(doc, 1, "PERUBAHAN")
    # Each change names the Pasal and ayat it amends and restates it (DOMAIN.md); numbered
    # "1.", "2." only when there are several; the table of work items restated whole, its
    # rows numbered as the agreement numbers them.
    tag(doc, "{%p if changes | length > 1 %}")
    para(doc, "Beberapa ketentuan dalam {{ doc_name }} diubah sebagai berikut:")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for c in changes %}")
    tag(doc, "{%p if c.label %}")
    para(doc, "{{ c.label }}\t{{ c.intro }}", hanging=0.8, keep=True)
    tag(doc, "{%p else %}")
    para(doc, "{{ c.intro }}", keep=True)
    tag(doc, "{%p endif %}")
    para(doc, "{{ c.ayat }}\t{{ c.text }}", indent=0.8, hanging=1.0)
    tag(doc, "{%p if c.table %}")
    work_items_table(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    pasal(doc, 2, "KETENTUAN LAIN")
    para(doc, "Ketentuan lain dalam {{ adendum.reference }} yang tidak diubah dengan Adendum ini "
         "dinyatakan tetap berlaku.")
    pasal(doc, 3, "PENUTUP")
    ayat(doc, "(1)", "Adendum ini merupakan bagian yang tidak terpisahkan dari {{ doc_name }} dan "
         "berlaku sejak tanggal ditandatangani oleh PARA PIHAK.")
    ayat(doc, "(2)", "Adendum ini dibuat dalam rangkap 2 (dua) asli, bermeterai cukup, masing-masing "
         "mempunyai kekuatan hukum yang sama, dan ditandatangani oleh PARA PIHAK pada hari, tanggal, "
         "bulan, dan tahun sebagaimana tersebut pada awal Adendum ini.", keep=True, after=18)


def make():
    doc = new_document()
    doc.core_properties.title = "{{ adendum.name }} {{ agreement.title }}"
    title_block(doc)
    komparisi(doc)
    recitals(doc)
    articles(doc)
    signatures(doc)
    return doc


def main(argv: list[str] | None = None) -> None:
    write_templates(__doc__.splitlines()[0], {NAME: make}, argv)


if __name__ == "__main__":
    main()
