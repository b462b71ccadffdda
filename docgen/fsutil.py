"""Crash-safe file writes: a temporary file in the same folder, fsynced, then renamed."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open folders, and needs not.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create(path: Path, private: bool) -> None:
    """Create `path`, which must not exist yet (O_EXCL: never another file, nor a link).

    The OS applies the process's umask to the mode asked for here, so an output gets the
    mode any new file of this user gets (a colleague can open the shared outputs/ folder)
    and a secret stays owner-only, without reading or changing the umask.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o666))


def _temporary(target: Path, private: bool) -> Path:
    """A new empty file beside `target`, named `.<name>.<random>.tmp`."""
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            _create(tmp, private)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {target}")


@contextlib.contextmanager
def atomic_path(target: Path, *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` atomically.

    On any exception the temporary file is removed and `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(target, private)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes, *, private: bool = False) -> None:
    with atomic_path(target, private=private) as tmp:
        tmp.write_bytes(data)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[list[Path]]:
    """`atomic_path` for many files at once (e.g. a thousand certificates): yields their
    temporary paths; on success each is fsynced and renamed over its target, and each
    folder is fsynced once rather than once per file. On any exception every temporary
    file is removed and no target is touched.

    The files are fsynced by a few threads at once: an fsync waits for the disk, not the
    processor, and the disk commits several in one go (half the time of one after another)."""
    tmps: list[Path] = []
    token = f"{os.getpid()}-{os.urandom(6).hex()}"  # one random part per batch, not per file
    try:
        for folder in dict.fromkeys(t.parent for t in targets):
            folder.mkdir(parents=True, exist_ok=True)
        for target in targets:
            tmp = target.with_name(f".{target.name}.{token}.tmp")
            _create(tmp, private=False)
            tmps.append(tmp)
        yield tmps
        if len(tmps) > 1:
            with ThreadPoolExecutor(max_workers=min(8, len(tmps))) as pool:
                list(pool.map(_fsync_file, tmps))
        else:
            for tmp in tmps:
                _fsync_file(tmp)
        for tmp, target in zip(tmps, targets, strict=True):
            os.replace(tmp, target)
        for folder in dict.fromkeys(t.parent for t in targets):
            _fsync_dir(folder)
    except BaseException:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
        raise
