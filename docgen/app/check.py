"""Use case of `docgen check`: every problem of the config, the agreement files and the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docgen.agreements import Catalog, load_catalog
from docgen.config import Config, placeholder_fields
from docgen.documents.samples import template_samples
from docgen.errors import ConfigError, TemplateError
from docgen.render.templates import (
    check_docx_template,
    template_label,
    template_path,
    template_problem,
    templates_in_use,
)
from docgen.workspace import Workspace


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreements: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def check(ws: Workspace, as_of: date) -> CheckReport:
    """`check`: validate docgen.toml, every agreement file and every template."""
    report = CheckReport()
    config: Config | None = None
    try:
        config = ws.config
    except ConfigError as exc:
        report.errors.extend(exc.problems)
    report.errors.extend(placeholder_fields(ws.config_path))
    catalog = load_catalog(ws, as_of)
    report.agreements = len(catalog.files)
    report.errors.extend(str(p) for p in catalog.problems)
    report.warnings.extend(str(p) for p in catalog.warnings)
    report.errors.extend(check_templates(ws, config, catalog))
    from docgen.app.common import layout_source_of
    from docgen.render.certificate_pdf import check_layout  # reportlab: only here

    try:
        report.errors.extend(check_layout(layout_source_of(ws)))
    except TemplateError as exc:
        report.errors.extend(exc.problems)
    return report


def check_templates(ws: Workspace, config: Config | None, catalog: Catalog | None = None) -> list[str]:
    """Lines for every template in use, and for agreements naming a missing one."""
    problems: list[str] = []
    for name, path in templates_in_use(ws.templates_dir).items():
        unreadable = template_problem(ws.templates_dir, path)
        if unreadable is not None:
            problems.append(unreadable)
            continue
        label = template_label(path, ws.rel)
        problems.extend(check_docx_template(path, template_samples(name, config), label=label))
    if catalog is not None:
        for agreement_id, agreement in sorted(catalog.agreements.items()):
            try:
                template_path(ws.templates_dir, agreement.template_name)
            except TemplateError as exc:
                problems.append(f"agreements/{catalog.files[agreement_id].name}: template: {exc.message}")
    return problems
