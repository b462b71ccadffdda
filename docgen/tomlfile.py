"""Reading a user's TOML file (docgen.toml, the certificate layout): the one place that does."""

from __future__ import annotations

from pathlib import Path

from docgen.context import JSONObject
from docgen.errors import DocgenError
from docgen.i18n import _
from docgen.safepath import read_regular

MAX_TOML_BYTES = 1 << 20  # docgen.toml and the certificate layout are a few kilobytes


def read_bytes(path: Path, label: str, error: type[DocgenError]) -> bytes:
    """A user's TOML file as it is on disk; missing or unreadable is `error(label: ...)`."""
    try:
        return read_regular(path, MAX_TOML_BYTES)
    except FileNotFoundError as exc:
        raise error(_("{label}: not found").format(label=label)) from exc
    except OSError as exc:
        raise error(
            _("{label}: cannot read: {reason}").format(label=label, reason=exc.strerror or exc)
        ) from exc


def parse_toml(data: bytes, label: str, error: type[DocgenError]) -> JSONObject:
    """TOML text as data; non-UTF-8 or invalid TOML is `error(label: ...)`."""
    import tomllib  # here: a command whose docgen.toml is cached never parses TOML (start-up)

    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise error(_("{label}: not a UTF-8 text file").format(label=label)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(_("{label}: invalid TOML: {reason}").format(label=label, reason=exc)) from exc
    except RecursionError as exc:
        raise error(
            _("{label}: invalid TOML: arrays or tables nested too deeply").format(label=label)
        ) from exc


def read_toml(path: Path, label: str, error: type[DocgenError]) -> JSONObject:
    """A user's TOML file as data; unreadable, non-UTF-8 or invalid TOML is `error(label: ...)`."""
    return parse_toml(read_bytes(path, label, error), label, error)
