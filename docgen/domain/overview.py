"""Rows of `agreement list`, `agreement show` and `deliverable list`, from agreement views. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypedDict, TypeVar

from docgen.domain.deliverable_state import DeliverableState
from docgen.domain.monitor import AgreementRow, ItemFields, agreement_row, iso, item_fields
from docgen.domain.obligations import AgreementView
from docgen.models import Amendment, Party
from docgen.records import TerminationRecord


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


class SignatoryDetails(TypedDict):
    name: str
    title: str
    rank: str | None
    nip: str | None


class ContactDetails(TypedDict):
    name: str | None
    phone: str | None
    email: str | None


class PartyDetails(TypedDict):
    """A party of `agreement show`: every field of the file, and its role's name."""

    role: str
    org: str
    kind: str
    unit: str | None
    mandate: str | None
    address: str | None
    signatory: SignatoryDetails
    superior: str | None
    contact: ContactDetails | None
    register_name: str | None  # `register:` in the file
    role_name: str


class NumbersDetails(TypedDict):
    first: str | None
    second: str | None


class AmendmentDetails(TypedDict):
    """An adendum of `agreement show`: its fields, whether it is in force, and the ids of
    the work items it changes."""

    title: str
    on: str | None
    number: str | None
    number_second: str | None
    ends_on: str | None
    duration_months: int | None
    in_force: bool
    work_items: list[str]


Row = TypeVar("Row", bound=DeliverableRow)


class AgreementDetails(TypedDict, Generic[Row]):
    """`agreement show`: every field of the agreement file but its work items (the
    agreement as amended on `as_of`, `ends_on` its last day), its status and progress,
    each deliverable's row (the web page's with its history) and its termination events."""

    id: str
    kind: str
    title: str
    parent: str | None
    place: str | None
    signed_on: str | None
    duration_months: int | None
    ends_on: str | None
    numbers: NumbersDetails
    parties: list[PartyDetails]
    legal_basis: list[str]
    purpose: str | None
    scope: list[str]
    template: str | None
    amendments: list[AmendmentDetails]
    renews: str | None
    status: str
    terminated_on: str | None
    as_of: str
    done: int
    total: int
    percent: float | None
    overdue: int
    deliverables: list[Row]
    terminations: list[TerminationRecord]


def _party(p: Party) -> PartyDetails:
    s, c = p.signatory, p.contact
    return {
        "role": p.role,
        "org": p.org,
        "kind": p.kind,
        "unit": p.unit,
        "mandate": p.mandate,
        "address": p.address,
        "signatory": {"name": s.name, "title": s.title, "rank": s.rank, "nip": s.nip},
        "superior": p.superior,
        "contact": None if c is None else {"name": c.name, "phone": c.phone, "email": c.email},
        "register_name": p.register_name,
        "role_name": p.role_name,
    }


def _amendment(am: Amendment, v: AgreementView) -> AmendmentDetails:
    return {
        "title": am.title,
        "on": iso(am.on),
        "number": am.number,
        "number_second": am.number_second,
        "ends_on": iso(am.ends_on),
        "duration_months": am.duration_months,
        "in_force": am.on is not None and am.on <= v.as_of,
        "work_items": [wi.id for wi in am.work_items],
    }


def details(v: AgreementView, terminations: list[TerminationRecord]) -> AgreementDetails[DeliverableRow]:
    """`agreement show`: the agreement in full with the state of each deliverable, and
    `terminations`, its termination events."""
    a = v.agreement
    return {
        "id": a.id,
        "kind": a.kind,
        "title": a.title,
        "parent": a.parent,
        "place": a.place,
        "signed_on": iso(a.signed_on),
        "duration_months": a.duration_months,
        "ends_on": iso(a.end_date),
        "numbers": {"first": a.numbers.first, "second": a.numbers.second},
        "parties": [_party(p) for p in a.parties],
        "legal_basis": list(a.legal_basis),
        "purpose": a.purpose,
        "scope": list(a.scope),
        "template": a.template,
        "amendments": [_amendment(am, v) for am in a.amendments],
        "renews": a.renews,
        "status": v.status,
        "terminated_on": iso(v.terminated_on),
        "as_of": v.as_of.isoformat(),
        "done": v.progress.done,
        "total": v.progress.total,
        "percent": v.progress.percent,
        "overdue": len(v.overdue),
        "deliverables": [{**deliverable_row(v, s), "evidence": s.deliverable.evidence} for s in v.states],
        "terminations": terminations,
    }
