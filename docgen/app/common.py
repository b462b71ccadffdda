"""What the use cases share: loading agreements and seeing them as of a date."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from docgen.agreements import Catalog, load_catalog
from docgen.config import CONFIG_FILE, Config
from docgen.domain.obligations import GRACE_DAYS, AgreementView, views
from docgen.domain.signed_terms import as_signed, changed_fields, signature_record
from docgen.domain.terminations import termination_dates
from docgen.errors import ConfigError, TemplateError
from docgen.i18n import _
from docgen.models import Agreement
from docgen.records import SIGNATURES, TERMINATIONS, OfficeInfo, SignatureRecord
from docgen.safepath import read_regular, source_problem
from docgen.state import open_tracker
from docgen.state.base import Session
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from docgen.render.certificate_layout import LayoutSource
    from docgen.state.journal import Pending

T = TypeVar("T")

LAYOUT_FILE = "sertifikat.toml"
MAX_IMAGE_BYTES = 20 << 20  # a logo is tens of kilobytes


def catalog(ws: Workspace, as_of: date | None = None, only: Iterable[str] | None = None) -> Catalog:
    """The workspace's agreements (only `only` and their parents parsed, when given)."""
    return load_catalog(ws, as_of, only=only)


def agreement_views(
    session: Session, agreements: Iterable[Agreement], as_of: date, grace_days: int = GRACE_DAYS
) -> list[AgreementView]:
    """Each agreement (as amended) with its history and termination, as of `as_of`, sorted
    by id; `grace_days` is the workspace's `[letters] grace_days`."""
    # A signed agreement is judged by the terms it was signed with until an adendum changes
    # them, whatever was edited in its file since (domain/signed_terms.py).
    signed = signatures(session)
    agreements = [as_signed(a, signed.get(a.id)) for a in agreements]
    histories = session.events_of([a.id for a in agreements])
    terminated = termination_dates(session.records(TERMINATIONS))
    return views(agreements, histories, terminated, as_of, grace_days)


def signatures(session: Session) -> dict[str, SignatureRecord]:
    """Agreement id -> the record of the terms it was signed with."""
    return {r["agreement"]: r for r in session.records(SIGNATURES)}


def record_signature(session: Session, agreement: Agreement) -> None:
    """Keep what `agreement` is signed with (in the transaction that signs it)."""
    session.put(SIGNATURES, [signature_record(agreement)])


def signed_changes(session: Session, cat: Catalog) -> list[str]:
    """Warning lines for each term of a signed agreement's file that differs from what was
    signed, naming the field (work items and deliverables by id)."""
    signed = signatures(session)
    lines = []
    for agreement_id, agreement in sorted(cat.agreements.items()):
        record = signed.get(agreement_id)
        if record is None:
            continue
        label = f"agreements/{cat.files[agreement_id].name}"
        for field, before, after in changed_fields(record, agreement):
            lines.append(
                "warning: "
                + _(
                    "{file}: {field}: changed since the agreement was signed ({before} -> {after}); "
                    "a signed agreement is changed by an adendum (amendments:, docgen agreement "
                    "extend): until then docgen keeps to the signed terms"
                ).format(file=label, field=field, before=before, after=after)
            )
    return lines


def agreement_view(
    session: Session, agreement: Agreement, as_of: date, grace_days: int = GRACE_DAYS
) -> AgreementView:
    return agreement_views(session, [agreement], as_of, grace_days)[0]


def layout_source_of(ws: Workspace) -> LayoutSource:
    """The certificate layout in use, if reading it stays inside the workspace (TemplateError)."""
    from docgen.render.certificate_layout import layout_source

    own = ws.templates_dir / LAYOUT_FILE
    if os.path.lexists(own):
        problem = source_problem(ws.root, own)
        if problem is not None:
            raise TemplateError(
                _("templates/{layout_file}: {problem}").format(layout_file=LAYOUT_FILE, problem=problem)
            )
    return layout_source(ws.templates_dir, ws.rel)


def office_info(config: Config) -> OfficeInfo:
    """How the national view names this office."""
    office = config.office
    return {"unit_code": office.unit_code, "name": office.name, "short": office.short, "city": office.city}


def publish(session: Session, config: Config, agreements: Iterable[Agreement]) -> None:
    """Publish the agreements a command touched to a shared tracker (the national view),
    in the command's own transaction: a failed command publishes nothing."""
    agreements = list(agreements)
    if agreements and session.shared:
        session.publish([a.model_dump(mode="json") for a in agreements], office_info(config))


def discard(paths: list[Path]) -> None:
    """Remove the files an attempt created (before a retry, or when the command fails)."""
    for path in paths:
        path.unlink(missing_ok=True)
    paths.clear()


def office_logo(ws: Workspace) -> tuple[Path, bytes] | None:
    """`[office] logo`, an image in templates/: its path and bytes; None when not set.
    A missing or unreadable file is one line naming the setting."""
    name = ws.config.office.logo
    if not name:
        return None
    path = ws.templates_dir / name
    label = f"{CONFIG_FILE}: office.logo"
    outside = source_problem(ws.root, path) if os.path.lexists(path) else None
    if outside is not None:
        raise ConfigError(
            _("{label}: templates/{name} {outside}").format(label=label, name=name, outside=outside)
        )
    try:
        data = read_regular(path, MAX_IMAGE_BYTES)
    except OSError as exc:
        raise ConfigError(
            _(
                "{label}: cannot read templates/{name} ({reason}); put the image there or leave logo empty"
            ).format(label=label, name=name, reason=exc.strerror or exc)
        ) from exc
    from docgen.render.pictures import image_size

    try:
        image_size(data, f"{label}: templates/{name}")
    except TemplateError as exc:
        raise ConfigError(exc.message) from exc
    return path, data


def journaled(ws: Workspace, command: str, body: Callable[[Session, Pending], T]) -> T:
    """Run `body` in one tracker transaction whose files are put in place only once its
    numbers are committed (state/journal.py): `body` writes each file to
    `pending.path(session, target)` and lists the numbers they print in `pending.numbers`."""
    from docgen.state import journal

    tracker = open_tracker(ws)
    pending = journal.Pending(ws.root, command)

    def attempt(session: Session) -> T:
        pending.discard()  # an attempt the database asked to run again
        result = body(session, pending)
        pending.begin(session)
        return result

    try:
        result = tracker.transaction(attempt)
    except BaseException:
        pending.discard()  # nothing was committed: no file carries an unregistered number
        raise
    if pending.begun:
        pending.place()
        tracker.transaction(lambda session: journal.close(session, pending.id))
    return result


def finish_interrupted(ws: Workspace) -> bool:
    """`check`: finish (state/journal.py) what a killed command of this workspace left;
    whether there was any."""
    from docgen.state import journal

    tracker = open_tracker(ws)
    with tracker.read() as session:
        waiting = [e for e in journal.entries(session) if e.get("root") == str(ws.root)]
    if waiting:
        tracker.transaction(lambda session: None)  # every writer finishes them first
    return bool(waiting)
