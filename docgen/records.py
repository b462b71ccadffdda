"""What a tracker holds: one definition per kind of record (TypedDicts), and its table.

Each kind of record is a TypedDict, the JSON object stored as it is (no migration: dates
are ISO text, a record of an older docgen may lack the fields added since). The same
definition is used by the code that writes records (mypy checks every key of a literal),
by every reader (`session.records(LETTERS)` is a `list[LetterRecord]`, and domain/ rules
take `Event`s and `LetterRecord`s: a key typo is a mypy error) and by the tracker's shape
check (state/records.py), which derives what it checks from these field types.

Pure (no I/O), so that domain/ and documents/ can name the types; the tracker (state/)
reads, checks and writes the records. Required fields are marked `Required`; every
field present must have its declared type. `Annotated[..., Shape(...)]` says how a field
is checked when its type alone does not (a date, a list of evidence files).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import (
    Annotated,
    Any,
    Generic,
    Required,
    TypedDict,
    TypeVar,
)

from docgen.context import Context

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
Check = Callable[[Any], bool]


@dataclass(frozen=True)
class Shape:
    """How a field's value is checked, and what a valid value is (for the message)."""

    check: Check
    what: str


def _day(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _evidence(value: Any) -> bool:
    return value is None or (
        isinstance(value, list)
        and all(
            isinstance(v, dict) and isinstance(v.get("file"), str) and isinstance(v.get("sha256"), str)
            for v in value
        )
    )


DAY = Shape(_day, "a date YYYY-MM-DD")
DAY_OR_NONE = Shape(lambda v: v is None or _day(v), "a date YYYY-MM-DD")
# A date as docgen stores it: ISO text, YYYY-MM-DD.
Day = Annotated[str, DAY]


# --- the records ------------------------------------------------------------------------


class Reference(TypedDict, total=False):
    """What a number was taken for (the `ref` of a number record)."""

    letter: str
    party: str
    certificate: str
    event: str
    year: int
    agreement: str
    amendment: int


# The registry of official numbers (buku agenda): table "numbers", by "number".
NumberRecord = TypedDict(
    "NumberRecord",
    {
        "kind": Required[str],  # letter, certificate, agreement
        "number": Required[str],
        # none: a number recorded as given whose format docgen cannot read a sequence from
        "seq": Required[int | None],
        "year": Required[int],  # the sequence's year
        "on": Required[Day],  # the document's date
        "for": str | None,  # its purpose, as the registry lists it
        "void": bool | None,
        "void_reason": str | None,
        "ref": Reference,
        "recorded_at": str,
        "voided_at": str | None,
        "register": str | None,  # a [registers.NAME]; None: the workspace's own
        "source": str,  # "allocated" by docgen, or "recorded" as given (docs/numbering.md)
        "document": str,  # an agreement's kind: mou, renja, pks, adendum
    },
    total=False,
)


class PendingFile(TypedDict, total=False):
    """One file of a journal entry: written beside its target, renamed after the commit."""

    pending: Required[str]  # relative to the workspace, with "/"
    target: Required[str]
    sha256: str


class JournalRecord(TypedDict, total=False):
    """Pending work (state/journal.py): the files a command puts in place once the numbers
    they print are committed; table "journal", by "id"."""

    id: Required[str]
    command: Required[str]
    root: Required[str]  # the workspace, as an absolute path
    host: str
    pid: int
    token: Required[str]  # in the pending files' names
    at: str
    numbers: list[str]
    files: Required[list[PendingFile]]
    agreement: str  # sign, extend: the agreement whose file it rewrites


class LetterRecord(TypedDict, total=False):
    """A letter issued (table "letters", by "number"): whom it went to, what it covered,
    and the stored context `letter render` re-creates it from."""

    number: Required[str]
    agreement: Required[str]
    party: Required[str]  # the party's role: first, second...
    on: Required[Day]
    items: Required[Annotated[list[str], Shape(_texts, "a list of deliverable ids")]]
    seq: Required[int]
    year: Required[int]
    file: Required[str]
    org: str | None
    ordinal: int  # 1 for a notification and a first follow-up, 2 for the second...
    type: str  # notification, followup, reminder (docgen 0.1: none)
    unit: str | None
    cites: str | list[str]  # the earlier letters it follows up (docgen 0.1: one number)
    reply_by: Annotated[str | None, DAY_OR_NONE]
    void: bool | None
    void_reason: str | None
    voided_at: str | None
    voided_by: str  # who voided it (the login name, or the web face's user)
    recorded_at: str
    user: str  # who issued it
    hal: str
    signatory: str
    template: str
    template_sha256: str
    logo_sha256: str | None
    docgen: str
    context: Context  # the render context, as JSON: free-form by design


class Signatory(TypedDict, total=False):
    """Who signs a certificate, as it was when it was issued."""

    name: str
    title: str
    nip: str | None
    heading: list[str] | str | None
    city: str  # where they sign: the place above the signature


class ResultSource(TypedDict):
    """The result-sheet row a certificate was issued from."""

    file: str
    row: int


class CertificateRecord(TypedDict, total=False):
    """A certificate issued (table "certificates", by "number")."""

    number: Required[str]
    key: Required[str]  # the recipient, folded: with year and event, the idempotency key
    recipient: Required[str]
    year: Required[int]  # the assessment year
    event: Required[str]
    score: Required[float]
    score_text: Required[str]
    grade: Required[str]
    issued_on: Required[Day]
    file: Required[str]
    grade_text: str | None
    revoked: bool | None
    sha256: str | None
    sha256s: Annotated[list[str], Shape(_texts, "a list of digests")]
    secret_id: str | None
    key_id: str | None  # the office's signing key that signed it (Ed25519)
    proof: str | None  # its signature, base64url
    seq: int
    unit: str | None
    grade_label: str | None
    zone: str | None
    place: str | None
    signatory: Signatory
    verify_url: str | None
    source: ResultSource
    revoked_reason: str | None
    revoked_at: str | None
    revoked_by: str | None
    recorded_at: str
    user: str
    kind: str  # a piagam not tied to a score: its [certificates.kinds.NAME]
    wording: str  # what such a piagam says of its recipient


class TerminationRecord(TypedDict, total=False):
    """A termination of an agreement, a correction of its date, or its cancellation
    (table "terminations", by "id"); a cancellation has no date of its own."""

    agreement: Required[str]
    on: Required[Annotated[str | None, DAY_OR_NONE]]
    reason: str | None
    id: str
    action: str  # terminate, correct, cancel
    replaces: str | None  # the id of the termination it corrects or cancels
    user: str
    recorded_at: str


class BuildRecord(TypedDict, total=False):
    """The source hashes of a rendered draft (table "builds", by "output")."""

    output: Required[str]
    key: str | None
    agreement: str
    template: str
    sources: dict[str, str]
    built_at: str
    pdf_key: str | None


class EvidenceFile(TypedDict, total=False):
    """A file kept as evidence of a deliverable, copied into evidence/."""

    file: Required[str]
    sha256: Required[str]
    original: str


class Event(TypedDict, total=False):
    """One event of a deliverable's history (per agreement, by "id"): a status on a date,
    or a retraction of an earlier event (`kind`, `retracts`; its status is None)."""

    deliverable: Required[str]
    on: Required[Day]
    status: Required[str | None]
    note: str | None
    evidence: Annotated[list[EvidenceFile] | None, Shape(_evidence, "a list of evidence files")]
    id: str
    kind: str
    retracts: str
    reason: str | None
    user: str
    recorded_at: str


class UserRecord(TypedDict, total=False):
    """A user of the web face (table "users", by "name"): a role and an argon2id hash of
    the password; a removed user keeps its record, without a hash."""

    name: Required[str]
    role: str
    hash: str | None
    created_at: str
    created_by: str
    password_changed_at: str
    removed_at: str


class SignedSignatory(TypedDict):
    name: str
    title: str


class SignedParty(TypedDict):
    """A party as signed: who it is and who signed for it (not its address or contact)."""

    role: str
    org: str
    kind: str
    unit: str | None
    signatory: SignedSignatory


class SignedDeliverable(TypedDict):
    id: str
    title: str
    due: Day
    evidence: str | None


class SignedWorkItem(TypedDict):
    id: str
    title: str
    responsible: str
    deliverables: list[SignedDeliverable]


class SignedTerms(TypedDict):
    """The terms of an agreement as signed (domain/signed_terms.py), as JSON."""

    title: str
    signed_on: Day | None
    ends_on: Day | None
    duration_months: int | None
    legal_basis: list[str]
    purpose: str | None
    scope: list[str]
    parties: list[SignedParty]
    work_items: list[SignedWorkItem]


class SignatureRecord(TypedDict, total=False):
    """What an agreement was signed with (table "signatures", by "agreement"): written by
    `agreement sign` (domain/signed_terms.py)."""

    agreement: Required[str]
    sha256: Required[str]  # of the terms, in canonical JSON
    terms: Required[SignedTerms]  # parties, term, subject, work items and deliverables
    signed_on: str | None


class OfficeInfo(TypedDict):
    """How an office names itself in the national view: what it publishes to a shared
    tracker (read back unchecked, as any office may have written it)."""

    unit_code: str
    name: str
    short: str | None
    city: str


class PublishedOffice(TypedDict, total=False):
    """An OfficeInfo as the national view reads it back: each field the office published,
    a text or None (app/monitor.py checks that much; any docgen may have written it)."""

    unit_code: str | None
    name: str | None
    short: str | None
    city: str | None


class VerificationEntry(TypedDict):
    """One answer of the public verification page, in the office's verification log (an
    append-only log kept apart from the tables): when (UTC), the number asked for, the
    outcome, the client's address."""

    at: str
    number: str
    outcome: str
    address: str


class KeyRecord(TypedDict, total=False):
    """A public key of an office's certificate signatures (table "certificate_keys", by
    "keyid"); on a shared tracker every office reads every office's."""

    keyid: Required[str]
    public_key: Required[str]  # PEM SubjectPublicKeyInfo
    office: str
    created_at: str
    user: str


R = TypeVar(
    "R",
    NumberRecord,
    LetterRecord,
    CertificateRecord,
    TerminationRecord,
    BuildRecord,
    KeyRecord,
    UserRecord,
    SignatureRecord,
    JournalRecord,
    Event,
)


@dataclass(frozen=True)
class Table(Generic[R]):
    """A kind of record: the table that holds it, the field that identifies one within an
    office, and its TypedDict."""

    name: str
    key: str
    record: Any  # the TypedDict class (a type object mypy does not let us name as type[R])

    @property
    def fields(self) -> frozenset[str]:
        """Every field its TypedDict declares."""
        return frozenset(self.record.__required_keys__ | self.record.__optional_keys__)


NUMBERS: Table[NumberRecord] = Table("numbers", "number", NumberRecord)
LETTERS: Table[LetterRecord] = Table("letters", "number", LetterRecord)
CERTIFICATES: Table[CertificateRecord] = Table("certificates", "number", CertificateRecord)
TERMINATIONS: Table[TerminationRecord] = Table("terminations", "id", TerminationRecord)
BUILDS: Table[BuildRecord] = Table("builds", "output", BuildRecord)
KEYS: Table[KeyRecord] = Table("certificate_keys", "keyid", KeyRecord)
USERS: Table[UserRecord] = Table("users", "name", UserRecord)
SIGNATURES: Table[SignatureRecord] = Table("signatures", "agreement", SignatureRecord)
JOURNAL: Table[JournalRecord] = Table("journal", "id", JournalRecord)
# The deliverable history: per agreement, not a table of the office, but checked alike.
HISTORY: Table[Event] = Table("history", "id", Event)

ALL: tuple[Table[Any], ...] = (
    NUMBERS,
    LETTERS,
    CERTIFICATES,
    TERMINATIONS,
    BUILDS,
    KEYS,
    USERS,
    SIGNATURES,
    JOURNAL,
)
