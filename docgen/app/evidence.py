"""Evidence files copied into `agreements/<id>/evidence/`, with their sha256.

The name is sanitised so it cannot leave that folder; a name already taken by a
different file gets a Windows-style " (2)" suffix (never overwritten), and the same
content under the same name is reused.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError
from docgen.fsutil import sha256_file
from docgen.safepath import is_reserved_name, remove_stale_temp_files
from docgen.workspace import Workspace

EVIDENCE_DIR = "evidence"
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
    """Copies evidence into agreements/<id>/evidence/ inside a tracker transaction."""

    def __init__(self, ws: Workspace, created: list[Path]) -> None:
        self.ws = ws
        self.created = created
        self.taken: set[Path] = set()

    def copy(self, agreement_id: str, source: Path, original: str | None = None) -> dict[str, Any]:
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
            if not target.exists():
                break
            if target.is_file() and sha256_file(target) == digest:  # the same file again: reuse it
                return self._record(target, digest, original)
            n += 1
        self.taken.add(target)
        self.ws.inside(target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DocgenError(
                f"{self.ws.rel(folder)}: cannot create the evidence folder: {exc.strerror or exc}"
            ) from exc
        _copy_new(source, target)
        self.created.append(target)
        return self._record(target, digest, original)

    def _record(self, target: Path, digest: str, original: str) -> dict[str, Any]:
        return {"file": self.ws.rel(target), "sha256": digest, "original": original}


def _copy_new(source: Path, target: Path) -> None:
    """Copy to a temporary name, fsync, then move into place; a taken name is never replaced."""
    tmp = target.with_name(f".{target.name}.copying")
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        if target.exists():  # only another program can have taken it: docgen holds the lock
            raise DocgenError(f"{target}: appeared while copying evidence; try again")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        where = exc.filename if exc.filename and Path(exc.filename) != tmp else target
        raise DocgenError(f"{where}: cannot copy evidence: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
