"""Text a user gives docgen (agreement files, docgen.toml, result sheets, options): which
characters it may hold.

Control characters other than newline and tab (NUL, BEL, vertical tab, form feed, ESC...),
lone surrogates and Unicode non-characters (U+FFFE) cannot be stored in a .docx or .xlsx,
would silently become page breaks in a draft, or would drive a terminal. They are refused
where the text comes in, with a line naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
BAD_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + re.escape(_NONCHARACTERS) + "]"
)
_NAMES = {
    0: "NUL",
    7: "bell",
    8: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x0D: "carriage return",
    0x1B: "escape",
    0x7F: "delete",
}


def describe(char: str) -> str:
    """ "U+000B (vertical tab)"."""
    code = ord(char)
    if code in _NAMES:
        name = _NAMES[code]
    elif 0xD800 <= code <= 0xDFFF:
        name = "not valid UTF-8 text" if code >= 0xDC80 else "a lone surrogate"
    elif code < 0x20 or 0x7F <= code <= 0x9F:
        name = "a control character"
    else:
        name = "a Unicode non-character"
    return f"U+{code:04X} ({name})"


def bad_char(text: str) -> str | None:
    """The first character of `text` that user text may not hold, if any."""
    match = BAD_CHARS.search(text)
    return match.group() if match else None


def problem(text: str) -> str | None:
    """The message for `text` holding a forbidden character, or None."""
    char = bad_char(text)
    if char is None:
        return None
    return (
        f"contains {describe(char)}, which text may not hold (only newline and tab among "
        "the control characters); remove it"
    )


def bad_text(data: Any, loc: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """(location, message) of every string in nested data holding a forbidden character
    (keys too: a key is named by its own location)."""
    if isinstance(data, str):
        message = problem(data)
        if message:
            yield loc, message
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (message := problem(key)):
                yield (*loc, key), f"the field name {message}"
            yield from bad_text(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from bad_text(value, (*loc, i))
