"""Turn pydantic validation errors into one readable line per problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

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
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        line = f" (line {self.line})" if self.line else ""
        prefix = "warning: " if self.warning else ""
        return f"{prefix}{where}{self.message}{line}"


def dotted(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: Mapping[str, Any]) -> str:
    msg = str(error["msg"])
    # pydantic prefixes custom errors with "Value error, "; users need only the reason.
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    if error["type"] == "extra_forbidden":
        msg = "unknown field (check its spelling)"
    elif error["type"] == "missing":
        msg = "required field is missing"
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
