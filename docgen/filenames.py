"""File names every operating system accepts: pure functions of a name, no file system."""

from __future__ import annotations

# Names Windows reserves for devices, whatever the extension ("con.docx" is the console).
RESERVED_NAMES = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(10)),
        *(f"lpt{i}" for i in range(10)),
        "conin$",
        "conout$",
    }
)


def is_reserved_name(name: str) -> bool:
    """A Windows device name (con, nul, aux, prn, com1, lpt1...), with or without extension."""
    return name.split(".")[0].strip().rstrip(" ").lower() in RESERVED_NAMES
