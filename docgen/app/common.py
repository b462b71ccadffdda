"""What the use cases share: loading agreements and seeing them as of a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from docgen.agreements import Catalog, load_catalog
from docgen.domain.obligations import AgreementView, views
from docgen.domain.terminations import termination_dates
from docgen.models import Agreement
from docgen.state.base import Session
from docgen.state.records import checked
from docgen.workspace import Workspace


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


def agreement_view(session: Session, agreement: Agreement, as_of: date) -> AgreementView:
    return agreement_views(session, [agreement], as_of)[0]
