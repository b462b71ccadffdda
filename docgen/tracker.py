"""The tracker: docgen's mutable state in TinyDB files, written atomically under an OS lock.

Layout (see README, "The tracker"):
- tracker.json holds the small, often-read tables: number registry, certificates,
  build records, terminations, and a `_meta` record with the schema version;
- tracker-history/<agreement-id>.json holds one agreement's append-only deliverable
  history, so recording an update rewrites one agreement's events, not all of them.

Every write happens inside `Tracker.write()`: it takes `.docgen/lock` (an OS-level
lock, released if the process dies), reads the current files, lets the caller change
them in memory and, only if the block succeeds, replaces each changed file with a
fully written and fsynced temporary file. A failed command leaves every file untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from docgen import __version__
from docgen.errors import TrackerError
from docgen.fsutil import atomic_write_bytes

SCHEMA = 1
META = "_meta"
HISTORY_DIR = "tracker-history"
LOCK_TIMEOUT = 60.0
_SHARD_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class AtomicJSONStorage(Storage):
    """TinyDB storage that reads its file once and writes only on `commit()`, atomically."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self._data: dict[str, Any] | None = None
        self.dirty = False

    def read(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self.dirty = True

    def commit(self) -> None:
        if not self.dirty or self._data is None:
            return
        data = dict(self._data)
        data[META] = {"1": {"schema": SCHEMA, "docgen": __version__}}
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            atomic_write_bytes(self.path, payload.encode("utf-8"))
        except OSError as exc:
            raise TrackerError(f"{self.label}: cannot write: {exc.strerror or exc}") from exc
        self.dirty = False

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise TrackerError(f"{self.label}: cannot read: {exc.strerror}") from exc
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrackerError(
                f"{self.label}: corrupt tracker file ({exc}); docgen will not overwrite it: "
                "restore it from a backup or move it away"
            ) from exc
        if not isinstance(data, dict) or not all(
                isinstance(t, dict) and all(isinstance(doc, dict) for doc in t.values())
                for t in data.values()):
            raise TrackerError(f"{self.label}: not a docgen tracker file; docgen will not overwrite it")
        meta = next(iter(data.get(META, {}).values()), {})
        schema = meta.get("schema", SCHEMA)
        if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
            raise TrackerError(
                f"{self.label}: written by a newer docgen (schema {schema}, this one reads "
                f"{SCHEMA}); upgrade docgen, the file is left untouched"
            )
        return data


class TrackerState:
    """The tracker's tables, as read at the start of a transaction (or a read-only view)."""

    def __init__(self, tracker: Tracker) -> None:
        self._tracker = tracker
        self._dbs: dict[str, TinyDB] = {}

    def _db(self, key: str, path: Path, label: str) -> TinyDB:
        if key not in self._dbs:
            db = TinyDB(path, label, storage=AtomicJSONStorage)
            db.storage.read()  # surface corruption now, not at the first query
            self._dbs[key] = db
        return self._dbs[key]

    def table(self, name: str) -> Table:
        """A table of tracker.json: numbers, certificates, builds, terminations..."""
        t = self._tracker
        return self._db("", t.path, t.path.name).table(name, cache_size=0)

    def history(self, agreement_id: str) -> Table:
        """The append-only deliverable history of one agreement."""
        if not _SHARD_ID.match(agreement_id):
            raise TrackerError(f"{agreement_id!r}: not a valid agreement id")
        path = self._tracker.history_dir / f"{agreement_id}.json"
        db = self._db(agreement_id, path, f"{HISTORY_DIR}/{path.name}")
        return db.table("history", cache_size=0)

    def history_ids(self) -> list[str]:
        folder = self._tracker.history_dir
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.json") if _SHARD_ID.match(p.stem))

    def all_history(self) -> dict[str, list[dict[str, Any]]]:
        return {aid: list(self.history(aid).all()) for aid in self.history_ids()}

    def _commit(self) -> None:
        # tracker.json first: it holds the registry, the record that must never go back.
        for key in sorted(self._dbs):
            storage = self._dbs[key].storage
            assert isinstance(storage, AtomicJSONStorage)
            storage.commit()


class Tracker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "tracker.json"
        self.history_dir = root / HISTORY_DIR
        self.lock_path = root / ".docgen" / "lock"

    def read(self) -> TrackerState:
        """A consistent-enough read-only view: files are replaced atomically, never half-written."""
        return TrackerState(self)

    @contextmanager
    def write(self) -> Iterator[TrackerState]:
        """Read-modify-write under the workspace lock; committed only if the block succeeds."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout as exc:
            raise TrackerError(
                f"another docgen has held .docgen/lock for {LOCK_TIMEOUT:.0f} s; try again"
            ) from exc
        try:
            state = TrackerState(self)
            # tracker.json carries the schema of the whole tracker: a newer or corrupt one
            # stops every write, even one that touches only a history file.
            state.table(META)
            self._remove_stale_temp_files()
            yield state
            state._commit()
        finally:
            lock.release()

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of writers killed mid-write (safe: every writer holds the lock)."""
        stale = [*self.root.glob(".tracker.json.*.tmp")]
        if self.history_dir.is_dir():
            stale += self.history_dir.glob(".*.json.*.tmp")
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass
