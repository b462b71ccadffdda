"""Use case of `docgen agreement import`: a work-plan matrix from Excel into an agreement file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.app import scaffold
from docgen.app.common import catalog
from docgen.errors import InputError
from docgen.i18n import _
from docgen.models import is_valid_id
from docgen.workplan_xlsx import read_work_plan
from docgen.workspace import Workspace


@dataclass
class Imported:
    file: str
    work_items: int
    deliverables: int


def import_work_plan(
    ws: Workspace,
    xlsx: Path,
    agreement_id: str,
    parent_id: str,
    kind: str = "renja",
    sheet: str | None = None,
) -> Imported:
    """Read the matrix (its first visible sheet, or `sheet`), then scaffold
    agreements/ID.yaml as `agreement new` does, with the work items read. Any unreadable
    row is an error naming it, and nothing is written."""
    if not is_valid_id(agreement_id):
        raise InputError(
            _(
                "--id: {agreement_id!r} is not a valid id (lowercase letters, digits "
                "and '-', starting with a letter or digit, at most 80 characters)"
            ).format(agreement_id=agreement_id)
        )
    cat = catalog(ws, only=[parent_id])
    if agreement_id in cat.files:
        raise InputError(
            _("--id: agreements/{name} already exists; nothing was changed").format(
                name=cat.files[agreement_id].name
            )
        )
    parent = cat.get(parent_id)
    if parent.kind != "mou":
        raise InputError(
            _("--parent: {parent_id!r} is a {kind}, not an MoU").format(parent_id=parent_id, kind=parent.kind)
        )
    office = ws.config.office
    second = [parent.second.org, getattr(parent.second, "unit", None) or ""]
    plan = read_work_plan(
        xlsx, str(xlsx), [office.name, office.short or "", "ombudsman"], second, sheet=sheet
    )
    if plan.errors:
        raise InputError(plan.errors[0], problems=plan.errors)
    path = scaffold.new_agreement(ws, cat, agreement_id, kind, parent.id, plan.work_items, source=xlsx.name)
    return Imported(
        ws.rel(path), len(plan.work_items), sum(len(wi["deliverables"]) for wi in plan.work_items)
    )
