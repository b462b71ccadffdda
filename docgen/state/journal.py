"""The journal of pending work: files that carry new numbers are put in place only after
those numbers are committed, and a crash in between is finished by the next writer.

A command that gives numbers and writes files (agreement sign and extend, letter
followup and reminder, certificate issue) works in three steps (docs/tracker.md):

1. inside its tracker transaction it allocates the numbers and writes every file it
   will put in place to a *pending* file beside its target
   (`.NAME.<token>.docgen-pending`), fsynced; then it inserts one journal entry naming
   each pending file, its target and its SHA-256, in the same transaction as the numbers;
2. once that transaction is committed, it renames each pending file over its target;
3. it deletes the journal entry (a second, small transaction).

A kill before (1) commits leaves pending files that no journal entry names: the next
writer of that folder removes them (they hold numbers the registry never took). A kill
after it leaves an open entry: the next writer of the tracker (any command that records
something, or `docgen check`) renames the pending files that are still there and
closes the entry, saying so in one line. So every number printed in a file docgen put in
place is in the registry, and a file that existed before a command is either as it was
(the command never committed) or as the command wrote it (it committed: it completes).

Pending files are created only by a writer holding the tracker's lock, so a writer that
finds one not named by any open entry knows its command died before committing.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from docgen.errors import TrackerError
from docgen.fsutil import fsync_all, fsync_dir, sha256_file
from docgen.i18n import _
from docgen.state.base import Record, Session, now_text

TABLE = "journal"
SUFFIX = ".docgen-pending"
STALE_SECONDS = 600.0  # an entry whose process cannot be asked about (Windows) is this old: dead


def _say(line: str) -> None:
    print(f"docgen: {line}", file=sys.stderr)


# How the one-line notice of finished work reaches the user (the CLI prints it on stderr).
notice: Callable[[str], None] = _say


def _alive(entry: Record) -> bool:
    """Whether the process that wrote `entry` may still be putting its files in place."""
    pid = entry.get("pid")
    if entry.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    if pid == os.getpid():
        return True  # this process closes its own entries
    if os.name != "posix":  # os.kill would end the process there
        try:
            started = datetime.fromisoformat(str(entry.get("at"))).timestamp()
        except ValueError:
            return False
        return time.time() - started < STALE_SECONDS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _inside(root: Path, rel: Any) -> Path | None:
    """`root/rel` for a relative path inside the workspace, else None (never followed)."""
    if not isinstance(rel, str) or not rel:
        return None
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel or ":" in rel:
        return None
    return root.joinpath(*parts)


def entries(session: Session) -> list[Record]:
    """The open journal entries of the session's office (unchecked JSON objects: what a
    killed writer left is read as it is)."""
    return session._raw_rows(TABLE)


def close(session: Session, entry_id: str) -> None:
    """Delete a finished entry."""
    session._raw_delete(TABLE, entry_id)


def open_tokens(session: Session) -> set[str]:
    return {str(e.get("token")) for e in entries(session)}


def remove_orphans(folder: Path, tokens: Iterable[str]) -> list[Path]:
    """Pending files in `folder` that no open journal entry names: their command died
    before it committed, their numbers were never taken. Call it holding the lock."""
    keep = set(tokens)
    removed: list[Path] = []
    try:
        found = list(folder.glob(f".*{SUFFIX}"))
    except OSError:
        return removed
    for path in found:
        token = path.name[: -len(SUFFIX)].rpartition(".")[2]
        if token in keep or not path.is_file() or path.is_symlink():
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


class Pending:
    """The files one command will put in place once its numbers are committed."""

    def __init__(self, root: Path, command: str) -> None:
        self.root = root
        self.command = command
        self.token = f"{os.getpid()}x{os.urandom(4).hex()}"
        self.id = f"{datetime.now().strftime('%Y%m%d%H%M%S')}-{self.token}"
        self.moves: list[tuple[Path, Path]] = []
        self._cleaned: set[Path] = set()
        self.begun = False
        self.numbers: list[str] = []  # the numbers the files print
        self.about: dict[str, str] = {}  # what the entry says it is about (agreement=ID)

    def path(self, session: Session, target: Path) -> Path:
        """Where to write what will become `target` (an orphan of a dead command in the
        same folder is removed first)."""
        folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        if folder not in self._cleaned:
            remove_orphans(folder, open_tokens(session))
            self._cleaned.add(folder)
        tmp = target.with_name(f".{target.name}.{self.token}{SUFFIX}")
        tmp.unlink(missing_ok=True)
        self.moves.append((tmp, target))
        return tmp

    def sweep(self, session: Session, folder: Path) -> None:
        """Remove the pending files a command that died before its commit left in `folder`,
        also when this command writes nothing there (`path` does it for the folders it
        writes to)."""
        if folder not in self._cleaned and folder.is_dir():
            remove_orphans(folder, open_tokens(session))
            self._cleaned.add(folder)

    def discard(self) -> None:
        """Remove the pending files (an attempt the database runs again, or a failure
        before the commit)."""
        for tmp, _target in self.moves:
            tmp.unlink(missing_ok=True)
        self.moves.clear()
        self.numbers.clear()
        self.begun = False

    def begin(self, session: Session) -> None:
        """Journal the pending files in `session` (the numbers' own transaction): each is
        fsynced first, so the entry never names a file that is not whole."""
        if not self.moves:
            return
        tmps = [tmp for tmp, _target in self.moves]
        fsync_all(tmps, [t.parent for t in tmps])  # at once: the disk commits them together
        files = [
            {
                "pending": tmp.relative_to(self.root).as_posix(),
                "target": target.relative_to(self.root).as_posix(),
                "sha256": sha256_file(tmp),
            }
            for tmp, target in self.moves
        ]
        entry = {
            "id": self.id,
            "command": self.command,
            "root": str(self.root),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "token": self.token,
            "at": now_text(),
            "numbers": list(self.numbers),
            "files": files,
            **self.about,
        }
        session._raw_insert(TABLE, [entry])
        self.begun = True

    def place(self) -> None:
        """Rename every pending file over its target (after the commit)."""
        for tmp, target in self.moves:
            try:
                os.replace(tmp, target)
            except FileNotFoundError:
                continue  # another writer finished this entry already
            except OSError as exc:  # e.g. a PDF open in a viewer on Windows
                raise TrackerError(
                    _(
                        "{file}: cannot put it in place: {reason}; its number is registered: close "
                        "the file if it is open, then run `docgen check` to finish"
                    ).format(file=target, reason=exc.strerror or exc)
                ) from exc
        fsync_all(folders=[t.parent for _tmp, t in self.moves])


def recover(session: Session, root: Path) -> list[str]:
    """Finish the work of this workspace's commands that died after committing their
    numbers: put their pending files in place and close their entries. One line each."""
    lines = []
    for entry in entries(session):
        if entry.get("root") != str(root) or _alive(entry):
            continue
        placed = 0
        folders = set()
        for item in entry.get("files") or []:
            tmp = _inside(root, item.get("pending")) if isinstance(item, dict) else None
            target = _inside(root, item.get("target")) if isinstance(item, dict) else None
            if tmp is None or target is None or tmp.parent != target.parent:
                continue
            if tmp.is_file() and not tmp.is_symlink():
                os.replace(tmp, target)
                folders.add(target.parent)
                placed += 1
        for folder in folders:
            fsync_dir(folder)
        close(session, str(entry["id"]))
        numbers = [str(n) for n in entry.get("numbers") or []]
        shown = ", ".join(numbers[:3]) + (", ..." if len(numbers) > 3 else "")
        lines.append(
            _(
                "finished `docgen {command}` interrupted at {at}: {placed} file(s) put in place "
                "(numbers {numbers} were already registered)"
            ).format(command=entry.get("command"), at=entry.get("at"), placed=placed, numbers=shown or "-")
        )
    return lines


def pending_for(session: Session, **about: str) -> list[Record]:
    """Open entries whose fields include `about` (e.g. agreement="x", command=...)."""
    return [e for e in entries(session) if all(e.get(k) == v for k, v in about.items())]
