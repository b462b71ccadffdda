"""The monitoring report: what is done, late, due and expiring, as of a date. Pure.

`build_report` takes the views of the agreements (domain.obligations) and returns the
`docgen monitor --json` shape, with a summary the PDF report puts into sentences.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NotRequired, TypedDict, TypeVar

from docgen.domain.amendments import in_force
from docgen.domain.deliverable_state import DeliverableState
from docgen.domain.obligations import AgreementView
from docgen.domain.status import STATUSES
from docgen.records import PublishedOffice


class ItemFields(TypedDict):
    """Which deliverable a row is about, when it is due, who owes it, its status."""

    agreement: str
    work_item: str
    id: str
    title: str
    due: str
    responsible: str
    status: str


class RenewalRef(TypedDict):
    id: str
    status: str


class AgreementRow(TypedDict):
    """One agreement of the report (and of `agreement list`)."""

    id: str
    kind: str
    title: str
    status: str
    numbers: list[str]
    signed_on: str | None
    parties: list[str]
    done: int
    total: int
    percent: float | None
    overdue: int
    due_soon: int
    next_due: str | None
    ends_on: str | None
    terminated_on: str | None
    lapsed: int
    amendments: int
    renews: str | None
    renewed_by: NotRequired[list[RenewalRef]]
    parent: NotRequired[str | None]  # `agreement list`
    office: NotRequired[str]  # the national view
    office_name: NotRequired[str]  # ... and the name it published


class OverdueRow(ItemFields):
    agreement_title: str
    work_item_title: str
    parties: list[str]  # who answers for it
    days_overdue: int
    evidence: str | None  # what the agreement names as evidence


class DueSoonRow(ItemFields):
    agreement_title: str
    parties: list[str]  # who answers for it
    days_left: int


P = TypeVar("P", OverdueRow, DueSoonRow)


class LapsedRow(ItemFields):
    agreement_title: str
    ended_on: str | None
    agreement_status: str
    days_since_end: int | None


class ExpiringRow(TypedDict):
    id: str
    title: str
    ends_on: str
    days_left: int
    renewed_by: list[RenewalRef]
    office: NotRequired[str]


class NamedOverdueRow(OverdueRow):
    office: str  # the national view: the office, and OFFICE/ID as the agreement


class NamedLapsedRow(LapsedRow):
    office: str


class Summary(TypedDict):
    agreements: int
    by_status: dict[str, int]
    done: int
    total: int
    percent: float | None
    overdue: int
    due_soon: int
    expiring: int
    lapsed: int
    offices: NotRequired[int]  # the national view


class Report(TypedDict):
    """`docgen monitor --json`: one office's report (or the national one, flattened)."""

    as_of: str
    agreements: list[AgreementRow]
    overdue: list[OverdueRow]
    due_soon: NotRequired[list[DueSoonRow]]  # one office's report
    expiring: list[ExpiringRow]
    lapsed: list[LapsedRow]
    summary: Summary


class OfficeReport(TypedDict):
    """One office's part of the national view."""

    office: str
    name: str
    short: str | None
    summary: Summary
    agreements: list[AgreementRow]
    overdue: list[OverdueRow]
    expiring: list[ExpiringRow]
    lapsed: list[LapsedRow]


class Offices(TypedDict):
    as_of: str
    offices: list[OfficeReport]


class NationalReport(Offices):
    """`docgen monitor --national --json`."""

    summary: Summary
    expiring: list[ExpiringRow]


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def item_fields(v: AgreementView, s: DeliverableState) -> ItemFields:
    """What every row about one deliverable says of it: which it is, when due, who owes it."""
    return {
        "agreement": v.agreement.id,
        "work_item": s.work_item.id,
        "id": s.deliverable.id,
        "title": s.deliverable.title,
        "due": s.deliverable.due.isoformat(),
        "responsible": s.work_item.responsible,
        "status": s.status,
    }


def agreement_row(v: AgreementView) -> AgreementRow:
    a = v.agreement
    return {
        "id": a.id,
        "kind": a.kind,
        "title": a.title,
        "status": v.status,
        "numbers": [n for n in (a.numbers.first, a.numbers.second) if n],
        "signed_on": iso(a.signed_on),
        "parties": [a.first.org, a.second.org],
        "done": v.progress.done,
        "total": v.progress.total,
        "percent": v.progress.percent,
        "overdue": len(v.overdue),
        "due_soon": len(v.due_soon),
        "next_due": iso(v.next_due),
        "ends_on": iso(a.end_date),
        "terminated_on": iso(v.terminated_on),
        "lapsed": len(v.lapsed_items),
        "amendments": len(in_force(a, v.as_of)),
        "renews": a.renews,
    }


def lapsed_row(v: AgreementView, s: DeliverableState) -> LapsedRow:
    ended = v.ended_on
    return {
        **item_fields(v, s),
        "agreement_title": v.agreement.title,
        "ended_on": iso(ended),
        "agreement_status": v.status,
        "days_since_end": (v.as_of - ended).days if ended else None,
    }


def build_report(views: Iterable[AgreementView], as_of_text: str) -> Report:
    """The monitoring report (SPEC section 3, `monitor`), plus a summary."""
    views = sorted(views, key=lambda v: v.agreement.id)
    rows: list[AgreementRow] = []
    overdue: list[OverdueRow] = []
    expiring: list[ExpiringRow] = []
    lapsed: list[LapsedRow] = []
    renewals: dict[str, list[RenewalRef]] = {}
    for v in views:
        if v.agreement.renews:
            renewals.setdefault(v.agreement.renews, []).append({"id": v.agreement.id, "status": v.status})
    for v in views:
        a = v.agreement
        rows.append({**agreement_row(v), "renewed_by": renewals.get(a.id, [])})
        lapsed.extend(lapsed_row(v, s) for s in v.lapsed_items)
        for s in v.overdue:
            overdue.append(
                {
                    **item_fields(v, s),
                    "agreement_title": a.title,
                    "work_item_title": s.work_item.title,
                    "parties": v.responsible_orgs(s.work_item.responsible),
                    "days_overdue": s.days_overdue(v.as_of),
                    "evidence": s.deliverable.evidence,
                }
            )
        left = v.days_left
        if v.status == "expiring" and a.end_date is not None and left is not None:
            expiring.append(
                {
                    "id": a.id,
                    "title": a.title,
                    "ends_on": a.end_date.isoformat(),
                    "days_left": left,
                    "renewed_by": renewals.get(a.id, []),
                }
            )
    overdue.sort(key=lambda r: (r["agreement"], r["due"], r["id"]))
    expiring.sort(key=lambda r: (r["days_left"], r["id"]))
    due_soon: list[DueSoonRow] = [
        {
            **item_fields(v, s),
            "agreement_title": v.agreement.title,
            "parties": v.responsible_orgs(s.work_item.responsible),
            "days_left": (s.deliverable.due - v.as_of).days,
        }
        for v in views
        for s in v.due_soon
    ]
    due_soon.sort(key=lambda r: (r["due"], r["agreement"], r["id"]))
    return {
        "as_of": as_of_text,
        "agreements": rows,
        "overdue": overdue,
        "due_soon": due_soon,
        "expiring": expiring,
        "lapsed": lapsed,
        "summary": _summary(rows, overdue, expiring, lapsed),
    }


def _summary(
    rows: list[AgreementRow],
    overdue: list[OverdueRow],
    expiring: list[ExpiringRow],
    lapsed: list[LapsedRow],
) -> Summary:
    done = sum(r["done"] for r in rows)
    total = sum(r["total"] for r in rows)
    return {
        "agreements": len(rows),
        "by_status": {s: n for s in STATUSES if (n := sum(1 for r in rows if r["status"] == s))},
        "done": done,
        "total": total,
        "percent": None if total == 0 else round(done / total * 100, 1),
        "overdue": len(overdue),
        "due_soon": sum(r["due_soon"] for r in rows),
        "expiring": len(expiring),
        "lapsed": len(lapsed),
    }


def by_party(rows: Iterable[P]) -> list[tuple[str, list[P]]]:
    """Rows about deliverables grouped by responsible organisation, most items first.

    A deliverable both parties answer for (`responsible: both`) is listed under each.
    """
    groups: dict[str, list[P]] = {}
    for row in rows:
        for org in row["parties"]:
            groups.setdefault(org, []).append(row)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def overdue_by_party(report: Report) -> list[tuple[str, list[OverdueRow]]]:
    """The overdue list grouped by responsible organisation, most items first."""
    return by_party(report["overdue"])


def due_soon_by_party(report: Report) -> list[tuple[str, list[DueSoonRow]]]:
    """The deliverables due soon, grouped by responsible organisation, most items first."""
    return by_party(report.get("due_soon", []))


def national_report(
    offices: Iterable[tuple[str, PublishedOffice, Iterable[AgreementView]]], as_of_text: str
) -> NationalReport:
    """The national view: the monitoring report of every office, grouped by office
    (`offices`, each with its agreements, overdue items, expiring agreements and summary),
    the expiring agreements of all offices soonest first, and a summary of the whole.

    `offices` gives (unit_code, its published identity, the views of its agreements).
    """
    groups: list[OfficeReport] = []
    for office, info, office_views in sorted(offices, key=lambda o: o[0]):
        report = build_report(office_views, as_of_text)
        groups.append(
            {
                "office": office,
                "name": info.get("name") or office,
                "short": info.get("short"),
                "summary": report["summary"],
                "agreements": report["agreements"],
                "overdue": report["overdue"],
                "expiring": report["expiring"],
                "lapsed": report["lapsed"],
            }
        )
    flat = as_single_report({"as_of": as_of_text, "offices": groups})
    expiring: list[ExpiringRow] = [{**r, "office": g["office"]} for g in groups for r in g["expiring"]]
    expiring.sort(key=lambda r: (r["days_left"], r["office"], r["id"]))
    return {"as_of": as_of_text, "summary": flat["summary"], "offices": groups, "expiring": expiring}


def as_single_report(national: Offices) -> Report:
    """The national view in the shape of one office's report, each agreement named
    OFFICE/ID (for the PDF and xlsx renderers), with the summary of all offices."""
    groups = national["offices"]
    rows: list[AgreementRow] = [
        {
            **r,
            "office": g["office"],
            "office_name": g.get("name") or g["office"],
            "id": f"{g['office']}/{r['id']}",
        }
        for g in groups
        for r in g["agreements"]
    ]
    overdue: list[OverdueRow] = [
        NamedOverdueRow(**{**r, "office": g["office"], "agreement": f"{g['office']}/{r['agreement']}"})
        for g in groups
        for r in g["overdue"]
    ]
    expiring: list[ExpiringRow] = sorted(
        (
            {**r, "office": g["office"], "id": f"{g['office']}/{r['id']}"}
            for g in groups
            for r in g["expiring"]
        ),
        key=lambda r: (r["days_left"], r["id"]),
    )
    lapsed: list[LapsedRow] = [
        NamedLapsedRow(**{**r, "office": g["office"], "agreement": f"{g['office']}/{r['agreement']}"})
        for g in groups
        for r in g.get("lapsed", [])
    ]
    summary = _summary(rows, overdue, expiring, lapsed)
    summary["offices"] = len(groups)
    return {
        "as_of": national["as_of"],
        "summary": summary,
        "agreements": rows,
        "overdue": overdue,
        "expiring": expiring,
        "lapsed": lapsed,
    }
