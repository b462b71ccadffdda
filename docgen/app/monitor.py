"""Use case of `docgen monitor`: the report as data, and as PDF and xlsx files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.app.common import agreement_views, catalog, office_logo
from docgen.domain.monitor import build_report, overdue_by_party
from docgen.state import open_tracker
from docgen.workspace import Workspace


@dataclass
class Monitoring:
    report: dict[str, Any]
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def by_party(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return overdue_by_party(self.report)


def monitor(ws: Workspace, as_of: date, *, pdf: Path | None = None,
            xlsx: Path | None = None) -> Monitoring:
    """`monitor`: per agreement status, progress, overdue, due soon; expiring; files."""
    cat = catalog(ws, as_of)
    with open_tracker(ws).read() as session:
        views = agreement_views(session, cat.agreements.values(), as_of, ws.config.letters.grace_days)
    result = Monitoring(build_report(views, as_of.isoformat()), cat.skipped())
    if pdf is not None:
        from docgen.documents.report import report_context
        from docgen.render.report_pdf import write_report_pdf

        logo = office_logo(ws)
        context = report_context(result.report, cat.agreements, ws.config)
        write_report_pdf(context, pdf, logo[0] if logo else None)
        result.written.append(pdf)
    if xlsx is not None:
        from docgen.render.report_xlsx import write_report_xlsx

        write_report_xlsx(result.report, ws.config, xlsx)
        result.written.append(xlsx)
    return result
