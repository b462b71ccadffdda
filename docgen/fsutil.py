"""Crash-safe file writes: a temporary file in the same folder, fsynced, then renamed.

`Rewrite` is the one way docgen changes a file a person wrote (an agreement file): it
keeps the file's permissions, line endings and byte-order mark, writes through a link
to its target inside the workspace, refuses a read-only file, and refuses to replace a
file that someone else changed since docgen read it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where threads are started: not every command needs them
    from concurrent.futures import ThreadPoolExecutor

from docgen.errors import FileChangedError, InputError
from docgen.i18n import _


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new name in `folder` durable."""
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


def temporary_name(target: Path, token: str | None = None) -> Path:
    """`.<name>.<pid>-<random>.tmp` beside `target`: unique to this process, and naming it,
    so that a cleanup never removes the temporary file of a docgen still running
    (safepath.remove_stale_temp_files)."""
    return target.with_name(f".{target.name}.{os.getpid()}-{token or os.urandom(6).hex()}.tmp")


def _temporary(target: Path, private: bool) -> Path:
    """A new empty file beside `target`, named by `temporary_name`."""
    for _attempt in range(100):
        tmp = temporary_name(target)
        try:
            _create(tmp, private)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(_("no free temporary name beside {target}").format(target=target))


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
        fsync_dir(target.parent)
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


def fsync_all(files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> None:
    """fsync every file and folder named, several at once: an fsync waits for the disk, not
    the processor, and the file system commits concurrent ones together (ext4: one journal
    commit for all), so three take about the time of one."""
    jobs: list[Callable[[], None]] = [partial(_fsync_file, f) for f in files]
    jobs += [partial(fsync_dir, d) for d in dict.fromkeys(folders)]
    if len(jobs) <= 1:
        for job in jobs:
            job()
        return
    for done in [_fsync_pool().submit(job) for job in jobs]:
        done.result()


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _fsync_pool() -> ThreadPoolExecutor:
    """The threads of `fsync_all`, kept for the process (starting threads for each commit
    costs more than the fsyncs on a busy machine); a forked child makes its own."""
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        from concurrent.futures import ThreadPoolExecutor

        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=8, thread_name_prefix="docgen-fsync"))
    return _POOL[1]


@contextlib.contextmanager
def atomic_paths(targets: list[Path]) -> Iterator[list[Path]]:
    """`atomic_path` for many files at once (e.g. a thousand certificates): yields their
    temporary paths; on success each is fsynced and renamed over its target, and each
    folder is fsynced once rather than once per file. On any exception every temporary
    file is removed and no target is touched.

    The files are fsynced by a few threads at once: an fsync waits for the disk, not the
    processor, and the disk commits several in one go (half the time of one after another)."""
    tmps: list[Path] = []
    token = os.urandom(6).hex()  # one random part per batch, not per file
    try:
        for folder in dict.fromkeys(t.parent for t in targets):
            folder.mkdir(parents=True, exist_ok=True)
        for target in targets:
            tmp = temporary_name(target, token)
            _create(tmp, private=False)
            tmps.append(tmp)
        yield tmps
        fsync_all(tmps)
        for tmp, target in zip(tmps, targets, strict=True):
            os.replace(tmp, target)
        for folder in dict.fromkeys(t.parent for t in targets):
            fsync_dir(folder)
    except BaseException:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class TextStyle:
    """How a text file is encoded beyond its characters: a UTF-8 byte-order mark, CRLF
    line endings. Edits work on text with plain "\n"; `encode` puts the style back."""

    bom: bool = False
    crlf: bool = False

    @classmethod
    def of(cls, data: bytes) -> TextStyle:
        crlf = data.count(b"\r\n")
        return cls(bom=data.startswith(b"\xef\xbb\xbf"), crlf=crlf > 0 and crlf * 2 >= data.count(b"\n"))

    def decode(self, data: bytes) -> str:
        """The text with "\n" line endings (UnicodeDecodeError if it is not UTF-8)."""
        return data.decode("utf-8-sig").replace("\r\n", "\n")

    def encode(self, text: str) -> bytes:
        text = text.replace("\r\n", "\n")
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


class Rewrite:
    """One rewrite of an existing file of the workspace that a person wrote and keeps.

    Reading it (the constructor) resolves a link to its target, which must be a regular,
    writable file inside the workspace `root` (else InputError naming `label`), and keeps
    its bytes, permissions and `TextStyle`. `prepare(text)` writes the new text, in the
    same style and with the same permissions, to a temporary file beside the target
    (validate it there); `commit()` puts it in place atomically, unless the file on disk
    is no longer what was read: then FileChangedError, and the file someone else changed
    stays as they left it. Call `commit()` holding the workspace's lock (inside the
    tracker transaction) so that no other docgen writes between the check and the rename.
    `undo()` puts the old bytes back after a commit (the command failed later);
    `discard()` removes a prepared temporary file. As a context manager, leaving it
    discards whatever was prepared and not committed.
    """

    def __init__(self, root: Path, path: Path, label: str) -> None:
        self.label = label
        self.target = _rewritable(root, path, label)
        try:
            self.before = self.target.read_bytes()
            st = os.stat(self.target)
            self.mode, self.owner = stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid)
        except OSError as exc:
            raise InputError(
                _("{label}: cannot read: {reason}").format(label=label, reason=exc.strerror or exc)
            ) from exc
        self.style = TextStyle.of(self.before)
        self.tmp: Path | None = None
        self.pending = b""  # what prepare() wrote
        self.written: bytes | None = None  # what commit() put in place

    def __enter__(self) -> Rewrite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    @property
    def text(self) -> str:
        """What was read, as text with "\n" line endings (InputError when not UTF-8)."""
        try:
            return self.style.decode(self.before)
        except UnicodeDecodeError as exc:
            raise InputError(
                _("{label}: not UTF-8 text ({reason})").format(label=self.label, reason=exc.reason)
            ) from exc

    def prepare(self, text: str) -> Path:
        """Write `text` (in the file's style, with its permissions) to a temporary file
        beside the target and return its path; nothing is in place yet."""
        self.discard()
        data = self.style.encode(text)
        tmp = _temporary(self.target, private=True)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _keep_owner(tmp, self.owner)
            os.chmod(tmp, self.mode)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.tmp, self.pending = tmp, data
        return tmp

    def commit(self) -> None:
        """Put the prepared file in place, if the file is still what was read."""
        assert self.tmp is not None, "prepare() first"
        self._unchanged(self.before)
        try:
            os.replace(self.tmp, self.target)
            fsync_dir(self.target.parent)
        except OSError as exc:
            self.discard()
            raise InputError(
                _("{label}: cannot write: {reason}").format(label=self.label, reason=exc.strerror or exc)
            ) from exc
        self.tmp, self.written = None, self.pending

    def undo(self) -> None:
        """After a commit: the old bytes back (unless someone changed the file since)."""
        if self.written is None:
            self.discard()
            return
        written, self.written = self.written, None
        self._unchanged(written)
        with atomic_path(self.target, private=True) as tmp:
            tmp.write_bytes(self.before)
            _keep_owner(tmp, self.owner)
            os.chmod(tmp, self.mode)

    def discard(self) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
            self.tmp = None

    def _unchanged(self, expected: bytes) -> None:
        try:
            now = self.target.read_bytes()
        except OSError:
            now = None
        if now != expected:
            self.discard()
            raise FileChangedError(
                _(
                    "{label}: changed by someone else while docgen was rewriting it; "
                    "docgen left it as they saved it: run the command again"
                ).format(label=self.label)
            )


def _keep_owner(path: Path, owner: tuple[int, int]) -> None:
    """The new file keeps the old one's owner and group where this user may give them
    (root may; anyone may keep their own); elsewhere it is this user's, as any new file."""
    st = os.stat(path)
    if (st.st_uid, st.st_gid) != owner and hasattr(os, "chown"):
        try:
            os.chown(path, *owner)
        except OSError:
            pass


def _rewritable(root: Path, path: Path, label: str) -> Path:
    """The file to write for `path`: itself, or what its link leads to inside `root`."""
    try:
        target = path.resolve(strict=True)
        st = os.stat(target)
    except FileNotFoundError:
        raise InputError(_("{label}: not found").format(label=label)) from None
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long...
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(_("{label}: cannot read: {reason}").format(label=label, reason=reason)) from exc
    if not target.is_relative_to(Path(root).resolve()):
        raise InputError(
            _(
                "{label}: links to {target}, outside the workspace; docgen rewrites only files inside it"
            ).format(label=label, target=target)
        )
    if not stat.S_ISREG(st.st_mode):
        raise InputError(_("{label}: not a regular file").format(label=label))
    if not st.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise InputError(
            _("{label}: is read-only; docgen will not replace it (make it writable first)").format(
                label=label
            )
        )
    return target


def stat_key(paths: list[Path]) -> tuple[tuple[object, ...], ...]:
    """What changes whenever one of `paths` is written, replaced, created or removed: each
    one's name, modification time, size and inode (None for one that is missing)."""
    key: list[tuple[object, ...]] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            key.append((path.name, None))
            continue
        key.append((path.name, st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(key)
