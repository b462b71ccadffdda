"""The render context of a follow-up letter (surat tindak lanjut). Pure."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from docgen.config import Config
from docgen.documents.agreement import office_context, reference
from docgen.domain.letters import Planned
from docgen.indonesian import tanggal, terbilang

STATUS_NOTES = {"not_started": "belum dilaksanakan", "in_progress": "dalam proses",
                "blocked": "terkendala"}


def ordinal_word(n: int) -> str:
    return "pertama" if n == 1 else f"ke{terbilang(n)}"


def cited_letters(letters: list[dict[str, Any]]) -> str:
    """Every earlier letter, oldest first: "Nomor A tanggal 1 Juli 2022 dan Nomor B tanggal ..."."""
    parts = [f"Nomor {r['number']} tanggal {tanggal(r['on'])}" for r in letters]
    if len(parts) <= 2:
        return " dan ".join(parts)
    return ", ".join(parts[:-1]) + ", dan " + parts[-1]


def letter_context(config: Config, p: Planned, number: str, as_of: date) -> dict[str, Any]:
    a, party = p.agreement, p.party
    reply_by = as_of + timedelta(days=config.letters.reply_days)
    count = len(p.items)
    ordinal = p.ordinal
    first = p.earlier[0] if p.earlier else None
    cited = reference(a)
    hal = f"Tindak Lanjut {a.title}" + (f" (Surat {ordinal_word(ordinal).capitalize()})"
                                        if ordinal > 1 else "")
    if first is None:
        opening = (f"Menindaklanjuti {cited}, bersama ini kami sampaikan bahwa "
                   f"berdasarkan hasil pemantauan kami sampai dengan tanggal {tanggal(as_of)}, "
                   f"terdapat {count} ({terbilang(count)}) keluaran yang menjadi tanggung jawab "
                   f"{party.org} dan telah melewati batas waktunya, sebagai berikut:")
    else:
        opening = (f"Menindaklanjuti surat kami {cited_letters(p.earlier)} "
                   f"perihal Tindak Lanjut {a.title}, bersama ini kami "
                   f"sampaikan surat {ordinal_word(ordinal)} karena sampai dengan tanggal "
                   f"{tanggal(as_of)} masih terdapat {count} ({terbilang(count)}) keluaran "
                   f"dalam {cited} yang belum kami terima bukti "
                   "pelaksanaannya, sebagai berikut:")
    request = (f"Sehubungan dengan hal tersebut, kami mohon {party.signatory.title} berkenan "
               "menindaklanjuti pelaksanaan keluaran tersebut dan menyampaikan bukti "
               f"pelaksanaannya kepada kami paling lambat tanggal {tanggal(reply_by)}.")
    contact = config.letters.contact
    contact_sentence = ""
    if contact.name:
        how = ", ".join(x for x in (f"telepon {contact.phone}" if contact.phone else "",
                                    f"surel {contact.email}" if contact.email else "") if x)
        contact_sentence = ("Untuk koordinasi lebih lanjut dapat menghubungi "
                            f"{contact.name}" + (f" ({how})" if how else "") + ".")
    copies = [party.superior] if ordinal > 1 and party.superior else []
    tembusan = ([f"{i}. {c}" for i, c in enumerate(copies, 1)] if len(copies) > 1 else copies)
    return {
        **office_context(config),
        "agreement": {"id": a.id, "title": a.title, "kind": a.kind,
                      "signed_on_text": tanggal(a.signed_on) if a.signed_on else ""},
        "addressee": {"title": party.signatory.title, "org": party.org,
                      "address": party.address or "", "role": party.role},
        "letter": {
            "number": number, "date_text": tanggal(as_of), "sifat": config.letters.sifat,
            "lampiran": "-", "hal": hal, "opening": opening, "request": request,
            "contact_sentence": contact_sentence, "reply_by_text": tanggal(reply_by),
            "ordinal": ordinal, "first_number": first["number"] if first else "",
            "cites": [r["number"] for r in p.earlier],
        },
        "items": [{
            "no": i, "id": s.deliverable.id, "work_item": s.work_item.title,
            "deliverable": s.deliverable.title, "due_text": tanggal(s.deliverable.due),
            "days_late": s.days_overdue(as_of),
            "note": f"terlambat {s.days_overdue(as_of)} hari"
                    + (f", {STATUS_NOTES[s.status]}" if s.status in STATUS_NOTES else ""),
        } for i, s in enumerate(p.items, 1)],
        "tembusan": tembusan,
    }
