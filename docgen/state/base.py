"""The tracker interface: what has happened since the agreements were written.

A tracker holds, per issuing office (its `unit_code`), a few tables of JSON records and,
per agreement, the append-only history of its deliverables. Two backends implement it:
`state.file` (tracker.json + tracker-history/, TinyDB, the default) and
`state.postgres` (a PostgreSQL database that many offices share).

Every use goes through a session: `tracker.read()` gives a consistent read-only view,
`tracker.write()` one transaction that is committed only if its block succeeds (a
failed command leaves the tracker exactly as it was). Records are JSON objects (dates as
ISO text), one TypedDict per kind (state/records.py); each table has a key field that is
unique within an office.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, NotRequired, TypedDict, TypeGuard, TypeVar

from docgen.context import JSONObject
from docgen.i18n import _
from docgen.records import (
    ALL,
    HISTORY,
    KEYS,
    NUMBERS,
    Event,
    KeyRecord,
    NumberRecord,
    OfficeInfo,
    R,
    Table,
    VerificationEntry,
)
from docgen.state.records import checked

# A record as a backend stores it: a JSON object, its shape checked when it is read.
Record = JSONObject
T = TypeVar("T")
_AGREEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# table name -> the field that identifies a record within an office (state/records.py)
TABLES: dict[str, str] = {table.name: table.key for table in ALL}
# The deliverable history: per agreement, events identified by their "id".
HISTORY_KEY = HISTORY.key


class Initialised(TypedDict):
    """`tracker init`: the backend, where, the schema version, whether it was created."""

    backend: str
    where: str
    schema: int
    created: bool
    upgraded_from: NotRequired[int | None]


class TrackerInfo(TypedDict):
    """`tracker info`: the backend, where, schema versions, records per table."""

    backend: str
    where: str
    schema: int | None
    docgen_schema: int
    counts: dict[str, int]
    agreements_with_history: int
    office: NotRequired[str]
    published: NotRequired[int]
    offices: NotRequired[list[str]]


class Granted(TypedDict):
    """`tracker grant | revoke`: an office's database role, and the offices it may write."""

    where: str
    office: str
    role: str
    offices: list[str]
    new: NotRequired[bool]


class OfficeData(TypedDict):
    """What the national view reads of one office: its published identity and agreements
    (JSON text, for pydantic's own parser), their histories and its terminations, as
    stored (the use case checks them before it uses them)."""

    info: JSONObject
    agreements_json: list[str]
    histories: dict[str, list[Record]]
    terminations: list[Record]


class Dump(TypedDict):
    """A whole tracker of one office as data (`tracker copy`)."""

    tables: dict[str, list[Record]]
    history: dict[str, list[Record]]


def highest_own(
    records: Iterable[Record], kind: str, year: int | None, best: Record | None = None
) -> Record | None:
    """Of `records` (and `best`), the own register's (no `register`) number record of
    `kind` with the highest `seq` in `year` (None: in any year)."""
    for r in records:
        seq = r.get("seq")
        if r.get("kind") != kind or r.get("register") is not None or not isinstance(seq, int):
            continue
        if (year is None or r.get("year") == year) and (best is None or seq > best["seq"]):
            best = r
    return best


class Session(ABC):
    """One transaction's view of one office's tracker.

    Readers get records checked and typed (`records(LETTERS)` is a `list[LetterRecord]`;
    a record a person broke is a TrackerError naming it, never a KeyError later); writers
    give records of the table's type. The backends implement the `_raw_*` methods, which
    see plain JSON objects by table name: only state/ uses them (copying a tracker,
    counting its records).
    """

    office: str
    shared: bool = False  # what it publishes is seen by other offices (the national view)

    def label_of(self, table: str, agreement_id: str | None = None) -> str:
        """How messages name where the records of `table` (or one agreement's history) live."""
        return "the tracker"

    # -- what readers and writers use
    def records(self, table: Table[R]) -> list[R]:
        """Every record of `table`, in the order they were inserted (copies), checked."""
        return checked(self.label_of(table.name), table, self._raw_rows(table.name))

    def record(self, table: Table[R], key: str) -> R | None:
        """The record of `table` with that key, checked; None when there is none."""
        found = self._raw_find(table.name, key)
        return None if found is None else checked(self.label_of(table.name), table, [found])[0]

    def insert(self, table: Table[R], records: Sequence[R]) -> None:
        """Append records; a key already present is an error (TrackerError)."""
        self._raw_insert(table.name, records)

    def update(self, table: Table[R], key: str, changes: Mapping[str, object]) -> R:
        """Change fields of the record with that key; returns the record as changed. A
        field its TypedDict does not declare is a bug (a key typo), refused before anything
        is written: `changes` is a partial record, which mypy cannot check."""
        unknown = sorted(set(changes) - table.fields)
        if unknown:
            raise ValueError(f"{table.name}: {table.record.__name__} has no field {', '.join(unknown)}")
        return checked(self.label_of(table.name), table, [self._raw_update(table.name, key, changes)])[0]

    def put(self, table: Table[R], records: Sequence[R]) -> None:
        """Insert, or replace the records whose key is already present (build records)."""
        self._raw_put(table.name, records)

    def events(self, agreement_id: str) -> list[Event]:
        """The events of one agreement in recording order (empty when it has none), checked."""
        return checked(self.label_of("history", agreement_id), HISTORY, self._raw_history(agreement_id))

    def events_of(self, ids: Iterable[str]) -> dict[str, list[Event]]:
        """The events of several agreements (those that have a history), checked."""
        return {
            aid: checked(self.label_of("history", aid), HISTORY, events)
            for aid, events in self._raw_histories(ids).items()
        }

    def append_history(self, agreement_id: str, events: Sequence[Event]) -> None:
        """Append events (each given a unique "id" when it has none) to one agreement's history."""
        self._raw_append(agreement_id, events)

    @abstractmethod
    def history_ids(self) -> list[str]:
        """The agreements that have a history, sorted."""

    # -- what backends implement (plain JSON objects, by table name)
    @abstractmethod
    def _raw_rows(self, table: str) -> list[Record]:
        """Every record of `table`, in the order they were inserted (copies), unchecked."""

    def _raw_find(self, table: str, key: str) -> Record | None:
        field = TABLES[table]
        return next((r for r in self._raw_rows(table) if r.get(field) == key), None)

    @abstractmethod
    def _raw_insert(self, table: str, records: Sequence[Mapping[str, Any]]) -> None: ...

    @abstractmethod
    def _raw_update(self, table: str, key: str, changes: Mapping[str, object]) -> Record: ...

    @abstractmethod
    def _raw_put(self, table: str, records: Sequence[Mapping[str, Any]]) -> None: ...

    @abstractmethod
    def _raw_delete(self, table: str, key: str) -> None:
        """Remove the record with that key (a closed journal entry); none: nothing."""

    def last_number(self, kind: str, year: int | None) -> NumberRecord | None:
        """The registry record of the workspace's own register (no `register`) of `kind`
        with the highest `seq` in `year` (None: in any year), checked."""
        found = self._raw_last_number(kind, year)
        return None if found is None else checked(self.label_of(NUMBERS.name), NUMBERS, [found])[0]

    def _raw_last_number(self, kind: str, year: int | None) -> Record | None:
        """`last_number`, unchecked; backends answer it from an index, without reading the
        registry."""
        return highest_own(self._raw_rows(NUMBERS.name), kind, year)

    @abstractmethod
    def _raw_history(self, agreement_id: str) -> list[Record]:
        """The events of one agreement in recording order (empty when it has none), unchecked."""

    def _raw_histories(self, ids: Iterable[str] | None = None) -> dict[str, list[Record]]:
        """The events of several agreements (all of them when `ids` is None), unchecked."""
        known = self.history_ids()
        have = set(known)
        wanted = known if ids is None else [i for i in dict.fromkeys(ids) if i in have]
        return {aid: self._raw_history(aid) for aid in wanted}

    @abstractmethod
    def _raw_append(self, agreement_id: str, events: Sequence[Mapping[str, Any]]) -> None: ...

    def public_keys(self) -> list[KeyRecord]:
        """The certificate-signing public keys this tracker holds: on a shared tracker those
        of every office (whoever verifies a piagam needs only them), else this office's."""
        return self.records(KEYS)

    # The national view: what offices sharing a tracker publish of their agreements.
    # A tracker that is not shared (the file tracker) publishes nothing and has no view.
    def publish(self, agreements: Sequence[Record], office_info: OfficeInfo | None = None) -> None:
        """Record this office's validated agreements (model dumps, by "id") and its
        identity (name, short name) for the national view."""
        return None

    def unpublish(self, keep: Sequence[str]) -> list[str]:
        """Withdraw this office's published agreements whose id is not in `keep`."""
        return []

    def all_offices(self) -> dict[str, OfficeData]:
        """office -> {"info": {...}, "agreements_json": [JSON text of each published
        agreement], "histories": {...}, "terminations": [...]}: read-only, for every office
        sharing the tracker."""
        return {}


class Tracker(ABC):
    """A tracker backend, bound to one office (the workspace's `unit_code`)."""

    backend: str  # "file" or "postgresql"
    label: str  # how messages name it: "tracker.json", "postgresql://host:5432/docgen"
    shared: bool = False  # several offices can use it (the national view)
    # The workspace whose interrupted work (state/journal.py) a writer finishes first;
    # None for a tracker named on the command line (`tracker copy`).
    workspace: Path | None = None

    def finish_interrupted(self, session: Session) -> bool:
        """Put in place the files of commands of this workspace that died after committing
        their numbers (one line each); whether there were any."""
        if self.workspace is None:
            return False
        from docgen.state import journal

        lines = journal.recover(session, self.workspace)
        for line in lines:
            journal.notice(line)
        return bool(lines)

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
    def init(self) -> Initialised:
        """Create or upgrade the schema; refuse one newer than this docgen."""

    def snapshot_key(self, *, history: bool = True) -> object | None:
        """A value that changes whenever this office's records change (with `history`, its
        deliverable histories too): a long-running reader (`docgen serve`) may keep what it
        computed from the tracker while the key stays the same. None: no such value (the
        database answers each read; nothing is kept)."""
        return None

    @abstractmethod
    def log_verification(self, entry: VerificationEntry) -> None:
        """Append one answer of the public verification page (time, number, outcome,
        client address) to the office's verification log: an append-only log kept apart
        from the tables, so that a busy public page never rewrites the tracker."""

    @abstractmethod
    def verification_log(self, limit: int) -> list[VerificationEntry]:
        """The last `limit` entries of the verification log, newest first (an entry
        not shaped as docgen writes it is left out, as a line cut by a crash is)."""

    @abstractmethod
    def info(self) -> TrackerInfo:
        """backend, where, schema version, counts per table."""

    def dump(self) -> Dump:
        """This office's whole tracker as data: {"tables": {...}, "history": {...}}."""
        with self.read() as session:
            return {
                "tables": {t: session._raw_rows(t) for t in TABLES},
                "history": session._raw_histories(),
            }

    def load(self, data: Dump) -> None:
        """Write a dump into this (empty) tracker, in one transaction."""
        with self.write() as session:
            if not is_empty(session):
                from docgen.errors import TrackerError

                raise TrackerError(
                    _("{label}: not empty; docgen copies only into an empty tracker").format(label=self.label)
                )
            for table in TABLES:
                records = data.get("tables", {}).get(table, [])
                if records:
                    session._raw_insert(table, records)
            for agreement_id, events in sorted(data.get("history", {}).items()):
                if events:
                    session._raw_append(agreement_id, events)


def is_log_entry(entry: object) -> TypeGuard[VerificationEntry]:
    """Whether `entry`, read from a verification log, is shaped as docgen writes one."""
    return isinstance(entry, dict) and all(
        isinstance(entry.get(name), str) for name in VerificationEntry.__required_keys__
    )


def valid_agreement_id(agreement_id: str) -> bool:
    """Agreement ids name history files: never a path."""
    return bool(_AGREEMENT_ID.match(agreement_id))


def is_empty(session: Session) -> bool:
    return not session.history_ids() and not any(session._raw_rows(t) for t in TABLES)


def current_user() -> str:
    """Who records an event: the login name, "unknown" where there is none."""
    import getpass  # here: only writers ask (getpass imports termios: start-up time)

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (some containers, services)
        return "unknown"


def now_text() -> str:
    """When an event is recorded: local time with its offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
