"""Reading a user's TOML file (docgen.toml, the certificate layout): the one place that does."""

from __future__ import annotations

import tomllib
from pathlib import Path

from docgen.context import JSONObject
from docgen.errors import DocgenError
from docgen.safepath import read_regular

MAX_TOML_BYTES = 1 << 20  # docgen.toml and the certificate layout are a few kilobytes


def read_toml(path: Path, label: str, error: type[DocgenError]) -> JSONObject:
    """A user's TOML file as data; unreadable, non-UTF-8 or invalid TOML is `error(label: ...)`."""
    try:
        return tomllib.loads(read_regular(path, MAX_TOML_BYTES).decode("utf-8-sig"))
    except FileNotFoundError as exc:
        raise error(f"{label}: not found") from exc
    except OSError as exc:
        raise error(f"{label}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{label}: not a UTF-8 text file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{label}: invalid TOML: {exc}") from exc
    except RecursionError as exc:
        raise error(f"{label}: invalid TOML: arrays or tables nested too deeply") from exc
