"""Certificate keys, checksums and QR payloads. Pure.

Each certificate carries a proof: its Ed25519 signature with the office's key
(domain/signatures.py); one issued before docgen signed with a key carries a checksum,
HMAC-SHA256 over (number, recipient, score, year) with the workspace secret, cut to 16
hex digits. Its QR code holds "NUMBER PROOF" (or `[certificates] verify_url` filled with
them as {number} and {checksum}), and so do the PDF's keywords.
The idempotency key is the recipient folded for case and spaces, the year and the event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import string
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote, unquote

from docgen.domain.signatures import is_proof
from docgen.records import CertificateRecord

CHECKSUM_CHARS = 16  # 64 bits of the HMAC, upper-case hex: fits a small QR code


def fold(text: str) -> str:
    """Case- and space-folded: "Dinas  Sosial " and "dinas sosial" are one recipient (and
    one event, one grade, one filter of `certificate list`, one text on a piagam's page)."""
    return " ".join(str(text).split()).casefold()


Key = tuple[str, int, str]


def certificate_key(recipient: str, year: int, event: str) -> Key:
    """The idempotency key: one certificate in force per recipient, assessment year and
    event; issuing the same results again finds it instead of taking a new number."""
    return (fold(recipient), year, fold(event))


def in_force(records: Iterable[CertificateRecord]) -> dict[Key, CertificateRecord]:
    """The certificates in force (not revoked), by idempotency key."""
    return {(r["key"], r["year"], fold(r["event"])): r for r in records if not r.get("revoked")}


def conflicts(existing: CertificateRecord, score: Decimal | float | str, grade: str) -> bool:
    """Whether a row disagrees with the certificate in force for its key (another score or
    grade): it is revoked first, never silently re-issued with other figures."""
    return canonical_score(existing["score"]) != canonical_score(score) or existing["grade"] != grade


def duplicates(recipients: Iterable[tuple[int, str]]) -> dict[int, list[int]]:
    """Rows naming a recipient another row names too (folded): row -> every such row.
    A results file gives one row per recipient."""
    by_key: dict[str, list[int]] = {}
    rows = list(recipients)
    for row, recipient in rows:
        by_key.setdefault(fold(recipient), []).append(row)
    return {row: by_key[fold(r)] for row, r in rows if len(by_key[fold(r)]) > 1}


def canonical_score(score: Decimal | float | str) -> str:
    """The score as the checksum covers it: two decimals with a point, "91.40"."""
    return str(Decimal(str(score)).quantize(Decimal("0.01")))


def checksum(secret: bytes, number: str, recipient: str, score: Decimal | float | str, year: int) -> str:
    message = "\x1f".join((number, recipient, canonical_score(score), str(year))).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:CHECKSUM_CHARS].upper()


def payload(number: str, check: str, verify_url: str = "") -> str:
    """What the QR code carries: "NUMBER CHECKSUM", or the verify URL filled with them."""
    if verify_url:
        return verify_url.format(number=quote(number, safe=""), checksum=check)
    return f"{number} {check}"


def parse_payload(text: str, verify_urls: Iterable[str] = ()) -> tuple[str, str | None]:
    """(number, checksum or None) from a QR payload, a verify URL or a bare number."""
    text = text.strip()
    for url in dict.fromkeys(u for u in verify_urls if u):
        pattern = "".join(
            re.escape(literal) + (f"(?P<{name}>[^&#?/]+)" if name in ("number", "checksum") else "")
            for literal, name, _, _ in _format_parts(url)
        )
        match = re.fullmatch(pattern, text)
        if match:
            return unquote(match["number"]), _proof(match["checksum"])
    head, _, tail = text.rpartition(" ")
    if head and (re.fullmatch(f"[0-9A-Fa-f]{{{CHECKSUM_CHARS}}}", tail) or is_proof(tail)):
        return head.strip(), _proof(tail)
    return text, None


def _proof(text: str) -> str:
    """A signature proof as it is (base64url is case-sensitive); an HMAC checksum in
    upper case."""
    return text if is_proof(text) else text.upper()


def _format_parts(fmt: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(lit, name, spec, conv) for lit, name, spec, conv in string.Formatter().parse(fmt)]
