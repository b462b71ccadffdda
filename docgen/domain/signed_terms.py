"""What was signed, kept apart from the file that may be edited afterwards. Pure.

`agreement sign` records the terms of the agreement as signed: its parties (who: the
institution, its unit, the signatory's name and title), its term, its subject, purpose,
scope and legal basis, and every work item with its deliverables and their due dates. A
signed agreement is changed only by an adendum (`amendments:`): an edit of the file
afterwards is reported by `check`, `build` and `monitor` (`changed_fields`), and until an
adendum changes them, what is owed is judged by the signed terms (`as_signed`).

Details a signed agreement may still receive are not terms: the numbers (the other
party's arrives later), addresses, the mandate's number and date, rank and NIP, the
liaison contact, the superior of a letter's tembusan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Final

from docgen.models import Agreement, Party, WorkItem
from docgen.records import SignatureRecord, SignedTerms, SignedWorkItem

TERM_FIELDS: Final = ("title", "signed_on", "ends_on", "duration_months", "legal_basis", "purpose", "scope")
SIGNATORY_FIELDS: Final = ("name", "title")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def terms_of(agreement: Agreement) -> SignedTerms:
    """The signed terms of `agreement`, as plain JSON data (as its model dumps them)."""
    a = agreement
    return {
        "title": a.title,
        "signed_on": _day(a.signed_on),
        "ends_on": _day(a.ends_on),
        "duration_months": a.duration_months,
        "legal_basis": list(a.legal_basis),
        "purpose": a.purpose,
        "scope": list(a.scope),
        "parties": [
            {
                "role": p.role,
                "org": p.org,
                "kind": p.kind,
                "unit": p.unit,
                "signatory": {"name": p.signatory.name, "title": p.signatory.title},
            }
            for p in a.parties
        ],
        "work_items": [
            {
                "id": wi.id,
                "title": wi.title,
                "responsible": wi.responsible,
                "deliverables": [
                    {"id": d.id, "title": d.title, "due": d.due.isoformat(), "evidence": d.evidence}
                    for d in wi.deliverables
                ],
            }
            for wi in a.work_items
        ],
    }


def fingerprint(terms: SignedTerms) -> str:
    """SHA-256 of the terms in a canonical form."""
    canonical = json.dumps(terms, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def signature_record(agreement: Agreement) -> SignatureRecord:
    """The tracker record `agreement sign` writes (table "signatures")."""
    terms = terms_of(agreement)
    return {
        "agreement": agreement.id,
        "signed_on": _day(agreement.signed_on),
        "sha256": fingerprint(terms),
        "terms": terms,
    }


def _value(value: object) -> str:
    if value is None or value == []:
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def changed_fields(record: SignatureRecord, agreement: Agreement) -> Iterator[tuple[str, str, str]]:
    """(field, as signed, now) for every term of the file that differs from what was
    signed; work items and deliverables named by their ids."""
    signed, now = record["terms"], terms_of(agreement)
    if fingerprint(now) == record.get("sha256"):
        return
    for key in TERM_FIELDS:
        if signed.get(key) != now.get(key):
            yield key, _value(signed.get(key)), _value(now.get(key))
    for index, (before, after) in enumerate(zip(signed["parties"], now["parties"], strict=False)):
        for key in ("org", "kind", "unit"):
            if before.get(key) != after.get(key):
                yield f"parties.{index}.{key}", _value(before.get(key)), _value(after.get(key))
        for key in SIGNATORY_FIELDS:
            if before["signatory"].get(key) != after["signatory"].get(key):
                yield (
                    f"parties.{index}.signatory.{key}",
                    _value(before["signatory"].get(key)),
                    _value(after["signatory"].get(key)),
                )
    yield from _work_item_changes(signed.get("work_items") or [], now.get("work_items") or [])


def _work_item_changes(
    signed: list[SignedWorkItem], now: list[SignedWorkItem]
) -> Iterator[tuple[str, str, str]]:
    before = {wi["id"]: wi for wi in signed}
    after = {wi["id"]: wi for wi in now}
    for wid in [*before, *(w for w in after if w not in before)]:
        if wid not in after:
            yield f"work_items.{wid}", "signed", "removed"
            continue
        if wid not in before:
            yield f"work_items.{wid}", "-", "added"
            continue
        for key in ("title", "responsible"):
            if before[wid].get(key) != after[wid].get(key):
                yield f"work_items.{wid}.{key}", _value(before[wid].get(key)), _value(after[wid].get(key))
        old = {d["id"]: d for d in before[wid].get("deliverables") or []}
        new = {d["id"]: d for d in after[wid].get("deliverables") or []}
        for did in [*old, *(d for d in new if d not in old)]:
            if did not in new:
                yield f"work_items.{wid}.deliverables.{did}", "signed", "removed"
            elif did not in old:
                yield f"work_items.{wid}.deliverables.{did}", "-", "added"
            else:
                for key in ("title", "due", "evidence"):
                    if old[did].get(key) != new[did].get(key):
                        yield (
                            f"work_items.{wid}.deliverables.{did}.{key}",
                            _value(old[did].get(key)),
                            _value(new[did].get(key)),
                        )


def as_signed(agreement: Agreement, record: SignatureRecord | None) -> Agreement:
    """The agreement with its terms as signed (its amendments, numbers and details as the
    file has them); the agreement itself without a record or when nothing changed."""
    if record is None or fingerprint(terms_of(agreement)) == record.get("sha256"):
        return agreement
    terms = record["terms"]
    parties = []
    for party in agreement.parties:
        signed = next((p for p in terms["parties"] if p["role"] == party.role), None)
        if signed is None:
            parties.append(party)
            continue
        signatory = party.signatory.model_copy(update=signed["signatory"])
        fields = {key: signed.get(key) for key in ("org", "kind", "unit")}
        parties.append(
            Party.model_validate({**party.model_dump(), **fields, "signatory": signatory.model_dump()})
        )
    data = {
        **agreement.model_dump(),
        **{key: terms[key] for key in TERM_FIELDS},
        "parties": parties,
        "work_items": [WorkItem.model_validate(wi) for wi in terms["work_items"]],
    }
    return Agreement.model_validate(data)
