"""The render context of a reminder (surat pemberitahuan) before deliverables fall due. Pure.

A reminder is a surat dinas like the follow-up letter (same letterhead, addressee,
signature, liaison sentence, closing: it starts from `letter_context`), with its own
subject, opening, request and table notes: nothing is late yet, the items fall due soon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from docgen.config import Config, Signatory
from docgen.context import Context
from docgen.documents.agreement import split_title
from docgen.documents.letter import JOINT, counted, grouped, item_numbers, letter_context
from docgen.domain.letters import Planned
from docgen.indonesian import bilangan, tanggal


def _note(days_left: int, joint: bool) -> str:
    note = "batas waktu hari ini" if days_left == 0 else f"batas waktu {bilangan(days_left)} hari lagi"
    return f"{JOINT}; {note}" if joint else note


def reminder_hal(p: Planned, as_of: date) -> str:
    """ "Pemberitahuan Batas Waktu Pelaksanaan Rencana Kerja Tahun 2022"."""
    a = p.agreement
    name, _ = split_title(a)
    text = f"Pemberitahuan Batas Waktu Pelaksanaan {name}"
    return text + (f" Tahun {(a.signed_on or as_of).year}" if a.kind != "mou" else "")


def reminder_context(
    config: Config,
    p: Planned,
    number: str,
    as_of: date,
    signatory: Signatory | None = None,
    earlier_hal: Mapping[str, str] | None = None,
) -> Context:
    # A reminder lists its items by due date.
    p = replace(p, items=sorted(p.items, key=lambda s: s.deliverable.due))
    context = letter_context(config, p, number, as_of, signatory, earlier_hal)
    owner = p.party.org
    joint = sum(1 for s in p.items if s.work_item.responsible == "both")
    last_due = max(s.deliverable.due for s in p.items)
    context["letter"].update(
        {
            "hal": reminder_hal(p, as_of),
            "opening": (
                f"Sehubungan dengan pelaksanaan {context['agreement']['reference']}, bersama "
                f"ini kami sampaikan bahwa sampai dengan tanggal {tanggal(last_due)} terdapat "
                f"{counted(len(p.items) - joint, joint, owner, 'yang akan mencapai batas waktunya')}"
                ", sebagai berikut:"
            ),
            "request": (
                "Sehubungan dengan hal tersebut, kami mohon Saudara berkenan memastikan "
                "pelaksanaan keluaran tersebut dan menyampaikan bukti pelaksanaannya kepada "
                "kami paling lambat pada batas waktu masing-masing."
            ),
            "reply_by_text": tanggal(last_due),
            "ordinal": 1,
            "first_number": "",
        }
    )
    numbers = item_numbers(p.agreement)
    rows = [
        {
            "no": i,
            "item_no": numbers.get(s.work_item.id, i),
            "id": s.deliverable.id,
            "work_item_id": s.work_item.id,
            "work_item": s.work_item.title,
            "deliverable": s.deliverable.title,
            "due_text": tanggal(s.deliverable.due),
            "days_late": 0,
            "days_left": (s.deliverable.due - as_of).days,
            "joint": s.work_item.responsible == "both",
            "status": s.status,
            "note": _note((s.deliverable.due - as_of).days, s.work_item.responsible == "both"),
        }
        for i, s in enumerate(p.items, 1)
    ]
    context.update(items=rows, groups=grouped(rows), tembusan=[])
    return context
