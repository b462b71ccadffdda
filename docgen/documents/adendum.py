"""The render context of an adendum (an amendment of an agreement). Pure.

An adendum is drafted like the agreement it amends (DOMAIN.md): the title block with
both numbers, the opening sentence with its date in words, the same parties, recitals
that cite the agreement (and the adenda before it), numbered articles (what changes,
what stays in force, the closing) and the signatures side by side. It starts from the
agreement's own context, so parties, letterhead and signatures read the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from docgen.config import Config
from docgen.context import Context
from docgen.documents.agreement import build_context, enumerate_items, reference, split_title, term_phrase
from docgen.domain.amendments import changes
from docgen.domain.legal import Regulation
from docgen.domain.wording import in_sentence
from docgen.indonesian import DOTS, kalimat_pembuka, tanggal, terbilang
from docgen.models import Agreement

ORDINALS = {1: "Pertama", 2: "Kedua", 3: "Ketiga", 4: "Keempat", 5: "Kelima"}


def ordinal(n: int) -> str:
    return ORDINALS.get(n) or f"Ke{terbilang(n)}"


def adendum_name(n: int) -> str:
    return f"Adendum {ordinal(n)}"


def output_stem(agreement_id: str, index: int) -> str:
    """`ntt-renja-2022-adendum-1`: the file name (without .docx) of the adendum's draft."""
    return f"{agreement_id}-adendum-{index + 1}"


# Where the default templates hold what an adendum changes: the term is Pasal 6 ayat (1)
# (Jangka Waktu) of an MoU and of a Rencana Kerja; the work items, Pasal 3 ayat (1).
TERM_ARTICLE = ("6", "(1)")
WORK_ITEMS_ARTICLE = ("3", "(1)")


class ChangedArticle(TypedDict):
    """One change of an adendum (`changes` of its context): the sentence that opens it, the
    ayat it restates, its new text (`table`: followed by the table of work items), and its
    label when the adendum makes several."""

    intro: str
    ayat: str
    text: str
    table: bool
    label: str


def both_numbers(first: str | None, second: str | None) -> str:
    """ "Nomor X dan Nomor Y", a dotted blank where a number is unknown."""
    return f"Nomor {first or DOTS} dan Nomor {second or DOTS}"


def earlier_adenda(a: Agreement, index: int) -> str:
    """ "Adendum Pertama Nomor X dan Nomor Y tanggal 1 Juli 2022 dan ...": each adendum
    before `index`, by both numbers."""
    parts = [
        f"{adendum_name(i + 1)} {both_numbers(e.number, e.number_second)}"
        + (f" tanggal {tanggal(e.on)}" if e.on else "")
        for i, e in enumerate(a.amendments[:index])
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " dan " + parts[-1] if parts else ""


def adendum_context(
    a: Agreement,
    index: int,
    parent: Agreement | None,
    config: Config | None,
    legal: Mapping[str, Regulation] | None = None,
) -> Context:
    """The context of amendment `index` (0-based) of agreement `a`.

    DOMAIN.md: the title cites the agreement by both numbers ("PERUBAHAN ATAS RENCANA
    KERJA NOMOR ... DAN NOMOR ... TENTANG ..."); the recitals cite the earlier adenda by
    both numbers; each change names the Pasal and ayat it amends and restates it
    ("Ketentuan Pasal 6 ayat (1) diubah sehingga berbunyi sebagai berikut:"), numbered
    only when there are several; the table numbers the work items as the agreement does
    (never by their internal ids)."""
    am = a.amendments[index]
    change = changes(a, index)
    before, after = change["before"], change["after"]
    doc_name, subject = split_title(a)
    name = adendum_name(index + 1)
    base = before.model_copy(update={"amendments": []})
    cited = reference(base)
    earlier = earlier_adenda(a, index)
    if earlier:
        cited += ", sebagaimana telah diubah dengan " + earlier
    what = in_sentence(am.title)
    recitals = [
        f"bahwa PARA PIHAK telah menandatangani {cited}",
        f"bahwa perubahan atas {doc_name} tersebut ditetapkan berdasarkan kesepakatan PARA PIHAK "
        f"dan dituangkan dalam adendum yang merupakan bagian yang tidak terpisahkan dari {doc_name}",
        f"bahwa PARA PIHAK sepakat melakukan perubahan atas {doc_name} tersebut mengenai {what}",
    ]
    items: list[ChangedArticle] = []
    if change["work_items"]:
        pasal, ayat = WORK_ITEMS_ARTICLE
        items.append(
            {
                "intro": f"Ketentuan Pasal {pasal} ayat {ayat} diubah sehingga berbunyi sebagai berikut:",
                "ayat": ayat,
                "text": f"Kegiatan, keluaran, batas waktu, dan penanggung jawab pelaksanaan {doc_name} "
                "ini adalah sebagai berikut:",
                "table": True,
                "label": "",
            }
        )
    if change["term"]:
        pasal, ayat = TERM_ARTICLE
        items.append(
            {
                "intro": f"Ketentuan Pasal {pasal} ayat {ayat} diubah sehingga berbunyi sebagai berikut:",
                "ayat": ayat,
                "text": term_phrase(after, doc_name),
                "table": False,
                "label": "",
            }
        )
    items.sort(key=lambda c: int(c["intro"].split()[2]))  # in the order of the articles
    for number, item in enumerate(items, 1):
        item["label"] = f"{number}." if len(items) > 1 else ""
    ordinal_text = "" if index == 0 else f"{ordinal(index + 1).upper()} "
    cites = both_numbers(before.numbers.first, before.numbers.second)
    title = f"PERUBAHAN {ordinal_text}ATAS {doc_name} {cites} TENTANG {subject}".upper()
    context = build_context(after, parent, config, legal)
    context.update(
        {
            "adendum": {
                "name": name,
                "ordinal": ordinal(index + 1),
                "index": index + 1,
                "title": am.title,
                "title_text": title,
                "on": am.on,
                "on_text": tanggal(am.on) if am.on else DOTS,
                "reference": cited,
            },
            "subject": subject,
            "numbers": {"first": am.number or DOTS * 2, "second": am.number_second or DOTS * 2},
            "signed": am.on is not None,
            "signed_on_text": tanggal(am.on) if am.on else DOTS,
            "opening": kalimat_pembuka(am.on, a.place),
            "recitals": enumerate_items(recitals, last_and=False),
            "changes": items,
            "term": term_phrase(after, doc_name),
            "ends_on_text": tanggal(after.end_date) if after.end_date else DOTS,
        }
    )
    return context
