"""The file tracker: TinyDB JSON files in the workspace, written atomically under an OS lock.

Layout (docs/tracker.md):
- tracker.json holds the small, often-read tables (every table of records.ALL but the
  registry) and a `_meta` record with the schema version;
- tracker-numbers/ holds the registry (table "numbers", NumberStore): 256 files chosen by
  a hash of the number, and index.json;
- tracker-history/<agreement-id>.json holds one agreement's append-only deliverable
  history, so recording an update rewrites one agreement's events, not all of them.

`write()` takes `.docgen/lock` (an OS-level lock, released if the process dies), reads
the current files, lets the caller change them in memory and, only if the block
succeeds, replaces each changed file with a fully written and fsynced temporary file.
"""

from __future__ import annotations

import hashlib
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
from docgen.fsutil import atomic_write_bytes, fsync_all, fsync_dir, stat_key
from docgen.i18n import _
from docgen.records import VerificationEntry
from docgen.safepath import check_write, read_regular
from docgen.state.base import (
    HISTORY_KEY,
    TABLES,
    Initialised,
    Record,
    Session,
    Tracker,
    TrackerInfo,
    highest_own,
    is_log_entry,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: reads take no lock
    fcntl = None  # type: ignore[assignment]

SCHEMA = 2  # 2: the registry in tracker-numbers/ (1: in tracker.json, moved at the first write)
META = "_meta"
NUMBERS = "numbers"
NUMBERS_DIR = "tracker-numbers"
NUMBERS_INDEX = "index.json"
COMMIT = "commit"  # index.json's record of the last commit of tracker-numbers/ (NumberStore.commit)
SIZES = "sizes"  # index.json: each registry file's size as the commits wrote it (NumberStore._stale)
_SHARD_FILE = re.compile(r"^[0-9a-f]{2}\.json$")
_TOKEN = re.compile(r"^[0-9a-f]{12}$")
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
        self._bytes: bytes | None = None  # `payload()` of the data as last written
        self.dirty = False

    def read(self) -> JSONObject:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: JSONObject) -> None:
        self._data = data
        self._bytes = None
        self.dirty = True

    def payload_bytes(self) -> bytes:
        """`payload()`, made once per write (the registry's commit measures it first)."""
        if self._bytes is None:
            self._bytes = self.payload()
        return self._bytes

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

    def payload(self) -> bytes:
        data = dict(self._data or {})
        data[META] = {"1": {"schema": SCHEMA, "docgen": __version__}}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def commit(self) -> None:
        if not self.dirty or self._data is None:
            return
        try:
            atomic_write_bytes(self.path, self.payload())
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot write: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        self.dirty = False

    def write_temp(self, token: str) -> Path:
        """The new content, whole, in a temporary file beside the file (one step of a
        commit that replaces several files: FileSession._commit, which fsyncs them)."""
        tmp = temporary_path(self.path, token)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(self.payload_bytes())
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise TrackerError(
                _("{label}: cannot write: {reason}").format(label=self.label, reason=exc.strerror)
            ) from exc
        return tmp

    def _read_json(self) -> Any:
        """The file's JSON ({} when it is missing or blank); unreadable or not JSON is a
        TrackerError naming it."""
        try:
            raw = read_regular(self.path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot read: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        try:
            return json.loads(raw) if raw.strip() else {}
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrackerError(
                _(
                    "{label}: corrupt tracker file ({exc}); docgen will not overwrite it: "
                    "restore it from a backup or move it away"
                ).format(label=self.label, exc=exc)
            ) from exc

    def _load(self) -> JSONObject:
        data = self._read_json()
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


def temporary_path(path: Path, token: str) -> Path:
    """`.NAME.<token>.tmp` beside `path`: a file of a commit in progress."""
    return path.with_name(f".{path.name}.{token}.tmp")


def _with_id(doc: Document, field: str) -> Record:
    """A copy of a stored record; records of docgen 0.1 carry no "id": their TinyDB id."""
    record = dict(doc)
    if field == "id" and "id" not in record:
        record["id"] = str(doc.doc_id)
    return record


class PlainJSONStorage(AtomicJSONStorage):
    """One JSON object in a file of tracker-numbers/ (not TinyDB's layout), written as
    tracker.json is: atomically, at the commit."""

    def payload(self) -> bytes:
        return json.dumps(self._data or {}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _load(self) -> JSONObject:
        data = self._read_json()
        if not isinstance(data, dict) or not all(isinstance(v, dict | int) for v in data.values()):
            raise TrackerError(
                _("{label}: not a docgen tracker file; docgen will not overwrite it").format(label=self.label)
            )
        return data


class NumberStore:
    """The registry (table "numbers") in `tracker-numbers/`: records in 256 files chosen by
    a hash of the number, and `index.json` holding, per kind and year, the own register's
    number with the highest sequence. Allocating reads and rewrites the index and one
    small file, never the whole registry; listing reads them all."""

    def __init__(self, tracker: FileTracker) -> None:
        self.tracker = tracker
        self.dir = tracker.root / NUMBERS_DIR
        self._shards: dict[str, AtomicJSONStorage] = {}
        self._index: AtomicJSONStorage | None = None

    @staticmethod
    def shard_of(number: str) -> str:
        return hashlib.sha256(number.encode("utf-8")).hexdigest()[:2]

    def _storage(self, name: str) -> AtomicJSONStorage:
        storage = PlainJSONStorage(self.dir / name, f"{NUMBERS_DIR}/{name}")
        storage.read()
        return storage

    def index(self) -> JSONObject:
        if self._index is None:
            self._index = self._storage(NUMBERS_INDEX)
            index = self._index.read()
            if (not index and self._shard_keys()) or self._stale(index):
                # index.json lost (deleted, not copied), or older than the registry files
                # beside it (restored alone from a backup, synced on its own): made again
                # from the registry files, never trusted, which would give numbers again
                self._index.write(self._rebuilt_index(index))
        return self._index.read()

    def _stale(self, index: JSONObject) -> bool:
        """Whether a registry file is not as the index's last commit wrote it (its size)."""
        sizes = index.get(SIZES)
        return isinstance(sizes, dict) and sizes != self._sizes()

    def _sizes(self) -> dict[str, int]:
        """The registry files on disk ("xx.json") and their sizes: one listing of the folder
        and a stat of each (no file is read)."""
        found: dict[str, int] = {}
        try:
            with os.scandir(self.dir) as entries:
                for entry in entries:
                    name = entry.name
                    if _SHARD_FILE.match(name):
                        try:
                            found[name] = entry.stat(follow_symlinks=False).st_size
                        except FileNotFoundError:
                            continue
        except FileNotFoundError:
            pass
        return found

    def note_sizes(self) -> None:
        """Record in the index the size each registry file this commit writes will have,
        so that an index that is not the registry's own (`_stale`) is found."""
        shards = [s for s in self._shards.values() if s.pending]
        if not shards:
            return
        index = self.index()
        sizes = index.get(SIZES)
        known = sizes if isinstance(sizes, dict) else self._sizes()  # an index of before sizes
        index[SIZES] = {**known, **{s.path.name: len(s.payload_bytes()) for s in shards}}
        assert self._index is not None
        self._index.write(index)

    def _rebuilt_index(self, index: JSONObject) -> JSONObject:
        """The index made from the registry files, never below what `index` says: a last
        number the files lack (a record a crash, or an older docgen, lost) is still given."""
        records = [r for key in self._shard_keys() for r in self._records(key).values()]
        last: JSONObject = {}
        for record in sorted(records, key=lambda r: r.get("_pos", 0)):
            _note_last(last, record)
        held = index.get("last")
        for name, entry in held.items() if isinstance(held, dict) else ():
            mine = last.get(name)
            if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
                if not isinstance(mine, dict) or mine.get("seq", 0) < entry["seq"]:
                    last[name] = entry
        held_pos = index.get("pos")
        pos = max([int(r.get("_pos", 0)) for r in records] + [held_pos if isinstance(held_pos, int) else 0])
        return {"last": last, "pos": pos, SIZES: self._sizes()}

    def _shard_keys(self) -> list[str]:
        return sorted(name[:2] for name in self._sizes())

    def shard(self, key: str) -> JSONObject:
        if key not in self._shards:
            self._shards[key] = self._storage(f"{key}.json")
        return self._shards[key].read()

    def _records(self, key: str) -> dict[str, Record]:
        records: dict[str, Record] = self.shard(key).setdefault(NUMBERS, {})
        return records

    def find(self, number: str) -> Record | None:
        found = self._records(self.shard_of(number)).get(number)
        return None if found is None else _public(found)

    def rows(self) -> list[Record]:
        found = [r for key in self._shard_keys() for r in self._records(key).values()]
        return [_public(r) for r in sorted(found, key=lambda r: r.get("_pos", 0))]

    def last(self, kind: str, year: int | None) -> Record | None:
        name = f"{kind}|{'*' if year is None else year}"
        entry = self.index().get("last", {}).get(name)
        if entry is None:
            return None
        if not isinstance(entry, dict):
            raise TrackerError(
                _(
                    "{label}: last: {name!r} is not a record of the registry; restore the file "
                    "from a backup, or remove it: docgen makes it again from the registry"
                ).format(label=f"{NUMBERS_DIR}/{NUMBERS_INDEX}", name=name)
            )
        # the index keeps what allocating needs (number, seq, year, on) under "kind|year"
        return {**entry, "kind": kind}

    def insert(self, records: Sequence[Mapping[str, Any]]) -> None:
        index = self.index()
        pos = int(index.get("pos", 0))
        last = index.setdefault("last", {})
        for record in records:
            number = record.get("number")
            if not isinstance(number, str):
                raise TrackerError(
                    _("{label}: numbers: a record without a text 'number'").format(label=self.tracker.label)
                )
            key = self.shard_of(number)
            shard = self._records(key)
            if number in shard:
                raise TrackerError(
                    _("{label}: numbers: {number!r} is already recorded").format(
                        label=self.tracker.label, number=number
                    )
                )
            pos += 1
            shard[number] = {**record, "_pos": pos}
            self._shards[key].write(self.shard(key))
            _note_last(last, record)
        index["pos"] = pos
        assert self._index is not None
        self._index.write(index)

    def update(self, number: str, changes: Mapping[str, object]) -> Record | None:
        key = self.shard_of(number)
        shard = self._records(key)
        if number not in shard:
            return None
        shard[number] = {**shard[number], **changes}
        self._shards[key].write(self.shard(key))
        return _public(shard[number])

    def storages(self) -> list[AtomicJSONStorage]:
        return [s for s in [self._index, *self._shards.values()] if s is not None]

    def forget_commit(self) -> None:
        """Drop the last commit's record from the index (the index is rewritten by a commit
        that has a record of its own: FileSession._commit)."""
        if self._index is not None and self._index.pending:
            self.index().pop(COMMIT, None)

    def commit(self) -> None:
        """Commit the changed files of tracker-numbers/ with index.json as the commit record
        (docs/tracker.md): each changed registry file is written whole beside itself, the
        new index names them (`commit`: a token and the file names), all of them and the
        folder are fsynced together, then the index is renamed into place and the folder
        fsynced (the moment of the commit), then the registry files are renamed. A kill
        before the index's rename leaves the old index and temporary files that the next
        writer removes; after it, the next reader or writer renames what the index names
        and is still beside its file (`FileTracker.redo_numbers`). The renames are made
        durable by the folder's fsync of the next commit (before its index replaces this
        one), or by that redo."""
        shards = [s for s in self._shards.values() if s.pending]
        index = self.index()  # read before it is written: the commit record goes in it
        assert self._index is not None
        token = os.urandom(6).hex()
        index[COMMIT] = {"token": token, "files": [s.path.name for s in shards]}
        self._index.write(index)
        written: list[Path] = []
        try:
            for storage in [*shards, self._index]:
                written.append(storage.write_temp(token))
            # The folder too: the temporary files' names, and the previous commit's renames,
            # are durable before the index that names them (or forgets them) replaces it.
            fsync_all(written, [self.dir])
            os.replace(written[-1], self._index.path)
        except BaseException:
            for tmp in written:
                tmp.unlink(missing_ok=True)
            raise
        try:
            fsync_dir(self.dir)  # committed
            for storage, tmp in zip(shards, written, strict=False):
                os.replace(tmp, storage.path)
        except OSError as exc:
            raise TrackerError(
                _("{label}: cannot write: {reason}").format(label=NUMBERS_DIR, reason=exc.strerror or exc)
            ) from exc
        for storage in [*shards, self._index]:
            storage.dirty = False


def _note_last(last: JSONObject, record: Mapping[str, Any]) -> None:
    """Keep in the index's `last` a registry record of the own register (no `register`)
    if its sequence is the highest of its kind in its year and in all years."""
    seq = record.get("seq")
    if record.get("register") is not None or not isinstance(seq, int) or isinstance(seq, bool):
        return
    for which in (str(record.get("year")), "*"):
        name = f"{record.get('kind')}|{which}"
        held = last.get(name)
        if not isinstance(held, dict) or held.get("seq", 0) < seq:
            last[name] = {"number": record.get("number"), "seq": seq, "on": record.get("on")}
            last[name]["year"] = record.get("year")


def _public(record: Record) -> Record:
    return {k: v for k, v in record.items() if k != "_pos"}


class FileSession(Session):
    """The tables of tracker.json and the history files, as read at the session's start."""

    def __init__(self, tracker: FileTracker, office: str) -> None:
        self._tracker = tracker
        self._dbs: dict[str, TinyDB] = {}
        self._numbers = NumberStore(tracker)
        self.office = office

    # -- the registry: tracker-numbers/ (and, until the first write moves them, the
    # numbers a schema-1 tracker.json holds)
    def _legacy(self) -> list[Record]:
        return [dict(doc) for doc in self._table(NUMBERS).all()]

    def move_legacy_numbers(self) -> None:
        """Schema 1 kept the registry in tracker.json: move it to tracker-numbers/."""
        legacy = self._legacy()
        if legacy:
            from docgen.records import NUMBERS as NUMBER_RECORDS
            from docgen.state.records import checked  # a broken record stops the move

            self._numbers.insert(checked(self.label_of(NUMBERS), NUMBER_RECORDS, legacy))
            self._db("", self._tracker.path, self._tracker.path.name).drop_table(NUMBERS)

    def _raw_last_number(self, kind: str, year: int | None) -> Record | None:
        return highest_own(self._legacy(), kind, year, self._numbers.last(kind, year))

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
        if table == NUMBERS and not self._legacy():
            return f"{NUMBERS_DIR}/"  # the registry's files (index.json, ??.json)
        return self._tracker.label

    # -- tables
    def _raw_rows(self, table: str) -> list[Record]:
        field = TABLES[table]
        found = [_with_id(doc, field) for doc in self._table(table).all()]
        return found + self._numbers.rows() if table == NUMBERS else found

    def _raw_find(self, table: str, key: str) -> Record | None:
        if table == NUMBERS:
            found = self._numbers.find(key)
            if found is not None:
                return found
        return super()._raw_find(table, key) if table != NUMBERS or self._legacy() else None

    def _raw_insert(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        if table == NUMBERS:
            legacy = {r.get("number") for r in self._legacy()}
            for record in records:
                if record.get("number") in legacy:
                    raise TrackerError(
                        _("{label}: {table}: {get!r} is already recorded").format(
                            label=self._tracker.label, table=table, get=record.get("number")
                        )
                    )
            self._numbers.insert(records)
            return
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
        if table == NUMBERS:
            changed = self._numbers.update(key, changes)
            if changed is not None:
                return changed
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

    def _raw_delete(self, table: str, key: str) -> None:
        field = TABLES[table]
        t = self._table(table)
        gone = [doc.doc_id for doc in t.all() if _with_id(doc, field).get(field) == key]
        if gone:
            t.remove(doc_ids=gone)

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
        self._numbers.note_sizes()
        numbers = [store for store in self._numbers.storages() if store.pending]
        if numbers:
            # tracker.json's _meta says where the registry is: an older docgen refuses.
            meta = self._table(META).all()
            if not meta or meta[0].get("schema") != SCHEMA:
                self._table(META).truncate()
                self._table(META).insert({"schema": SCHEMA, "docgen": __version__})
        others = [
            storage
            for key in sorted(self._dbs)
            if isinstance(storage := self._dbs[key].storage, AtomicJSONStorage) and storage.pending
        ]
        if numbers and not others:
            # Only tracker-numbers/: index.json is the commit record (NumberStore.commit).
            self._numbers.index()
            for store in self._numbers.storages():
                if store.pending or store.path.name == NUMBERS_INDEX:
                    store.check_writable(self._tracker.root)
            self._numbers.commit()
            return
        for store in [*numbers, *others]:
            store.check_writable(self._tracker.root)
        pending = [*numbers, *others]
        if len(pending) == 1:  # one file (tracker.json, a history file): replaced atomically
            pending[0].commit()
            return
        if not pending:
            return
        # Several folders: each file written whole beside itself, then a commit record naming
        # them all (the moment the transaction is committed), then the renames; a writer
        # killed among them is finished by the next reader or writer (`redo_commit`).
        self._numbers.forget_commit()
        token = os.urandom(6).hex()
        root = self._tracker.root
        commit = self._tracker.commit_path
        record_tmp = temporary_path(commit, token)
        moves: list[tuple[Path, Path]] = []
        try:
            for storage in pending:
                moves.append((storage.write_temp(token), storage.path))
            record = [
                [tmp.relative_to(root).as_posix(), dst.relative_to(root).as_posix()] for tmp, dst in moves
            ]
            record_tmp.write_bytes(json.dumps(record).encode("utf-8"))
            # Every file whole, and its name in its folder, before the record that names it.
            fsync_all([tmp for tmp, _dst in moves] + [record_tmp], [tmp.parent for tmp, _dst in moves])
            os.replace(record_tmp, commit)
            fsync_dir(root)  # committed
        except OSError as exc:
            for tmp in [record_tmp, *(tmp for tmp, _dst in moves)]:
                tmp.unlink(missing_ok=True)
            raise TrackerError(
                _("{name}: cannot write: {reason}").format(name=commit.name, reason=exc.strerror or exc)
            ) from exc
        except BaseException:
            for tmp in [record_tmp, *(tmp for tmp, _dst in moves)]:
                tmp.unlink(missing_ok=True)
            raise
        self._tracker.redo_record()
        for storage in pending:
            storage.dirty = False


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
        self.commit_path = self.root / f".{self.path.name}.commit"
        self.label = TRACKER_FILE if path is None else str(path)

    @contextmanager
    def read(self) -> Iterator[FileSession]:
        """A snapshot: the files are read lazily, so the session holds `.docgen/lock`
        shared (readers together, never while a writer commits); creates nothing, except
        that it first finishes a commit of several files whose writer was killed among
        its renames (a read must never see half of a transaction)."""
        key = (threading.get_ident(), str(self.lock_path))
        nested = key in _WRITING or key in _READING  # the outer session finished it
        while True:
            with self._shared_lock():
                if nested or not (os.path.lexists(self.commit_path) or self._numbers_moves()):
                    yield FileSession(self, self.office)
                    return
            self._finish_commit()

    def _finish_commit(self) -> None:
        """A killed writer's commit record, finished under the writers' lock."""
        try:
            lock = self._lock()
        except TrackerError as exc:
            raise TrackerError(
                _("{name}: a write was interrupted and cannot be finished here: {message}").format(
                    name=self.commit_path.name, message=exc.message
                )
            ) from exc
        try:
            self.redo_commit()
        finally:
            lock.release()

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
            self.redo_commit()
            session._table(META)
            self._remove_stale_temp_files()
            session.move_legacy_numbers()
            if self.finish_interrupted(session):
                session._commit()  # finished work stays recorded even if this command fails
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
            check_write(self.root, self.root / NUMBERS_DIR, folder=True)
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

    def redo_commit(self) -> None:
        """Finish a commit whose writer was killed among its renames. Holding the lock."""
        self.redo_numbers()
        self.redo_record()

    def _numbers_moves(self) -> list[tuple[Path, Path]]:
        """The renames of the last commit of tracker-numbers/ not yet done: the files its
        index names (NumberStore.commit) still beside their targets."""
        folder = self.root / NUMBERS_DIR
        try:
            commit = json.loads(read_regular(folder / NUMBERS_INDEX)).get(COMMIT)
        except (OSError, ValueError, AttributeError):
            return []  # no index, or one the session will report as it reads it
        if not isinstance(commit, dict) or not isinstance(commit.get("files"), list):
            return []
        token = commit.get("token")
        if not isinstance(token, str) or not _TOKEN.match(token):
            return []
        moves = []
        for name in commit["files"]:
            if isinstance(name, str) and _SHARD_FILE.match(name):
                tmp = temporary_path(folder / name, token)
                if os.path.isfile(tmp) and not os.path.islink(tmp):
                    moves.append((tmp, folder / name))
        return moves

    def redo_numbers(self) -> None:
        """Finish the last commit of tracker-numbers/: rename the files its index names
        that are still beside their targets. Holding the lock."""
        moves = self._numbers_moves()
        for tmp, target in moves:
            os.replace(tmp, target)
        if moves:
            fsync_dir(self.root / NUMBERS_DIR)

    def redo_record(self) -> None:
        """Finish a commit of files in several folders (FileSession._commit): rename what
        its record names and is still there, then remove the record. Holding the lock."""
        try:
            moves = json.loads(read_regular(self.commit_path))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise TrackerError(
                _("{name}: cannot read: {exc}; restore it or remove it").format(
                    name=self.commit_path.name, exc=exc
                )
            ) from exc
        folders = set()
        for tmp_rel, target_rel in moves:
            tmp, target = self.root / tmp_rel, self.root / target_rel
            if ".." in Path(tmp_rel).parts or ".." in Path(target_rel).parts or tmp.parent != target.parent:
                continue
            if tmp.is_file() and not tmp.is_symlink():
                os.replace(tmp, target)
                folders.add(target.parent)
        fsync_all(folders=sorted(folders))
        self.commit_path.unlink()

    def snapshot_key(self, *, history: bool = True) -> object | None:
        # Every write replaces a file (a new inode) or creates one: the stats of tracker.json
        # and of the history files say whether anything changed since.
        paths = [self.path]
        numbers = self.root / NUMBERS_DIR
        if numbers.is_dir():  # the registry: a void rewrites one of its files
            paths += sorted(numbers.glob("*.json"))
        if history and self.history_dir.is_dir():
            paths += sorted(self.history_dir.glob("*.json"))
        return stat_key(paths)

    def log_verification(self, entry: VerificationEntry) -> None:
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

    def verification_log(self, limit: int) -> list[VerificationEntry]:
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
        entries: list[VerificationEntry] = []
        for line in reversed(raw.decode("utf-8", "replace").splitlines()):
            if len(entries) >= limit:
                break
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash: the others still count
            if is_log_entry(entry):
                entries.append(entry)
        return entries

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of writers killed mid-write (safe: every writer holds the lock)."""
        stale = [
            *self.root.glob(f".{self.path.name}.*.tmp"),
            *self.root.glob(f".{self.commit_path.name}.*.tmp"),
        ]
        for folder in (self.history_dir, self.root / NUMBERS_DIR):
            if folder.is_dir():
                stale += folder.glob(".*.json.*.tmp")
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass
