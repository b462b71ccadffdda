"""The tracker's shape check: every record read is checked against its definition.

A tracker is written only by docgen, but it is a file people copy, merge and edit by hand.
A record without its `seq` or with an `on` date of 2022-02-30 would otherwise surface as
a KeyError or ValueError deep inside a command; instead the whole tracker is reported as
not a valid docgen tracker, naming the table, the record and the field, and nothing is
written. What is checked is derived from the TypedDicts of docgen/records.py: required
fields present, every field present of its declared type (or its `Shape`).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, NotRequired, Required, Union, cast, get_args, get_origin, get_type_hints

from docgen.errors import TrackerError
from docgen.i18n import _
from docgen.records import ALL, HISTORY, Check, R, Shape, Table


def _accepts(kind: Any) -> Check:
    """A check of a value against a field type: str, int, float, bool, None, a list, a
    dict or a TypedDict (a JSON object), a union of those."""
    origin = get_origin(kind)
    if origin is Annotated:
        return _accepts(get_args(kind)[0])
    if origin in (Union, types.UnionType):
        checks = [_accepts(arg) for arg in get_args(kind)]
        return lambda v: any(check(v) for check in checks)
    if kind is type(None):
        return lambda v: v is None
    if kind is Any:
        return lambda v: True
    if kind is bool:
        return lambda v: isinstance(v, bool)
    if kind is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if kind is float:  # JSON has one kind of number
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if kind is str:
        return lambda v: isinstance(v, str)
    if origin is list:
        (item,) = get_args(kind)
        each = _accepts(item)
        return lambda v: isinstance(v, list) and all(each(x) for x in v)
    if origin is dict or isinstance(kind, type) and issubclass(kind, dict):
        return lambda v: isinstance(v, dict)  # a JSON object: its fields are its readers' concern
    raise TypeError(f"no shape check for {kind!r}")


def _what(kind: Any) -> str:
    if get_origin(kind) in (Union, types.UnionType):
        return " or ".join(_what(a) for a in get_args(kind) if a is not type(None))
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
    }.get(kind, "a list" if get_origin(kind) is list else "a table")


def _unwrap(kind: Any) -> Any:
    while get_origin(kind) in (Required, NotRequired):
        kind = get_args(kind)[0]
    return kind


def _shape(record: Any) -> list[tuple[str, bool, Shape]]:
    """(field, required, how it is checked) of a TypedDict, in the order of its definition."""
    hints = get_type_hints(record, include_extras=True)
    fields = []
    for name, raw in hints.items():
        # (Required read from the annotation: with postponed annotations, Python 3.11's
        # TypedDict does not see it and counts every field of a total=False class optional.)
        required = get_origin(raw) is Required or (record.__total__ and get_origin(raw) is not NotRequired)
        kind = _unwrap(raw)
        explicit = None
        if get_origin(kind) is Annotated:
            explicit = next((m for m in kind.__metadata__ if isinstance(m, Shape)), None)
        if explicit is None:
            plain = get_args(kind)[0] if get_origin(kind) is Annotated else kind
            explicit = Shape(_accepts(plain), _what(plain))
        fields.append((name, required, explicit))
    return fields


@functools.cache
def shapes() -> dict[str, list[tuple[str, bool, Shape]]]:
    """table -> how its records are checked, derived once, when a tracker is first read."""
    return {t.name: _shape(t.record) for t in (*ALL, HISTORY)}


def record_problem(table: str, record: Mapping[str, Any]) -> str | None:
    """What is wrong with one record of `table` ("seq: missing"), or None."""
    for name, required, shape in shapes().get(table, []):
        if name not in record:
            if required:
                return f"{name}: missing"
            continue
        if not shape.check(record[name]):
            return f"{name}: {record[name]!r:.60} is not {shape.what}"
    return None


def checked(label: str, table: Table[R], rows: Sequence[Any]) -> list[R]:
    """`rows` of `table` as read from the tracker `label` names, typed, or TrackerError
    naming the first record that is not shaped as docgen writes it."""
    for index, record in enumerate(rows, 1):
        problem = record_problem(table.name, record) if isinstance(record, dict) else "not a record"
        if problem is not None:
            key = record.get(table.key) if isinstance(record, dict) else None
            which = f"record {key!r}" if isinstance(key, str) and key else f"record {index}"
            raise TrackerError(
                _(
                    "{label}: {name}: {which}: {problem}; not a valid docgen tracker, "
                    "docgen will not change it: restore it from a backup or correct the "
                    "record"
                ).format(label=label, name=table.name, which=which, problem=problem)
            )
    return cast(list[R], list(rows))
