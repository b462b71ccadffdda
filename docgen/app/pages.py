"""What the web face (`docgen serve`) shows that no single command prints: an agreement's
page (its state, every deliverable's history, its documents and the problems of its
file), the certificates issued, and the files it hands out.

Files are found from tracker records and agreement ids, never from a path a browser
sends: each function returns a path inside the workspace or raises NotFoundError.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Required, TypedDict

from docgen.app.agreements import show_agreement
from docgen.app.certificate_list import CertificateRow
from docgen.app.certificate_list import list_certificates as certificate_rows
from docgen.app.certificates import TABLE as CERTIFICATES
from docgen.app.common import catalog
from docgen.app.letters import LetterInfo, list_letters
from docgen.app.monitor import Monitoring, monitor
from docgen.domain.amendments import as_amended
from docgen.domain.deliverable_state import retracted
from docgen.domain.overview import AgreementDetails, DeliverableRow
from docgen.errors import AgreementError, NotFoundError
from docgen.fsutil import stat_key
from docgen.i18n import _
from docgen.records import LETTERS, Event
from docgen.state import open_tracker
from docgen.state.base import valid_agreement_id
from docgen.workspace import Workspace

KEEP = 8  # dashboards kept (one per date asked for), while their inputs are unchanged
_kept: dict[tuple[object, ...], Monitoring] = {}
_kept_lock = threading.Lock()

DRAFT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Download:
    path: Path
    name: str  # the name the browser saves it under
    media_type: str


def dashboard(ws: Workspace, as_of: date) -> Monitoring:
    """`monitor` as of a date, for the web face: the report is kept while its inputs
    (docgen.toml, the agreement files, the file tracker) are unchanged, so that the many
    views of one state cost one computation. A PostgreSQL tracker is read every time."""
    tracker_key = open_tracker(ws).snapshot_key()
    if tracker_key is None:
        return monitor(ws, as_of)
    key = (str(ws.root), as_of, tracker_key, _files_key(ws))
    with _kept_lock:
        found = _kept.get(key)
    if found is not None:
        return found
    result = monitor(ws, as_of)
    with _kept_lock:
        if len(_kept) >= KEEP:
            _kept.clear()
        _kept[key] = result
    return result


def _files_key(ws: Workspace) -> tuple[object, ...]:
    """What changes whenever docgen.toml or an agreement file changes."""
    return stat_key([ws.config_path, *sorted(ws.agreements_dir.glob("*.yaml"))])


class HistoryEvent(Event, total=False):
    """An event of a deliverable's history as the agreement page lists it: its place in
    date order, and the event that retracted it, if any."""

    order: Required[int]
    retracted_by: str


class PageDeliverable(DeliverableRow):
    """A deliverable of the agreement page: `agreement show`'s row and its whole history."""

    history: list[HistoryEvent]


class WorkItemSummary(TypedDict):
    id: str
    title: str
    responsible: str


class Draft(TypedDict):
    type: str  # docx, pdf
    file: str


class AgreementPage(AgreementDetails[PageDeliverable]):
    """The agreement page of a valid file: `agreement show`, each deliverable's history,
    the work items as amended, the file's problems and warnings, its drafts and letters."""

    work_items: list[WorkItemSummary]
    valid: Literal[True]
    problems: list[str]
    warnings: list[str]
    drafts: list[Draft]
    letters: list[LetterInfo]


class BrokenPage(TypedDict):
    """The agreement page of a file with errors: its problems."""

    id: str
    valid: Literal[False]
    problems: list[str]
    warnings: list[str]


def agreement_page(ws: Workspace, agreement_id: str, as_of: date) -> AgreementPage | BrokenPage:
    """`agreement show` with, per deliverable, its whole history (who recorded what, when,
    with which evidence; retracted events marked), the agreement's drafts and letters,
    and the problems and warnings `check` reports for its file."""
    cat = catalog(ws, as_of, only=[agreement_id])
    if agreement_id not in cat.agreements:
        try:
            cat.get(agreement_id)
        except AgreementError as exc:  # a broken file: its problems are the page
            return {"id": agreement_id, "valid": False, "problems": exc.problems, "warnings": []}
    shown = show_agreement(ws, agreement_id, as_of)
    with open_tracker(ws).read() as session:
        events = session.events(agreement_id)
    hidden = retracted(events)
    by_deliverable: dict[str, list[HistoryEvent]] = {}
    for index, event in enumerate(sorted(events, key=lambda e: e["on"])):
        entry: HistoryEvent = {**event, "order": index}
        if str(event["id"]) in hidden:
            entry["retracted_by"] = hidden[str(event["id"])]
        by_deliverable.setdefault(event["deliverable"], []).append(entry)
    current = as_amended(cat.agreements[agreement_id], as_of)
    label = f"agreements/{cat.files[agreement_id].name}" if agreement_id in cat.files else None
    return {
        **shown,
        "deliverables": [
            {**row, "history": by_deliverable.get(row["id"], [])} for row in shown["deliverables"]
        ],
        "work_items": [
            {"id": wi.id, "title": wi.title, "responsible": wi.responsible} for wi in current.work_items
        ],
        "valid": True,
        "problems": [str(p) for p in cat.problems_of(agreement_id)],
        "warnings": [str(p) for p in cat.warnings if p.file == label],
        "drafts": [
            {"type": ext, "file": ws.rel(path)}
            for ext in DRAFT_TYPES
            if (path := ws.outputs_dir / "agreements" / f"{agreement_id}.{ext}").is_file()
        ],
        "letters": [r for r in list_letters(ws) if r["agreement"] == agreement_id],
    }


def _inside(ws: Workspace, rel: str) -> Path:
    path = ws.inside(ws.root / rel)
    if not path.is_file():
        raise NotFoundError(_("{file}: the file is no longer there").format(file=rel))
    return path


def evidence_file(ws: Workspace, agreement_id: str, event_id: str, index: int) -> Download:
    """The `index`-th evidence file of event `event_id` of an agreement's history."""
    if not valid_agreement_id(agreement_id):
        raise NotFoundError(_("{id}: no such agreement").format(id=agreement_id))
    with open_tracker(ws).read() as session:
        events = session.events(agreement_id)
    event = next((e for e in events if str(e.get("id")) == event_id), None)
    files = (event.get("evidence") if event else None) or []
    if not 0 <= index < len(files):
        raise NotFoundError(_("{id}: no such evidence file").format(id=agreement_id))
    rel = files[index]["file"]
    return Download(_inside(ws, rel), Path(rel).name, "application/octet-stream")


def draft_file(ws: Workspace, agreement_id: str, kind: str) -> Download:
    """The rendered draft of an agreement (`docgen build`): kind "docx" or "pdf"."""
    if not valid_agreement_id(agreement_id) or kind not in DRAFT_TYPES:
        raise NotFoundError(_("{id}: no such draft").format(id=agreement_id))
    rel = f"outputs/agreements/{agreement_id}.{kind}"
    return Download(_inside(ws, rel), f"{agreement_id}.{kind}", DRAFT_TYPES[kind])


def letter_file(ws: Workspace, number: str) -> Download:
    """The .docx of a letter issued, by its number."""
    with open_tracker(ws).read() as session:
        letter = session.record(LETTERS, number.strip())
    if letter is None:
        raise NotFoundError(_("{number}: no such letter").format(number=number))
    return _recorded_file(ws, letter["file"], "docx")


class CertificatePage(TypedDict):
    """The certificates of one assessment year, the years that have any, and the year's
    print files."""

    year: int | None
    years: list[int]
    certificates: list[CertificateRow]
    print_files: list[str]


def list_certificates(ws: Workspace, year: int | None = None) -> CertificatePage:
    """The certificates issued of one assessment year (`certificate list --year`'s rows;
    by default the latest year), with the years that have any and the print files (one
    combined PDF per batch) of the year shown."""
    rows = certificate_rows(ws)
    years = sorted({r["year"] for r in rows}, reverse=True)
    if year is None and years:
        year = years[0]
    folder = ws.outputs_dir / "certificates" / str(year) / "print"
    prints = sorted(p.name for p in folder.glob("*.pdf")) if year is not None and folder.is_dir() else []
    return {
        "year": year,
        "years": years,
        "certificates": [r for r in rows if r["year"] == year],
        "print_files": prints,
    }


def certificate_file(ws: Workspace, number: str) -> Download:
    """The PDF of one certificate, by its number."""
    with open_tracker(ws).read() as session:
        record = session.record(CERTIFICATES, number.strip())
    if record is None:
        raise NotFoundError(_("{number}: no such certificate").format(number=number))
    return _recorded_file(ws, record["file"], "pdf")


def _recorded_file(ws: Workspace, rel: str, kind: str) -> Download:
    """The file a tracker record names (a path relative to the workspace, never followed
    outside it), served under its own name."""
    return Download(_inside(ws, rel), Path(rel).name, DRAFT_TYPES[kind])


def print_file(ws: Workspace, year: str, name: str) -> Download:
    """A combined print file of a year, by its name as `list_certificates` lists it."""
    if not year.isdigit():
        raise NotFoundError(_("{name}: no such print file").format(name=name))
    listed = list_certificates(ws, int(year))["print_files"]
    if name not in listed:
        raise NotFoundError(_("{name}: no such print file").format(name=name))
    rel = f"outputs/certificates/{year}/print/{name}"
    return Download(_inside(ws, rel), name, DRAFT_TYPES["pdf"])
