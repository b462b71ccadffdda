"""The render context of an adendum (an amendment of an agreement). Pure.

An adendum is drafted like the agreement it amends (DOMAIN.md): the title block with
both numbers, the opening sentence with its date in words, the same parties, recitals
that cite the agreement (and the adenda before it), numbered articles (what changes,
what stays in force, the closing) and the signatures side by side. It starts from the
agreement's own context, so parties, letterhead and signatures read the same.
"""

from __future__ import annotations

from docgen.config import Config
from docgen.context import Context
from docgen.documents.agreement import build_context, enumerate_items, reference, split_title, term_phrase
from docgen.domain.amendments import changes
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


def adendum_context(a: Agreement, index: int, parent: Agreement | None, config: Config | None) -> Context:
    """The context of amendment `index` (0-based) of agreement `a`."""
    am = a.amendments[index]
    change = changes(a, index)
    before, after = change["before"], change["after"]
    assert isinstance(before, Agreement) and isinstance(after, Agreement)
    doc_name, subject = split_title(a)
    name = adendum_name(index + 1)
    base = before.model_copy(update={"amendments": []})
    cited = reference(base)
    earlier = [
        f"{adendum_name(i + 1)}"
        + (f" Nomor {e.number}" if e.number else "")
        + (f" tanggal {tanggal(e.on)}" if e.on else "")
        for i, e in enumerate(a.amendments[:index])
    ]
    if earlier:
        cited += ", sebagaimana telah diubah dengan " + " dan ".join(earlier)
    what = in_sentence(am.title)
    recitals = [
        f"bahwa PARA PIHAK telah menandatangani {cited}",
        f"bahwa perubahan atas {doc_name} tersebut ditetapkan berdasarkan kesepakatan PARA PIHAK "
        f"dan dituangkan dalam adendum yang merupakan bagian yang tidak terpisahkan dari {doc_name}",
        f"bahwa PARA PIHAK sepakat melakukan perubahan atas {doc_name} tersebut mengenai {what}",
    ]
    items: list[str] = []
    if change["term"]:
        items.append(
            f"Ketentuan mengenai jangka waktu diubah sehingga berbunyi sebagai berikut: "
            f"\u201c{term_phrase(after, doc_name)}\u201d"
        )
    touched = change["work_items"]
    if touched:
        items.append(
            f"Ketentuan mengenai kegiatan, keluaran, batas waktu, dan penanggung jawab "
            f"pelaksanaan {doc_name} diubah dan/atau ditambah sehingga kegiatan berikut "
            "berbunyi sebagaimana tercantum dalam tabel di bawah ini."
        )
    context = build_context(after.model_copy(update={"work_items": touched}), parent, config)
    context.update(
        {
            "adendum": {
                "name": name,
                "ordinal": ordinal(index + 1),
                "index": index + 1,
                "title": am.title,
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
            # Whole sentences (one quotes the new text): numbered, not re-punctuated.
            "changes": [{"label": f"{i}.", "text": text} for i, text in enumerate(items, 1)],
            "term": term_phrase(after, doc_name),
            "ends_on_text": tanggal(after.end_date) if after.end_date else DOTS,
        }
    )
    return context
