"""Use cases of `docgen certificate verify` and `revoke`: is a certificate genuine (by its
number, what its QR code holds, or its PDF file), and marking one revoked.

A certificate is genuine when the registry holds it and its proof checks: the Ed25519
signature of its number, recipient and date of signing, with the office's public key
the tracker holds (no private key needed); for a certificate issued before docgen signed
with a key, the HMAC checksum with the workspace secret. For a file, also when its QR
payload and page text match the registry and its bytes are those issued. A checksum
made with another secret (a lost and replaced `.docgen/certificate-secret`) is told
apart from an altered one.

`verify_proof(ws, number, proof)` is the one check a public verification page makes.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import logging
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from docgen.app.certificate_keys import public_key
from docgen.app.certificates import TABLE, label_of
from docgen.app.common import layout_source_of
from docgen.app.layout import renderer_for
from docgen.domain.certificates import checksum, fold, parse_payload, payload
from docgen.domain.signatures import is_proof, proof_key_id
from docgen.domain.signatures import verify as verify_signature
from docgen.errors import DocgenError, InputError, NotFoundError, VerificationError
from docgen.fsutil import sha256_file
from docgen.i18n import N_, _
from docgen.records import CertificateRecord, VerificationEntry
from docgen.safepath import read_regular
from docgen.state import open_tracker
from docgen.state.base import Session, Tracker, current_user, now_text
from docgen.state.registry import Registry
from docgen.state.secret import BACKUP_HINT, SECRET_FILE, fingerprint, read_secret
from docgen.workspace import Workspace

KINDS = {"letter": N_("letter"), "agreement": N_("agreement"), "certificate": N_("certificate")}
MAX_PDF_BYTES = 20 << 20  # one certificate is about 30 kB
LOG_LIMIT = 500  # verifications the admins' list shows


class VerificationJson(TypedDict):
    """`certificate verify --json`: the verdict, what the registry holds of the certificate
    (None: not found), and the reasons it is not genuine."""

    number: str
    genuine: bool
    revoked: bool
    valid: bool
    recipient: str | None
    year: int | None
    grade: str | None
    score: float | None
    event: str | None
    issued_on: str | None
    revoked_on: str | None
    revoked_reason: str | None
    file: str | None
    reasons: list[str]
    other_secret: bool


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

    def to_json(self) -> VerificationJson:
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
                    raise InputError(_("{target}: no such file").format(target=target))
            except OSError as exc:  # a name too long, a link loop
                raise InputError(
                    _("{target}: cannot read: {reason}").format(target=target, reason=exc.strerror or exc)
                ) from exc
            return _verify_file(ws, session, path)
        return _verify_text(ws, session, target)


def _verify_text(ws: Workspace, session: Session, target: str) -> Verification:
    number, check = parse_payload(target, _known_urls(ws, session))
    return _verify_number(ws, session, number, check)


def _verify_number(ws: Workspace, session: Session, number: str, check: str | None) -> Verification:
    result = _lookup(ws, session, number)
    if result.record is None or check is None:
        return result
    record = result.record
    if record.get("proof"):  # signed with the office's key: only its public key is needed
        keyid = proof_key_id(check)
        key = public_key(session, keyid, session.office) if keyid else None
        if keyid and key is None:
            result.genuine = False
            result.reasons.append(
                _(
                    "the tracker holds no public key {keyid} of office {office}: the code was "
                    "altered or belongs to another office's certificate"
                ).format(keyid=keyid, office=session.office)
            )
        elif key is None or not verify_signature(
            key, check, record["number"], record["recipient"], record["issued_on"]
        ):
            result.genuine = False
            result.reasons.append(MISMATCH)
        return result
    expected = _expected_checksum(ws, record, result)
    if expected is not None and (is_proof(check) or not hmac.compare_digest(expected, check)):
        result.genuine = False
        result.reasons.append(MISMATCH)
    return result


MISMATCH = (
    "the checksum does not match this certificate: the code was altered or belongs to another certificate"
)


def verify_proof(ws: Workspace, number: str, proof: str) -> PublicVerification:
    """Is `proof` (what the QR code carries after the number, `{checksum}` of verify_url)
    the proof of certificate `number`? genuine, revoked (with the date and reason) or
    not_found, and what the certificate prints. Read-only, logs nothing; needs no private
    key (nor, for a certificate signed with a key, the HMAC secret)."""
    number, proof = number.strip(), proof.strip()
    if not number or not proof:
        return PublicVerification(NOT_FOUND)
    with open_tracker(ws).read() as session:
        return _answer(ws, session, number, proof if is_proof(proof) else proof.upper())


def _lookup(ws: Workspace, session: Session, number: str) -> Verification:
    result = Verification(number)
    record = session.record(TABLE, number)
    registry = Registry(session, ws.config)
    if record is None:
        registered = registry.find(number)
        if registered is not None and registered["kind"] != "certificate":
            result.reasons.append(
                _("the number of a {kind}, not of a certificate").format(
                    kind=_(KINDS.get(registered["kind"], registered["kind"]))
                )
            )
        else:
            result.reasons.append(
                _("no certificate {number} in this workspace's registry").format(number=number)
            )
        return result
    result.record = record
    result.genuine = True
    if record.get("revoked"):
        result.revoked = True
        result.reasons.append(
            _("revoked on {date}: {reason}").format(
                date=(record.get("revoked_at") or "")[:10], reason=record.get("revoked_reason")
            )
        )
    registered = registry.find(number)
    if registered is not None and registered.get("void"):
        result.revoked = True
        result.reasons.append(
            _("its number was voided in the registry: {get}").format(get=registered.get("void_reason"))
        )
    return result


def _expected_checksum(ws: Workspace, record: CertificateRecord, result: Verification) -> str | None:
    secret = read_secret(ws)
    if secret is None:
        result.genuine = False
        result.reasons.append(
            _(
                "cannot check the checksum: .docgen/{secret_file} is missing (the "
                "workspace that issued the certificate holds it; restore it from a "
                "backup, {backup_hint})"
            ).format(secret_file=SECRET_FILE, backup_hint=BACKUP_HINT)
        )
        return None
    signed_with = record.get("secret_id")
    if signed_with and signed_with != fingerprint(secret):
        result.genuine = False
        result.other_secret = True
        result.reasons.append(
            _(
                "cannot check the checksum: the certificate was signed with another "
                "secret than this workspace's .docgen/{secret_file} (it was replaced); "
                "restore the original from a backup ({backup_hint}) and verify again"
            ).format(secret_file=SECRET_FILE, backup_hint=BACKUP_HINT)
        )
        return None
    return checksum(secret, record["number"], record["recipient"], record["score"], record["year"])


def _expected_proof(
    ws: Workspace, session: Session, record: CertificateRecord, result: Verification
) -> str | None:
    """The proof the certificate's QR code must carry, once it checks; None when it
    cannot be checked (the reason is in `result`)."""
    proof = record.get("proof")
    if not proof:
        return _expected_checksum(ws, record, result)
    checked = _verify_number(ws, session, record["number"], str(proof))
    if not checked.genuine:
        result.genuine = False
        result.reasons.extend(r for r in checked.reasons if r not in result.reasons)
        return None
    return str(proof)


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


def _verify_file(ws: Workspace, session: Session, path: Path) -> Verification:
    from pypdf import PdfReader

    shown = label_of(ws, path)
    try:
        if path.stat().st_size > MAX_PDF_BYTES:
            raise InputError(
                _("{shown}: {st_size:,} bytes, too large for one certificate").format(
                    shown=shown, st_size=path.stat().st_size
                )
            )
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(read_regular(path, MAX_PDF_BYTES)))
            pages = len(reader.pages)
            keywords = str(reader.metadata.get("/Keywords") or "") if reader.metadata else ""
            text = fold(reader.pages[0].extract_text() or "") if pages == 1 else ""
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises anything on a broken file
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(
            _("{shown}: not a readable PDF file ({reason})").format(shown=shown, reason=reason)
        ) from exc
    if pages != 1:
        raise InputError(
            _(
                "{shown}: {pages} pages; verify one certificate file "
                "(outputs/certificates/<year>/...), not a combined print file"
            ).format(shown=shown, pages=pages)
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
    expected = _expected_proof(ws, session, record, result)
    if expected is not None:
        wanted = payload(record["number"], expected, record.get("verify_url") or "")
        if keywords.strip() != wanted:
            problems.append(_("its QR payload does not match the registry"))
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
        if what in printed and fold(value) not in text
    ]
    if missing:
        problems.append(_("its text does not show the {items} as issued").format(items=", ".join(missing)))
    if sha256_file(path) not in record.get("sha256s", [record.get("sha256")]):
        problems.append(_("the file differs from the one issued: it was modified after issue"))
    if problems:
        result.genuine = False
        result.reasons[:0] = problems
    return result


def revoke(ws: Workspace, number: str, reason: str, *, user: str | None = None) -> CertificateRecord:
    """`certificate revoke`: verify reports it revoked from then on; `user` is who revokes
    (default: the login name)."""
    number = number.strip()
    if not reason.strip():
        raise InputError(_("--reason: say why the certificate is revoked"))

    def body(session: Session) -> CertificateRecord:
        doc = session.record(TABLE, number)
        if doc is None:
            raise NotFoundError(
                _("{number}: no certificate with this number in the registry").format(number=number)
            )
        if doc.get("revoked"):
            raise VerificationError(
                _("{number}: already revoked on {value} ({get})").format(
                    number=number, value=(doc.get("revoked_at") or "")[:10], get=doc.get("revoked_reason")
                )
            )
        changes = {
            "revoked": True,
            "revoked_reason": " ".join(reason.split()),
            "revoked_at": now_text(),
            "revoked_by": user or current_user(),
        }
        return session.update(TABLE, number, changes)

    return open_tracker(ws).transaction(body)


# --- the public verification page (`docgen serve`) ----------------------------------------

GENUINE, REVOKED, NOT_FOUND = "genuine", "revoked", "not_found"


class NotFoundJson(TypedDict):
    outcome: str  # NOT_FOUND


class PublicJson(TypedDict):
    """The public page's answer for a certificate it found (GENUINE or REVOKED)."""

    outcome: str
    number: str | None
    recipient: str | None
    unit: str | None
    score: str | None
    grade_text: str | None
    event: str | None
    year: int | None
    issued_on: str | None
    place: str | None
    signatory: str | None
    signatory_title: str | None
    revoked_on: str | None
    revoked_reason: str | None


@dataclass(frozen=True)
class PublicVerification:
    """What the public page may say of a certificate: ASLI with what is printed on it,
    DICABUT with the date and reason, or TIDAK DITEMUKAN and nothing more (an unknown
    number and a proof that does not match are one answer)."""

    outcome: str  # GENUINE, REVOKED or NOT_FOUND
    number: str | None = None
    recipient: str | None = None
    unit: str | None = None
    score: str | None = None
    grade_text: str | None = None
    event: str | None = None
    year: int | None = None
    issued_on: str | None = None
    place: str | None = None
    signatory: str | None = None
    signatory_title: str | None = None
    revoked_on: str | None = None
    revoked_reason: str | None = None

    def to_json(self) -> NotFoundJson | PublicJson:
        if self.outcome == NOT_FOUND:
            return {"outcome": NOT_FOUND}
        return {
            "outcome": self.outcome,
            "number": self.number,
            "recipient": self.recipient,
            "unit": self.unit,
            "score": self.score,
            "grade_text": self.grade_text,
            "event": self.event,
            "year": self.year,
            "issued_on": self.issued_on,
            "place": self.place,
            "signatory": self.signatory,
            "signatory_title": self.signatory_title,
            "revoked_on": self.revoked_on,
            "revoked_reason": self.revoked_reason,
        }


def verify_path(verify_url: str) -> str:
    """The path (and query pattern) of `verify_url` that the web face serves on its own host:
    "https://x.go.id/verifikasi/{number}?c={checksum}" -> "/verifikasi/{number}?c={checksum}"."""
    parts = urlsplit(verify_url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def verify_prefix(verify_url: str) -> str:
    """The literal start of `verify_path` up to its first field: the addresses the web face
    hands to `verify_public` ("/verifikasi/", or "/cek" for "/cek?n={number}...")."""
    path = verify_path(verify_url)
    return path.split("?", 1)[0].split("{", 1)[0] or "/"


def verify_public(ws: Workspace, target: str, address: str) -> PublicVerification:
    """The public page's answer for `target` (the requested path and query, as sent), and
    that answer recorded in the verification log with the time and the client's address."""
    tracker = open_tracker(ws)
    state = _state(ws, tracker)
    number, check = parse_payload(target, state.patterns)
    if check is None or number not in state.numbers:
        answer = PublicVerification(NOT_FOUND)
    else:
        proof = check if is_proof(check) else check.upper()
        with _kept_lock:
            kept = state.answers.get((number, proof))
        if kept is None:
            with tracker.read() as session:
                kept = _answer(ws, session, number, proof)
            with _kept_lock:
                if len(state.answers) > 4 * len(state.numbers) + 1000:
                    state.answers.clear()  # wrong proofs of known numbers: forget them
                state.answers[(number, proof)] = kept
        answer = kept
    tracker.log_verification(
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "number": number[:80],
            "outcome": answer.outcome,
            "address": address,
        }
    )
    return answer


@dataclass
class _PublicState:
    """What the public page keeps of one tracker state: the addresses it parses, the
    certificate numbers, and the answers already given for a (number, proof)."""

    patterns: list[str]
    numbers: frozenset[str]
    answers: dict[tuple[str, str], PublicVerification] = field(default_factory=dict)


_kept: dict[tuple[str, object], _PublicState] = {}
_kept_lock = threading.Lock()


def _state(ws: Workspace, tracker: Tracker) -> _PublicState:
    """The public page's view of the tracker, kept while the file tracker is unchanged (its
    `snapshot_key`): a busy page reads tracker.json once per change, not once per request.
    A PostgreSQL tracker is asked every time."""
    key = tracker.snapshot_key(history=False)
    if key is not None:
        with _kept_lock:
            found = _kept.get((str(ws.root), key))
        if found is not None:
            return found
    with tracker.read() as session:
        state = _PublicState(
            [verify_path(url) for url in _known_urls(ws, session)],
            frozenset(r["number"] for r in session.records(TABLE)),
        )
    if key is not None:
        with _kept_lock:
            _kept.clear()  # one state per server: the previous one is stale
            _kept[(str(ws.root), key)] = state
    return state


def _answer(ws: Workspace, session: Session, number: str, check: str) -> PublicVerification:
    """The public answer for a number and its proof: a proof that does not check and an
    unknown number are one answer, NOT_FOUND, which tells nothing more."""
    found = _verify_number(ws, session, number, check)
    record = found.record
    if record is None or not found.genuine:
        return PublicVerification(NOT_FOUND)
    signatory = record.get("signatory") or {}
    revoked_on = (record.get("revoked_at") or "")[:10] or None
    reason = record.get("revoked_reason")
    if not record.get("revoked") and found.revoked:  # its number was voided in the registry
        registered = Registry(session, ws.config).find(number)
        revoked_on = ((registered.get("voided_at") if registered else None) or "")[:10] or None
        reason = registered.get("void_reason") if registered else None
    return PublicVerification(
        REVOKED if found.revoked else GENUINE,
        number=record["number"],
        recipient=record["recipient"],
        unit=record.get("unit") or None,
        score=record.get("score_text"),
        grade_text=record.get("grade_text") or None,
        event=record.get("event"),
        year=record.get("year"),
        issued_on=record.get("issued_on"),
        place=record.get("place") or None,
        signatory=signatory.get("name"),
        signatory_title=signatory.get("title"),
        revoked_on=revoked_on if found.revoked else None,
        revoked_reason=reason if found.revoked else None,
    )


def verification_log(ws: Workspace, limit: int = LOG_LIMIT) -> list[VerificationEntry]:
    """The latest answers of the public page, newest first: at, number, outcome, address."""
    return open_tracker(ws).verification_log(limit)
