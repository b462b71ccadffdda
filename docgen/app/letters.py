"""Use case of `docgen letter followup`: follow-up letters for overdue commitments.

Numbers are allocated, letters rendered and records written in one tracker transaction:
if any letter fails, no number is taken and no file of this run is left.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from docgen.app.common import agreement_views, catalog, discard, office_logo, publish
from docgen.documents.letter import letter_context
from docgen.domain.letters import Planned, plan_followups
from docgen.errors import AgreementError, InputError
from docgen.safepath import remove_stale_temp_files
from docgen.state import open_tracker
from docgen.state.base import Session, now_text
from docgen.state.records import checked
from docgen.state.registry import Registry
from docgen.workspace import Workspace

TABLE = "letters"
TEMPLATE = "surat-tindak-lanjut"


def output_path(ws: Workspace, year: int, seq: int, agreement_id: str, role: str) -> Path:
    return ws.inside(ws.outputs_dir / "letters" / str(year) / f"{seq:03d}-{agreement_id}-{role}.docx")


def followup(ws: Workspace, ids: list[str], *, all_: bool, as_of: date, again: bool = False,
             signatory: str | None = None,
             without_superior: bool = False) -> tuple[list[dict[str, Any]], list[str]]:
    """Write the follow-up letters due as of `as_of`: (the JSON rows of SPEC section 3,
    the agreement files skipped because they hold errors).

    `signatory` is a `[signatories]` key (default: the office head). A second letter is
    copied to the party's `superior`: without one it is refused (nothing is issued)
    unless `without_superior`."""
    from docgen.render.docx import prepared
    from docgen.render.pictures import LOGO_PICTURE, write_docx_with_pictures
    from docgen.render.templates import template_path

    if ids and all_:
        raise InputError("give agreement ids or --all, not both")
    if not ids and not all_:
        raise InputError("name the agreements to write letters for, or pass --all")
    reply_days = ws.config.letters.reply_days
    if (date.max - as_of).days < reply_days:
        raise InputError(f"--as-of: {as_of.isoformat()}: the reply deadline {reply_days} days later "
                         "([letters] reply_days) would be past 9999-12-31")
    cat = catalog(ws, as_of, only=None if all_ else ids)
    targets = list(dict.fromkeys(ids)) if ids else sorted(cat.agreements)
    agreements = [cat.get(agreement_id) for agreement_id in targets]  # unknown ids: error first
    config = ws.config
    signer = config.signatory(signatory)
    template = prepared(template_path(ws.templates_dir, TEMPLATE))
    logo = office_logo(ws)
    pictures = {LOGO_PICTURE: (logo[1], f"templates/{config.office.logo}")} if logo else {}
    written: list[Path] = []

    def body(session: Session) -> list[dict[str, Any]]:
        discard(written)  # letters of an attempt the database asked to run again
        remove_stale_temp_files(ws.outputs_dir / "letters" / str(as_of.year))  # every writer locks
        rows: list[dict[str, Any]] = []
        registry = Registry(session, config)
        views = agreement_views(session, agreements, as_of)
        letters = checked(session, TABLE, session.rows(TABLE))
        planned = plan_followups(views, letters)
        if not without_superior:
            _refuse_without_superior(ws, cat, planned, again)
        hal_of = {r["number"]: r["hal"] for r in letters if r.get("hal")}
        for p in planned:
            if p.existing is not None and not again:
                rows.append(_row(p.existing, new=False))
                continue
            record = registry.allocate(
                "letter", as_of, f"Surat tindak lanjut {p.agreement.id} ({p.party.role})",
                ref={"letter": p.agreement.id, "party": p.party.role})
            out = output_path(ws, record["year"], record["seq"], p.agreement.id, p.party.role)
            context = letter_context(config, p, record["number"], as_of, signer, hal_of)
            write_docx_with_pictures(template, context, out, pictures)
            written.append(out)
            letter = _record(p, record, ws.rel(out), as_of)
            letter["hal"] = context["letter"]["hal"]
            letter["signatory"] = signer.name
            hal_of[letter["number"]] = letter["hal"]
            session.insert(TABLE, [letter])
            rows.append(_row(letter, new=True))
        publish(session, config, agreements)
        return rows

    try:
        rows = open_tracker(ws).transaction(body)
    except BaseException:
        discard(written)  # no number was taken: leave no letter carrying one
        raise
    return rows, cat.skipped() if all_ else []


def _refuse_without_superior(ws: Workspace, cat: Any, planned: list[Planned], again: bool) -> None:
    """A second letter is copied to the signatory's superior (DOMAIN.md): one line per
    party that has none, naming the field to fill, before any number is taken."""
    lines = []
    for p in planned:
        if p.ordinal < 2 or p.party.superior or (p.existing is not None and not again):
            continue
        index = p.agreement.parties.index(p.party)
        lines.append(f"agreements/{cat.files[p.agreement.id].name}: parties.{index}.superior: "
                     f"a second letter to {p.party.addressee_org} is copied to the superior of "
                     f"its signatory; fill in superior (e.g. \"Sekretaris Daerah ...\") or pass "
                     "--without-superior")
    if lines:
        raise AgreementError(lines[0], problems=lines)


def _record(p: Planned, number: dict[str, Any], file: str, as_of: date) -> dict[str, Any]:
    return {
        "number": number["number"], "seq": number["seq"], "year": number["year"],
        "agreement": p.agreement.id, "party": p.party.role, "org": p.party.org,
        "unit": p.party.unit,
        "on": as_of.isoformat(), "items": p.item_ids, "file": file, "ordinal": p.ordinal,
        "cites": p.earlier[0]["number"] if p.earlier else None, "recorded_at": now_text(),
    }


def _row(letter: dict[str, Any], *, new: bool) -> dict[str, Any]:
    return {"number": letter["number"], "agreement": letter["agreement"], "party": letter["party"],
            "org": letter["org"], "unit": letter.get("unit"), "file": letter["file"],
            "items": list(letter["items"]),
            "new": new, "on": letter["on"], "ordinal": letter.get("ordinal", 1),
            "cites": letter.get("cites")}
