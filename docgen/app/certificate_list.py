"""Use case of `docgen certificate list` (and of the web's certificates page): the piagam
issued, as the register a Sekretariat keeps of them.

Kept apart from issuing (certificates.py) so that listing loads no renderer.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from docgen.domain.certificates import fold
from docgen.records import CERTIFICATES, CertificateRecord
from docgen.state import open_tracker
from docgen.workspace import Workspace

Status = Literal["valid", "revoked"]


class CertificateRow(TypedDict):
    """One certificate as listed (`certificate list --json`, the web's JSON)."""

    number: str
    recipient: str
    unit: str
    event: str
    year: int  # the assessment year
    kind: str | None  # a piagam not tied to a score: its [certificates.kinds.NAME]
    grade: str  # empty for a piagam of a kind
    grade_text: str
    score: float | None  # None for a piagam of a kind
    score_text: str
    issued_on: str
    status: Status
    revoked: bool
    revoked_on: str | None
    revoked_reason: str | None
    revoked_by: str | None
    user: str | None
    file: str
    file_exists: bool


def _row(ws: Workspace, r: CertificateRecord) -> CertificateRow:
    kind = r.get("kind")
    revoked = bool(r.get("revoked"))
    return {
        "number": r["number"],
        "recipient": r["recipient"],
        "unit": r.get("unit") or "",
        "event": r["event"],
        "year": r["year"],
        "kind": kind,
        "grade": r["grade"],
        "grade_text": r.get("grade_text") or "",
        "score": None if kind else r["score"],
        "score_text": r["score_text"],
        "issued_on": r["issued_on"],
        "status": "revoked" if revoked else "valid",
        "revoked": revoked,
        "revoked_on": (r.get("revoked_at") or "")[:10] or None,
        "revoked_reason": r.get("revoked_reason"),
        "revoked_by": r.get("revoked_by"),
        "user": r.get("user"),
        "file": r["file"],
        "file_exists": (ws.root / r["file"]).is_file(),
    }


def list_certificates(
    ws: Workspace,
    year: int | None = None,
    *,
    status: str | None = None,
    event: str | None = None,
    recipient: str | None = None,
) -> list[CertificateRow]:
    """`certificate list`: the certificates issued, in the order they were signed (then
    by number); `year` is the assessment year; `event` and `recipient` match a part of
    the name, whatever its case and spacing."""
    with open_tracker(ws).read() as session:
        records = session.records(CERTIFICATES)
    wanted_event = fold(event) if event else ""
    wanted_recipient = fold(recipient) if recipient else ""
    records.sort(key=lambda r: (r["issued_on"], r.get("seq", 0), r["number"]))
    rows = [
        _row(ws, r)
        for r in records
        if (year is None or r["year"] == year)
        and (not wanted_event or wanted_event in fold(r["event"]))
        and (not wanted_recipient or wanted_recipient in fold(r["recipient"]))
    ]
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    return rows
