"""docgen.toml as validated the last time, kept in `.docgen/cache/config.pickle`.

Building the validators of docgen.toml's model costs about 50 ms, a third of a light
command's start-up (`number next --dry-run`, `letter list`); the file changes rarely. Its
validated model is kept under the blake2b digest of the file's bytes and of the docgen
code that validates it; a file or docgen that changed is validated again, and only a
file that validated is kept (its problems are always worked out afresh).

The cache is a pickle, so it is trusted only as catalog_cache's is: its first line is an
HMAC of the rest under this user's key kept outside the workspace (docgen.cachekey). A
cache that came with a copied workspace, or that anyone else wrote or edited, does not
verify and is ignored before it is unpickled. It is never read or written through a
link. A missing, stale, corrupt or unwritable cache only costs the validation.
"""

from __future__ import annotations

import hmac
import pickle
import sys
from pathlib import Path

from pydantic.version import VERSION as PYDANTIC_VERSION

from docgen.cachekey import code_digest, mac, user_key
from docgen.config import Config
from docgen.errors import DocgenError
from docgen.safepath import check_write, read_regular

CACHE_FILE = Path(".docgen") / "cache" / "config.pickle"
MAX_BYTES = 1 << 20
# The modules whose code decides what docgen.toml validates to.
_SOURCES = ("config.py", "config_cache.py", "workspace.py", "tomlfile.py", "usertext.py")


def digest(toml: bytes) -> str:
    found = code_digest(_SOURCES)
    # the pickle is pydantic's and Python's own: another version of either validates again
    found.update(f"{PYDANTIC_VERSION}|{sys.version_info[:2]}".encode())
    found.update(toml)
    return found.hexdigest()


def load(root: Path, toml_digest: str) -> Config | None:
    """The model validated from the same docgen.toml by the same docgen, if this user's
    docgen kept it; else None."""
    path = root / CACHE_FILE
    try:
        check_write(root, path)  # no link on the way, a regular file if present
        key = user_key()
        if key is None:
            return None
        tag, _newline, payload = read_regular(path, limit=MAX_BYTES).partition(b"\n")
        if not hmac.compare_digest(tag, mac(key, payload).encode("ascii")):
            return None  # not written by this user's docgen: ignored, and replaced
        kept, config = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - unreadable, a link, or a pickle of an older model: validate instead
        return None
    return config if kept == toml_digest and isinstance(config, Config) else None


def save(root: Path, toml_digest: str, config: Config) -> None:
    """Keep a validated model; a read-only workspace or a link simply validates each time."""
    path = root / CACHE_FILE
    try:
        check_write(root, path)
        key = user_key()
        if key is None:
            return
        payload = pickle.dumps((toml_digest, config), protocol=pickle.HIGHEST_PROTOCOL)
        from docgen.fsutil import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, mac(key, payload).encode("ascii") + b"\n" + payload)
    except (OSError, DocgenError):
        return
