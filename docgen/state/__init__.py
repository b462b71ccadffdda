"""The tracker behind one interface (`base.Tracker`), and how a workspace picks its backend.

`DOCGEN_TRACKER_URL`, else `[tracker] url` in docgen.toml, names a PostgreSQL database;
without either the workspace's own file tracker (tracker.json) is used. The PostgreSQL
backend (and psycopg) is imported only when a URL is set.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from docgen.state.base import Session, Tracker

if TYPE_CHECKING:
    from docgen.workspace import Workspace

URL_VAR = "DOCGEN_TRACKER_URL"

__all__ = ["Session", "Tracker", "open_tracker", "tracker_url"]


def tracker_url(ws: Workspace) -> str:
    """The PostgreSQL URL this workspace uses, or "" for the file tracker."""
    return (os.environ.get(URL_VAR) or ws.config.tracker.url or "").strip()


def open_tracker(ws: Workspace) -> Tracker:
    """The workspace's tracker, bound to its office (`unit_code`)."""
    url = tracker_url(ws)
    office = ws.config.office.unit_code
    if url:
        from docgen.state.postgres import PostgresTracker

        source = URL_VAR if os.environ.get(URL_VAR, "").strip() else "docgen.toml: tracker.url"
        return PostgresTracker(url, office=office, source=source)
    from docgen.state.file import FileTracker

    return FileTracker(ws.root, office)
