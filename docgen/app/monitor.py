"""Use case of `docgen monitor`: the report as data, and as PDF and xlsx files."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import cast

from pydantic import ValidationError

from docgen.app.common import agreement_views, catalog, office_logo, signed_changes
from docgen.app.tracker import require_shared
from docgen.domain.monitor import (
    DueSoonRow,
    NationalReport,
    OverdueRow,
    Report,
    as_single_report,
    build_report,
    due_soon_by_party,
    national_report,
    overdue_by_party,
)
from docgen.domain.obligations import views
from docgen.domain.terminations import termination_dates
from docgen.errors import DocgenError, InputError, TrackerError
from docgen.fsutil import atomic_paths
from docgen.i18n import _
from docgen.models import Agreement
from docgen.records import HISTORY, TERMINATIONS, Event, PublishedOffice, TerminationRecord
from docgen.state import open_tracker
from docgen.state.base import OfficeData
from docgen.state.records import checked
from docgen.workspace import Workspace


@dataclass
class Monitoring:
    report: Report | NationalReport
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def by_party(self) -> list[tuple[str, list[OverdueRow]]]:
        """The overdue items by who owes them (one office's report; none for the national view)."""
        return [] if "offices" in self.report else overdue_by_party(self.report)

    @property
    def due_soon_by_party(self) -> list[tuple[str, list[DueSoonRow]]]:
        """The deliverables due soon by who owes them (none for the national view)."""
        return [] if "offices" in self.report else due_soon_by_party(self.report)


def monitor(ws: Workspace, as_of: date, *, pdf: Path | None = None, xlsx: Path | None = None) -> Monitoring:
    """`monitor`: per agreement status, progress, overdue, due soon; expiring; files."""
    cat = catalog(ws, as_of)
    with open_tracker(ws).read() as session:
        views = agreement_views(session, cat.agreements.values(), as_of, ws.config.letters.grace_days)
        edited = signed_changes(session, cat)
    report = build_report(views, as_of.isoformat())
    result = Monitoring(report, cat.skipped(), warnings=edited)
    _write_files(result, _writers(ws, report, cat.agreements), pdf, xlsx)
    return result


def monitor_all_offices(
    ws: Workspace, as_of: date, *, pdf: Path | None = None, xlsx: Path | None = None
) -> Monitoring:
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
        info = _readable_info(office, data["info"], warnings)
        records = _readable_records(office, data, warnings) if info is not None else None
        if info is None or records is None:
            continue
        terminations, histories = records
        agreements = []
        for number, text in enumerate(data["agreements_json"], start=1):
            try:
                agreements.append(Agreement.model_validate_json(text))
            except ValidationError as exc:
                warnings.append(
                    _(
                        "{office}: published agreement no. {number} cannot be read by this "
                        "docgen ({error_count} problem(s)); skipped"
                    ).format(office=office, number=number, error_count=exc.error_count())
                )
        if not agreements and not info:
            continue  # an office that keeps records here but has published nothing
        named.update((f"{office}/{a.id}", a) for a in agreements)
        terminated = termination_dates(terminations)
        groups.append(
            (
                office,
                info,
                views(agreements, histories, terminated, as_of, ws.config.letters.grace_days),
            )
        )
    report = national_report(groups, as_of.isoformat())
    result = Monitoring(report, warnings=warnings)
    _write_files(result, _writers(ws, as_single_report(report), named), pdf, xlsx)
    return result


_INFO_FIELDS = ("name", "short", "unit_code", "city")


def _readable_info(office: str, info: object, warnings: list[str]) -> PublishedOffice | None:
    """An office's published identity as the national view uses it: the fields of its
    OfficeInfo it published, each a text or None; None (and a warning line) when what it
    published is not an object of texts: one office's broken data leaves every other
    office in the view."""
    if isinstance(info, dict) and all(isinstance(info.get(key), str | None) for key in _INFO_FIELDS):
        return cast(PublishedOffice, {key: info[key] for key in _INFO_FIELDS if key in info})
    warnings.append(
        _("{office}: its published office details cannot be read by this docgen; office skipped").format(
            office=office
        )
    )
    return None


def _readable_records(
    office: str, data: OfficeData, warnings: list[str]
) -> tuple[list[TerminationRecord], dict[str, list[Event]]] | None:
    """An office's terminations and histories, checked as docgen writes them; if they are
    not, a warning line and None: the office is left out of the view."""
    try:
        terminations = checked(office, TERMINATIONS, data["terminations"])
        histories = {aid: checked(office, HISTORY, events) for aid, events in data["histories"].items()}
    except TrackerError:
        line = _(
            "{office}: its deliverable history or terminations cannot be read by this docgen; office skipped"
        )
        warnings.append(line.format(office=office))
        return None
    return terminations, histories


Writer = Callable[[Path], None]


def _writers(ws: Workspace, report: Report, agreements: Mapping[str, Agreement]) -> dict[str, Writer]:
    """How to write the report as each option's file."""

    def pdf(target: Path) -> None:
        from docgen.documents.report import report_context
        from docgen.render.report_pdf import write_report_pdf

        logo = office_logo(ws)
        write_report_pdf(report_context(report, agreements, ws.config), target, logo[0] if logo else None)

    def xlsx(target: Path) -> None:
        from docgen.render.report_xlsx import write_report_xlsx

        write_report_xlsx(report, ws.config, target)

    return {"--pdf": pdf, "--xlsx": xlsx}


def _write_files(result: Monitoring, writers: dict[str, Writer], pdf: Path | None, xlsx: Path | None) -> None:
    """Both files or neither: each is made in a scratch folder first, then every target
    gets its temporary file beside it, and only then are they renamed into place."""
    files = [(option, path) for option, path in (("--pdf", pdf), ("--xlsx", xlsx)) if path is not None]
    if not files:
        return
    with tempfile.TemporaryDirectory(prefix="docgen-monitor-") as scratch:
        made = []
        for index, (option, target) in enumerate(files):
            part = Path(scratch) / f"{index}{'.pdf' if option == '--pdf' else '.xlsx'}"
            try:
                writers[option](part)
            except DocgenError:
                raise
            except Exception as exc:  # noqa: BLE001 - reportlab/openpyxl on data they cannot lay out
                raise DocgenError(
                    _("{option} {target}: cannot make the report: {reason}").format(
                        option=option, target=target, reason=_reason(exc)
                    )
                ) from exc
            made.append(part)
        targets = [path for _, path in files]
        if len({os.path.abspath(t) for t in targets}) < len(targets):
            raise InputError(_("--pdf and --xlsx name the same file; name two files"))
        try:
            for option, target in files:
                if target.is_dir():
                    raise DocgenError(
                        _("{option} {target}: cannot write: it is a folder; name a file").format(
                            option=option, target=target
                        )
                    )
            with atomic_paths(targets) as tmps:
                for part, tmp in zip(made, tmps, strict=True):
                    shutil.copyfile(part, tmp)
        except OSError as exc:
            option, target = _named(files, exc.filename)
            raise DocgenError(
                _("{option} {target}: cannot write: {reason}").format(
                    option=option, target=target, reason=exc.strerror or exc
                )
            ) from exc
    result.written.extend(targets)


def _reason(exc: Exception) -> str:
    if type(exc).__name__ == "LayoutError":  # reportlab: a cell taller than a page
        return (
            "a text does not fit on a page (a very long word or name in a title?); "
            "shorten it in the agreement file"
        )
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def _named(files: list[tuple[str, Path]], filename: object) -> tuple[str, Path]:
    """The option whose file an OSError is about (its folder, itself or its temporary file)."""
    failed = Path(os.fsdecode(filename)) if isinstance(filename, str | bytes) else None
    for option, target in files:
        if failed is not None and (
            failed == target
            or failed in target.parents
            or (failed.parent == target.parent and failed.name.startswith(f".{target.name}."))
        ):
            return option, target
    return files[0]
