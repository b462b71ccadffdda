"""`docgen check`: every problem of the config, the agreement files and the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docgen.agreements import load_catalog
from docgen.config import placeholder_fields
from docgen.errors import ConfigError
from docgen.render.templates import check_templates
from docgen.workspace import Workspace


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreements: int = 0


def run_check(ws: Workspace, as_of: date) -> CheckReport:
    report = CheckReport()
    try:
        ws.config  # noqa: B018
    except ConfigError as exc:
        report.errors.extend(exc.problems)
    report.errors.extend(placeholder_fields(ws.config_path))
    catalog = load_catalog(ws, as_of)
    report.agreements = len(catalog.files)
    report.errors.extend(str(p) for p in catalog.problems)
    report.warnings.extend(str(p) for p in catalog.warnings)
    report.errors.extend(check_templates(ws, catalog))
    from docgen.render.certificate_pdf import check_layout, layout_source  # reportlab: only here

    report.errors.extend(check_layout(layout_source(ws.templates_dir, ws.rel)))
    return report
