"""Use case of `docgen watch`: rebuild the drafts a change affects, like `mkdocs serve`.

The watchdog handler only records which paths changed (under a lock); the main loop
waits for a short quiet period so that an editor's burst of events (temporary file,
rename, several modifications per save) causes one rebuild, then calls the same
builder as `docgen build`, restricted to the agreements the change affects.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from docgen.agreements import Catalog, load_catalog
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from docgen.app.build import Failed

QUIET_SECONDS = 0.1
AGREEMENT_SUFFIXES = {".yaml", ".yml"}
TEMPLATE_SUFFIXES = {".docx", ".toml"}


def _editor_noise(name: str) -> bool:
    """Lock, backup and swap files of Word, LibreOffice, vim, emacs and friends."""
    return (
        name.startswith(("~$", ".~lock", ".#", "#"))
        or name.endswith(("~", ".tmp", ".swp", ".swx", ".part"))
        or (name.startswith(".") and not name.endswith(".yaml"))
    )


@dataclass
class Changes:
    agreements: set[str] = field(default_factory=set)  # file stems
    templates: set[str] = field(default_factory=set)  # template names
    config: bool = False

    def __bool__(self) -> bool:
        return bool(self.agreements or self.templates or self.config)


class ChangeCollector:
    """Classifies file-system events of a workspace; thread-safe, cheap, never builds."""

    def __init__(self, ws: Workspace) -> None:
        self.agreements_dir = ws.agreements_dir.resolve()
        self.templates_dir = ws.templates_dir.resolve()
        self.config_path = ws.config_path.resolve()
        self._lock = threading.Lock()
        self._changes = Changes()
        self.last_event = 0.0
        self.pending = threading.Event()

    def record(self, *paths: str | bytes | None) -> None:
        for raw in paths:
            if not raw:
                continue
            path = _located(os.fsdecode(raw))
            if path is None or _editor_noise(path.name):
                continue
            with self._lock:
                if path == self.config_path:
                    self._changes.config = True
                elif path.parent == self.agreements_dir and path.suffix in AGREEMENT_SUFFIXES:
                    self._changes.agreements.add(path.stem)
                elif path.parent == self.templates_dir and path.suffix in TEMPLATE_SUFFIXES:
                    self._changes.templates.add(path.stem)
                else:
                    continue
                self.last_event = time.monotonic()
                self.pending.set()

    def record_failure(self) -> None:
        """An event that could not be classified: rebuild what may have changed (all)."""
        with self._lock:
            self._changes.config = True
            self.last_event = time.monotonic()
            self.pending.set()

    def drain(self) -> Changes:
        with self._lock:
            changes, self._changes = self._changes, Changes()
            self.pending.clear()
        return changes


def _located(raw: str) -> Path | None:
    """Where a changed file lies: its folder resolved, the file itself never followed (a
    link loop or a link to elsewhere is a changed name like any other); None when even
    its folder cannot be resolved."""
    path = Path(os.path.abspath(raw))
    try:
        return path.parent.resolve() / path.name
    except (OSError, RuntimeError):  # a loop in a folder on the way
        return None


def affected(catalog: Catalog, changes: Changes) -> set[str]:
    """The agreement ids whose draft a change may alter."""
    if changes.config:
        return set(catalog.agreements)
    ids = {aid for aid in changes.agreements if aid in catalog.agreements}
    for aid in list(ids):
        ids.update(child.id for child in catalog.children(aid))
    ids.update(
        a.id
        for a in catalog.agreements.values()
        if a.template_name in changes.templates or (a.amendments and "adendum" in changes.templates)
    )
    return ids


class Watching(TypedDict):
    event: Literal["watching"]
    root: str


class WatchError(TypedDict):
    """What stopped a rebuild: a broken docgen.toml or agreement file, an unreadable tracker."""

    event: Literal["error"]
    errors: list[str]


class Deleted(TypedDict):
    event: Literal["deleted"]
    agreement: str
    message: str


class Rebuilt(TypedDict):
    """A rebuild: how long it took, and `docgen build`'s report."""

    event: Literal["build"]
    seconds: float
    built: list[str]
    unchanged: list[str]
    failed: list[Failed]


# What the watch reports (`--json-log` prints each as one JSON line).
WatchEvent = Watching | WatchError | Deleted | Rebuilt
Report = Callable[[WatchEvent], None]


class Watcher:
    """Runs the observer and the rebuild loop until `stop` is set."""

    def __init__(
        self, ws: Workspace, report: Report, *, poll: bool = False, quiet: float = QUIET_SECONDS
    ) -> None:
        self.ws = ws
        self.report = report
        self.poll = poll
        self.quiet = quiet
        self.collector = ChangeCollector(ws)
        self.stop = threading.Event()
        self.rebuilds = 0

    def _observer(self) -> Any:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler

        observer_class: Any
        if self.poll:
            from watchdog.observers.polling import PollingObserver as observer_class
        else:
            from watchdog.observers import Observer as observer_class

        collector = self.collector

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type in ("opened", "closed_no_write") or event.is_directory:
                    return
                try:
                    collector.record(event.src_path, getattr(event, "dest_path", None))
                except Exception:  # noqa: BLE001 - an error here would stop every later event
                    collector.record_failure()

        observer = observer_class(timeout=0.2) if self.poll else observer_class()
        handler = Handler()
        # Never outputs/ or the tracker: the root is watched only for docgen.toml.
        observer.schedule(handler, str(self.ws.root), recursive=False)
        for folder in (self.ws.agreements_dir, self.ws.templates_dir):
            folder.mkdir(exist_ok=True)
            observer.schedule(handler, str(folder), recursive=False)
        return observer

    def run(self) -> None:
        observer = self._observer()
        observer.start()
        try:
            self.report({"event": "watching", "root": str(self.ws.root)})
            self.rebuild(None)
            while not self.stop.is_set():
                if not self.collector.pending.wait(0.2):
                    continue
                # Wait for quiet: an editor's save is several events in a few milliseconds.
                while time.monotonic() - self.collector.last_event < self.quiet:
                    time.sleep(self.quiet / 2)
                changes = self.collector.drain()
                if changes:
                    self.rebuild(changes)
        finally:
            observer.stop()
            observer.join(timeout=5)

    def rebuild(self, changes: Changes | None) -> None:
        """Build what `changes` affects (everything when None) and report the outcome.

        Any error (a broken docgen.toml, an unreadable tracker, a full disk) is reported
        and the watch goes on: the next save may fix it.
        """
        try:
            self._rebuild(changes)
        except DocgenError as exc:
            self.report({"event": "error", "errors": exc.problems})
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            self.report({"event": "error", "errors": [f"{where}{exc.strerror or exc}"]})

    def _rebuild(self, changes: Changes | None) -> None:
        from docgen.app.build import build

        started = time.monotonic()
        ws = Workspace(self.ws.root)  # re-read docgen.toml: it may have changed
        ws.config  # noqa: B018 - a broken docgen.toml is reported, not built with
        catalog = load_catalog(ws)
        if changes is None:
            ids = set(catalog.agreements)
            touched: set[str] = set(catalog.files)
        else:
            ids = affected(catalog, changes)
            touched = changes.agreements
        errors = [str(p) for aid in sorted(touched) for p in catalog.problems_of(aid)]
        deleted = sorted(aid for aid in touched if aid not in catalog.files)
        for aid in deleted:
            self.report(
                {
                    "event": "deleted",
                    "agreement": aid,
                    "message": _("agreements/{aid}.yaml was deleted; its last output is kept").format(
                        aid=aid
                    ),
                }
            )
        if errors:
            self.report({"event": "error", "errors": errors})
        if not ids:
            return
        result = build(ws, sorted(ids))
        self.rebuilds += 1
        self.report({"event": "build", "seconds": round(time.monotonic() - started, 3), **result.to_json()})
