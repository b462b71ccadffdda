"""What the use cases share: loading agreements and seeing them as of a date."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from docgen.agreements import Catalog, load_catalog
from docgen.domain.obligations import AgreementView, views
from docgen.domain.terminations import termination_dates
from docgen.errors import TemplateError
from docgen.models import Agreement
from docgen.safepath import source_problem
from docgen.state.base import Session
from docgen.state.records import checked
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from docgen.render.certificate_pdf import LayoutSource

LAYOUT_FILE = "sertifikat.toml"


def catalog(ws: Workspace, as_of: date | None = None,
            only: Iterable[str] | None = None) -> Catalog:
    """The workspace's agreements (only `only` and their parents parsed, when given)."""
    return load_catalog(ws, as_of, only=only)


def agreement_views(session: Session, agreements: Iterable[Agreement], as_of: date) -> list[AgreementView]:
    """Each agreement with its history and termination, as of `as_of`, sorted by id."""
    agreements = list(agreements)
    histories = {aid: checked(session, "history", events, aid)
                 for aid, events in session.histories([a.id for a in agreements]).items()}
    terminated = termination_dates(checked(session, "terminations", session.rows("terminations")))
    return views(agreements, histories, terminated, as_of)


def layout_source_of(ws: Workspace) -> LayoutSource:
    """The certificate layout in use, if reading it stays inside the workspace (TemplateError)."""
    from docgen.render.certificate_pdf import layout_source  # reportlab: only when needed

    own = ws.templates_dir / LAYOUT_FILE
    if os.path.lexists(own):
        problem = source_problem(ws.root, own)
        if problem is not None:
            raise TemplateError(f"templates/{LAYOUT_FILE}: {problem}")
    return layout_source(ws.templates_dir, ws.rel)


def agreement_view(session: Session, agreement: Agreement, as_of: date) -> AgreementView:
    return agreement_views(session, [agreement], as_of)[0]
