"""The render context of a reminder (surat pemberitahuan) before deliverables fall due. Pure.

A reminder is a surat dinas like the follow-up letter (same letterhead, addressee,
signature, liaison sentence: it starts from `letter_context`), with its own subject,
opening, request and table notes: nothing is late yet, the items are due soon.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.config import Config
from docgen.documents.agreement import reference, split_title
from docgen.documents.letter import letter_context
from docgen.domain.letters import Planned
from docgen.indonesian import tanggal, terbilang


def _note(days_left: int, joint: bool) -> str:
    when = "hari ini" if days_left == 0 else f"{days_left} ({terbilang(days_left)}) hari lagi"
    return f"batas waktu {when}" + ("; tanggung jawab bersama" if joint else "")


def reminder_context(config: Config, p: Planned, number: str, as_of: date) -> dict[str, Any]:
    context = letter_context(config, p, number, as_of)
    a, party = p.agreement, p.party
    doc_name, _ = split_title(a)
    count = len(p.items)
    last_due = max(s.deliverable.due for s in p.items)
    context["letter"].update({
        "hal": f"Pemberitahuan Batas Waktu Pelaksanaan {doc_name}",
        "opening": (f"Dalam rangka pelaksanaan {reference(a)}, bersama ini kami sampaikan bahwa "
                    f"sampai dengan tanggal {tanggal(last_due)} terdapat {count} ({terbilang(count)}) "
                    f"keluaran yang menjadi tanggung jawab {party.org} dan akan mencapai batas "
                    "waktunya, sebagai berikut:"),
        "request": (f"Sehubungan dengan hal tersebut, kami mohon {party.signatory.title} berkenan "
                    "memastikan pelaksanaan keluaran tersebut dan menyampaikan bukti "
                    "pelaksanaannya kepada kami paling lambat pada batas waktu masing-masing."),
        "reply_by_text": tanggal(last_due),
        "ordinal": 1, "first_number": "", "cites": [],
    })
    context["items"] = [{
        "no": i, "id": s.deliverable.id, "work_item": s.work_item.title,
        "deliverable": s.deliverable.title, "due_text": tanggal(s.deliverable.due),
        "days_late": 0, "days_left": (s.deliverable.due - as_of).days,
        "note": _note((s.deliverable.due - as_of).days, s.work_item.responsible == "both"),
    } for i, s in enumerate(p.items, 1)]
    context["tembusan"] = []
    return context
