"""The workspace's certificate secret, `.docgen/certificate-secret`, of the certificates an
earlier docgen issued with an HMAC checksum (new ones are signed with the office's key,
state/signing_key.py): never printed, never stored in the tracker, owner-only on disk.
Without it those certificates cannot be verified.

Each certificate record carries the secret's fingerprint (an HMAC of a fixed text, which
reveals nothing of the secret), so that a replaced secret is recognised as such: verify
says "signed with another secret" rather than "altered", and issuing refuses to go on
with a secret other than the one that signed the registry's certificates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from docgen.errors import TrackerError
from docgen.i18n import _
from docgen.safepath import read_regular
from docgen.workspace import Workspace

SECRET_FILE = "certificate-secret"
BACKUP_HINT = "see docs/certificates-secret.md"  # certificates issued before the key
_FINGERPRINT_TEXT = b"docgen certificate secret fingerprint"


def _secret_path(ws: Workspace) -> Path:
    return ws.state_dir / SECRET_FILE


def fingerprint(secret: bytes) -> str:
    """16 hex digits identifying the secret without revealing it."""
    return hmac.new(secret, _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]


LABEL = f".docgen/{SECRET_FILE}"


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
