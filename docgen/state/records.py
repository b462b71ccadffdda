"""The shape of the records a tracker holds, checked when it is read.

A tracker is written only by docgen, but it is a file people copy, merge and edit by hand.
A record without its `seq` or with an `on` date of 2022-02-30 would otherwise surface as
a KeyError or ValueError deep inside a command; instead the whole tracker is reported as
not a valid docgen tracker, naming the table, the record and the field, and nothing is
written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from docgen.errors import TrackerError
from docgen.state.base import TABLES, Record, Session

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _terms(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("parties"), list)
        and isinstance(value.get("work_items"), list)
    )


def _flag(value: Any) -> bool:
    return isinstance(value, bool) or value is None


def _day(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _day_or_none(value: Any) -> bool:
    return value is None or _day(value)


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


Check = Callable[[Any], bool]
# table -> field -> (required, check, what a valid value is)
SHAPES: dict[str, dict[str, tuple[bool, Check, str]]] = {
    "numbers": {
        "kind": (True, _text, "text"),
        "number": (True, _text, "text"),
        "seq": (True, _int, "a whole number"),
        "year": (True, _int, "a whole number"),
        "on": (True, _day, "a date YYYY-MM-DD"),
        "for": (False, _text_or_none, "text"),
        "void": (False, _flag, "true or false"),
        "void_reason": (False, _text_or_none, "text"),
    },
    "letters": {
        "number": (True, _text, "text"),
        "agreement": (True, _text, "text"),
        "party": (True, _text, "text"),
        "on": (True, _day, "a date YYYY-MM-DD"),
        "items": (True, _texts, "a list of deliverable ids"),
        "seq": (True, _int, "a whole number"),
        "year": (True, _int, "a whole number"),
        "file": (True, _text, "text"),
        "org": (False, _text_or_none, "text"),
        "ordinal": (False, _int, "a whole number"),
    },
    "certificates": {
        "number": (True, _text, "text"),
        "key": (True, _text, "text"),
        "recipient": (True, _text, "text"),
        "year": (True, _int, "a whole number"),
        "event": (True, _text, "text"),
        "score": (True, _number, "a number"),
        "score_text": (True, _text, "text"),
        "grade": (True, _text, "text"),
        "issued_on": (True, _day, "a date YYYY-MM-DD"),
        "file": (True, _text, "text"),
        "grade_text": (False, _text_or_none, "text"),
        "revoked": (False, _flag, "true or false"),
        "sha256": (False, _text_or_none, "text"),
        "sha256s": (False, _texts, "a list of digests"),
        "secret_id": (False, _text_or_none, "text"),
    },
    "terminations": {  # a cancellation has no date of its own
        "agreement": (True, _text, "text"),
        "on": (True, _day_or_none, "a date YYYY-MM-DD"),
        "reason": (False, _text_or_none, "text"),
    },
    "builds": {
        "output": (True, _text, "text"),
        "key": (False, _text_or_none, "text"),
    },
    "signatures": {
        "agreement": (True, _text, "text"),
        "sha256": (True, _text, "text"),
        "terms": (True, _terms, "the signed terms (a mapping)"),
    },
    "history": {
        "deliverable": (True, _text, "text"),
        "on": (True, _day, "a date YYYY-MM-DD"),
        "status": (True, _text_or_none, "text"),  # a retraction has none
        "note": (False, _text_or_none, "text"),
        "evidence": (False, _evidence, "a list of evidence files"),
    },
}


def record_problem(table: str, record: Mapping[str, Any]) -> str | None:
    """What is wrong with one record of `table` ("seq: missing"), or None."""
    shape = SHAPES.get(table)
    if shape is None:
        return None
    for name, (required, check, what) in shape.items():
        if name not in record:
            if required:
                return f"{name}: missing"
            continue
        if not check(record[name]):
            return f"{name}: {record[name]!r:.60} is not {what}"
    return None


def checked(
    session: Session, table: str, rows: list[Record], agreement_id: str | None = None
) -> list[Record]:
    """`rows` of `table` as read from `session`, or TrackerError naming the first record
    that is not shaped as docgen writes it (history rows: pass their agreement's id)."""
    for index, record in enumerate(rows, 1):
        problem = record_problem(table, record) if isinstance(record, dict) else "not a record"
        if problem is not None:
            key = record.get(TABLES.get(table, "id")) if isinstance(record, dict) else None
            which = f"record {key!r}" if isinstance(key, str) and key else f"record {index}"
            raise TrackerError(
                f"{session.label_of(table, agreement_id)}: {table}: {which}: {problem}; not a valid "
                "docgen tracker, docgen will not change it: restore it from a backup or correct "
                "the record"
            )
    return rows
