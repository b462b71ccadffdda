"""The file tracker: TinyDB JSON files in the workspace, written atomically under an OS lock.

Layout (docs/tracker.md):
- tracker.json holds the small, often-read tables (registry, letters, certificates,
  build records, terminations) and a `_meta` record with the schema version;
- tracker-history/<agreement-id>.json holds one agreement's append-only deliverable
  history, so recording an update rewrites one agreement's events, not all of them.

`write()` takes `.docgen/lock` (an OS-level lock, released if the process dies), reads
the current files, lets the caller change them in memory and, only if the block
succeeds, replaces each changed file with a fully written and fsynced temporary file.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from docgen import __version__
from docgen.context import JSONObject
from docgen.domain.deliverable_state import next_event_id
from docgen.errors import DocgenError, TrackerError
from docgen.fsutil import atomic_write_bytes, stat_key
from docgen.i18n import _
from docgen.safepath import check_write, read_regular
from docgen.state.base import HISTORY_KEY, TABLES, Initialised, Record, Session, Tracker, TrackerInfo

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: reads take no lock
    fcntl = None  # type: ignore[assignment]

SCHEMA = 1
META = "_meta"
HISTORY_DIR = "tracker-history"
HISTORY_TABLE = "history"
TRACKER_FILE = "tracker.json"
VERIFICATION_LOG = "tracker-verifications.jsonl"  # one JSON line per public verification
LOCK_TIMEOUT = 60.0
_SHARD_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# (thread, lock path) of the write sessions open in this process: a read inside one
# takes no shared lock (it would wait for itself).
_WRITING: set[tuple[int, str]] = set()
# How many read sessions each (thread, lock path) holds: a write inside one would wait
# for its own shared lock (a bug, said at once rather than after LOCK_TIMEOUT).
_READING: dict[tuple[int, str], int] = {}


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads its file once and writes only on `commit()`, atomically."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self._data: JSONObject | None = None
        self.dirty = False

    def read(self) -> JSONObject:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: JSONObject) -> None:
        self._data = data
        self.dirty = True

    @property
    def pending(self) -> bool:
        return self.dirty and self._data is not None

    def check_writable(self, root: Path) -> None:
        """Refuse before anything is written: a link on the way, or a file whose own
        permissions say read-only (a rename needs only the folder's, and root ignores
        both: the file's mode bits are the owner's stated wish)."""
        try:
            check_write(root, self.path)
        except DocgenError as exc:
            raise TrackerError(_("{message}; nothing was recorded").format(message=exc.message)) from exc
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot write: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        if not mode & stat.S_IWUSR:
            raise TrackerError(
                _(
                    "{label}: is read-only; docgen will not replace it (make it writable to"
                    " record changes); nothing was recorded"
                ).format(label=self.label)
            )

    def commit(self) -> None:
        if not self.dirty or self._data is None:
            return
        data = dict(self._data)
        data[META] = {"1": {"schema": SCHEMA, "docgen": __version__}}
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            atomic_write_bytes(self.path, payload.encode("utf-8"))
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot write: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        self.dirty = False

    def _load(self) -> JSONObject:
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot read: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrackerError(
                _(
                    "{label}: corrupt tracker file ({exc}); docgen will not overwrite it: "
                    "restore it from a backup or move it away"
                ).format(label=self.label, exc=exc)
            ) from exc
        if not isinstance(data, dict) or not all(
            isinstance(t, dict)
            and all(isinstance(doc, dict) and str(key).isdigit() for key, doc in t.items())
            for t in data.values()
        ):
            raise TrackerError(
                _("{label}: not a docgen tracker file; docgen will not overwrite it").format(label=self.label)
            )
        meta: JSONObject = next(iter(data.get(META, {}).values()), {})
        schema = meta.get("schema", SCHEMA)
        if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
            raise TrackerError(
                _(
                    "{label}: written by a newer docgen (schema {schema}, this one reads "
                    "{schema2}); upgrade docgen, the file is left untouched"
                ).format(label=self.label, schema=schema, schema2=SCHEMA)
            )
        return data


def _with_id(doc: Document, field: str) -> Record:
    """A copy of a stored record; records of docgen 0.1 carry no "id": their TinyDB id."""
    record = dict(doc)
    if field == "id" and "id" not in record:
        record["id"] = str(doc.doc_id)
    return record


class FileSession(Session):
    """The tables of tracker.json and the history files, as read at the session's start."""

    def __init__(self, tracker: FileTracker, office: str) -> None:
        self._tracker = tracker
        self._dbs: dict[str, TinyDB] = {}
        self.office = office

    def _db(self, key: str, path: Path, label: str) -> TinyDB:
        if key not in self._dbs:
            db = TinyDB(path, label, storage=AtomicJSONStorage)
            db.storage.read()  # surface corruption now, not at the first query
            self._dbs[key] = db
        return self._dbs[key]

    def _table(self, name: str) -> Table:
        if name not in TABLES and name != META:
            raise TrackerError(_("unknown tracker table {name!r}").format(name=name))
        t = self._tracker
        return self._db("", t.path, t.path.name).table(name, cache_size=0)

    def _history(self, agreement_id: str) -> Table:
        if not _SHARD_ID.match(agreement_id):
            raise TrackerError(
                _("{agreement_id!r}: not a valid agreement id").format(agreement_id=agreement_id)
            )
        path = self._tracker.history_dir / f"{agreement_id}.json"
        db = self._db(agreement_id, path, f"{HISTORY_DIR}/{path.name}")
        return db.table(HISTORY_TABLE, cache_size=0)

    def label_of(self, table: str, agreement_id: str | None = None) -> str:
        if agreement_id is not None:
            return f"{HISTORY_DIR}/{agreement_id}.json"
        return self._tracker.label

    # -- tables
    def _raw_rows(self, table: str) -> list[Record]:
        field = TABLES[table]
        return [_with_id(doc, field) for doc in self._table(table).all()]

    def _raw_insert(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        field = TABLES[table]
        t = self._table(table)
        existing = self._raw_rows(table)
        taken = {r.get(field) for r in existing}
        docs = []
        next_id = next_event_id(r.get("id") for r in existing) if field == "id" else 0
        for record in records:
            record = dict(record)
            if field == "id" and not record.get("id"):
                record["id"] = str(next_id)
            if record.get(field) in taken:
                raise TrackerError(
                    _("{label}: {table}: {get!r} is already recorded").format(
                        label=self._tracker.label, table=table, get=record.get(field)
                    )
                )
            taken.add(record.get(field))
            docs.append(record)
            next_id += 1
        t.insert_multiple(docs)

    def _raw_update(self, table: str, key: str, changes: Mapping[str, object]) -> Record:
        field = TABLES[table]
        t = self._table(table)
        for doc in t.all():
            if _with_id(doc, field).get(field) == key:
                t.update(dict(changes), doc_ids=[doc.doc_id])
                return {**_with_id(doc, field), **changes}
        raise TrackerError(
            _("{label}: {table}: no record {key!r}").format(label=self._tracker.label, table=table, key=key)
        )

    def _raw_put(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        field = TABLES[table]
        t = self._table(table)
        keys = {r[field] for r in records}
        stale = [doc.doc_id for doc in t.all() if doc.get(field) in keys]
        if stale:
            t.remove(doc_ids=stale)
        t.insert_multiple([dict(r) for r in records])

    # -- history
    def history_ids(self) -> list[str]:
        folder = self._tracker.history_dir
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if _SHARD_ID.match(p.stem))

    def _raw_history(self, agreement_id: str) -> list[Record]:
        if (
            agreement_id not in self._dbs
            and not (self._tracker.history_dir / f"{agreement_id}.json").exists()
        ):
            if not _SHARD_ID.match(agreement_id):
                raise TrackerError(
                    _("{agreement_id!r}: not a valid agreement id").format(agreement_id=agreement_id)
                )
            return []
        return [_with_id(doc, HISTORY_KEY) for doc in self._history(agreement_id).all()]

    def _raw_append(self, agreement_id: str, events: Sequence[Mapping[str, Any]]) -> None:
        table = self._history(agreement_id)
        existing = self._raw_history(agreement_id)
        taken = {e["id"] for e in existing}
        next_id = next_event_id(e["id"] for e in existing)
        docs = []
        for event in events:
            event = dict(event)
            if not event.get("id"):
                event["id"] = str(next_id)
            if event["id"] in taken:
                raise TrackerError(
                    _("{label}: {agreement_id}: event {id!r} is already recorded").format(
                        label=self._tracker.label, agreement_id=agreement_id, id=event["id"]
                    )
                )
            taken.add(event["id"])
            docs.append(event)
            next_id += 1
        table.insert_multiple(docs)

    def _commit(self) -> None:
        # Every file checked before any is replaced: a refusal leaves all of them as they were.
        for key in sorted(self._dbs):
            storage = self._dbs[key].storage
            assert isinstance(storage, AtomicJSONStorage)
            if storage.pending:
                storage.check_writable(self._tracker.root)
        # tracker.json first: it holds the registry, the record that must never go back.
        for key in sorted(self._dbs):
            storage = self._dbs[key].storage
            assert isinstance(storage, AtomicJSONStorage)
            storage.commit()


class FileTracker(Tracker):
    backend = "file"

    def __init__(self, root: Path, office: str = "", *, path: Path | None = None) -> None:
        """The tracker of the workspace `root`, or (with `path`) the tracker file `path`
        with its tracker-history/ beside it."""
        self.root = path.parent if path is not None else root
        self.office = office
        self.path = path if path is not None else root / TRACKER_FILE
        self.history_dir = self.root / HISTORY_DIR
        self.lock_path = self.root / ".docgen" / "lock"
        self.label = TRACKER_FILE if path is None else str(path)

    @contextmanager
    def read(self) -> Iterator[FileSession]:
        """A snapshot: the files are read lazily, so the session holds `.docgen/lock`
        shared (readers together, never while a writer commits); creates nothing."""
        with self._shared_lock():
            yield FileSession(self, self.office)

    @contextmanager
    def _shared_lock(self) -> Iterator[None]:
        """`.docgen/lock` held shared (flock), where it exists and is not reached through
        a link; on Windows, or before any writer made the lock, a read takes none."""
        key = (threading.get_ident(), str(self.lock_path))
        fd = None
        if fcntl is not None and key not in _WRITING:  # a read inside this thread's write
            try:
                if stat.S_ISDIR(os.lstat(self.lock_path.parent).st_mode):
                    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
                    fd = os.open(self.lock_path, flags)
            except OSError:
                fd = None  # no lock yet, or a link: never followed
        if fd is None:
            yield
            return
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TrackerError(
                            _("another docgen has held .docgen/lock for {seconds} s; try again").format(
                                seconds=f"{LOCK_TIMEOUT:.0f}"
                            )
                        ) from None
                    time.sleep(0.02)
            _READING[key] = _READING.get(key, 0) + 1
            try:
                yield
            finally:
                _READING[key] -= 1
                if not _READING[key]:
                    del _READING[key]
        finally:
            os.close(fd)  # releases the lock

    @contextmanager
    def write(self) -> Iterator[FileSession]:
        key = (threading.get_ident(), str(self.lock_path))
        if key in _READING:
            raise RuntimeError("a tracker write opened inside a read session of the same thread")
        lock = self._lock()
        _WRITING.add(key)
        try:
            session = FileSession(self, self.office)
            # tracker.json carries the schema of the whole tracker: a newer or corrupt one
            # stops every write, even one that touches only a history file.
            session._table(META)
            self._remove_stale_temp_files()
            yield session
            session._commit()
        finally:
            _WRITING.discard(key)
            lock.release()

    def _lock(self) -> Any:
        """`.docgen/lock`, held: never through a link, every failure one line naming it."""
        from filelock import FileLock, Timeout  # only writers lock

        try:
            check_write(self.root, self.lock_path)
            check_write(self.root, self.history_dir, folder=True)
        except DocgenError as exc:
            raise TrackerError(_("{message}; nothing was recorded").format(message=exc.message)) from exc
        AtomicJSONStorage(self.path, self.label).check_writable(self.root)
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
            lock.acquire()
        except Timeout as exc:
            raise TrackerError(
                _("another docgen has held .docgen/lock for {lock_timeout:.0f} s; try again").format(
                    lock_timeout=LOCK_TIMEOUT
                )
            ) from exc
        except OSError as exc:
            raise TrackerError(
                _(".docgen/lock: cannot take the tracker's lock: {reason}; nothing was recorded").format(
                    reason=exc.strerror or exc
                )
            ) from exc
        return lock

    def init(self) -> Initialised:
        existed = self.path.exists()
        with self.write() as session:
            meta = session._table(META)
            if not meta.all():
                meta.insert({"schema": SCHEMA, "docgen": __version__})
        return {"backend": self.backend, "where": str(self.path), "schema": SCHEMA, "created": not existed}

    def info(self) -> TrackerInfo:
        with self.read() as session:
            counts = {t: len(session._raw_rows(t)) for t in TABLES}
            ids = session.history_ids()
            counts["history"] = sum(len(session._raw_history(a)) for a in ids)
            meta = session._table(META).all()
        schema = meta[0].get("schema", SCHEMA) if meta else (SCHEMA if self.path.exists() else None)
        return {
            "backend": self.backend,
            "where": str(self.path),
            "schema": schema,
            "docgen_schema": SCHEMA,
            "counts": counts,
            "agreements_with_history": len(ids),
        }

    def snapshot_key(self, *, history: bool = True) -> object | None:
        # Every write replaces a file (a new inode) or creates one: the stats of tracker.json
        # and of the history files say whether anything changed since.
        paths = [self.path]
        if history and self.history_dir.is_dir():
            paths += sorted(self.history_dir.glob("*.json"))
        return stat_key(paths)

    def log_verification(self, entry: Record) -> None:
        # One write of one line to a file opened for appending: no lock and no rewrite of
        # tracker.json, so the public page stays fast; lines of concurrent writers never mix.
        path = self.root / VERIFICATION_LOG
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            check_write(self.root, path)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except (OSError, DocgenError) as exc:
            reason = exc.message if isinstance(exc, DocgenError) else exc.strerror or str(exc)
            raise TrackerError(
                _("{verification_log}: cannot record the verification: {reason}").format(
                    verification_log=VERIFICATION_LOG, reason=reason
                )
            ) from exc

    def verification_log(self, limit: int) -> list[Record]:
        try:
            raw = read_regular(self.root / VERIFICATION_LOG)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise TrackerError(
                _("{verification_log}: cannot read: {reason}").format(
                    verification_log=VERIFICATION_LOG, reason=exc.strerror or exc
                )
            ) from exc
        entries: list[Record] = []
        for line in reversed(raw.decode("utf-8", "replace").splitlines()):
            if len(entries) >= limit:
                break
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash: the others still count
            if isinstance(entry, dict):
                entries.append(entry)
        return entries

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of writers killed mid-write (safe: every writer holds the lock)."""
        stale = [*self.root.glob(f".{self.path.name}.*.tmp")]
        if self.history_dir.is_dir():
            stale += self.history_dir.glob(".*.json.*.tmp")
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass
