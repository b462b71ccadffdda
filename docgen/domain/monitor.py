"""The monitoring report: what is done, late, due and expiring, as of a date. Pure.

`build_report` takes the views of the agreements (domain.obligations) and returns the
`docgen monitor --json` shape, with a summary the PDF report puts into sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from docgen.domain.amendments import in_force
from docgen.domain.deliverable_state import DeliverableState
from docgen.domain.obligations import AgreementView
from docgen.domain.status import STATUSES


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def item_fields(v: AgreementView, s: DeliverableState) -> dict[str, Any]:
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


def agreement_row(v: AgreementView) -> dict[str, Any]:
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


def lapsed_row(v: AgreementView, s: DeliverableState) -> dict[str, Any]:
    ended = v.ended_on
    return {
        **item_fields(v, s),
        "agreement_title": v.agreement.title,
        "ended_on": iso(ended),
        "agreement_status": v.status,
        "days_since_end": (v.as_of - ended).days if ended else None,
    }


def build_report(views: Iterable[AgreementView], as_of_text: str) -> dict[str, Any]:
    """The monitoring report (SPEC section 3, `monitor`), plus a summary."""
    views = sorted(views, key=lambda v: v.agreement.id)
    rows: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    expiring: list[dict[str, Any]] = []
    lapsed: list[dict[str, Any]] = []
    renewals: dict[str, list[dict[str, Any]]] = {}
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
    return {
        "as_of": as_of_text,
        "agreements": rows,
        "overdue": overdue,
        "expiring": expiring,
        "lapsed": lapsed,
        "summary": _summary(rows, overdue, expiring, lapsed),
    }


def _summary(
    rows: list[dict[str, Any]],
    overdue: list[dict[str, Any]],
    expiring: list[dict[str, Any]],
    lapsed: list[dict[str, Any]],
) -> dict[str, Any]:
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


def overdue_by_party(report: Mapping[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The overdue list grouped by responsible organisation, most items first.

    A deliverable both parties answer for (`responsible: both`) is listed under each.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in report["overdue"]:
        for org in row["parties"]:
            groups.setdefault(org, []).append(row)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def national_report(
    offices: Iterable[tuple[str, Mapping[str, Any], Iterable[AgreementView]]], as_of_text: str
) -> dict[str, Any]:
    """The national view: the monitoring report of every office, grouped by office
    (`offices`, each with its agreements, overdue items, expiring agreements and summary),
    the expiring agreements of all offices soonest first, and a summary of the whole.

    `offices` gives (unit_code, its published identity, the views of its agreements).
    """
    groups: list[dict[str, Any]] = []
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
    expiring = [{"office": g["office"], **r} for g in groups for r in g["expiring"]]
    expiring.sort(key=lambda r: (r["days_left"], r["office"], r["id"]))
    return {"as_of": as_of_text, "summary": flat["summary"], "offices": groups, "expiring": expiring}


def as_single_report(national: Mapping[str, Any]) -> dict[str, Any]:
    """The national view in the shape of one office's report, each agreement named
    OFFICE/ID (for the PDF and xlsx renderers), with the summary of all offices."""

    def named(office: str, row: Mapping[str, Any], key: str) -> dict[str, Any]:
        return {
            **row,
            "office": office,
            "office_name": names.get(office, office),
            key: f"{office}/{row[key]}",
        }

    groups = national["offices"]
    names = {g["office"]: g.get("name") or g["office"] for g in groups}
    rows = [named(g["office"], r, "id") for g in groups for r in g["agreements"]]
    overdue = [named(g["office"], r, "agreement") for g in groups for r in g["overdue"]]
    expiring = sorted(
        (named(g["office"], r, "id") for g in groups for r in g["expiring"]),
        key=lambda r: (r["days_left"], r["id"]),
    )
    lapsed = [named(g["office"], r, "agreement") for g in groups for r in g.get("lapsed", [])]
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
