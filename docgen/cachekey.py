"""This user's cache key: the HMAC key that says a cache in a workspace was written by
this user's docgen (catalog_cache, config_cache). It lives outside every workspace
(`~/.cache/docgen/cache-key`, or under $XDG_CACHE_HOME), owner-only, made on first use."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from docgen import __version__
from docgen.safepath import read_regular

KEY_FILE = Path("docgen") / "cache-key"


def key_path() -> Path:
    """Where this user's cache key lives: outside every workspace."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / KEY_FILE


def user_key() -> bytes | None:
    """This user's key (made on first use, owner-only), or None when there can be none:
    then nothing is cached."""
    path = key_path()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return None
    # Made whole beside it, then linked into place: another docgen reading it at that
    # moment finds it complete or absent, and two making it at once agree on the first.
    key = os.urandom(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(6).hex()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        try:
            return _read_key(path)
        except (OSError, ValueError):
            return None
    except (OSError, RuntimeError):
        return None
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> bytes | None:
    key = bytes.fromhex(read_regular(path, limit=1024).decode("ascii").strip())
    return key if len(key) >= 16 else None


def mac(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def code_digest(sources: tuple[str, ...]) -> hashlib.blake2b:
    """A digest of this docgen's version and of the modules (file names in docgen/) whose
    code decides what a cache holds; the caller adds what else decides it."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    here = Path(__file__).parent
    for name in sources:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - a frozen install: the version alone decides
            pass
    return digest
