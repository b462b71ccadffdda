"""Follow-up letters (surat tindak lanjut) for overdue commitments.

One letter per agreement and counterpart party with overdue deliverables, numbered from
the registry and recorded in the tracker table `letters` with the items it covers:
- items with `responsible: both` count for the counterpart; a party of kind `ombudsman`
  is the office itself and gets no letter (its own overdue items show in `monitor`);
- items already sent in an earlier letter make it a second (third...) letter, which
  says so, cites the first letter and is copied to the party's `superior`;
- the same agreement, party and items on the same date issue nothing new (the existing
  letter is reported with new=False) unless `again`.

Numbers are allocated, letters rendered and records written in one tracker
transaction: if any letter fails, no number is taken and no file of this run is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from docgen.agreements import Catalog
from docgen.config import Config
from docgen.errors import InputError
from docgen.indonesian import tanggal, terbilang
from docgen.models import Agreement, Party
from docgen.monitor import owes
from docgen.numbering import Registry
from docgen.progress import DeliverableState, deliverable_states
from docgen.render.context import DOC_NAMES, office_context
from docgen.status import agreement_status
from docgen.terminations import termination_dates
from docgen.tracker import Tracker, TrackerState
from docgen.workspace import Workspace

TABLE = "letters"
TEMPLATE = "surat-tindak-lanjut"
STATUS_NOTES = {"not_started": "belum dilaksanakan", "in_progress": "dalam proses",
                "blocked": "terkendala"}


@dataclass
class Planned:
    """A letter to write: who gets it, about which items, and what came before."""

    agreement: Agreement
    party: Party
    items: list[DeliverableState]
    earlier: list[dict[str, Any]]  # earlier letters to this party about any of these items
    existing: dict[str, Any] | None  # the same letter, already issued on this date

    @property
    def item_ids(self) -> list[str]:
        return [s.deliverable.id for s in self.items]

    @property
    def ordinal(self) -> int:
        """1 for a first letter, 2 for a second about the same items, ..."""
        counts = [sum(1 for letter in self.earlier if item in letter["items"])
                  for item in self.item_ids]
        return 1 + max(counts, default=0)


def ordinal_word(n: int) -> str:
    return "pertama" if n == 1 else f"ke{terbilang(n)}"


def counterparts(agreement: Agreement) -> list[Party]:
    return [p for p in agreement.parties if p.kind != "ombudsman"]


def plan(catalog: Catalog, state: TrackerState, ids: list[str], as_of: date) -> list[Planned]:
    records = [dict(r) for r in state.table(TABLE).all()]
    known = set(state.history_ids())
    terminated = termination_dates(state)
    planned = []
    for agreement_id in ids:
        agreement = catalog.get(agreement_id)
        if not owes(agreement_status(agreement, as_of, terminated.get(agreement.id))):
            continue  # a draft, pending or terminated agreement owes nothing yet / any more
        events = state.history(agreement.id).all() if agreement.id in known else []
        overdue = [s for s in deliverable_states(agreement, events, as_of) if s.is_overdue(as_of)]
        for party in counterparts(agreement):
            items = [s for s in overdue if s.work_item.responsible in (party.role, "both")]
            if not items:
                continue
            mine = [r for r in records if r["agreement"] == agreement.id and r["party"] == party.role]
            ids_ = sorted(s.deliverable.id for s in items)
            existing = next((r for r in reversed(mine)
                             if r["on"] == as_of.isoformat() and sorted(r["items"]) == ids_), None)
            earlier = sorted((r for r in mine if r["on"] <= as_of.isoformat() and r is not existing
                              and set(r["items"]) & set(ids_)), key=lambda r: (r["on"], r["seq"]))
            planned.append(Planned(agreement, party, items, earlier, existing))
    return planned


def _agreement_phrase(a: Agreement) -> str:
    name = DOC_NAMES[a.kind]
    parts = [f"{name} antara {a.first.org} dan {a.second.org} tentang "
             f"{_subject(a)}"]
    if a.signed_on:
        parts.append(f"yang ditandatangani pada tanggal {tanggal(a.signed_on)}")
    numbers = [n for n in (a.numbers.first, a.numbers.second) if n]
    if numbers:
        parts.append(f"Nomor {' dan Nomor '.join(numbers)}")
    return ", ".join(parts)


def _subject(a: Agreement) -> str:
    """The title without its leading document name ("Rencana Kerja ...")."""
    title = a.title
    name = DOC_NAMES[a.kind]
    return title[len(name):].strip() if title.lower().startswith(name.lower()) else title


def letter_context(config: Config, p: Planned, number: str, as_of: date) -> dict[str, Any]:
    a, party = p.agreement, p.party
    reply_by = as_of + timedelta(days=config.letters.reply_days)
    count = len(p.items)
    ordinal = p.ordinal
    first = p.earlier[0] if p.earlier else None
    hal = f"Tindak Lanjut {a.title}" + (f" (Surat {ordinal_word(ordinal).capitalize()})"
                                        if ordinal > 1 else "")
    if first is None:
        opening = (f"Menindaklanjuti {_agreement_phrase(a)}, bersama ini kami sampaikan bahwa "
                   f"berdasarkan hasil pemantauan kami sampai dengan tanggal {tanggal(as_of)}, "
                   f"terdapat {count} ({terbilang(count)}) keluaran yang menjadi tanggung jawab "
                   f"{party.org} dan telah melewati batas waktunya, sebagai berikut:")
    else:
        opening = (f"Menindaklanjuti surat kami Nomor {first['number']} tanggal "
                   f"{tanggal(first['on'])} perihal Tindak Lanjut {a.title}, bersama ini kami "
                   f"sampaikan surat {ordinal_word(ordinal)} karena sampai dengan tanggal "
                   f"{tanggal(as_of)} masih terdapat {count} ({terbilang(count)}) keluaran "
                   f"dalam {_agreement_phrase(a)} yang belum kami terima bukti "
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


def sample_contexts(config: Config | None) -> list[dict[str, Any]]:
    """What `docgen check` renders the letter template with: a first and a second letter."""
    from docgen.config import Config as ConfigModel
    from docgen.models import Agreement as AgreementModel
    from docgen.render.samples import _RENJA, SAMPLE_CONFIG

    cfg = config or ConfigModel.model_validate(SAMPLE_CONFIG)
    agreement = AgreementModel.model_validate(_RENJA)
    states = deliverable_states(agreement, [], date(2030, 1, 1))
    first = Planned(agreement, agreement.second, states, [], None)
    second = Planned(agreement, agreement.second, states,
                     [{"number": "B/001/PW00/KM.01/I/2030", "on": "2029-12-01", "seq": 1,
                       "items": [s.deliverable.id for s in states]}], None)
    return [letter_context(cfg, p, "B/002/PW00/KM.01/I/2030", date(2030, 1, 1))
            for p in (first, second)]


def output_path(ws: Workspace, year: int, seq: int, agreement_id: str, role: str) -> Path:
    return ws.inside(ws.outputs_dir / "letters" / str(year) / f"{seq:03d}-{agreement_id}-{role}.docx")


def followup(ws: Workspace, catalog: Catalog, ids: list[str], *, all_: bool, as_of: date,
             again: bool = False) -> list[dict[str, Any]]:
    """Write the follow-up letters due as of `as_of`; the JSON rows of SPEC section 3."""
    from docgen.render.docx import prepared, write_docx
    from docgen.render.templates import template_path

    if ids and all_:
        raise InputError("give agreement ids or --all, not both")
    if not ids and not all_:
        raise InputError("name the agreements to write letters for, or pass --all")
    targets = list(dict.fromkeys(ids)) if ids else sorted(catalog.agreements)
    for agreement_id in targets:
        catalog.get(agreement_id)  # unknown or broken ids: a clear error before anything
    template = prepared(template_path(ws, TEMPLATE))
    config = ws.config
    rows: list[dict[str, Any]] = []
    written: list[Path] = []
    try:
        with Tracker(ws.root).write() as state:
            registry = Registry(state, config)
            for p in plan(catalog, state, targets, as_of):
                if p.existing is not None and not again:
                    rows.append(_row(p.existing, p, new=False))
                    continue
                record = registry.allocate(
                    "letter", as_of, f"Surat tindak lanjut {p.agreement.id} ({p.party.role})",
                    ref={"letter": p.agreement.id, "party": p.party.role})
                out = output_path(ws, record["year"], record["seq"], p.agreement.id, p.party.role)
                write_docx(template, letter_context(config, p, record["number"], as_of), out)
                written.append(out)
                letter = {
                    "number": record["number"], "seq": record["seq"], "year": record["year"],
                    "agreement": p.agreement.id, "party": p.party.role, "org": p.party.org,
                    "on": as_of.isoformat(), "items": p.item_ids, "file": ws.rel(out),
                    "ordinal": p.ordinal,
                    "cites": p.earlier[0]["number"] if p.earlier else None,
                    "recorded_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                }
                state.table(TABLE).insert(letter)
                rows.append(_row(letter, p, new=True))
    except BaseException:
        for path in written:  # no number was taken: leave no letter carrying one
            path.unlink(missing_ok=True)
        raise
    return rows


def _row(letter: dict[str, Any], p: Planned, *, new: bool) -> dict[str, Any]:
    return {"number": letter["number"], "agreement": letter["agreement"], "party": letter["party"],
            "org": letter["org"], "file": letter["file"], "items": list(letter["items"]),
            "new": new, "on": letter["on"], "ordinal": letter.get("ordinal", 1),
            "cites": letter.get("cites")}
