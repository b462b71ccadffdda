"""The workspace's certificate secret, `.docgen/certificate-secret`: never printed, never
stored in the tracker, owner-only on disk. Without it no issued certificate can be verified."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from docgen.errors import TrackerError
from docgen.fsutil import atomic_write_bytes
from docgen.workspace import Workspace

SECRET_FILE = "certificate-secret"


def _secret_path(ws: Workspace) -> Path:
    return ws.state_dir / SECRET_FILE


def read_secret(ws: Workspace, *, create: bool = False) -> bytes | None:
    """The workspace's certificate secret; created (under the caller's tracker lock) if
    `create` and absent. None if absent and not to be created."""
    path = _secret_path(ws)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        text = secrets.token_hex(32)
        atomic_write_bytes(path, (text + "\n").encode("ascii"), private=True)  # owner-only
    except (OSError, UnicodeDecodeError) as exc:
        raise TrackerError(f".docgen/{SECRET_FILE}: cannot read the certificate secret ({exc})") from exc
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise TrackerError(f".docgen/{SECRET_FILE}: not a docgen certificate secret; restore it "
                           "from a backup (without it no issued certificate can be verified)")
    return bytes.fromhex(text)
