"""Use case of `docgen monitor`: the report as data, and as PDF and xlsx files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.app.common import agreement_views, catalog, office_logo
from docgen.app.tracker import require_shared
from docgen.domain.monitor import as_single_report, build_report, national_report, overdue_by_party
from docgen.domain.obligations import views
from docgen.domain.terminations import termination_dates
from docgen.models import Agreement
from docgen.state import open_tracker
from docgen.workspace import Workspace


@dataclass
class Monitoring:
    report: dict[str, Any]
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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


def monitor_all_offices(ws: Workspace, as_of: date, *, pdf: Path | None = None,
                        xlsx: Path | None = None) -> Monitoring:
    """`monitor --all-offices`: every office sharing the tracker, from what each published
    (`sync`, a passing `check`, its write commands) and its own history and terminations.
    Read-only: one consistent snapshot of the database."""
    tracker = open_tracker(ws)
    require_shared(tracker, "monitor --all-offices")
    with tracker.read() as session:
        offices = session.all_offices()
    warnings: list[str] = []
    groups = []
    named: dict[str, Agreement] = {}  # OFFICE/ID -> the agreement, as the reports name them
    for office, data in offices.items():
        agreements = []
        for number, text in enumerate(data["agreements_json"], start=1):
            try:
                agreements.append(Agreement.model_validate_json(text))
            except ValidationError as exc:
                warnings.append(f"{office}: published agreement no. {number} cannot be read by "
                                f"this docgen ({exc.error_count()} problem(s)); skipped")
        if not agreements and not data["info"]:
            continue  # an office that keeps records here but has published nothing
        named.update((f"{office}/{a.id}", a) for a in agreements)
        terminated = termination_dates(data["terminations"])
        groups.append((office, data["info"], views(agreements, data["histories"], terminated, as_of,
                                                    ws.config.letters.grace_days)))
    report = national_report(groups, as_of.isoformat())
    result = Monitoring(report, warnings=warnings)
    flat = as_single_report(report)
    if pdf is not None:
        from docgen.documents.report import report_context
        from docgen.render.report_pdf import write_report_pdf

        logo = office_logo(ws)
        write_report_pdf(report_context(flat, named, ws.config), pdf, logo[0] if logo else None)
        result.written.append(pdf)
    if xlsx is not None:
        from docgen.render.report_xlsx import write_report_xlsx

        write_report_xlsx(flat, ws.config, xlsx)
        result.written.append(xlsx)
    return result
