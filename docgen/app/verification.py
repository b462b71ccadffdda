"""Use cases of `docgen certificate verify` and `revoke`: is a certificate genuine (by its
number, what its QR code holds, or its PDF file), and marking one revoked.

A certificate is genuine when the registry holds it and its checksum (HMAC of number,
recipient, score and year with the workspace secret) matches; for a file, also when its
QR payload and page text match the registry and its bytes are those issued. A checksum
made with another secret (a lost and replaced `.docgen/certificate-secret`) is told
apart from an altered one.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.app.certificates import TABLE, label_of
from docgen.app.common import layout_source_of
from docgen.app.layout import renderer_for
from docgen.domain.certificates import checksum, parse_payload, payload
from docgen.errors import DocgenError, InputError, NotFoundError, VerificationError
from docgen.fsutil import sha256_file
from docgen.records import CertificateRecord
from docgen.safepath import read_regular
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.state.registry import Registry
from docgen.state.secret import BACKUP_HINT, SECRET_FILE, fingerprint, read_secret
from docgen.workspace import Workspace

MAX_PDF_BYTES = 20 << 20  # one certificate is about 30 kB


@dataclass
class Verification:
    number: str
    genuine: bool = False
    revoked: bool = False
    record: CertificateRecord | None = None
    reasons: list[str] = field(default_factory=list)
    file: str | None = None
    other_secret: bool = False  # signed with a secret other than this workspace's

    @property
    def valid(self) -> bool:
        return self.genuine and not self.revoked

    def to_json(self) -> dict[str, Any]:
        r: CertificateRecord | dict[str, None] = self.record or {}
        return {
            "number": self.number,
            "genuine": self.genuine,
            "revoked": self.revoked,
            "valid": self.valid,
            "recipient": r.get("recipient"),
            "year": r.get("year"),
            "grade": r.get("grade"),
            "score": r.get("score"),
            "event": r.get("event"),
            "issued_on": r.get("issued_on"),
            "revoked_on": (r.get("revoked_at") or "")[:10] or None,
            "revoked_reason": r.get("revoked_reason"),
            "file": self.file,
            "reasons": self.reasons,
            "other_secret": self.other_secret,
        }


def _known_urls(ws: Workspace, session: Session) -> list[str]:
    urls = [ws.config.certificates.verify_url]
    urls += [r.get("verify_url") or "" for r in session.records(TABLE)]
    return list(dict.fromkeys(u for u in urls if u))


def verify(ws: Workspace, target: str) -> Verification:
    """`certificate verify`: is the certificate NUMBER (or its QR payload / URL), or the
    PDF file, genuine?"""
    with open_tracker(ws).read() as session:
        if target.strip().lower().endswith(".pdf"):
            path = Path(target)
            try:
                if not path.is_absolute() and not path.exists() and (ws.root / path).exists():
                    path = ws.root / path
                if not path.is_file():
                    raise InputError(f"{target}: no such file")
            except OSError as exc:  # a name too long, a link loop
                raise InputError(f"{target}: cannot read: {exc.strerror or exc}") from exc
            return _verify_file(ws, session, path)
        return _verify_text(ws, session, target)


def _verify_text(ws: Workspace, session: Session, target: str) -> Verification:
    number, check = parse_payload(target, _known_urls(ws, session))
    result = _lookup(ws, session, number)
    if result.record is not None and check is not None:
        expected = _expected_checksum(ws, result.record, result)
        if expected is not None and not hmac.compare_digest(expected, check):
            result.genuine = False
            result.reasons.append(
                "the checksum does not match this certificate: the code was "
                "altered or belongs to another certificate"
            )
    return result


def _lookup(ws: Workspace, session: Session, number: str) -> Verification:
    result = Verification(number)
    record = session.record(TABLE, number)
    registry = Registry(session, ws.config)
    if record is None:
        registered = registry.find(number)
        if registered is not None and registered["kind"] != "certificate":
            result.reasons.append(f"{number} is a {registered['kind']} number, not a certificate")
        else:
            result.reasons.append(f"no certificate {number} in this workspace's registry")
        return result
    result.record = record
    result.genuine = True
    if record.get("revoked"):
        result.revoked = True
        result.reasons.append(
            f"revoked on {(record.get('revoked_at') or '')[:10]}: {record.get('revoked_reason')}"
        )
    registered = registry.find(number)
    if registered is not None and registered.get("void"):
        result.revoked = True
        result.reasons.append(f"its number was voided in the registry: {registered.get('void_reason')}")
    return result


def _expected_checksum(ws: Workspace, record: CertificateRecord, result: Verification) -> str | None:
    secret = read_secret(ws)
    if secret is None:
        result.genuine = False
        result.reasons.append(
            f"cannot check the checksum: .docgen/{SECRET_FILE} is missing (the "
            f"workspace that issued the certificate holds it; restore it from a "
            f"backup, {BACKUP_HINT})"
        )
        return None
    signed_with = record.get("secret_id")
    if signed_with and signed_with != fingerprint(secret):
        result.genuine = False
        result.other_secret = True
        result.reasons.append(
            f"cannot check the checksum: the certificate was signed with another "
            f"secret than this workspace's .docgen/{SECRET_FILE} (it was replaced); "
            f"restore the original from a backup ({BACKUP_HINT}) and verify again"
        )
        return None
    return checksum(secret, record["number"], record["recipient"], record["score"], record["year"])


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs ("invalid pdf header") and warns: docgen's one line says
    whether the file is a readable certificate."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _page_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def _verify_file(ws: Workspace, session: Session, path: Path) -> Verification:
    from pypdf import PdfReader

    shown = label_of(ws, path)
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            raise InputError(f"{shown}: {path.stat().st_size:,} bytes, too large for one certificate")
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(read_regular(path, MAX_PDF_BYTES)))
            pages = len(reader.pages)
            keywords = str(reader.metadata.get("/Keywords") or "") if reader.metadata else ""
            text = _page_text(reader.pages[0].extract_text() or "") if pages == 1 else ""
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises anything on a broken file
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(f"{shown}: not a readable PDF file ({reason})") from exc
    if pages != 1:
        raise InputError(
            f"{shown}: {pages} pages; verify one certificate file (outputs/certificates/"
            "<year>/...), not a combined print file"
        )
    if not keywords.strip():
        result = Verification("")
        result.file = shown
        result.reasons.append("the file holds no verification code: not a certificate issued by docgen")
        return result
    number, check = parse_payload(keywords, _known_urls(ws, session))
    result = _lookup(ws, session, number)
    result.file = shown
    record = result.record
    if record is None:
        return result
    problems = []
    expected = _expected_checksum(ws, record, result)
    if expected is not None:
        wanted = payload(record["number"], expected, record.get("verify_url") or "")
        if keywords.strip() != wanted:
            problems.append("its QR payload does not match the registry")
    try:
        printed = renderer_for(layout_source_of(ws)).printed
    except DocgenError:  # the layout was broken since: check everything the default prints
        printed = frozenset({"number", "recipient", "score"})
    missing = [
        what
        for what, value in (
            ("number", record["number"]),
            ("recipient", record["recipient"]),
            ("score", record["score_text"]),
        )
        if what in printed and _page_text(value) not in text
    ]
    if missing:
        problems.append(f"its text does not show the {', '.join(missing)} as issued")
    if sha256_file(path) not in record.get("sha256s", [record.get("sha256")]):
        problems.append("the file differs from the one issued: it was modified after issue")
    if problems:
        result.genuine = False
        result.reasons[:0] = problems
    return result


def revoke(ws: Workspace, number: str, reason: str) -> CertificateRecord:
    """`certificate revoke`: verify reports it revoked from then on."""
    number = number.strip()
    if not reason.strip():
        raise InputError("--reason: say why the certificate is revoked")

    def body(session: Session) -> CertificateRecord:
        doc = session.record(TABLE, number)
        if doc is None:
            raise NotFoundError(f"{number}: no certificate with this number in the registry")
        if doc.get("revoked"):
            raise VerificationError(
                f"{number}: already revoked on {(doc.get('revoked_at') or '')[:10]} "
                f"({doc.get('revoked_reason')})"
            )
        changes = {
            "revoked": True,
            "revoked_reason": " ".join(reason.split()),
            "revoked_at": now_text(),
            "revoked_by": current_user(),
        }
        return session.update(TABLE, number, changes)

    return open_tracker(ws).transaction(body)
