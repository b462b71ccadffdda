"""Use case of `docgen monitor`: the report as data, and as PDF and xlsx files."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docgen.app.common import agreement_views, catalog
from docgen.domain.monitor import build_report, overdue_by_party
from docgen.errors import DocgenError, InputError
from docgen.fsutil import atomic_paths
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
        views = agreement_views(session, cat.agreements.values(), as_of)
    result = Monitoring(build_report(views, as_of.isoformat()), cat.skipped())
    files = [(option, path) for option, path in (("--pdf", pdf), ("--xlsx", xlsx)) if path is not None]
    if files:
        _write_files(result, ws, files)
    return result


def _write_files(result: Monitoring, ws: Workspace, files: list[tuple[str, Path]]) -> None:
    """Both files or neither: each is made in a scratch folder first, then every target
    gets its temporary file beside it, and only then are they renamed into place."""
    from docgen.render.report_pdf import write_report_pdf
    from docgen.render.report_xlsx import write_report_xlsx

    writers = {"--pdf": write_report_pdf, "--xlsx": write_report_xlsx}
    with tempfile.TemporaryDirectory(prefix="docgen-monitor-") as scratch:
        made = []
        for index, (option, target) in enumerate(files):
            part = Path(scratch) / f"{index}{'.pdf' if option == '--pdf' else '.xlsx'}"
            try:
                writers[option](result.report, ws.config, part)
            except DocgenError:
                raise
            except Exception as exc:  # noqa: BLE001 - reportlab/openpyxl on data they cannot lay out
                raise DocgenError(f"{option} {target}: cannot make the report: {_reason(exc)}") from exc
            made.append(part)
        targets = [path for _, path in files]
        if len({os.path.abspath(t) for t in targets}) < len(targets):
            raise InputError("--pdf and --xlsx name the same file; name two files")
        try:
            for option, target in files:
                if target.is_dir():
                    raise DocgenError(f"{option} {target}: cannot write: it is a folder; name a file")
            with atomic_paths(targets) as tmps:
                for part, tmp in zip(made, tmps, strict=True):
                    shutil.copyfile(part, tmp)
        except OSError as exc:
            option, target = _named(files, exc.filename)
            raise DocgenError(f"{option} {target}: cannot write: {exc.strerror or exc}") from exc
    result.written.extend(targets)


def _reason(exc: Exception) -> str:
    if type(exc).__name__ == "LayoutError":  # reportlab: a cell taller than a page
        return ("a text does not fit on a page (a very long word or name in a title?); "
                "shorten it in the agreement file")
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def _named(files: list[tuple[str, Path]], filename: object) -> tuple[str, Path]:
    """The option whose file an OSError is about (its folder, itself or its temporary file)."""
    failed = Path(os.fsdecode(filename)) if isinstance(filename, str | bytes) else None
    for option, target in files:
        if failed is not None and (failed == target or failed in target.parents or (
                failed.parent == target.parent and failed.name.startswith(f".{target.name}."))):
            return option, target
    return files[0]
