"""PDF through LibreOffice: every document in one `soffice --headless` call.

Starting LibreOffice dominates the cost (about 1.8 s for one document in a call, 0.3 s
each when 20 go in one call), so callers pass everything at once. A private profile
folder (-env:UserInstallation) lets the conversion run while the user has LibreOffice
open, and keeps two conversions from fighting over one profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from docgen.errors import ConversionError
from docgen.fsutil import atomic_path
from docgen.i18n import _

ENV_VAR = "DOCGEN_SOFFICE"
BASE_TIMEOUT = 120.0
PER_DOCUMENT_TIMEOUT = 20.0


def _candidates() -> list[Path]:
    if sys.platform == "win32":
        roots = [os.environ.get(v) for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
        return [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    if sys.platform == "darwin":
        return [
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
            Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice",
        ]
    return [
        Path("/usr/bin/soffice"),
        Path("/usr/lib/libreoffice/program/soffice"),
        Path("/opt/libreoffice/program/soffice"),
        Path("/snap/bin/libreoffice"),
    ]


def find_soffice() -> Path:
    """$DOCGEN_SOFFICE, else soffice/libreoffice on PATH, else LibreOffice's usual install folders."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file():
            return path
        raise ConversionError(
            _("${env_var} is {explicit!r}, which is not a file").format(env_var=ENV_VAR, explicit=explicit)
        )
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    for path in _candidates():
        if path.is_file():
            return path
    raise ConversionError(
        _(
            "LibreOffice (soffice) not found, so no PDF can be made: install "
            "LibreOffice (https://www.libreoffice.org/download/), put soffice on "
            "PATH or set $DOCGEN_SOFFICE to its full path; the .docx drafts do not "
            "need it"
        )
    )


def to_pdf(docx_paths: Sequence[Path], out_dir: Path) -> dict[Path, Path | str]:
    """Convert every .docx in ONE soffice call; write each `<stem>.pdf` in `out_dir` atomically.

    Returns, for each input, its PDF path or the reason it failed. Raises ConversionError
    when soffice is missing or cannot run at all.
    """
    if not docx_paths:
        return {}
    soffice = find_soffice()
    results: dict[Path, Path | str] = {}
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        tmp_dir = Path(tmp)
        profile = tmp_dir / "profile"
        converted = tmp_dir / "out"
        converted.mkdir()
        command = [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(converted),
            *(str(p) for p in docx_paths),
        ]
        timeout = BASE_TIMEOUT + PER_DOCUMENT_TIMEOUT * len(docx_paths)
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(
                _("LibreOffice did not finish converting within {timeout:.0f} s").format(timeout=timeout)
            ) from exc
        except OSError as exc:
            raise ConversionError(
                _("{soffice}: cannot run LibreOffice: {reason}").format(
                    soffice=soffice, reason=exc.strerror or exc
                )
            ) from exc
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        why = detail[-1] if detail else f"exit code {proc.returncode}"
        reason = f"LibreOffice could not convert it ({why})"
        for source in docx_paths:
            made = converted / f"{source.stem}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                results[source] = reason
                continue
            target = out_dir / f"{source.stem}.pdf"
            try:
                with atomic_path(target) as part:
                    shutil.copyfile(made, part)
            except OSError as exc:
                results[source] = f"{target}: cannot write: {exc.strerror or exc}"
                continue
            results[source] = target
    return results
