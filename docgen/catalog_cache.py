"""What parsing each agreement file gave, kept across runs in `.docgen/cache/agreements.json`.

Parsing YAML in Python costs about 5 ms per work plan of 50 deliverables, so a workspace of
200 agreements spends a second before `monitor` can start. Each file's result (its model
as JSON, or its problems) is stored under the blake2b digest of its bytes and the digest of
the docgen code that parses it; a file whose bytes or docgen changed is parsed again. The
cache is only an accelerator: a missing, stale, corrupt or unwritable cache is ignored.

The cache is trusted only if this user's docgen wrote it: its first line is an HMAC of
the rest under a key kept outside the workspace (`~/.cache/docgen/cache-key`, or under
$XDG_CACHE_HOME). A cache that came with a cloned repository or an archive, or that a
person edited, does not verify and is ignored (else a crafted cache could describe an
agreement as its files do not, and `monitor` report nothing overdue). It is never read
or written through a link (a `.docgen` that is a symbolic link disables it).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import astuple
from pathlib import Path

from docgen.cachekey import code_digest, user_key
from docgen.cachekey import mac as sign
from docgen.context import JSONObject
from docgen.errors import DocgenError
from docgen.i18n import catalogue, language
from docgen.models import Agreement
from docgen.safepath import check_write, read_regular
from docgen.validation import Problem

CACHE_FILE = Path(".docgen") / "cache" / "agreements.json"
FORMAT = 2
MAX_BYTES = 256 << 20  # a cache larger than this is not docgen's


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
    digest = code_digest(_SOURCES)
    # The problems are cached as text: in the interface language, as its catalogue says.
    lang = language()
    digest.update(lang.encode())
    try:
        stat = catalogue(lang).with_suffix(".mo").stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    except OSError:
        pass
    return digest.hexdigest()


class DiskCache:
    """The cache of one workspace, read once, written back only if something was parsed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / CACHE_FILE
        self.code = _fingerprint()
        self.entries: dict[str, JSONObject] = {}  # file name -> its entry, as read: checked by `get`
        self.dirty = False
        self.key: bytes | None = None
        try:
            check_write(root, self.path)  # no link on the way, a regular file if present
        except DocgenError:
            return  # disabled: never read nor written
        self.key = user_key()
        if self.key is None:
            return
        try:
            mac, _newline, payload = read_regular(self.path, limit=MAX_BYTES).partition(b"\n")
            if not hmac.compare_digest(mac.decode("ascii"), sign(self.key, payload)):
                return  # not written by this user's docgen: ignored, and replaced
            data = json.loads(payload)
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
        if self.key is None or (not self.dirty and not stale):
            return
        for name in stale:
            del self.entries[name]
        payload = json.dumps(
            {"format": FORMAT, "code": self.code, "files": self.entries},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        try:
            from docgen.fsutil import atomic_write_bytes

            check_write(self.root, self.path)  # a link may have appeared meanwhile
            atomic_write_bytes(self.path, sign(self.key, payload).encode("ascii") + b"\n" + payload)
        except (OSError, DocgenError):
            return  # a read-only workspace simply parses every time
        self.dirty = False


_OPEN: dict[Path, DiskCache] = {}


def open_cache(root: Path) -> DiskCache:
    """The cache of the workspace at `root`, read from disk once per process."""
    cache = _OPEN.get(root)
    if cache is None:
        cache = _OPEN[root] = DiskCache(root)
    return cache
