"""Use cases of `docgen certificate key export | rotate`, and the signing key an issue uses.

The office's public keys live in the tracker (`certificate_keys`: on PostgreSQL every
office reads every office's), its current private key in `.docgen/certificate-key`. The
newest public key of the office is the current one; older ones stay, so that every
certificate signed with them keeps verifying.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from docgen.domain.signatures import key_id, load_public_pem, public_pem
from docgen.errors import InputError, NotFoundError, TrackerError
from docgen.fsutil import atomic_write_bytes
from docgen.i18n import _
from docgen.records import KEYS, KeyRecord
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.state.signing_key import BACKUP_HINT, LABEL, key_path, new_key, read_key, save_key
from docgen.workspace import Workspace

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def _genuine(record: KeyRecord) -> Ed25519PublicKey | None:
    """The public key of a key record whose key id is that key's (else None: a record
    nobody can make verify a signature it did not make)."""
    key = load_public_pem(str(record.get("public_key") or ""))
    return key if key is not None and key_id(key) == record.get("keyid") else None


def office_keys(session: Session, office: str | None = None) -> list[KeyRecord]:
    """The key records of `office` (default: the session's), oldest first."""
    office = office or session.office
    return [r for r in session.public_keys() if r.get("office") == office and _genuine(r)]


def public_key(session: Session, keyid: str, office: str | None = None) -> Ed25519PublicKey | None:
    """The public key `keyid` (of `office`, when given) the tracker holds."""
    for record in session.public_keys():
        if record.get("keyid") == keyid and (office is None or record.get("office") == office):
            return _genuine(record)
    return None


def _key_record(session: Session, key: Ed25519PrivateKey) -> KeyRecord:
    public = key.public_key()
    return {
        "keyid": key_id(public),
        "office": session.office,
        "public_key": public_pem(public),
        "created_at": now_text(),
        "user": current_user(),
    }


@dataclass
class SigningKey:
    key: Ed25519PrivateKey
    keyid: str
    fresh: bool  # made for this issue: saved once the certificates are in place


def signing_key(ws: Workspace, session: Session) -> SigningKey:
    """The key that signs this issue's certificates: the workspace's, which must be the
    office's current one; a new one (its public key recorded now) only while the office
    has none."""
    known = office_keys(session)
    key = read_key(ws)
    if key is None:
        if known:
            raise TrackerError(
                _(
                    "{label} is missing, but the tracker holds {count} public key(s) of office "
                    "{office} that signed its certificates: restore the key from its backup "
                    "({hint}), or start a new one with `docgen certificate key rotate`; nothing "
                    "was issued"
                ).format(label=LABEL, count=len(known), office=session.office, hint=BACKUP_HINT)
            )
        key = new_key()
        session.insert(KEYS, [_key_record(session, key)])
        return SigningKey(key, key_id(key.public_key()), True)
    keyid = key_id(key.public_key())
    if not known:
        session.insert(KEYS, [_key_record(session, key)])
    elif keyid != known[-1]["keyid"]:
        older = any(r["keyid"] == keyid for r in known)
        raise TrackerError(
            (
                _(
                    "{label}: a key of office {office} that `docgen certificate key rotate` retired; "
                    "copy the current key ({current}) from the PC that rotated it; nothing was issued"
                )
                if older
                else _(
                    "{label}: not a key of office {office} (its current key is {current}); "
                    "restore the office's key from its backup ({hint}); nothing was issued"
                )
            ).format(label=LABEL, office=session.office, current=known[-1]["keyid"], hint=BACKUP_HINT)
        )
    return SigningKey(key, keyid, False)


class Rotated(TypedDict):
    """The key `certificate key rotate` made, the keys it retired, where it recorded it."""

    keyid: str
    retired: list[str]
    where: str
    file: str


class Exported(TypedDict):
    office: str
    keyid: str
    file: str
    keys: list[str]


def rotate(ws: Workspace) -> Rotated:
    """`certificate key rotate`: a new signing key; the old public keys stay in the tracker
    (older certificates keep verifying), the old private key is kept beside the new one."""
    key = new_key()
    tracker = open_tracker(ws)

    def body(session: Session) -> Rotated:
        known = office_keys(session)
        record = _key_record(session, key)
        session.insert(KEYS, [record])
        retired = [r["keyid"] for r in known]
        return {"keyid": record["keyid"], "retired": retired, "where": tracker.label, "file": ""}

    old = read_key(ws)
    result = tracker.transaction(body)
    path = key_path(ws)
    if old is not None:  # kept: nothing signed is ever lost
        save_key(ws, old, path.with_name(f"{path.name}.{key_id(old.public_key())}.retired"))
    save_key(ws, key)
    result["file"] = ws.rel(path)
    return result


def export(ws: Workspace, out: Path, keyid: str | None = None, office: str | None = None) -> Exported:
    """`certificate key export --out FILE`: the office's current public key (or `keyid`),
    PEM SubjectPublicKeyInfo: what anyone needs to check the office's piagam. `office`:
    another office's, from a tracker the offices share."""
    office = office or ws.config.office.unit_code
    with open_tracker(ws).read() as session:
        known = office_keys(session, office)
    if not known:
        raise NotFoundError(
            _(
                "office {office} has no certificate signing key yet: it is made at the first "
                "`docgen certificate issue` (or `docgen certificate key rotate`)"
            ).format(office=office)
        )
    chosen = known[-1] if keyid is None else next((r for r in known if r["keyid"] == keyid), None)
    if chosen is None:
        raise InputError(
            _("--key-id {keyid}: not a key of office {office} (its keys: {keys})").format(
                keyid=keyid, office=office, keys=", ".join(r["keyid"] for r in known)
            )
        )
    if out.is_dir():
        raise InputError(_("--out {out}: a folder; name a file").format(out=out))
    try:
        atomic_write_bytes(out, str(chosen["public_key"]).encode("ascii"))
    except OSError as exc:
        raise InputError(
            _("--out {out}: cannot write: {reason}").format(out=out, reason=exc.strerror or exc)
        ) from exc
    return {"office": office, "keyid": chosen["keyid"], "file": str(out), "keys": [r["keyid"] for r in known]}
