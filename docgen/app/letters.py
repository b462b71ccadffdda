"""Use cases of `docgen letter`: follow-ups, reminders, the list of letters, re-rendering, voiding.

Numbers are allocated, letters rendered and records written in one tracker transaction:
if any letter fails, no number is taken and no file of this run is left.

Each letter record keeps what its document was rendered from (the render context, the
template's name and SHA-256, docgen's version), so that `letter render` re-creates the
very same file at its recorded path after outputs/ was deleted, whatever changed since
in docgen.toml or the agreement file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NotRequired, TypedDict

from docgen import __version__
from docgen.agreements import Catalog
from docgen.app.common import agreement_views, catalog, discard, journaled, office_logo, publish
from docgen.config import Config, Signatory
from docgen.context import Context
from docgen.documents.letter import letter_context
from docgen.documents.reminder import reminder_context
from docgen.domain.letters import (
    FOLLOWUP,
    REMINDER,
    Planned,
    kind_of,
    plan_followups,
    plan_reminders,
    reply_deadline,
)
from docgen.domain.obligations import AgreementView
from docgen.domain.readiness import blank_numbers
from docgen.errors import AgreementError, InputError, NotFoundError
from docgen.fsutil import sha256_file
from docgen.i18n import _
from docgen.models import ROLE_NAMES, Agreement
from docgen.records import LETTERS, LetterRecord, NumberRecord, Reference
from docgen.safepath import remove_stale_temp_files
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.state.journal import Pending
from docgen.state.registry import Registry, require_given
from docgen.workspace import Workspace

TABLE = LETTERS
TEMPLATES = {FOLLOWUP: "surat-tindak-lanjut", REMINDER: "surat-pemberitahuan"}
PURPOSES = {FOLLOWUP: "Surat tindak lanjut", REMINDER: "Surat pemberitahuan"}
REMINDER_DAYS = 14

ContextFn = Callable[[Config, Planned, str, date, Signatory, dict[str, str]], Context]


class LetterRow(TypedDict):
    """One letter `followup` or `reminder` wrote, found already written, or found in force."""

    number: str
    type: str
    agreement: str
    party: str
    org: str | None
    unit: str | None
    file: str
    items: list[str]
    new: bool
    on: str
    ordinal: int
    cites: list[str]
    reply_by: str | None
    in_force: bool
    overdue: NotRequired[list[str]]  # a letter in force: the items overdue now
    rendered: NotRequired[bool]  # an existing letter whose deleted file was re-created


class LetterInfo(TypedDict):
    """A letter as `letter list`, `letter show` and `letter void` report it."""

    number: str
    type: str
    on: str
    agreement: str
    party: str
    org: str | None
    unit: str | None
    hal: str | None
    items: list[str]
    ordinal: int
    cites: list[str]
    reply_by: str | None
    signatory: str | None
    file: str
    void: bool
    void_reason: str | None
    year: int
    seq: int
    file_exists: bool
    voided_at: NotRequired[str | None]


class ItemDetail(TypedDict):
    id: str | None
    deliverable: str | None
    due: str | None
    note: str | None


class LetterDetail(LetterInfo):
    """`letter show`: the letter, its addressee and the items it names."""

    addressee: str | None
    items_detail: list[ItemDetail]
    recorded_at: str | None
    renderable: bool


@dataclass
class LetterRun:
    """What `followup` or `reminder` did: one row per letter, files skipped, warnings."""

    rows: list[LetterRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# The addressee in a file name a person reads, in Indonesian whatever the interface language
# (file names never depend on it). Letters already issued keep the name their record holds.
ADDRESSEE_NAMES = {"first": "pihak-pertama", "second": "pihak-kedua"}


def output_path(
    ws: Workspace, year: int, seq: int | None, agreement_id: str, role: str, number: str = ""
) -> Path:
    """`outputs/letters/<year>/<seq>-<id>-<addressee>.docx`; a given number of no known
    format (no sequence) names the file by its text instead."""
    if seq is not None:
        head = f"{seq:03d}"
    else:
        from docgen.render.certificate_pdf import safe_name

        head = safe_name(number, 40)
    name = f"{head}-{agreement_id}-{ADDRESSEE_NAMES.get(role, role)}.docx"
    return ws.inside(ws.outputs_dir / "letters" / str(year) / name)


def _targets(
    ws: Workspace, ids: list[str], all_: bool, as_of: date
) -> tuple[Catalog, list[Agreement], list[str]]:
    cat = catalog(ws, as_of, only=None if all_ else ids)
    targets = list(dict.fromkeys(ids)) if ids else sorted(cat.agreements)
    agreements = [cat.get(agreement_id) for agreement_id in targets]  # unknown ids: error first
    return cat, agreements, cat.skipped() if all_ else []


def followup(
    ws: Workspace,
    ids: list[str],
    *,
    all_: bool,
    as_of: date,
    again: bool = False,
    signatory: str | None = None,
    without_superior: bool = False,
    allow_blank_numbers: bool = False,
    number: str | None = None,
    user: str | None = None,
) -> LetterRun:
    """`letter followup`: write the follow-up letters due as of `as_of`.

    `signatory` is a `[signatories]` key (default: the office head). A second letter is
    copied to the party's `superior`: without one it is refused (nothing is issued)
    unless `without_superior`."""
    if ids and all_:
        raise InputError(_("give agreement ids or --all, not both"))
    if not ids and not all_:
        raise InputError(_("name the agreements to write letters for, or pass --all"))
    reply_days = ws.config.letters.reply_days
    if (date.max - as_of).days < reply_days:
        raise InputError(
            _(
                "--as-of: {isoformat}: the reply deadline {reply_days} days later "
                "([letters] reply_days) would be past 9999-12-31"
            ).format(isoformat=as_of.isoformat(), reply_days=reply_days)
        )
    cat, agreements, skipped = _targets(ws, ids, all_, as_of)

    def plan(session: Session, views: list[AgreementView]) -> list[Planned]:
        planned = plan_followups(views, session.records(TABLE), reply_days)
        if not allow_blank_numbers:
            _refuse_blank_numbers(cat, planned, again)
        if not without_superior:
            _refuse_without_superior(cat, planned, again)
        return planned

    return _issue(
        ws,
        FOLLOWUP,
        agreements,
        as_of,
        plan,
        letter_context,
        again=again,
        signatory=signatory,
        run=LetterRun(skipped=skipped),
        number=number,
        user=user,
    )


def reminder(
    ws: Workspace,
    ids: list[str],
    *,
    as_of: date,
    days: int = REMINDER_DAYS,
    signatory: str | None = None,
    allow_blank_numbers: bool = False,
    number: str | None = None,
) -> LetterRun:
    """`letter reminder`: a numbered pemberitahuan to each counterpart with items due within
    `days` that no earlier reminder named (every agreement when `ids` is empty)."""
    if days < 0:
        raise InputError(
            _("--days: {days} is negative; give the number of days ahead (e.g. 14)").format(days=days)
        )
    cat, agreements, skipped = _targets(ws, ids, not ids, as_of)

    def plan(session: Session, views: list[AgreementView]) -> list[Planned]:
        planned = plan_reminders(views, session.records(TABLE), days)
        if not allow_blank_numbers:
            _refuse_blank_numbers(cat, planned, False)
        return planned

    return _issue(
        ws,
        REMINDER,
        agreements,
        as_of,
        plan,
        reminder_context,
        signatory=signatory,
        run=LetterRun(skipped=skipped),
        number=number,
    )


def _refuse_blank_numbers(cat: Catalog, planned: list[Planned], again: bool) -> None:
    """A letter cites the agreement by both numbers (DOMAIN.md): one line per agreement
    whose numbers are blank, before any number is taken."""
    lines = []
    for p in planned:
        waiting = (p.existing is not None or p.in_force is not None) and not again
        missing = blank_numbers(p.agreement)
        if waiting or not missing:
            continue
        line = _(
            "agreements/{file}: numbers: the letter would cite the agreement by blank numbers "
            "({fields}); fill them in, or pass --allow-blank-numbers to print dotted blanks"
        ).format(file=cat.files[p.agreement.id].name, fields=", ".join(f"numbers.{m}" for m in missing))
        if line not in lines:
            lines.append(line)
    if lines:
        raise AgreementError(lines[0], problems=lines)


def _refuse_without_superior(cat: Catalog, planned: list[Planned], again: bool) -> None:
    """A second letter is copied to the signatory's superior (DOMAIN.md): one line per
    party that has none, naming the field to fill, before any number is taken."""
    lines = []
    for p in planned:
        waiting = (p.existing is not None or p.in_force is not None) and not again
        if not p.needs_superior or p.party.superior or waiting:
            continue
        index = p.agreement.parties.index(p.party)
        lines.append(
            _(
                "agreements/{name}: parties.{index}.superior: a second letter to "
                "{addressee_org} is copied to the superior of its signatory; fill in "
                'superior (e.g. "Sekretaris Daerah ...") or pass --without-superior'
            ).format(name=cat.files[p.agreement.id].name, index=index, addressee_org=p.party.addressee_org)
        )
    if lines:
        raise AgreementError(lines[0], problems=lines)


def _pictures(ws: Workspace) -> tuple[dict[str, tuple[bytes, str]], str | None]:
    """The letterhead's logo, if `[office] logo` names one, and its SHA-256."""
    from docgen.render.pictures import LOGO_PICTURE

    logo = office_logo(ws)
    if logo is None:
        return {}, None
    return (
        {LOGO_PICTURE: (logo[1], f"templates/{ws.config.office.logo}")},
        hashlib.sha256(logo[1]).hexdigest(),
    )


def _issue(
    ws: Workspace,
    kind: str,
    agreements: list[Agreement],
    as_of: date,
    plan: Callable[[Session, list[AgreementView]], list[Planned]],
    context_of: ContextFn,
    *,
    run: LetterRun,
    again: bool = False,
    signatory: str | None = None,
    number: str | None = None,
    user: str | None = None,
) -> LetterRun:
    """Plan, number, render and record the letters (`number`: the one new letter's number
    as given, recorded in the signatory's register)."""
    from docgen.render.docx import prepared
    from docgen.render.pictures import write_docx_with_pictures
    from docgen.render.templates import template_label, template_path

    config = ws.config
    signer = config.signatory(signatory)
    register = signer.register_name
    given = " ".join(number.split()) if number is not None else None
    if number is not None and not given:
        raise InputError(_("--number: give the number the letter carries"))
    require_given(register, given, _("letters signed by {name} are ").format(name=signer.name))
    path = template_path(ws.templates_dir, TEMPLATES[kind])
    template = prepared(path, template_label(path, ws.rel))
    template_sha = sha256_file(path)
    pictures, logo_sha = _pictures(ws)
    written: list[Path] = []  # letters re-created at their recorded path

    def body(session: Session, pending: Pending) -> tuple[list[LetterRow], list[str]]:
        discard(written)  # letters of an attempt the database asked to run again
        # A temporary file here is a killed writer's, or that of a `letter render` going on
        # now: that command writes here without the tracker's lock (after its read closed;
        # every other writer of this folder holds the write lock), and its temporary file's
        # name carries its process id, which remove_stale_temp_files leaves alone while that
        # process runs (up to an hour).
        remove_stale_temp_files(ws.outputs_dir / "letters" / str(as_of.year))
        pending.sweep(session, ws.outputs_dir / "letters" / str(as_of.year))  # even if no letter is due
        rows: list[LetterRow] = []
        warnings: list[str] = []
        registry = Registry(session, config)
        views = agreement_views(session, agreements, as_of, config.letters.grace_days)
        letters = session.records(TABLE)
        hal_of = {r["number"]: r["hal"] for r in letters if r.get("hal")}
        planned = plan(session, views)
        new = [p for p in planned if again or (p.existing is None and p.in_force is None)]
        if given and len(new) != 1:
            raise InputError(
                _("--number: gives the number of one letter; {count} are due: name one agreement").format(
                    count=len(new)
                )
            )
        if new and not given:
            warnings.extend(registry.backdated("letter", as_of))
        for p in planned:
            if p.existing is not None and not again:
                rows.append(_restore(ws, p.existing, warnings, written))
                continue
            if p.in_force is not None and not again:
                rows.append({**_row(p.in_force, new=False), "in_force": True, "overdue": p.item_ids})
                continue
            # the registry's record, in Indonesian whatever the interface language
            purpose = f"{PURPOSES[kind]} {p.agreement.id} ({ROLE_NAMES[p.party.role].lower()})"
            ref: Reference = {"letter": p.agreement.id, "party": p.party.role}
            if given:
                record, found = registry.record_given(
                    "letter", given, as_of, purpose, register=register, ref=ref
                )
                warnings.extend(found)
            else:
                record = registry.allocate("letter", as_of, purpose, ref=ref)
            out = output_path(
                ws, record["year"], record["seq"], p.agreement.id, p.party.role, record["number"]
            )
            # Rendered from the stored form of the context: `letter render` gives these bytes.
            context = json.loads(json.dumps(context_of(config, p, record["number"], as_of, signer, hal_of)))
            # Put in place once the number is committed (state/journal.py).
            write_docx_with_pictures(template, context, pending.path(session, out), pictures)
            pending.numbers.append(record["number"])
            letter = _record(p, record, ws.rel(out), as_of, config.letters.reply_days)
            letter.update(
                {
                    "hal": context["letter"]["hal"],
                    "signatory": signer.name,
                    "template": TEMPLATES[kind],
                    "template_sha256": template_sha,
                    "logo_sha256": logo_sha,
                    "docgen": __version__,
                    "context": context,
                    "user": user or current_user(),
                }
            )
            hal_of[letter["number"]] = letter["hal"]
            session.insert(TABLE, [letter])
            rows.append(_row(letter, new=True))
        publish(session, config, agreements)
        return rows, warnings

    try:
        rows, warnings = journaled(ws, f"letter {kind}", body)
    except BaseException:
        discard(written)
        raise
    run.rows.extend(rows)
    run.warnings.extend(warnings)
    return run


def _record(p: Planned, number: NumberRecord, file: str, as_of: date, reply_days: int) -> LetterRecord:
    return {
        "number": number["number"],
        "seq": number["seq"] or 0,  # 0: a given number of no known format
        "year": number["year"],
        "type": p.kind,
        "agreement": p.agreement.id,
        "party": p.party.role,
        "org": p.party.org,
        "unit": p.party.unit,
        "on": as_of.isoformat(),
        "items": p.item_ids,
        "file": file,
        "ordinal": p.ordinal if p.kind == FOLLOWUP else 1,
        "cites": [r["number"] for r in p.earlier],
        "reply_by": reply_deadline(as_of, reply_days).isoformat() if p.kind == FOLLOWUP else None,
        "void": False,
        "void_reason": None,
        "recorded_at": now_text(),
    }


def _cites(letter: LetterRecord) -> list[str]:
    cites = letter.get("cites")
    if isinstance(cites, str):  # docgen 0.1 kept only the first letter cited
        return [cites]
    return list(cites or [])


def _row(letter: LetterRecord, *, new: bool) -> LetterRow:
    return {
        "number": letter["number"],
        "type": kind_of(letter),
        "agreement": letter["agreement"],
        "party": letter["party"],
        "org": letter.get("org"),
        "unit": letter.get("unit"),
        "file": letter["file"],
        "items": list(letter["items"]),
        "new": new,
        "on": letter["on"],
        "ordinal": letter.get("ordinal", 1),
        "cites": _cites(letter),
        "reply_by": letter.get("reply_by"),
        "in_force": False,
    }


def _restore(ws: Workspace, letter: LetterRecord, warnings: list[str], written: list[Path]) -> LetterRow:
    """The existing letter, its file re-created if it was deleted."""
    row = _row(letter, new=False)
    out = ws.inside(ws.root / letter["file"])
    if not out.exists() and letter.get("context") is not None:
        _render(ws, letter, out, warnings)
        written.append(out)
        row["rendered"] = True
    return row


def _render(ws: Workspace, letter: LetterRecord, out: Path, warnings: list[str]) -> None:
    from docgen.render.docx import prepared
    from docgen.render.pictures import write_docx_with_pictures
    from docgen.render.templates import template_label, template_path

    name = letter.get("template") or TEMPLATES[kind_of(letter)]
    path = template_path(ws.templates_dir, name)
    if letter.get("template_sha256") and sha256_file(path) != letter["template_sha256"]:
        warnings.append(
            _(
                "{number}: {template_label} changed since the letter was issued; the "
                "re-created file follows the current template"
            ).format(number=letter["number"], template_label=template_label(path, ws.rel))
        )
    if letter.get("docgen") and letter["docgen"] != __version__:
        warnings.append(
            _(
                "{number}: issued by docgen {docgen}, re-created by {version}; the file"
                " may differ in its bytes"
            ).format(number=letter["number"], docgen=letter["docgen"], version=__version__)
        )
    pictures, logo_sha = _pictures(ws)
    if logo_sha != letter.get("logo_sha256", logo_sha):
        warnings.append(
            _(
                "{number}: the letterhead's logo changed since the letter was issued; "
                "the re-created file shows the current one"
            ).format(number=letter["number"])
        )
    write_docx_with_pictures(prepared(path, template_label(path, ws.rel)), letter["context"], out, pictures)


# --- the list, one letter, re-rendering, voiding ---------------------------------------------


def _public(ws: Workspace, letter: LetterRecord) -> LetterInfo:
    return {
        "number": letter["number"],
        "type": kind_of(letter),
        "on": letter["on"],
        "agreement": letter["agreement"],
        "party": letter["party"],
        "org": letter.get("org"),
        "unit": letter.get("unit"),
        "hal": letter.get("hal"),
        "items": letter["items"],
        "ordinal": letter.get("ordinal", 1),
        "cites": _cites(letter),
        "reply_by": letter.get("reply_by"),
        "signatory": letter.get("signatory"),
        "file": letter["file"],
        "void": bool(letter.get("void")),
        "void_reason": letter.get("void_reason"),
        "year": letter["year"],
        "seq": letter["seq"],
        "file_exists": (ws.root / letter["file"]).is_file(),
    }


def list_letters(ws: Workspace, year: int | None = None) -> list[LetterInfo]:
    """`letter list`: every letter issued (voided ones marked), oldest first."""
    with open_tracker(ws).read() as session:
        letters = session.records(TABLE)
    rows = [_public(ws, r) for r in letters if year is None or r["year"] == year]
    return sorted(rows, key=lambda r: (r["year"], r["seq"]))


def _find(session: Session, number: str) -> LetterRecord:
    letter = session.record(TABLE, number.strip())
    if letter is None:
        raise NotFoundError(_("{number}: no such letter (see `docgen letter list`)").format(number=number))
    return letter


def show_letter(ws: Workspace, number: str) -> LetterDetail:
    """`letter show`: one letter: its record, subject, addressee and items."""
    with open_tracker(ws).read() as session:
        letter = _find(session, number)
    context = letter.get("context") or {}
    return {
        **_public(ws, letter),
        "hal": letter.get("hal") or context.get("letter", {}).get("hal"),
        "addressee": context.get("addressee", {}).get("title"),
        "items_detail": [
            {
                "id": i.get("id"),
                "deliverable": i.get("deliverable"),
                "due": i.get("due_text"),
                "note": i.get("note"),
            }
            for i in context.get("items", [])
        ],
        "recorded_at": letter.get("recorded_at"),
        "voided_at": letter.get("voided_at"),
        "renderable": letter.get("context") is not None,
    }


@dataclass
class Rendered:
    number: str
    file: str
    changed: bool
    warnings: list[str] = field(default_factory=list)


def render_letter(ws: Workspace, number: str) -> Rendered:
    """`letter render`: re-create a letter at its recorded path from its stored contents."""
    with open_tracker(ws).read() as session:
        letter = _find(session, number)
    if letter.get("context") is None:
        raise InputError(
            _(
                "{number}: issued by docgen 0.1, which did not keep the letter's "
                "contents; it cannot be re-created"
            ).format(number=letter["number"])
        )
    out = ws.inside(ws.root / letter["file"])
    before = hashlib.sha256(out.read_bytes()).hexdigest() if out.is_file() else None
    result = Rendered(letter["number"], letter["file"], True)
    if letter.get("void"):
        result.warnings.append(
            _("{number}: void ({get}); re-created for the record only, not to be sent").format(
                number=letter["number"], get=letter.get("void_reason")
            )
        )
    _render(ws, letter, out, result.warnings)
    result.changed = before != sha256_file(out)
    return result


def mark_void(session: Session, registry_record: NumberRecord) -> LetterRecord | None:
    """After its number was voided: the letter record says so too (None: no such letter)."""
    number = registry_record["number"]
    if session.record(TABLE, number) is None:
        return None
    return session.update(
        TABLE,
        number,
        {
            "void": True,
            "void_reason": registry_record["void_reason"],
            "voided_at": registry_record.get("voided_at"),
        },
    )


def void_letter(ws: Workspace, number: str, reason: str, *, user: str | None = None) -> LetterInfo:
    """`letter void`: the letter was not sent: not cited, not counted, its items owed again.
    `user` is who voids it (default: the login name)."""

    def body(session: Session) -> tuple[NumberRecord, LetterRecord]:
        _find(session, number)
        record = Registry(session, ws.config).void(number.strip(), reason)
        letter = mark_void(session, record)
        assert letter is not None  # _find found it, in this same transaction
        letter = session.update(TABLE, letter["number"], {"voided_by": user or current_user()})
        return record, letter

    record, letter = open_tracker(ws).transaction(body)
    return {**_public(ws, letter), "voided_at": record.get("voided_at")}
