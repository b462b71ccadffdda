"""The render context of a follow-up letter (surat tindak lanjut). Pure.

The letter follows DOMAIN.md, "Letters": the agreement is cited as "Rencana Kerja Nomor
... dan Nomor ... tanggal ... tentang ..."; the office says only what it knows (no
evidence received yet, so many days after the deadline); items the parties owe jointly
are marked and counted apart from the addressee's own; a second letter opens by citing
every earlier letter ("Menindaklanjuti surat kami Nomor ... tanggal ... hal ...") and is
copied to the signatory's superior.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from docgen.config import Config, Signatory
from docgen.context import Context
from docgen.documents.agreement import office_context, reference, signer_name, split_title
from docgen.documents.layout import name_lines
from docgen.domain.letters import Planned, reply_deadline
from docgen.indonesian import DOTS, bilangan, tanggal, terbilang
from docgen.models import Agreement
from docgen.records import LetterRecord

LETTER_SIGNATURE_CM = 7.5  # the signature block's column: the text width less its 8 cm indent
JOINT = "tanggung jawab bersama"
NEW_ITEM = "baru disampaikan dalam surat ini"
# What the office knows of an overdue item: only what it was told (DOMAIN.md).
NO_EVIDENCE = "belum ada bukti pelaksanaan"
IN_PROGRESS = "sedang dalam proses; bukti penyelesaian belum kami terima"
BLOCKED = "dilaporkan terkendala; bukti penyelesaian belum kami terima"


def late_note(status: str, days: int) -> str:
    """The Keterangan of an overdue item: "belum ada bukti pelaksanaan (melewati batas
    waktu 92 (sembilan puluh dua) hari)"; an item reported in progress is "sedang dalam
    proses; bukti penyelesaian belum kami terima (...)"."""
    what = {"in_progress": IN_PROGRESS, "blocked": BLOCKED}.get(status, NO_EVIDENCE)
    return f"{what} (melewati batas waktu {bilangan(days)} hari)" if days else what


def item_numbers(a: Agreement) -> dict[str, int]:
    """Each work item's own number in the agreement (its row "3." in the table of Pasal 3)."""
    return {wi.id: number for number, wi in enumerate(a.work_items, 1)}


def ordinal_word(n: int) -> str:
    return "pertama" if n == 1 else f"ke{terbilang(n)}"


def hal(p: Planned, as_of: date, ordinal: int | None = None) -> str:
    """Plain and short: "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022"; a second
    letter says so: "... (Surat Kedua)"."""
    a = p.agreement
    name, _ = split_title(a)
    text = f"Tindak Lanjut Pelaksanaan {name}"
    if a.kind != "mou":  # a yearly work plan is known by its year; an MoU by its subject
        text += f" Tahun {(a.signed_on or as_of).year}"
    ordinal = p.ordinal if ordinal is None else ordinal
    if ordinal > 1:
        text += f" (Surat {ordinal_word(ordinal).capitalize()})"
    return text


def address_lines(address: str | None) -> list[str]:
    """The street address, then the city on its own line: "Jalan El Tari Nomor 52" /
    "Kupang". A missing address is a dotted blank, never silently left out."""
    if not address:
        return [DOTS]
    street, sep, city = " ".join(address.split()).rpartition(", ")
    return [street, city] if sep and street and city else [address.strip()]


def earlier_letters(earlier: Sequence[LetterRecord], hal_of: Mapping[str, str]) -> str:
    """ "surat kami Nomor A tanggal 15 April 2022 hal ... dan Nomor B tanggal ... hal ...":
    every earlier letter, in order."""
    parts = [f"Nomor {r['number']} tanggal {tanggal(r['on'])} hal {hal_of[r['number']]}" for r in earlier]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " dan " + parts[-1]
    return f"surat kami {joined}"


def _breakdown(own: int, joint: int, party: str) -> str:
    return (
        f"yaitu {bilangan(own)} keluaran yang menjadi tanggung jawab {party} dan "
        f"{bilangan(joint)} keluaran yang menjadi {JOINT}"
    )


def _items_phrase(own: int, joint: int, party: str) -> str:
    """How many items, the addressee's own counted apart from the joint ones."""
    if own and joint:
        return f"{bilangan(own + joint)} keluaran, {_breakdown(own, joint, party)}"
    if joint:
        return f"{bilangan(joint)} keluaran yang menjadi {JOINT}"
    return f"{bilangan(own)} keluaran yang menjadi tanggung jawab {party}"


def counted(own: int, joint: int, party: str, predicate: str) -> str:
    """The items and what is said of them, the predicate attached to the total: "7 (tujuh)
    keluaran <predicate>, yaitu 4 (empat) keluaran yang menjadi tanggung jawab X dan 3
    (tiga) keluaran yang menjadi tanggung jawab bersama". Put after the breakdown ("...
    dan 3 (tiga) keluaran yang menjadi tanggung jawab bersama yang telah melewati batas
    waktunya"), the predicate read as if it held of the joint items only. Items of one
    kind: "2 (dua) keluaran yang menjadi tanggung jawab bersama <predicate>"."""
    if own and joint:
        return f"{bilangan(own + joint)} keluaran {predicate}, {_breakdown(own, joint, party)}"
    return f"{_items_phrase(own, joint, party)} {predicate}"


def letter_context(
    config: Config,
    p: Planned,
    number: str,
    as_of: date,
    signatory: Signatory | None = None,
    earlier_hal: Mapping[str, str] | None = None,
) -> Context:
    """The context of one follow-up letter; `signatory` signs it (default: the office
    head); `earlier_hal` gives the Hal of each earlier letter by number."""
    a, party = p.agreement, p.party
    signatory = signatory or config.signatory(None)
    reply_by = reply_deadline(as_of, config.letters.reply_days)
    ordinal = p.ordinal
    unit = party.addressee_org
    # Responsibility is the legal party's (the Pemerintah Provinsi), never its unit's.
    owner = party.org
    joint = sum(1 for s in p.items if s.work_item.responsible == "both")
    own = len(p.items) - joint
    cited = reference(a)
    if not p.earlier:
        items = counted(
            own, joint, owner, "yang telah melewati batas waktunya dan belum kami terima bukti pelaksanaannya"
        )
        opening = (
            f"Sehubungan dengan pelaksanaan {cited}, bersama ini kami sampaikan bahwa "
            f"berdasarkan hasil pemantauan kami sampai dengan tanggal {tanggal(as_of)} "
            f"terdapat {items}, sebagai berikut:"
        )
    else:
        known = dict(earlier_hal or {})
        hal_of = {
            r["number"]: known.get(r["number"]) or hal(p, date.fromisoformat(r["on"]), r.get("ordinal", 1))
            for r in p.earlier
        }
        items = counted(own, joint, owner, f"dalam {cited} belum kami terima")
        opening = (
            f"Menindaklanjuti {earlier_letters(p.earlier, hal_of)}, dengan ini kami "
            f"sampaikan bahwa sampai dengan tanggal {tanggal(as_of)} bukti pelaksanaan "
            f"{items}, sebagai berikut:"
        )
    second = (
        f"Mengingat surat ini merupakan surat {ordinal_word(ordinal)} kami, "
        if ordinal > 1
        else "Sehubungan dengan hal tersebut, "
    )
    request = (
        f"{second}kami mohon Saudara berkenan menindaklanjuti pelaksanaan keluaran "
        "tersebut dan menyampaikan bukti pelaksanaannya kepada kami paling lambat "
        f"tanggal {tanggal(reply_by)}."
    )
    contact = config.letters.contact
    contact_sentence = ""
    if contact.name:
        how = ", ".join(
            x
            for x in (
                f"telepon {contact.phone}" if contact.phone else "",
                f"surel {contact.email}" if contact.email else "",
            )
            if x
        )
        contact_sentence = (
            "Untuk koordinasi lebih lanjut, Saudara dapat menghubungi "
            f"{contact.name}" + (f" ({how})" if how else "") + "."
        )
    tembusan = p.copied_to
    # A later letter may list items that fell due after the earlier ones: it does not
    # claim to follow them up (nor to escalate them); their note says they are new.
    named = {item for r in p.earlier for item in r.get("items", ())}
    numbers = item_numbers(a)
    rows = []
    for i, s in enumerate(p.items, 1):
        days = s.days_overdue(as_of)
        new = bool(p.earlier) and s.deliverable.id not in named
        joint_item = s.work_item.responsible == "both"
        note = late_note(s.status, days)
        rows.append(
            {
                "no": i,
                "item_no": numbers.get(s.work_item.id, i),
                "id": s.deliverable.id,
                "work_item_id": s.work_item.id,
                "work_item": s.work_item.title,
                "deliverable": s.deliverable.title,
                "due_text": tanggal(s.deliverable.due),
                "days_late": days,
                "status": s.status,
                "joint": joint_item,
                "new": new,
                "note": "; ".join(
                    x for x in (JOINT if joint_item else "", note, NEW_ITEM if new else "") if x
                ),
            }
        )
    signer = signatory.model_dump()
    signer["name"] = signer_name(signatory.name, config)
    signer["title_block"] = "\n".join(name_lines(signatory.title + ",", LETTER_SIGNATURE_CM, bold=False))
    return {
        **office_context(config),
        "signatory": signer,
        "agreement": {
            "id": a.id,
            "title": a.title,
            "kind": a.kind,
            "reference": cited,
            "signed_on_text": tanggal(a.signed_on) if a.signed_on else DOTS,
        },
        "addressee": {
            "title": party.signatory.title,
            "org": party.org,
            "unit": unit,
            "owner": owner,
            "address": party.address or "",
            "address_lines": address_lines(party.address),
            "role": party.role,
        },
        "letter": {
            "number": number,
            "date_text": tanggal(as_of),
            "sifat": config.letters.sifat,
            "lampiran": "-",
            "hal": hal(p, as_of),
            "opening": opening,
            "request": request,
            "contact_sentence": contact_sentence,
            "closing": config.letters.closing,
            "reply_by_text": tanggal(reply_by),
            "ordinal": ordinal,
            "first_number": p.earlier[0]["number"] if p.earlier else "",
            "own_count": own,
            "joint_count": joint,
        },
        "items": rows,
        "groups": grouped(rows),
        "tembusan": tembusan,
    }


def grouped(rows: list[Context]) -> list[Context]:
    """The table's rows by work item: consecutive items of one work item share its merged
    cells, numbered as the agreement numbers the work item (never its internal id)."""
    groups: list[Context] = []
    for row in rows:
        if groups and groups[-1]["work_item"] == row["work_item"]:
            groups[-1]["rows"].append(row)
        else:
            groups.append(
                {
                    "no": row.get("item_no", len(groups) + 1),
                    "work_item": row["work_item"],
                    "joint": row["joint"],
                    "rows": [row],
                }
            )
    return groups
