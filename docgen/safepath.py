"""Paths inside a workspace that docgen writes or reads: never through a link, never outside.

A link inside the workspace (`.docgen`, `tracker-history`, `outputs/letters`...) that
points elsewhere would make docgen write wherever it points, so writes refuse any
component that is a symbolic link (or a Windows junction). Agreement files and templates
may be links, as long as what they point to is inside the workspace. Inputs are read
only when they are regular files: a FIFO or a device would block or never end.

Paths the user names explicitly (`init DIR`, `--pdf FILE`, `--xlsx FILE`) are honoured
and never pass through here.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from pathlib import Path

from docgen.errors import InputError
from docgen.filenames import is_reserved_name
from docgen.i18n import _


class NotRegularFile(OSError):
    """A path that exists but is not a regular file (a folder, FIFO, socket or device)."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({what})", str(path))


def _label(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _is_link(path: Path, st: os.stat_result) -> bool:
    if stat.S_ISLNK(st.st_mode):
        return True
    junction = getattr(os.path, "isjunction", None)  # Windows junctions (Python 3.12+)
    return bool(junction and junction(path))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def check_write(root: Path, target: Path, *, folder: bool = False) -> Path:
    """`target`, after making sure a write there stays in `root`: it lies inside it, no
    component below `root` is a link, an existing target is a regular file (a folder
    with `folder`), and no part of its name is a Windows device name. Raises InputError
    naming the path."""
    root = Path(os.path.abspath(root))
    path = Path(os.path.abspath(target))
    try:
        rel = path.relative_to(root)
    except ValueError:
        raise InputError(
            _("{target}: refusing to write outside the workspace").format(target=target)
        ) from None
    current = root
    for index, part in enumerate(rel.parts):
        current = current / part
        shown = _label(root, current)
        if is_reserved_name(part):
            raise InputError(
                _(
                    "{shown}: {part!r} is a device name on Windows; docgen never writes a file of that name"
                ).format(shown=shown, part=part)
            )
        try:
            st = os.lstat(current)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise InputError(
                _("{shown}: cannot write here: {reason}").format(shown=shown, reason=exc.strerror or exc)
            ) from exc
        if _is_link(current, st):
            raise InputError(
                _(
                    "{shown}: is a symbolic link; docgen does not write through links "
                    "inside the workspace (replace it with a real folder or file)"
                ).format(shown=shown)
            )
        last = index == len(rel.parts) - 1
        if last and not folder and not stat.S_ISREG(st.st_mode):
            raise InputError(
                _("{shown}: exists and is {kind}, not a file docgen can replace").format(
                    shown=shown, kind=_kind(st.st_mode)
                )
            )
        if (folder or not last) and not stat.S_ISDIR(st.st_mode):
            raise InputError(_("{shown}: is not a folder").format(shown=shown))
    return target


def source_problem(root: Path, path: Path) -> str | None:
    """Why reading `path` would leave `root` or block (it resolves outside `root`, or to
    something other than a regular file), or None when it is safe to read."""
    try:
        resolved = path.resolve(strict=True)
        st = os.stat(resolved)
    except FileNotFoundError:
        return "not found"
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long...
        return f"cannot read: {getattr(exc, 'strerror', None) or exc}"
    if not resolved.is_relative_to(root.resolve()):
        return (
            f"links to {resolved}, outside the workspace; docgen reads agreement files "
            "and templates only inside it"
        )
    if not stat.S_ISREG(st.st_mode):
        return f"is {_kind(st.st_mode)}, not a regular file"
    return None


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path` if it is a regular file (OSError otherwise, never blocking on
    a FIFO or a device); more than `limit` bytes raise OSError(EFBIG)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, _kind(st.st_mode))
        if limit is not None and st.st_size > limit:
            raise OSError(errno.EFBIG, f"too large ({st.st_size:,} bytes; at most {limit:,})", str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def safe_stem(text: str) -> str:
    """A file-name stem that is not a Windows device name ("con" becomes "con-file")."""
    return f"{text}-file" if is_reserved_name(text) else text


# What docgen's atomic writes leave behind when killed mid-write.
TEMP_PATTERNS = (".*.tmp", ".*.copying")
# fsutil.temporary_name: `.<name>.<pid>-<random>.tmp`, naming the process writing it.
_WRITER = re.compile(r"\.(\d+)-[0-9a-f]+\.tmp$")
# A temporary file of a running process is left alone, unless it is older than this (its
# process id was reused after a crash, or it belongs to another machine's docgen).
RUNNING_WRITER_SECONDS = 3600.0


def _running(pid: int) -> bool:
    """Whether process `pid` runs (on this machine); this process counts as running: a
    thread of it may be writing (docgen serve)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # cannot tell: rely on the age
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, another user's
        return True
    return True


def remove_stale_temp_files(folder: Path, *, older_than: float = 0.0) -> list[Path]:
    """Remove the temporary files a killed docgen left in `folder`; returns them.

    A temporary file whose name carries the id of a process still running is another
    docgen's write going on now (`letter render` takes no lock) and is kept, unless it
    is older than an hour. Call it holding the tracker lock where every writer of `folder`
    holds it too; elsewhere give `older_than` (seconds), which a temporary file of a
    write going on now never reaches (docgen renders in memory and writes a file in
    well under a second)."""
    removed: list[Path] = []
    try:
        candidates = [p for pattern in TEMP_PATTERNS for p in folder.glob(pattern)]
    except OSError:
        return removed
    now = time.time()
    for path in candidates:
        try:
            st = os.lstat(path)
            age = now - st.st_mtime
            writer = _WRITER.search(path.name)
            if writer and _running(int(writer.group(1))) and age < RUNNING_WRITER_SECONDS:
                continue
            if stat.S_ISREG(st.st_mode) and age >= older_than:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: harmless either way
    return removed
