"""Turn pydantic validation errors into one readable line per problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from docgen.i18n import N_, _, ordinal

_RULE_LINE = re.compile(r"^[A-Za-z_][\w.]*: ")


@dataclass(frozen=True)
class Problem:
    """One problem in one file: `file: field.path: message`, with a line number when known."""

    file: str
    path: str
    message: str
    line: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}: {readable(self.path)}: " if self.path else f"{self.file}: "
        line = " " + _("(line {n})").format(n=self.line) if self.line else ""
        prefix = _("warning: ") if self.warning else ""
        return f"{prefix}{where}{self.message}{line}"


def dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def readable(path: str) -> str:
    """A field path as a person counts: "parties.1.role" is "parties #2, role" ("pihak
    ke-2, role"), list positions counted from 1; a path without lists stays dotted."""
    groups: list[str] = []
    keys: list[str] = []
    for part in path.split("."):
        if part.isdigit() and keys:
            groups.append(".".join(keys[:-1] + [ordinal(keys[-1], int(part) + 1)]))
            keys = []
        else:
            keys.append(part)
    if keys:
        groups.append(".".join(keys))
    return ", ".join(groups)


def _choices(error: Mapping[str, Any]) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    # pydantic writes "'first', 'second' or 'both'": the same list in the interface language
    values = re.findall(r"'([^']*)'", expected)
    return ", ".join(f"'{v}'" for v in values) if values else expected


def _message(error: Mapping[str, Any]) -> str:
    """pydantic's message for one error, in the interface language."""
    kind = str(error["type"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    msg = str(error["msg"])
    if kind in ("value_error", "assertion_error"):
        # our validators' own messages (already translated); pydantic prefixes them
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        return msg
    if kind == "extra_forbidden":
        return _("unknown field (check its spelling)")
    if kind == "missing":
        return _("required field is missing")
    if kind in ("literal_error", "enum"):
        return _("must be one of {choices} (not {value!r})").format(choices=_choices(error), value=value)
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("not a date in YYYY-MM-DD form ({value!r})").format(value=value)
    simple = {
        "string_type": N_("must be text"),
        "int_type": N_("must be a whole number"),
        "int_parsing": N_("must be a whole number"),
        "int_from_float": N_("must be a whole number"),
        "float_type": N_("must be a number"),
        "float_parsing": N_("must be a number"),
        "bool_type": N_("must be true or false"),
        "bool_parsing": N_("must be true or false"),
        "list_type": N_("must be a list"),
        "tuple_type": N_("must be a list"),
        "set_type": N_("must be a list"),
        "dict_type": N_("must be a table of fields (name: value)"),
        "model_type": N_("must be a table of fields (name: value)"),
        "model_attributes_type": N_("must be a table of fields (name: value)"),
        "string_pattern_mismatch": N_("is not in the expected form"),
        "url_parsing": N_("is not a valid web address"),
    }
    if kind in simple:
        return _(simple[kind])
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("must not be empty")
        return _("must have at least {n} characters").format(n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("must have at most {n} characters").format(n=ctx.get("max_length"))
    if kind == "too_short":
        return _("must have at least {n} items").format(n=ctx.get("min_length"))
    if kind == "too_long":
        return _("must have at most {n} items").format(n=ctx.get("max_length"))
    bounds = {
        "greater_than": N_("must be greater than {limit}"),
        "greater_than_equal": N_("must be at least {limit}"),
        "less_than": N_("must be less than {limit}"),
        "less_than_equal": N_("must be at most {limit}"),
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return _(bounds[kind]).format(limit=limit)
    return msg


def problems_from(
    exc: ValidationError,
    file: str,
    line_of: Callable[[tuple[int | str, ...]], int | None] | None = None,
) -> list[Problem]:
    """One Problem per pydantic error, skipping the union-branch noise pydantic adds."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not _is_branch_tag(p))
        for sub_loc, msg in _split(loc, _message(error)):
            path = dotted(sub_loc)
            if (path, msg) in seen:
                continue
            seen.add((path, msg))
            out.append(Problem(file, path, msg, line_of(sub_loc) if line_of else None))
    return out


def _split(loc: tuple[int | str, ...], msg: str) -> list[tuple[tuple[int | str, ...], str]]:
    """A model-level rule reports "field.path: message" lines; give each its own location."""
    if loc or not _RULE_LINE.match(msg):
        return [(loc, msg)]
    out = []
    for line in msg.splitlines():
        path, _, text = line.partition(": ")
        out.append((tuple(int(p) if p.isdigit() else p for p in path.split(".")), text))
    return out


def _is_branch_tag(part: int | str) -> bool:
    # pydantic names union branches in locations, e.g. "function-before[...]" or "str".
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "date"})
