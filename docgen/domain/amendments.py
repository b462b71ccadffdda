"""An agreement as amended on a date: its adenda applied in order. Pure.

An amendment (`amendments:` in the agreement file) takes effect on its `on` date; one
without a date is a draft adendum and changes nothing yet. Each may set a new term
(`ends_on` or `duration_months`, the latter counted from `signed_on`), and add or change
work items and deliverables by id: the fields it gives replace those of the item, the
deliverables it lists are changed (same id) or added (new id).
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from docgen.models import Agreement, Amendment, Deliverable, WorkItem, WorkItemChange


def in_force(agreement: Agreement, as_of: date) -> list[Amendment]:
    """The amendments that have taken effect on or before `as_of`, in their order."""
    return [am for am in agreement.amendments if am.on is not None and am.on <= as_of]


def as_amended(agreement: Agreement, as_of: date) -> Agreement:
    """The agreement as it reads on `as_of` (the same object when nothing applies)."""
    applied = in_force(agreement, as_of)
    if not applied:
        return agreement
    update: dict[str, object] = {}
    work_items = list(agreement.work_items)
    for am in applied:
        if am.ends_on is not None:
            update.update(ends_on=am.ends_on, duration_months=None)
        elif am.duration_months is not None:
            update.update(duration_months=am.duration_months, ends_on=None)
        for change in am.work_items:
            work_items = _apply(work_items, change)
    if work_items != agreement.work_items:
        update["work_items"] = work_items
    return agreement.model_copy(update=update)


def _apply(work_items: list[WorkItem], change: WorkItemChange) -> list[WorkItem]:
    index = next((i for i, wi in enumerate(work_items) if wi.id == change.id), None)
    if index is None:
        # A new work item; the validator made sure it has a title and a responsible party.
        deliverables = [
            Deliverable(id=d.id, title=d.title or "", due=d.due, evidence=d.evidence)
            for d in change.deliverables
            if d.due is not None
        ]
        return [
            *work_items,
            WorkItem(
                id=change.id,
                title=change.title or change.id,
                responsible=change.responsible or "both",
                deliverables=deliverables,
            ),
        ]
    current = work_items[index]
    deliverables = list(current.deliverables)
    for d in change.deliverables:
        at = next((i for i, x in enumerate(deliverables) if x.id == d.id), None)
        fields = {
            k: v for k, v in (("title", d.title), ("due", d.due), ("evidence", d.evidence)) if v is not None
        }
        if at is not None:
            deliverables[at] = deliverables[at].model_copy(update=fields)
        elif d.title is not None and d.due is not None:
            deliverables.append(Deliverable(id=d.id, title=d.title, due=d.due, evidence=d.evidence))
    fields = {
        k: v for k, v in (("title", change.title), ("responsible", change.responsible)) if v is not None
    }
    changed = current.model_copy(update={**fields, "deliverables": deliverables})
    return [*work_items[:index], changed, *work_items[index + 1 :]]


class AmendmentChange(TypedDict):
    """What an amendment changes: the agreement before and after it, whether it changes
    the term, the work items it adds or changes (as they read afterwards), those it adds."""

    before: Agreement
    after: Agreement
    term: bool
    work_items: list[WorkItem]
    added: list[str]


def changes(agreement: Agreement, index: int) -> AmendmentChange:
    """What amendment `index` changes, against the agreement as it read before it: the new
    term and the work items it adds or changes, each as it reads afterwards."""
    am = agreement.amendments[index]
    # Every earlier amendment applies, dated or not (a draft adendum builds on the others).
    prior = agreement.model_copy(update={"amendments": []})
    for earlier in agreement.amendments[:index]:
        prior = _with(prior, earlier)
    after = _with(prior, am)
    touched = {c.id for c in am.work_items}
    return {
        "before": prior,
        "after": after,
        "term": am.ends_on is not None or am.duration_months is not None,
        "work_items": [wi for wi in after.work_items if wi.id in touched],
        "added": [c.id for c in am.work_items if all(wi.id != c.id for wi in prior.work_items)],
    }


def _with(agreement: Agreement, am: Amendment) -> Agreement:
    dated = am.model_copy(update={"on": date.min})
    return as_amended(agreement.model_copy(update={"amendments": [dated]}), date.min)
