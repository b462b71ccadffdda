"""Use cases of `docgen number`: the outgoing-document logbook (buku agenda)."""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.config import NUMBER_KINDS
from docgen.errors import InputError
from docgen.state import open_tracker
from docgen.state.registry import Registry
from docgen.workspace import Workspace

PUBLIC = ("kind", "number", "seq", "year", "on", "for", "void", "void_reason", "ref")


def _kind(kind: str) -> str:
    if kind not in NUMBER_KINDS:
        raise InputError(f"KIND: {kind!r} is not one of {', '.join(NUMBER_KINDS)}")
    return kind


def next_number(ws: Workspace, kind: str, on: date, purpose: str = "", *,
                dry_run: bool = False) -> dict[str, Any]:
    """`number next`: allocate (or with `dry_run` preview) the next number of `kind`."""
    kind = _kind(kind)
    tracker = open_tracker(ws)
    if dry_run:
        with tracker.read() as session:
            return Registry(session, ws.config).preview(kind, on)
    record = tracker.transaction(lambda session: Registry(session, ws.config).allocate(
        kind, on, purpose.strip()))
    return {k: record[k] for k in ("kind", "number", "seq", "year")}


def list_numbers(ws: Workspace, kind: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """`number list`: every number given, with its date and purpose."""
    with open_tracker(ws).read() as session:
        records = Registry(session, ws.config).records(_kind(kind) if kind else None, year)
    return [{key: r.get(key) for key in PUBLIC} for r in records]


def void_number(ws: Workspace, number: str, reason: str) -> dict[str, Any]:
    """`number void`: mark a number unused; it stays taken and is never given again."""
    return open_tracker(ws).transaction(lambda session: Registry(session, ws.config).void(number, reason))
