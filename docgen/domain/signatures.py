"""Ed25519 signatures of certificates: the message, the key id and the proof. Pure.

A certificate's proof (what its QR code carries after the number, `{checksum}` of
`[certificates] verify_url`) is

    KEYID "." SIGNATURE

SIGNATURE is the Ed25519 signature of the UTF-8 bytes of

    NUMBER "\\n" RECIPIENT "\\n" SIGNED_ON

(the number, the recipient and the date of signing in ISO form, YYYY-MM-DD, exactly as
`certificate issue --json` reports them), encoded base64url without padding (86
characters). KEYID names the public key that verifies it: the first 8 characters of the
base64url encoding of the SHA-256 of the key's SubjectPublicKeyInfo (DER), the form
`docgen certificate key export` writes as PEM. docs/certificates.md shows how anyone
checks a proof with any Ed25519 library.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEPARATOR = "."
KEYID_CHARS = 8
SIGNATURE_CHARS = 86  # 64 bytes in base64url without padding
PROOF = re.compile(rf"[A-Za-z0-9_-]{{{KEYID_CHARS}}}\{SEPARATOR}[A-Za-z0-9_-]{{{SIGNATURE_CHARS}}}")
# What the layout check lays out before the real proof exists: as long as one.
PLACEHOLDER = "A" * KEYID_CHARS + SEPARATOR + "A" * SIGNATURE_CHARS


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def message(number: str, recipient: str, signed_on: str) -> bytes:
    """The bytes a certificate's signature covers."""
    return f"{number}\n{recipient}\n{signed_on}".encode()


def is_proof(text: str) -> bool:
    """Whether `text` has the form of a signature proof (not an HMAC checksum)."""
    return PROOF.fullmatch(text) is not None


def public_der(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_pem(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    return b64url(hashlib.sha256(public_der(key)).digest())[:KEYID_CHARS]


def load_public_pem(text: str) -> Ed25519PublicKey | None:
    """The Ed25519 public key of a PEM text; None when it is not one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None


def sign(key: Ed25519PrivateKey, number: str, recipient: str, signed_on: str) -> str:
    """The proof of a certificate: KEYID.SIGNATURE."""
    signature = key.sign(message(number, recipient, signed_on))
    return key_id(key.public_key()) + SEPARATOR + b64url(signature)


def verify(key: Ed25519PublicKey, proof: str, number: str, recipient: str, signed_on: str) -> bool:
    """Whether `proof` is the signature of these fields by `key` (its key id included)."""
    from cryptography.exceptions import InvalidSignature

    if not is_proof(proof):
        return False
    keyid, _, signature = proof.partition(SEPARATOR)
    if keyid != key_id(key):
        return False
    try:
        raw = unb64url(signature)
        if b64url(raw) != signature:  # one signature, one text: no spare bits set
            return False
        key.verify(raw, message(number, recipient, signed_on))
    except (InvalidSignature, ValueError):
        return False
    return True


def proof_key_id(proof: str) -> str | None:
    return proof.partition(SEPARATOR)[0] if is_proof(proof) else None
