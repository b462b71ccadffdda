"""Helpers of the hostile-input suite (issue 12): every bad input is one line naming its
file, row or field, exit 1 (2 for usage), never a traceback or an internal error, and a
failed command leaves the tracker and the outputs byte for byte as they were."""

from __future__ import annotations

import builtins
import errno
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

RENJA = "ntt-renja-2022"
MOU = "ntt-mou-2021"
# What a failed command must leave exactly as it was (not the lock or the parse cache).
KEPT = ("tracker.json", "tracker-history", "outputs", "agreements", ".docgen/certificate-secret")
# A line naming a file (agreements/x.yaml, docgen.toml, results/..., --xlsx FILE...), an
# option, a row, an id or a number: "<something>: <message>".
NAMED = re.compile(r"^(warning: )?[^\s:][^:]*: \S")
# The count a batch command adds after its problems ("0 built, 1 unchanged, 1 failed").
SUMMARY = re.compile(r"^[0-9]+ (built|issued)\b")


def state_of(root: Path) -> dict[str, bytes]:
    """Every file docgen keeps (tracker, outputs, agreements, secret), by relative path."""
    found: dict[str, bytes] = {}
    for name in KEPT:
        path = root / name
        if path.is_file() and not path.is_symlink():
            found[name] = path.read_bytes()
        elif path.is_dir() and not path.is_symlink():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and not sub.is_symlink():
                    found[sub.relative_to(root).as_posix()] = sub.read_bytes()
    return found


def assert_clean_failure(run, *, code: int = 1) -> list[str]:
    """The run failed as a user error: exit `code`, every stderr line one named problem."""
    assert run.exit_code == code, (run.exit_code, run.stdout[-500:], run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert lines, "a failure says why"
    if code == 1:
        for line in lines:
            assert NAMED.match(line) or SUMMARY.match(line), f"not a named one-line problem: {line!r}"
            assert len(line) <= 400, f"line of {len(line)} characters"
    return lines


def assert_no_bug(run) -> None:
    """Exit 0, 1 or 2 and never a traceback or an internal error."""
    assert run.exit_code in (0, 1, 2), (run.exit_code, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr


@pytest.fixture
def example(example: Path) -> Path:
    """The example workspace with its piagam signed by the office head: these tests issue
    sheets of their own, numbered from the workspace's register (the Ketua's are given
    their numbers from Ombudsman RI's register: tests/test_registers.py)."""
    config = example / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'(?m)^signatory = "ketua"\n', "", text), encoding="utf-8")
    return example


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the workspace that links may point at: nothing may appear in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


@pytest.fixture
def deny_writes(monkeypatch) -> Callable[[Path, int], None]:
    """deny_writes(folder, errno.EROFS): every write under `folder` fails as on a read-only
    (or full: ENOSPC) file system, for root too (chmod does not stop root); with
    `reads=True` reading fails too (EACCES: a folder its user may not read)."""
    denied: list[tuple[Path, int]] = []
    unreadable: list[Path] = []

    def blocked(path: object) -> int | None:
        try:
            target = Path(os.path.abspath(os.fsdecode(path)))  # type: ignore[arg-type]
        except TypeError:  # a file descriptor
            return None
        for folder, code in denied:
            if target == folder or folder in target.parents:
                return code
        return None

    def fail(code: int, path: object) -> OSError:
        return OSError(code, os.strerror(code), os.fsdecode(path))  # type: ignore[arg-type]

    real_open, real_os_open = io.open, os.open
    real = {name: getattr(os, name) for name in ("mkdir", "replace", "rename", "unlink", "chmod")}

    def os_open(path, flags, *args, **kwargs):
        code = blocked(path)
        if code is not None and (flags & WRITE_FLAGS or code == errno.EACCES and path_in(path, unreadable)):
            raise fail(code, path)
        return real_os_open(path, flags, *args, **kwargs)

    def open_(file, mode="r", *args, **kwargs):
        code = blocked(file) if isinstance(file, str | bytes | os.PathLike) else None
        if code is not None and (any(c in mode for c in "wax+") or path_in(file, unreadable)):
            raise fail(code, file)
        return real_open(file, mode, *args, **kwargs)

    def wrap(name: str) -> Callable[..., object]:
        original = real[name]

        def guarded(*args, **kwargs):
            for path in args[:2]:
                code = blocked(path) if isinstance(path, str | bytes | os.PathLike) else None
                if code is not None:
                    raise fail(code, path)
            return original(*args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", open_)
    monkeypatch.setattr(builtins, "open", open_)
    for name in real:
        monkeypatch.setattr(os, name, wrap(name))

    def path_in(path: object, folders: list[Path]) -> bool:
        target = Path(os.path.abspath(os.fsdecode(path)))  # type: ignore[arg-type]
        return any(target == f or f in target.parents for f in folders)

    def deny(folder: Path, code: int = errno.EROFS, *, reads: bool = False) -> None:
        denied.append((Path(os.path.abspath(folder)), code))
        if reads:
            unreadable.append(Path(os.path.abspath(folder)))

    return deny


@pytest.fixture
def edit():
    """edit(path, old, new): replace text in a file (the example agreements)."""

    def run(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    return run


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Forget parsed agreements between runs, as separate processes would."""
    import docgen.agreements as agreements
    import docgen.catalog_cache as catalog_cache

    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()
    yield
    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()
