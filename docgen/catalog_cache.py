"""What parsing each agreement file gave, kept across runs in `.docgen/cache/agreements.json`.

Parsing YAML in Python costs about 5 ms per work plan of 50 deliverables, so a workspace of
200 agreements spends a second before `monitor` can start. Each file's result (its model
as JSON, or its problems) is stored under the blake2b digest of its bytes and the digest of
the docgen code that parses it; a file whose bytes or docgen changed is parsed again. The
cache is only an accelerator: a missing, stale, corrupt or unwritable cache is ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.models import Agreement
from docgen.validation import Problem

CACHE_FILE = Path(".docgen") / "cache" / "agreements.json"
FORMAT = 1
# The modules whose code decides what a file parses to.
_SOURCES = (
    "models.py",
    "agreements.py",
    "validation.py",
    "indonesian.py",
    "catalog_cache.py",
    "usertext.py",
    "safepath.py",
)

Entry = tuple[bytes, Agreement | None, list[Problem]]


def _fingerprint() -> str:
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    here = Path(__file__).parent
    for name in _SOURCES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - a frozen install: the version alone decides
            pass
    return digest.hexdigest()


class DiskCache:
    """The cache of one workspace, read once, written back only if something was parsed."""

    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_FILE
        self.code = _fingerprint()
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("format") == FORMAT and data.get("code") == self.code:
                self.entries = dict(data["files"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass

    def get(self, path: Path, key: bytes) -> Entry | None:
        entry = self.entries.get(path.name)
        if not isinstance(entry, dict) or entry.get("key") != key.hex():
            return None
        try:
            raw = entry["agreement"]
            agreement = None if raw is None else Agreement.model_validate(raw)
            problems = [Problem(*p) for p in entry["problems"]]
        except Exception:  # noqa: BLE001 - anything odd in the cache: parse the file instead
            return None
        return key, agreement, problems

    def put(self, path: Path, entry: Entry) -> None:
        key, agreement, problems = entry
        self.entries[path.name] = {
            "key": key.hex(),
            "agreement": None if agreement is None else agreement.model_dump(mode="json"),
            "problems": [list(astuple(p)) for p in problems],
        }
        self.dirty = True

    def save(self, names: set[str]) -> None:
        """Write back the entries of the files that exist (`names`), if anything changed."""
        stale = set(self.entries) - names
        if not self.dirty and not stale:
            return
        for name in stale:
            del self.entries[name]
        payload = json.dumps(
            {"format": FORMAT, "code": self.code, "files": self.entries},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        try:
            from docgen.fsutil import atomic_write_bytes

            atomic_write_bytes(self.path, payload.encode("utf-8"))
        except OSError:
            return  # a read-only workspace simply parses every time
        self.dirty = False


_OPEN: dict[Path, DiskCache] = {}


def open_cache(root: Path) -> DiskCache:
    """The cache of the workspace at `root`, read from disk once per process."""
    cache = _OPEN.get(root)
    if cache is None:
        cache = _OPEN[root] = DiskCache(root)
    return cache
