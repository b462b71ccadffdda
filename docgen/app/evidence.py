"""Evidence files copied into `agreements/<id>/evidence/`, with their sha256.

The name is sanitised so it cannot leave that folder; a name already taken by a
different file gets a Windows-style " (2)" suffix (never overwritten), and the same
content under the same name is reused.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import unicodedata
from pathlib import Path

from docgen.errors import DocgenError
from docgen.fsutil import fsync_dir, sha256_file, temporary_name
from docgen.i18n import _
from docgen.records import EvidenceFile
from docgen.safepath import is_reserved_name, remove_stale_temp_files
from docgen.state.base import Session, valid_agreement_id
from docgen.workspace import Workspace

EVIDENCE_DIR = "evidence"
PENDING = ".pending"  # the marker of a copy whose tracker commit is not yet known
MAX_NAME = 120


def evidence_name(name: str) -> str:
    """A file name safe in any folder on any OS: no separators, no leading dot, no device name.

    >>> evidence_name("../../Notulen  Rapat: TW I.pdf")
    'Notulen Rapat-TW I.pdf'
    """
    name = unicodedata.normalize("NFKD", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = name.encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9 ._()-]+", "-", name)
    name = re.sub(r"\s*-[\s-]*", "-", re.sub(r"\s+", " ", name)).strip(" .-_")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name.lstrip("."), ""
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:16]
    stem = stem.strip(" .-_")[: MAX_NAME - len(ext) - 1].rstrip(" .") or "evidence"
    if is_reserved_name(stem):  # CON.pdf is the console on Windows
        stem = f"{stem}-file"
    return f"{stem}.{ext}" if ext else stem


def numbered(name: str, n: int) -> str:
    """The n-th candidate for a taken name, as Windows does it: "bukti.pdf", "bukti (2).pdf"."""
    if n == 1:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"


class EvidenceCopier:
    """Copies evidence into agreements/<id>/evidence/ inside a tracker transaction.

    Each new file is put in place with a marker beside it, `.<name>.pending` holding its
    sha256, until the transaction is committed (`settle()` removes the markers). A docgen
    killed in between leaves a marker: `recover_evidence` (run by the next `deliverable
    set`) keeps the file if the tracker records it, else removes it. Nothing in the
    evidence folder is read or written through a link."""

    def __init__(self, ws: Workspace, created: list[Path], markers: list[Path] | None = None) -> None:
        self.ws = ws
        self.created = created
        self.markers = markers if markers is not None else []
        self.taken: set[Path] = set()

    def copy(self, agreement_id: str, source: Path, original: str | None = None) -> EvidenceFile:
        """Copy `source` in under its cleaned name (`original`, the name it had for its
        user, when it is a temporary upload)."""
        folder = self.ws.agreements_dir / agreement_id / EVIDENCE_DIR
        self.ws.inside(folder, folder=True)
        remove_stale_temp_files(folder)  # a killed copy's (copies are made under the lock)
        digest = sha256_file(source)
        original = original or source.name
        name = evidence_name(original)
        n = 1
        while True:
            target = folder / numbered(name, n)
            if target in self.taken:
                n += 1
                continue
            try:
                st = os.lstat(target)
            except FileNotFoundError:
                break
            except OSError as exc:
                raise DocgenError(
                    _("{file}: cannot read: {reason}").format(
                        file=self.ws.rel(target), reason=exc.strerror or exc
                    )
                ) from exc
            # The same file again: reuse it (a link or anything else is a taken name, never read).
            if stat.S_ISREG(st.st_mode) and sha256_file(target) == digest:
                return self._record(target, digest, original)
            n += 1
        self.taken.add(target)
        self.ws.inside(target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DocgenError(
                _("{rel}: cannot create the evidence folder: {reason}").format(
                    rel=self.ws.rel(folder), reason=exc.strerror or exc
                )
            ) from exc
        _copy_new(source, target, digest, self.created, self.markers)
        return self._record(target, digest, original)

    def _record(self, target: Path, digest: str, original: str) -> EvidenceFile:
        return {"file": self.ws.rel(target), "sha256": digest, "original": original}


def settle(markers: list[Path]) -> None:
    """After the commit: the files are recorded, their markers go."""
    for marker in markers:
        marker.unlink(missing_ok=True)
    markers.clear()


def _marker(target: Path) -> Path:
    return target.with_name(f".{target.name}{PENDING}")


def _copy_new(source: Path, target: Path, digest: str, created: list[Path], markers: list[Path]) -> None:
    """Copy to a new temporary name (never an existing file or link), fsync, mark the file
    pending, then link it into place: a taken name is never replaced."""
    tmp = temporary_name(target)
    marker = _marker(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        marker.unlink(missing_ok=True)  # a marker of an earlier attempt whose file is gone
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(digest + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        markers.append(marker)
        _place(tmp, target)
        created.append(target)
        fsync_dir(target.parent)
    except OSError as exc:
        where = exc.filename if exc.filename and Path(exc.filename) != tmp else target
        raise DocgenError(
            _("{where}: cannot copy evidence: {reason}").format(where=where, reason=exc.strerror or exc)
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _place(tmp: Path, target: Path) -> None:
    """`tmp` under the name `target`, which must not exist (not even as a link)."""
    try:
        os.link(tmp, target)  # fails if the name is taken: nothing is ever replaced
        return
    except FileExistsError:
        raise DocgenError(
            _("{target}: appeared while copying evidence; try again").format(target=target)
        ) from None
    except OSError:
        pass  # a file system without hard links (FAT, some network shares)
    if os.path.lexists(target):  # only another program can have taken it: docgen holds the lock
        raise DocgenError(_("{target}: appeared while copying evidence; try again").format(target=target))
    os.replace(tmp, target)


def recover_evidence(ws: Workspace, session: Session) -> list[str]:
    """Finish or roll back what a killed `deliverable set` left: each `.<name>.pending`
    marker's file is kept when the tracker records it, else removed. One line each."""
    lines: list[str] = []
    try:
        leftovers = sorted(ws.agreements_dir.glob(f"*/{EVIDENCE_DIR}/.*"))
    except OSError:
        return lines
    for folder in dict.fromkeys(p.parent for p in leftovers):
        try:
            remove_stale_temp_files(ws.inside(folder, folder=True))  # copies cut short
        except DocgenError:
            continue  # a link: never followed
    for marker in (p for p in leftovers if p.name.endswith(PENDING)):
        folder = marker.parent
        agreement_id = folder.parent.name
        name = marker.name[1 : -len(PENDING)]
        target = folder / name
        try:
            ws.inside(marker)
            digest = marker.read_text(encoding="ascii").strip()
        except (DocgenError, OSError, UnicodeDecodeError):
            continue  # not docgen's to touch (a link, an unreadable file): left as it is
        label = ws.rel(folder) + "/" + name
        recorded = any(
            e.get("file") == label and e.get("sha256") == digest
            for event in (session.events(agreement_id) if valid_agreement_id(agreement_id) else [])
            for e in event.get("evidence") or []
        )
        if recorded:
            lines.append(
                _("{file}: recorded by an interrupted `deliverable set`; its copy is complete").format(
                    file=label
                )
            )
        elif _ours(target, digest):
            target.unlink(missing_ok=True)
            lines.append(
                _("{file}: copied by an interrupted `deliverable set` that recorded nothing; removed").format(
                    file=label
                )
            )
        marker.unlink(missing_ok=True)
    return lines


def _ours(target: Path, digest: str) -> bool:
    """Whether `target` is the regular file docgen copied (the digest its marker holds)."""
    try:
        st = os.lstat(target)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and sha256_file(target) == digest


def pending_evidence(ws: Workspace) -> list[str]:
    """What `check` says of copies a killed `deliverable set` left (it changes nothing:
    the next `deliverable set` keeps or removes them)."""
    try:
        markers = sorted(ws.agreements_dir.glob(f"*/{EVIDENCE_DIR}/.*{PENDING}"))
    except OSError:
        return []
    return [
        _(
            "{file}: left by an interrupted `deliverable set`; the next `deliverable set` "
            "keeps it if the tracker recorded it, else removes it"
        ).format(file=ws.rel(m.parent) + "/" + m.name[1 : -len(PENDING)])
        for m in markers
    ]
