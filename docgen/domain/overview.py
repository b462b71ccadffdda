"""Rows of `agreement list`, `agreement show` and `deliverable list`, from agreement views. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from docgen.domain.deliverable_state import DeliverableState
from docgen.domain.monitor import AgreementRow, ItemFields, agreement_row, iso, item_fields
from docgen.domain.obligations import AgreementView


class DeliverableRow(ItemFields):
    """One deliverable of `deliverable list` (and of `agreement show`)."""

    updated_on: str | None
    overdue: bool
    lapsed: bool
    days_overdue: int
    evidence: list[str] | str | None  # the files recorded (`agreement show`: what is expected)


def list_row(v: AgreementView) -> AgreementRow:
    row = agreement_row(v)
    return {**row, "parent": v.agreement.parent}


def deliverable_row(v: AgreementView, s: DeliverableState) -> DeliverableRow:
    overdue = v.is_overdue(s)
    return {
        **item_fields(v, s),
        "updated_on": iso(s.updated_on),
        "overdue": overdue,
        "lapsed": v.is_lapsed(s),
        "days_overdue": s.days_overdue(v.as_of) if overdue else 0,
        "evidence": [e["file"] for e in (s.event.get("evidence") if s.event else None) or []],
    }


def checklist(views: Iterable[AgreementView]) -> list[DeliverableRow]:
    """One row per deliverable: the `deliverable list` table."""
    return [deliverable_row(v, s) for v in views for s in v.states]


def details(v: AgreementView) -> dict[str, Any]:
    """`agreement show`: the agreement in full with the state of each deliverable."""
    a = v.agreement
    return {
        **a.model_dump(mode="json", exclude={"work_items"}),
        "status": v.status,
        "terminated_on": iso(v.terminated_on),
        "ends_on": iso(a.end_date),
        "as_of": v.as_of.isoformat(),
        "parties": [{**p.model_dump(mode="json"), "role_name": p.role_name} for p in a.parties],
        "done": v.progress.done,
        "total": v.progress.total,
        "percent": v.progress.percent,
        "overdue": len(v.overdue),
        "deliverables": [{**deliverable_row(v, s), "evidence": s.deliverable.evidence} for s in v.states],
    }
