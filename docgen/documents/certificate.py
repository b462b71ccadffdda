"""The context of a Piagam Penghargaan, from its record: what the layout prints. Pure.

The record (docgen/records.py) holds what was decided when the certificate was issued:
recipient, score, grade and its wording, the signatory and their head lines, the place
and date. The office's identity is the current one (a re-printed certificate shows the
office as it is named now); the proof is the certificate's signature (or, for one
issued before docgen signed with a key, its checksum).
"""

from __future__ import annotations

from datetime import date

from docgen.config import Office
from docgen.context import Context
from docgen.domain.certificates import payload
from docgen.records import CertificateRecord


def row_fields(record: CertificateRecord) -> Context:
    """What a certificate prints of its own row: recipient, unit, score and grade."""
    return {
        "recipient": record["recipient"],
        "unit": record.get("unit", ""),
        "score": record["score_text"],
        "grade": record["grade"],
        "grade_label": record.get("grade_label", ""),
        "zone": record.get("zone", ""),
        "grade_text": record.get("grade_text", ""),
        "wording": record.get("wording", ""),  # a piagam of a kind not tied to a score
    }


def certificate_context(record: CertificateRecord, office: Office, proof: str) -> Context:
    """Everything the layout's texts and QR code may name for this certificate."""
    signatory: Context = dict(record.get("signatory") or {})
    # The head lines: the signatory's `heading`, else the office's letterhead (older
    # records did not store one).
    signatory["heading"] = "\n".join(signatory.get("heading") or office.letterhead_lines)
    return {
        **row_fields(record),
        "number": record["number"],
        "year": record["year"],
        "event": record["event"],
        "signed_on": date.fromisoformat(record["issued_on"]),
        "place": record.get("place", ""),
        "office": office.model_dump(exclude={"head"}),
        "signatory": signatory,
        "checksum": proof,
        "payload": payload(record["number"], proof, record.get("verify_url") or ""),
    }
