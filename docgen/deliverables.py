"""Recording deliverable updates: append-only history, evidence copied in with its sha256.

An update is validated completely (agreement and deliverable ids, status, evidence files)
before anything is written. The events of a whole batch are then appended in one tracker
transaction, one `insert_multiple` per agreement: TinyDB rewrites a table on every insert,
so recording N updates one by one costs O(N^2), and as a batch O(N).

Evidence files are copied into `agreements/<id>/evidence/` under a sanitised name that
cannot leave that folder; a name already taken by a different file gets a `-2`, `-3`...
suffix (never overwritten), and the same content under the same name is reused.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.agreements import Catalog
from docgen.errors import DocgenError, InputError, NotFoundError
from docgen.fsutil import sha256_file
from docgen.models import Agreement
from docgen.monitor import owes
from docgen.progress import DELIVERABLE_STATUSES, deliverable_states
from docgen.status import agreement_status
from docgen.terminations import current_user, termination_dates
from docgen.tracker import Tracker, TrackerState
from docgen.workspace import Workspace

EVIDENCE_DIR = "evidence"
MAX_NAME = 120
# Names Windows reserves for devices, whatever the extension (CON.pdf is the console).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


@dataclass(frozen=True)
class Update:
    """One status update of one deliverable, as a user gives it."""

    agreement: str
    deliverable: str
    status: str
    on: date
    note: str | None = None
    evidence: tuple[Path, ...] = ()


@dataclass
class Recorded:
    """What a batch recorded: the events (with their agreement id) and warnings to show."""

    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def set_status(ws: Workspace, agreement: Agreement, deliverable_id: str, status: str, on: date,
               note: str | None = None, evidence: Sequence[Path] = ()) -> Recorded:
    """Record one update (the `deliverable set` command)."""
    update = Update(agreement.id, deliverable_id, status, on, note, tuple(evidence))
    return record_updates(ws, [update], {agreement.id: agreement})


def record_updates(ws: Workspace, updates: Sequence[Update],
                   agreements: Mapping[str, Agreement]) -> Recorded:
    """Validate every update, then append them all in one tracker transaction.

    `agreements` maps the ids the updates name to their models (a catalog's
    `.agreements`). Any invalid update raises InputError/NotFoundError listing every
    problem, and nothing is written.
    """
    today = date.today()
    problems: list[str] = []
    sources: dict[Path, Path] = {}
    for u in updates:
        problems.extend(_problems(u, agreements, sources))
    if problems:
        error = NotFoundError if all("no such" in p for p in problems) else InputError
        raise error(problems[0], problems=problems)

    user = current_user()
    recorded_at = datetime.now().astimezone().isoformat(timespec="seconds")
    tracker = Tracker(ws.root)
    result = Recorded()
    created: list[Path] = []
    try:
        with tracker.write() as state:
            copier = _EvidenceCopier(ws, created)
            per_agreement: dict[str, list[dict[str, Any]]] = {}
            for u in updates:
                event = {
                    "deliverable": u.deliverable,
                    "on": u.on.isoformat(),
                    "status": u.status,
                    "note": u.note.strip() if u.note and u.note.strip() else None,
                    "evidence": [copier.copy(u.agreement, sources[p]) for p in u.evidence],
                    "user": user,
                    "recorded_at": recorded_at,
                }
                per_agreement.setdefault(u.agreement, []).append(event)
                result.events.append({"agreement": u.agreement, **event})
            for agreement_id, events in per_agreement.items():
                history = state.history(agreement_id)
                result.warnings.extend(_warnings(agreements[agreement_id], history.all, events,
                                                 today))
                history.insert_multiple(events)
    except BaseException:
        for path in created:  # the tracker is untouched: leave no orphan evidence behind
            path.unlink(missing_ok=True)
        raise
    return result


def _problems(u: Update, agreements: Mapping[str, Agreement], sources: dict[Path, Path]) -> list[str]:
    where = f"{u.agreement} {u.deliverable}"
    agreement = agreements.get(u.agreement)
    if agreement is None:
        return [f"{u.agreement}: no such agreement (no agreements/{u.agreement}.yaml)"]
    problems = []
    if agreement.deliverable(u.deliverable) is None:
        known = ", ".join(d.id for d in agreement.deliverables) or "none"
        problems.append(f"{where}: no such deliverable in agreements/{u.agreement}.yaml "
                        f"(deliverables: {known})")
    if u.status not in DELIVERABLE_STATUSES:
        problems.append(f"{where}: --status: {u.status!r} is not one of "
                        f"{', '.join(DELIVERABLE_STATUSES)}")
    for path in u.evidence:
        if path in sources:
            continue
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            problems.append(f"{where}: --evidence {path}: no such file")
            continue
        if not resolved.is_file():
            problems.append(f"{where}: --evidence {path}: not a file")
        elif not os.access(resolved, os.R_OK):
            problems.append(f"{where}: --evidence {path}: cannot be read (permission denied)")
        else:
            sources[path] = resolved
    return problems


def _warnings(agreement: Agreement, earlier: Callable[[], Iterable[Mapping[str, Any]]],
              new: list[dict[str, Any]], today: date) -> list[str]:
    """`done` without the evidence the agreement names (in this or an earlier update), future dates."""
    warnings = []
    with_evidence: set[str] | None = None  # read the history only if a `done` needs it
    given = set()
    for event in new:
        did = event["deliverable"]
        if event["evidence"]:
            given.add(did)
        expected = agreement.deliverable(did).evidence  # type: ignore[union-attr]
        if event["status"] == "done" and expected and did not in given:
            if with_evidence is None:
                with_evidence = {e["deliverable"] for e in earlier() if e.get("evidence")}
            if did not in with_evidence:
                warnings.append(f"{agreement.id} {did}: marked done without evidence "
                                f"(expected: {expected}); add it with --evidence FILE")
        if event["on"] > today.isoformat():
            warnings.append(f"{agreement.id} {did}: recorded on {event['on']}, a future date; "
                            "it counts only from that date")
    return warnings


def evidence_name(name: str) -> str:
    """A file name safe in any folder on any OS: no separators, no leading dot, no device name.

    >>> evidence_name("../../Notulen  Rapat: TW I.pdf")
    'Notulen Rapat-TW I.pdf'
    """
    name = unicodedata.normalize("NFKD", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = name.encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9 ._()-]+", "-", name)
    name = re.sub(r"\s*-[\s-]*", "-", re.sub(r"\s+", " ", name)).strip(" .-_")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name.lstrip("."), ""
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:16]
    stem = stem.strip(" .-_")[: MAX_NAME - len(ext) - 1].rstrip(" .") or "evidence"
    if stem.split(".")[0].strip().lower() in _RESERVED:
        stem = f"{stem}-file"
    return f"{stem}.{ext}" if ext else stem


def numbered(name: str, n: int) -> str:
    """The n-th candidate for a taken name, as Windows does it: "bukti.pdf", "bukti (2).pdf"."""
    if n == 1:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"


class _EvidenceCopier:
    """Copies evidence into agreements/<id>/evidence/ inside a tracker transaction."""

    def __init__(self, ws: Workspace, created: list[Path]) -> None:
        self.ws = ws
        self.created = created
        self.taken: set[Path] = set()

    def copy(self, agreement_id: str, source: Path) -> dict[str, Any]:
        folder = self.ws.agreements_dir / agreement_id / EVIDENCE_DIR
        self.ws.inside(folder)
        digest = sha256_file(source)
        name = evidence_name(source.name)
        n = 1
        while True:
            target = folder / numbered(name, n)
            if target in self.taken:
                n += 1
                continue
            if not target.exists():
                break
            if target.is_file() and sha256_file(target) == digest:  # the same file again: reuse it
                return self._record(target, digest, source)
            n += 1
        self.taken.add(target)
        self.ws.inside(target)
        folder.mkdir(parents=True, exist_ok=True)
        _copy_new(source, target)
        self.created.append(target)
        return self._record(target, digest, source)

    def _record(self, target: Path, digest: str, source: Path) -> dict[str, Any]:
        return {"file": self.ws.rel(target), "sha256": digest, "original": source.name}


def _copy_new(source: Path, target: Path) -> None:
    """Copy to a temporary name, fsync, then move into place; a taken name is never replaced."""
    tmp = target.with_name(f".{target.name}.copying")
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        if target.exists():  # only another program can have taken it: docgen holds the lock
            raise DocgenError(f"{target}: appeared while copying evidence; try again")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DocgenError(f"{target}: cannot copy evidence: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def checklist(agreements: Iterable[Agreement], history: Mapping[str, Sequence[Mapping[str, Any]]],
              as_of: date, statuses: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One row per deliverable: the `deliverable list` table. Pure.

    `statuses` gives each agreement's status as of `as_of`: the deliverables of one that
    does not owe them (draft, pending, terminated) are never overdue.
    """
    rows = []
    for a in agreements:
        owing = owes(statuses[a.id]) if statuses is not None and a.id in statuses else True
        for s in deliverable_states(a, history.get(a.id, ()), as_of):
            overdue = owing and s.is_overdue(as_of)
            rows.append({
                "agreement": a.id, "work_item": s.work_item.id, "id": s.deliverable.id,
                "title": s.deliverable.title, "due": s.deliverable.due.isoformat(),
                "responsible": s.work_item.responsible, "status": s.status,
                "updated_on": s.updated_on.isoformat() if s.updated_on else None,
                "overdue": overdue,
                "days_overdue": s.days_overdue(as_of) if overdue else 0,
                "evidence": [e["file"] for e in (s.event or {}).get("evidence") or []],
            })
    return rows


def list_deliverables(catalog: Catalog, state: TrackerState, as_of: date,
                      agreement_id: str | None = None, status: str | None = None,
                      overdue: bool = False) -> list[dict[str, Any]]:
    """`deliverable list`: every deliverable of the valid agreements (or of one), filtered."""
    if status is not None and status not in DELIVERABLE_STATUSES:
        raise InputError(f"--status: {status!r} is not one of {', '.join(DELIVERABLE_STATUSES)}")
    if agreement_id is not None:
        agreements = [catalog.get(agreement_id)]
    else:
        agreements = sorted(catalog.agreements.values(), key=lambda a: a.id)
    terminated = termination_dates(state)
    statuses = {a.id: agreement_status(a, as_of, terminated.get(a.id)) for a in agreements}
    known = set(state.history_ids())
    history = {a.id: state.history(a.id).all() for a in agreements if a.id in known}
    rows = checklist(agreements, history, as_of, statuses)
    return [r for r in rows
            if (status is None or r["status"] == status) and (not overdue or r["overdue"])]


def history_rows(state: TrackerState, agreement: Agreement, deliverable_id: str) -> list[dict[str, Any]]:
    """Every event of one deliverable, in the order that decides its state (by `on`, then recorded)."""
    events = []
    if agreement.id in state.history_ids():
        events = [dict(e) for e in state.history(agreement.id).all()
                  if e.get("deliverable") == deliverable_id]
    if agreement.deliverable(deliverable_id) is None and not events:
        known = ", ".join(d.id for d in agreement.deliverables) or "none"
        raise NotFoundError(f"{agreement.id} {deliverable_id}: no such deliverable in "
                            f"agreements/{agreement.id}.yaml (deliverables: {known})")
    events.sort(key=lambda e: e["on"])  # stable: equal dates keep their recording order
    return [{"agreement": agreement.id, **e} for e in events]
