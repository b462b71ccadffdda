"""Use case of `docgen letter followup`: follow-up letters for overdue commitments.

Numbers are allocated, letters rendered and records written in one tracker transaction:
if any letter fails, no number is taken and no file of this run is left.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from docgen.app.common import agreement_views, catalog
from docgen.documents.letter import letter_context
from docgen.domain.letters import Planned, plan_followups
from docgen.errors import InputError
from docgen.safepath import remove_stale_temp_files
from docgen.state import open_tracker
from docgen.state.base import now_text
from docgen.state.records import checked
from docgen.state.registry import Registry
from docgen.workspace import Workspace

TABLE = "letters"
TEMPLATE = "surat-tindak-lanjut"


def output_path(ws: Workspace, year: int, seq: int, agreement_id: str, role: str) -> Path:
    return ws.inside(ws.outputs_dir / "letters" / str(year) / f"{seq:03d}-{agreement_id}-{role}.docx")


def followup(ws: Workspace, ids: list[str], *, all_: bool, as_of: date,
             again: bool = False) -> tuple[list[dict[str, Any]], list[str]]:
    """Write the follow-up letters due as of `as_of`: (the JSON rows of SPEC section 3,
    the agreement files skipped because they hold errors)."""
    from docgen.render.docx import prepared, write_docx
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
    template = prepared(template_path(ws.templates_dir, TEMPLATE))
    config = ws.config
    rows: list[dict[str, Any]] = []
    written: list[Path] = []
    try:
        with open_tracker(ws).write() as session:
            remove_stale_temp_files(ws.outputs_dir / "letters" / str(as_of.year))  # every writer locks
            registry = Registry(session, config)
            views = agreement_views(session, agreements, as_of)
            for p in plan_followups(views, checked(session, TABLE, session.rows(TABLE))):
                if p.existing is not None and not again:
                    rows.append(_row(p.existing, new=False))
                    continue
                record = registry.allocate(
                    "letter", as_of, f"Surat tindak lanjut {p.agreement.id} ({p.party.role})",
                    ref={"letter": p.agreement.id, "party": p.party.role})
                out = output_path(ws, record["year"], record["seq"], p.agreement.id, p.party.role)
                write_docx(template, letter_context(config, p, record["number"], as_of), out)
                written.append(out)
                letter = _record(p, record, ws.rel(out), as_of)
                session.insert(TABLE, [letter])
                rows.append(_row(letter, new=True))
    except BaseException:
        for path in written:  # no number was taken: leave no letter carrying one
            path.unlink(missing_ok=True)
        raise
    return rows, cat.skipped() if all_ else []


def _record(p: Planned, number: dict[str, Any], file: str, as_of: date) -> dict[str, Any]:
    return {
        "number": number["number"], "seq": number["seq"], "year": number["year"],
        "agreement": p.agreement.id, "party": p.party.role, "org": p.party.org,
        "on": as_of.isoformat(), "items": p.item_ids, "file": file, "ordinal": p.ordinal,
        "cites": p.earlier[0]["number"] if p.earlier else None, "recorded_at": now_text(),
    }


def _row(letter: dict[str, Any], *, new: bool) -> dict[str, Any]:
    return {"number": letter["number"], "agreement": letter["agreement"], "party": letter["party"],
            "org": letter["org"], "file": letter["file"], "items": list(letter["items"]),
            "new": new, "on": letter["on"], "ordinal": letter.get("ordinal", 1),
            "cites": letter.get("cites")}
