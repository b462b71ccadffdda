"""Use cases of `docgen tracker` (init, info, copy) and `docgen sync`: the tracker's backend.

`copy` moves one office's whole tracker between backends (the workspace's own and one
named on the command line: a PostgreSQL URL or a tracker.json path), records and event
ids unchanged, into an empty target whose schema it creates when there is none.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from docgen.app.common import catalog, office_info
from docgen.errors import InputError, TrackerError
from docgen.i18n import _
from docgen.state import Session, Tracker, is_url, open_tracker, tracker_at
from docgen.state.base import TABLES, Granted, Initialised, TrackerInfo
from docgen.usertext import bad_char
from docgen.workspace import Workspace

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.agreements import Catalog


class Where(TypedDict):
    backend: str
    where: str


Copied = TypedDict("Copied", {"from": Where, "to": Where, "office": str, "counts": dict[str, int]})


class Published(TypedDict):
    """What `sync` (and a passing `check`) published to the national view."""

    office: str
    published: list[str]
    removed: list[str]
    skipped: list[str]


class Synced(Published):
    where: str


def init(ws: Workspace) -> Initialised:
    """`tracker init`: create or upgrade the schema of the workspace's tracker."""
    return open_tracker(ws).init()


def info(ws: Workspace) -> TrackerInfo:
    """`tracker info`: backend, where (never a password), schema version, counts."""
    return open_tracker(ws).info()


def _office_roles(ws: Workspace, office: str, role: str, command: str) -> Any:
    """The shared tracker whose roles `tracker grant|revoke` change, the arguments checked."""
    tracker = open_tracker(ws)
    require_shared(tracker, f"tracker {command}")
    for what, value in (("UNIT_CODE", office), ("ROLE", role)):
        if not value.strip() or bad_char(value) or len(value) > 63 or value != value.strip():
            raise InputError(
                _("{what}: {value!r} is not a unit code or role name").format(what=what, value=value)
            )
    return tracker


def grant(ws: Workspace, office: str, role: str) -> Granted:
    """`tracker grant UNIT_CODE ROLE`: the database role writes that office's records (and
    reads of the others only what the national view shows); run by the schema's owner."""
    return _office_roles(ws, office, role, "grant").grant(office, role)


def revoke(ws: Workspace, office: str, role: str) -> Granted:
    """`tracker revoke UNIT_CODE ROLE`: take that office's rights back from the role."""
    return _office_roles(ws, office, role, "revoke").revoke(office, role)


def _where(tracker: Tracker) -> str:
    return str(getattr(tracker, "path", "")) or tracker.label


def copy(ws: Workspace, to: str | None = None, from_: str | None = None) -> Copied:
    """`tracker copy --to|--from`: the whole tracker of this office into an empty one."""
    if (to is None) == (from_ is None):
        raise InputError(_("give --to URL|FILE or --from URL|FILE (one of them)"))
    option, named = ("--to", to) if to is not None else ("--from", from_)
    assert named is not None
    if not named.strip():
        raise InputError(
            _("{option}: empty; give a PostgreSQL URL or a tracker.json path").format(option=option)
        )
    here = open_tracker(ws)
    other = tracker_at(named, ws.config.office.unit_code, option=option)
    if not is_url(named):
        path = Path(named).expanduser()
        if option == "--from" and not path.is_file():
            raise InputError(_("--from {named}: no such file").format(named=named))
        if option == "--to" and not path.parent.is_dir():
            raise InputError(
                _("--to {named}: no such folder {parent}").format(named=named, parent=path.parent)
            )
        if path.is_dir():
            raise InputError(
                _("{option} {named}: a folder; name the tracker file (…/tracker.json)").format(
                    option=option, named=named
                )
            )
    source, target = (here, other) if option == "--to" else (other, here)
    if _where(source) == _where(target) and source.backend == target.backend:
        raise InputError(
            _("{option} {where}: that is this workspace's own tracker").format(
                option=option, where=_where(other)
            )
        )
    data = source.dump()
    target.load(data)
    counts = {t: len(data["tables"].get(t, [])) for t in TABLES}
    counts["history"] = sum(len(events) for events in data["history"].values())
    return {
        "from": {"backend": source.backend, "where": _where(source)},
        "to": {"backend": target.backend, "where": _where(target)},
        "office": ws.config.office.unit_code,
        "counts": counts,
    }


def require_shared(tracker: Tracker, command: str) -> None:
    """The national view needs a tracker that offices share."""
    if not tracker.shared:
        raise TrackerError(
            _(
                "`docgen {command}` needs a shared tracker: set DOCGEN_TRACKER_URL or "
                "[tracker] url in docgen.toml to a PostgreSQL database (this workspace "
                "uses its own tracker.json)"
            ).format(command=command)
        )


def sync(ws: Workspace) -> Synced:
    """`sync`: publish every valid agreement of this office to the shared tracker and
    withdraw those whose file is gone (one transaction)."""
    tracker = open_tracker(ws)
    require_shared(tracker, "sync")
    cat = catalog(ws)
    return {"where": tracker.label, **tracker.transaction(lambda s: publish_all(s, ws, cat))}


def publish_all(session: Session, ws: Workspace, cat: Catalog) -> Published:
    """Publish the catalog's valid agreements; an agreement whose file now has errors stays
    published as it last was valid, one whose file is gone is withdrawn."""
    agreements = sorted(cat.agreements.values(), key=lambda a: a.id)
    session.publish([a.model_dump(mode="json") for a in agreements], office_info(ws.config))
    removed = session.unpublish(sorted(cat.files))
    return {
        "office": ws.config.office.unit_code,
        "published": [a.id for a in agreements],
        "removed": removed,
        "skipped": cat.skipped(),
    }
