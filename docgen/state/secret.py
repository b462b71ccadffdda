"""The workspace's certificate secret, `.docgen/certificate-secret`: never printed, never
stored in the tracker, owner-only on disk. Without it no issued certificate can be verified.

Each certificate record carries the secret's fingerprint (an HMAC of a fixed text, which
reveals nothing of the secret), so that a replaced secret is recognised as such: verify
says "signed with another secret" rather than "altered", and issuing refuses to go on
with a secret other than the one that signed the registry's certificates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

from docgen.errors import DocgenError, TrackerError
from docgen.fsutil import atomic_write_bytes
from docgen.i18n import _
from docgen.safepath import check_write, read_regular
from docgen.workspace import Workspace

SECRET_FILE = "certificate-secret"
BACKUP_HINT = "see docs/certificates-secret.md"
_FINGERPRINT_TEXT = b"docgen certificate secret fingerprint"


def _secret_path(ws: Workspace) -> Path:
    return ws.state_dir / SECRET_FILE


def fingerprint(secret: bytes) -> str:
    """16 hex digits identifying the secret without revealing it."""
    return hmac.new(secret, _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]


LABEL = f".docgen/{SECRET_FILE}"


def new_secret(issued: int) -> bytes:
    """A new secret, to be saved with `save_secret` once the first certificates are made;
    refused while the registry holds `issued` certificates in force: they were signed with
    the lost secret, which must be restored, not replaced."""
    if issued:
        raise TrackerError(
            _(
                "{label} is missing, but the registry holds {issued} certificate(s) "
                "signed with it: restore it from a backup ({backup_hint}); docgen will "
                "not create a new one, which would make every issued certificate fail "
                "verification"
            ).format(label=LABEL, issued=issued, backup_hint=BACKUP_HINT)
        )
    return secrets.token_bytes(32)


def save_secret(ws: Workspace, secret: bytes) -> None:
    """Write a new secret, owner-only (under the caller's tracker lock)."""
    path = _secret_path(ws)
    try:
        check_write(ws.root, path)
        atomic_write_bytes(path, (secret.hex() + "\n").encode("ascii"), private=True)
    except DocgenError as exc:
        raise TrackerError(_("{message}; no certificate was issued").format(message=exc.message)) from exc
    except OSError as exc:
        raise TrackerError(
            _("{label}: cannot create the certificate secret: {reason}; no certificate was issued").format(
                label=LABEL, reason=exc.strerror or exc
            )
        ) from exc


def read_secret(ws: Workspace) -> bytes | None:
    """The workspace's certificate secret; None if there is none yet."""
    path = _secret_path(ws)
    label = LABEL
    try:
        text = read_regular(path, 4096).decode("ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise TrackerError(
            _("{label}: cannot read the certificate secret ({getattr})").format(
                label=label, getattr=getattr(exc, "strerror", None) or exc
            )
        ) from exc
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise TrackerError(
            _(
                "{label}: not a docgen certificate secret; restore it from a backup "
                "({backup_hint}); without it no issued certificate can be verified"
            ).format(label=label, backup_hint=BACKUP_HINT)
        )
    return bytes.fromhex(text)
