"""The tracker interface: what has happened since the agreements were written.

A tracker holds, per issuing office (its `unit_code`), a few tables of JSON records and,
per agreement, the append-only history of its deliverables. Two backends implement it:
`state.file` (tracker.json + tracker-history/, TinyDB, the default) and
`state.postgres` (a PostgreSQL database that many offices share).

Every use goes through a session: `tracker.read()` gives a consistent read-only view,
`tracker.write()` one transaction that is committed only if its block succeeds (a
failed command leaves the tracker exactly as it was). Records are plain dicts of JSON
values (dates as ISO text); each table has a key field that is unique within an office.
"""

from __future__ import annotations

import getpass
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, TypeVar

Record = dict[str, Any]
T = TypeVar("T")
_AGREEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# table -> the field that identifies a record within an office
TABLES: dict[str, str] = {
    "numbers": "number",  # the registry of official numbers (buku agenda)
    "letters": "number",  # letters issued, with the items they cover
    "certificates": "number",  # certificates issued, revoked
    "terminations": "id",  # termination events (and their corrections)
    "builds": "output",  # source hashes of each rendered draft
    "signatures": "agreement",  # the terms each agreement was signed with (agreement sign)
    "users": "name",  # web users: role and argon2id password hash (`docgen user`)
}
# The deliverable history: per agreement, events identified by their "id".
HISTORY_KEY = "id"


class Session(ABC):
    """One transaction's view of one office's tracker."""

    office: str
    shared: bool = False  # what it publishes is seen by other offices (the national view)

    def label_of(self, table: str, agreement_id: str | None = None) -> str:
        """How messages name where the records of `table` (or one agreement's history) live."""
        return "the tracker"

    @abstractmethod
    def rows(self, table: str) -> list[Record]:
        """Every record of `table`, in the order they were inserted (copies)."""

    def records(self, table: str) -> list[Record]:
        """`rows(table)`, each checked to be shaped as docgen writes it: a record a person
        broke is a TrackerError naming it (state/records.py), never a KeyError later."""
        from docgen.state.records import checked

        return checked(self, table, self.rows(table))

    def find(self, table: str, key: str) -> Record | None:
        field = TABLES[table]
        return next((r for r in self.rows(table) if r.get(field) == key), None)

    @abstractmethod
    def insert(self, table: str, records: Sequence[Record]) -> None:
        """Append records; a key already present is an error (TrackerError)."""

    @abstractmethod
    def update(self, table: str, key: str, changes: Record) -> Record:
        """Change fields of the record with that key; returns the record as changed."""

    @abstractmethod
    def put(self, table: str, records: Sequence[Record]) -> None:
        """Insert, or replace the records whose key is already present (build records)."""

    @abstractmethod
    def history_ids(self) -> list[str]:
        """The agreements that have a history, sorted."""

    @abstractmethod
    def history(self, agreement_id: str) -> list[Record]:
        """The events of one agreement in recording order (empty when it has none)."""

    def record(self, table: str, key: str) -> Record | None:
        """`find(table, key)`, checked as `records` checks a table's."""
        from docgen.state.records import checked

        found = self.find(table, key)
        return None if found is None else checked(self, table, [found])[0]

    def events(self, agreement_id: str) -> list[Record]:
        """`history(agreement_id)`, each event checked as `records` checks a table's."""
        from docgen.state.records import checked

        return checked(self, "history", self.history(agreement_id), agreement_id)

    def events_of(self, ids: Iterable[str]) -> dict[str, list[Record]]:
        """`histories(ids)`, each event checked as `records` checks a table's."""
        from docgen.state.records import checked

        return {aid: checked(self, "history", events, aid) for aid, events in self.histories(ids).items()}

    def histories(self, ids: Iterable[str] | None = None) -> dict[str, list[Record]]:
        """The events of several agreements (all of them when `ids` is None)."""
        known = self.history_ids()
        have = set(known)
        wanted = known if ids is None else [i for i in dict.fromkeys(ids) if i in have]
        return {aid: self.history(aid) for aid in wanted}

    @abstractmethod
    def append_history(self, agreement_id: str, events: Sequence[Record]) -> None:
        """Append events (each with a unique "id") to one agreement's history."""

    # The national view: what offices sharing a tracker publish of their agreements.
    # A tracker that is not shared (the file tracker) publishes nothing and has no view.
    def publish(self, agreements: Sequence[Record], office_info: Record | None = None) -> None:
        """Record this office's validated agreements (model dumps, by "id") and its
        identity (name, short name) for the national view."""
        return None

    def unpublish(self, keep: Sequence[str]) -> list[str]:
        """Withdraw this office's published agreements whose id is not in `keep`."""
        return []

    def all_offices(self) -> dict[str, dict[str, Any]]:
        """office -> {"info": {...}, "agreements_json": [JSON text of each published
        agreement], "histories": {...}, "terminations": [...]}: read-only, for every office
        sharing the tracker."""
        return {}


class Tracker(ABC):
    """A tracker backend, bound to one office (the workspace's `unit_code`)."""

    backend: str  # "file" or "postgresql"
    label: str  # how messages name it: "tracker.json", "postgresql://host:5432/docgen"
    shared: bool = False  # several offices can use it (the national view)

    @abstractmethod
    def read(self) -> AbstractContextManager[Session]:
        """A consistent read-only view; creates nothing."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Session]:
        """One transaction: committed if the block succeeds, else nothing changes."""

    def transaction(self, body: Callable[[Session], T]) -> T:
        """Run `body` in one write transaction and return what it returns.

        A backend may run `body` again when the database asks for a retry (PostgreSQL:
        serialization failure, deadlock), so `body` must start from what the session
        holds and undo its own side effects when it fails.
        """
        with self.write() as session:
            return body(session)

    @abstractmethod
    def init(self) -> dict[str, Any]:
        """Create or upgrade the schema; refuse one newer than this docgen."""

    @abstractmethod
    def log_verification(self, entry: Record) -> None:
        """Append one answer of the public verification page (time, number, outcome,
        client address) to the office's verification log: an append-only log kept apart
        from the tables, so that a busy public page never rewrites the tracker."""

    @abstractmethod
    def verification_log(self, limit: int) -> list[Record]:
        """The last `limit` entries of the verification log, newest first."""

    @abstractmethod
    def info(self) -> dict[str, Any]:
        """backend, where, schema version, counts per table."""

    def dump(self) -> dict[str, Any]:
        """This office's whole tracker as data: {"tables": {...}, "history": {...}}."""
        with self.read() as session:
            return {"tables": {t: session.rows(t) for t in TABLES}, "history": session.histories()}

    def load(self, data: dict[str, Any]) -> None:
        """Write a dump into this (empty) tracker, in one transaction."""
        with self.write() as session:
            if not is_empty(session):
                from docgen.errors import TrackerError

                raise TrackerError(f"{self.label}: not empty; docgen copies only into an empty tracker")
            for table in TABLES:
                records = data.get("tables", {}).get(table, [])
                if records:
                    session.insert(table, records)
            for agreement_id, events in sorted(data.get("history", {}).items()):
                if events:
                    session.append_history(agreement_id, events)


def valid_agreement_id(agreement_id: str) -> bool:
    """Agreement ids name history files: never a path."""
    return bool(_AGREEMENT_ID.match(agreement_id))


def is_empty(session: Session) -> bool:
    return not session.history_ids() and not any(session.rows(t) for t in TABLES)


def current_user() -> str:
    """Who records an event: the login name, "unknown" where there is none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (some containers, services)
        return "unknown"


def now_text() -> str:
    """When an event is recorded: local time with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
