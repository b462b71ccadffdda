"""Use case of `docgen build` (and of `docgen watch`): render the drafts that are out of date.

Each agreement gives its draft, `outputs/agreements/<id>.docx`, and one draft per
adendum in its `amendments:`, `outputs/agreements/<id>-adendum-<n>.docx` (template
`adendum`). A draft depends on its YAML file, its parent's, the template, docgen.toml
and docgen's version. Their hashes are recorded per output in the tracker table
"builds"; a draft whose recorded hashes still match (and whose file still exists) is
left alone. Nothing changed costs a catalog load, a few file hashes and a tracker read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NotRequired, TypedDict

from docgen import __version__
from docgen.agreements import Catalog, load_catalog
from docgen.app.common import publish, signed_changes
from docgen.context import Context
from docgen.documents.adendum import adendum_context, output_stem
from docgen.documents.agreement import build_context
from docgen.domain.legal import unknown_keys
from docgen.errors import AgreementError, DocgenError
from docgen.fsutil import sha256_file
from docgen.i18n import _
from docgen.legal import load_legal
from docgen.records import BUILDS, BuildRecord
from docgen.render.docx import RenderJob, render_many
from docgen.render.libreoffice import find_soffice, to_pdf
from docgen.render.templates import template_label, template_path
from docgen.safepath import remove_stale_temp_files
from docgen.state import open_tracker
from docgen.state.base import Session
from docgen.workspace import Workspace

TABLE = BUILDS
OUTPUT_DIR = "agreements"
ADENDUM_TEMPLATE = "adendum"
STALE_SECONDS = 60.0


class Failed(TypedDict):
    """A source whose draft could not be built: its first error line (and all of them)."""

    source: str
    error: str
    problems: NotRequired[list[str]]


class BuildJson(TypedDict):
    built: list[str]
    unchanged: list[str]
    failed: list[Failed]


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a signed agreement edited since

    @property
    def ok(self) -> bool:
        return not self.failed

    def fail(self, source: str, problems: list[str], *, prefix: bool = True) -> None:
        lines = [p if p.startswith(source) or not prefix else f"{source}: {p}" for p in problems]
        entry: Failed = {"source": source, "error": lines[0]}
        if len(lines) > 1:
            entry["problems"] = lines
        self.failed.append(entry)

    @property
    def error_lines(self) -> list[str]:
        return [line for f in self.failed for line in f.get("problems", [f["error"]])]

    def to_json(self) -> BuildJson:
        return {"built": self.built, "unchanged": self.unchanged, "failed": self.failed}


@dataclass
class _Plan:
    agreement_id: str
    source: str
    template: Path
    label: str
    sources: dict[str, str]
    key: str
    docx: Path
    pdf: Path
    amendment: int | None = None  # the adendum's index in `amendments:`, None for the agreement


def _sha(path: Path, cache: dict[Path, str], label: str) -> str:
    if path not in cache:
        try:
            cache[path] = sha256_file(path)
        except OSError as exc:
            raise DocgenError(
                _("{label}: cannot read: {reason}").format(label=label, reason=exc.strerror or exc)
            ) from exc
    return cache[path]


def _plans(ws: Workspace, catalog: Catalog, agreement_id: str, hashes: dict[Path, str]) -> list[_Plan]:
    """The agreement's draft, then one per adendum."""
    agreement = catalog.get(agreement_id)  # raises with the file's problems
    plans = [_plan(ws, catalog, agreement_id, agreement.template_name, agreement_id, hashes)]
    for index in range(len(agreement.amendments)):
        plans.append(
            _plan(
                ws, catalog, agreement_id, ADENDUM_TEMPLATE, output_stem(agreement_id, index), hashes, index
            )
        )
    return plans


def _plan(
    ws: Workspace,
    catalog: Catalog,
    agreement_id: str,
    template_name: str,
    stem: str,
    hashes: dict[Path, str],
    amendment: int | None = None,
) -> _Plan:
    agreement = catalog.get(agreement_id)
    yaml_path = catalog.files[agreement_id]
    template = template_path(ws.templates_dir, template_name)
    sources = {ws.rel(yaml_path): _sha(yaml_path, hashes, ws.rel(yaml_path))}
    if agreement.parent:
        if agreement.parent not in catalog.agreements:
            raise DocgenError(
                _("parent {parent!r} has errors (run `docgen check`)").format(parent=agreement.parent)
            )
        parent_path = catalog.files[agreement.parent]
        sources[ws.rel(parent_path)] = _sha(parent_path, hashes, ws.rel(parent_path))
    label = template_label(template, ws.rel)
    sources[label] = _sha(template, hashes, label)
    sources[ws.rel(ws.config_path)] = _sha(ws.config_path, hashes, ws.rel(ws.config_path))
    for legal_file in sorted([*(ws.root / "legal").glob("*.yaml"), *(ws.root / "legal").glob("*.yml")]):
        sources[ws.rel(legal_file)] = _sha(legal_file, hashes, ws.rel(legal_file))
    sources["docgen"] = __version__
    key = hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()
    out_dir = ws.outputs_dir / OUTPUT_DIR
    docx = ws.inside(out_dir / f"{stem}.docx")
    return _Plan(
        agreement_id,
        ws.rel(yaml_path),
        template,
        label,
        sources,
        key,
        docx,
        ws.inside(out_dir / f"{stem}.pdf"),
        amendment,
    )


def build(
    ws: Workspace, ids: list[str] | None = None, *, force: bool = False, pdf: bool = False
) -> BuildReport:
    """Render the drafts of `ids` (all agreement files when None) that are out of date.

    One failing agreement never stops the others: it is reported under `failed`.
    Raises only when nothing can be built at all (soffice missing with `pdf`,
    an unreadable tracker).
    """
    if pdf:
        find_soffice()  # before rendering anything: a clear message, nothing half done
    report = BuildReport()
    catalog = load_catalog(ws)
    targets = sorted(catalog.files) if ids is None else list(dict.fromkeys(ids))
    tracker = open_tracker(ws)
    with tracker.read() as session:
        records = {r.get("output"): r for r in session.records(TABLE)}
        report.warnings.extend(signed_changes(session, catalog))
    hashes: dict[Path, str] = {}
    to_render: list[tuple[_Plan, RenderJob]] = []
    to_convert: list[_Plan] = []
    fresh: list[_Plan] = []
    for agreement_id in targets:
        path = catalog.files.get(agreement_id)
        source = ws.rel(path) if path else f"agreements/{agreement_id}.yaml"
        try:
            plans = _plans(ws, catalog, agreement_id, hashes)
        except DocgenError as exc:
            report.fail(source, exc.problems, prefix=path is not None)
            continue
        for plan in plans:
            record = records.get(ws.rel(plan.docx)) or BuildRecord(output="")
            docx_fresh = not force and record.get("key") == plan.key and plan.docx.is_file()
            pdf_fresh = docx_fresh and record.get("pdf_key") == plan.key and plan.pdf.is_file()
            if docx_fresh:
                fresh.append(plan)
                report.unchanged.append(ws.rel(plan.docx))
            else:
                try:
                    context = _context(ws, catalog, plan)
                except DocgenError as exc:
                    report.fail(source, exc.problems)
                    continue
                to_render.append((plan, RenderJob(plan.template, context, plan.docx, plan.label)))
            if pdf and pdf_fresh:
                report.unchanged.append(ws.rel(plan.pdf))
            elif pdf:
                to_convert.append(plan)

    rendered: list[_Plan] = []
    # Drafts render without the tracker lock: only a killed build's files are old enough.
    remove_stale_temp_files(ws.outputs_dir / OUTPUT_DIR, older_than=STALE_SECONDS)
    errors = render_many([job for _, job in to_render])
    for (plan, _skip), error in zip(to_render, errors, strict=True):
        if error is None:
            rendered.append(plan)
            report.built.append(ws.rel(plan.docx))
        else:
            report.fail(plan.source, [error])
    failed_sources = {f["source"] for f in report.failed}

    converted: set[str] = set()
    convert = [p for p in to_convert if p.source not in failed_sources]
    if convert:
        results = to_pdf([p.docx for p in convert], ws.outputs_dir / OUTPUT_DIR)
        for plan in convert:
            result = results[plan.docx]
            if isinstance(result, Path):
                converted.add(ws.rel(plan.docx))
                report.built.append(ws.rel(result))
            else:
                report.fail(plan.source, [f"{ws.rel(plan.pdf)}: {result}"])

    _record(ws, catalog, rendered, [p for p in fresh if ws.rel(p.docx) in converted], converted)
    return report


def _context(ws: Workspace, catalog: Catalog, plan: _Plan) -> Context:
    return draft_context(ws, catalog, plan.agreement_id, plan.amendment)


def draft_context(
    ws: Workspace, catalog: Catalog, agreement_id: str, amendment: int | None = None
) -> Context:
    """The whole agreement (or one adendum of it), its parent, the office config and
    pre-formatted phrases: what its draft renders with."""
    agreement = catalog.get(agreement_id)
    parent = None
    if agreement.parent:
        parent = catalog.agreements.get(agreement.parent)
        if parent is None:
            raise AgreementError(
                _("parent {parent!r} has errors (run `docgen check`)").format(parent=agreement.parent)
            )
    legal, problems = load_legal(ws.root)
    unknown = [
        f"legal_basis.{index}: {key}: no such regulation in docgen's catalogue or legal/*.yaml"
        for index, key in unknown_keys(agreement.legal_basis, legal)
    ]
    if problems or unknown:
        lines = [*problems, *unknown]
        raise AgreementError(lines[0], problems=lines)
    if amendment is not None:
        return adendum_context(agreement, amendment, parent, ws.config, legal)
    return build_context(agreement, parent, ws.config, legal)


def _record(
    ws: Workspace, catalog: Catalog, rendered: list[_Plan], pdf_only: list[_Plan], converted: set[str]
) -> None:
    """One tracker transaction for the whole run; nothing to record, no write."""
    if not rendered and not pdf_only:
        return
    now = datetime.now(UTC).isoformat(timespec="seconds")

    def body(session: Session) -> None:
        new: list[BuildRecord] = []
        for plan in rendered:
            new.append(
                {
                    "output": ws.rel(plan.docx),
                    "agreement": plan.agreement_id,
                    "template": plan.label,
                    "sources": plan.sources,
                    "key": plan.key,
                    "built_at": now,
                    "pdf_key": plan.key if ws.rel(plan.docx) in converted else None,
                }
            )
        if new:
            session.put(TABLE, new)
        for plan in pdf_only:
            session.update(TABLE, ws.rel(plan.docx), {"pdf_key": plan.key})
        # An agreement's draft and its adenda: published once.
        touched = dict.fromkeys(p.agreement_id for p in rendered)
        publish(session, ws.config, (catalog.agreements[aid] for aid in touched))

    open_tracker(ws).transaction(body)
