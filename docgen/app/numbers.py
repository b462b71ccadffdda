"""Use cases of `docgen number`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from docgen.config import NUMBER_KINDS
from docgen.errors import InputError
from docgen.i18n import _
from docgen.records import NumberRecord, Reference
from docgen.state import open_tracker
from docgen.state.base import Session
from docgen.state.registry import Preview, Registry
from docgen.workspace import Workspace


class NextNumber(Preview):
    """The number `number next` took (or, with --dry-run, would take)."""

    warnings: list[str]


NumberInfo = TypedDict(
    "NumberInfo",
    {
        "kind": str,
        "number": str,
        "seq": int,
        "year": int,
        "on": str,
        "for": str | None,
        "void": bool | None,
        "void_reason": str | None,
        "ref": Reference | None,
    },
)


def _info(r: NumberRecord) -> NumberInfo:
    """A number as `number list` shows it (and --json gives it)."""
    return {
        "kind": r["kind"],
        "number": r["number"],
        "seq": r["seq"],
        "year": r["year"],
        "on": r["on"],
        "for": r.get("for"),
        "void": r.get("void"),
        "void_reason": r.get("void_reason"),
        "ref": r.get("ref"),
    }


def _kind(kind: str) -> str:
    if kind not in NUMBER_KINDS:
        raise InputError(
            _("KIND: {kind!r} is not one of {items}").format(kind=kind, items=", ".join(NUMBER_KINDS))
        )
    return kind


def next_number(
    ws: Workspace, kind: str, on: date, purpose: str = "", *, dry_run: bool = False
) -> NextNumber:
    """`number next`: allocate (or with `dry_run` preview) the next number of `kind`;
    `warnings` says when it is backdated (dated before a later number of its sequence)."""
    kind = _kind(kind)
    tracker = open_tracker(ws)
    if dry_run:
        with tracker.read() as session:
            registry = Registry(session, ws.config)
            return {**registry.preview(kind, on), "warnings": registry.backdated(kind, on)}

    def body(session: Session) -> NextNumber:
        registry = Registry(session, ws.config)
        warnings = registry.backdated(kind, on)
        record = registry.allocate(kind, on, purpose.strip())
        return {
            "kind": record["kind"],
            "number": record["number"],
            "seq": record["seq"],
            "year": record["year"],
            "warnings": warnings,
        }

    return tracker.transaction(body)


def list_numbers(ws: Workspace, kind: str | None = None, year: int | None = None) -> list[NumberInfo]:
    """`number list`: every number given, with its date and purpose."""
    with open_tracker(ws).read() as session:
        records = Registry(session, ws.config).records(_kind(kind) if kind else None, year)
    return [_info(r) for r in records]


def void_number(ws: Workspace, number: str, reason: str) -> NumberRecord:
    """`number void`: mark a number unused; it stays taken and is never given again.
    A letter's number voids the letter too (as `letter void` does)."""
    from docgen.app.letters import mark_void  # loads the letter machinery only here

    def body(session: Session) -> NumberRecord:
        record = Registry(session, ws.config).void(number, reason)
        if record.get("kind") == "letter":
            mark_void(session, record)
        return record

    return open_tracker(ws).transaction(body)
