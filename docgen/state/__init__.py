"""The tracker behind one interface (`base.Tracker`), and how a workspace picks its backend.

`DOCGEN_TRACKER_URL`, else `[tracker] url` in docgen.toml, names a PostgreSQL database;
without either the workspace's own file tracker (tracker.json) is used. The PostgreSQL
backend (and psycopg) is imported only when a URL is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.state.base import Session, Tracker

if TYPE_CHECKING:
    from docgen.workspace import Workspace

URL_VAR = "DOCGEN_TRACKER_URL"

__all__ = ["Session", "Tracker", "is_url", "open_tracker", "tracker_at", "tracker_url"]


def tracker_url(ws: Workspace) -> str:
    """The PostgreSQL URL this workspace uses, or "" for the file tracker."""
    return (os.environ.get(URL_VAR) or ws.config.tracker.url or "").strip()


def is_url(text: str) -> bool:
    """A PostgreSQL URL or key=value connection string (else: a tracker file's path)."""
    return bool(re.match(r"^postgres(ql)?://", text.strip(), re.I)) or "=" in text


def tracker_at(where: str, office: str, *, option: str) -> Tracker:
    """The tracker a command line names: a PostgreSQL URL, or a tracker.json path (its
    tracker-history/ beside it), bound to `office`."""
    if is_url(where):
        from docgen.state.postgres import PostgresTracker

        return PostgresTracker(where.strip(), office=office, source=option)
    from docgen.state.file import FileTracker

    return FileTracker(Path(), office, path=Path(where).expanduser().absolute())


def open_tracker(ws: Workspace) -> Tracker:
    """The workspace's tracker, bound to its office (`unit_code`)."""
    url = tracker_url(ws)
    office = ws.config.office.unit_code
    if url:
        from docgen.state.postgres import PostgresTracker

        source = URL_VAR if os.environ.get(URL_VAR, "").strip() else "docgen.toml: tracker.url"
        tracker: Tracker = PostgresTracker(url, office=office, source=source)
    else:
        from docgen.state.file import FileTracker

        tracker = FileTracker(ws.root, office)
    tracker.workspace = ws.root
    return tracker
