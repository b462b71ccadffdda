"""The workspace's certificate signing key, `.docgen/certificate-key`: the Ed25519 private
key (PEM, PKCS#8) that signs new certificates. Never printed, never stored in the tracker,
owner-only on disk. Its public key is kept in the tracker (`certificate_keys`), so that
verifying needs no private key: a PC that only verifies holds none.

The key is never replaced silently: with the office's public keys in the tracker, a
missing key file is restored from its backup, or a new key is started on purpose with
`docgen certificate key rotate` (older certificates keep verifying with their keys).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, TrackerError
from docgen.fsutil import atomic_write_bytes
from docgen.i18n import _
from docgen.safepath import check_write, read_regular
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_FILE = "certificate-key"
LABEL = f".docgen/{KEY_FILE}"
BACKUP_HINT = "see docs/certificates.md"


def key_path(ws: Workspace) -> Path:
    return ws.state_dir / KEY_FILE


def new_key() -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def _pem(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def save_key(ws: Workspace, key: Ed25519PrivateKey, path: Path | None = None) -> None:
    """Write the key owner-only (under the caller's tracker transaction)."""
    path = path or key_path(ws)
    try:
        check_write(ws.root, path)
        atomic_write_bytes(path, _pem(key), private=True)
    except DocgenError as exc:
        raise TrackerError(_("{message}; no certificate was issued").format(message=exc.message)) from exc
    except OSError as exc:
        raise TrackerError(
            _("{label}: cannot write the certificate signing key: {reason}").format(
                label=ws.rel(path), reason=exc.strerror or exc
            )
        ) from exc


def read_key(ws: Workspace) -> Ed25519PrivateKey | None:
    """The workspace's signing key; None if it holds none (a PC that only verifies)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = read_regular(key_path(ws), 16384)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TrackerError(
            _("{label}: cannot read the certificate signing key ({reason})").format(
                label=LABEL, reason=exc.strerror or exc
            )
        ) from exc
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise TrackerError(
            _(
                "{label}: not a docgen certificate signing key (an Ed25519 private key in PEM); "
                "restore it from a backup ({hint})"
            ).format(label=LABEL, hint=BACKUP_HINT)
        )
    return key
