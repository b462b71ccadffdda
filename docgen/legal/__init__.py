"""The regulation catalogue: docgen's own (the *.yaml beside this file) and the
workspace's `legal/*.yaml`, which adds entries or replaces them by key.

Each file maps keys to entries (see nasional.yaml); the rule that prints a citation as of
a date is docgen.domain.legal.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import ValidationError

from docgen.agreements import parse_yaml
from docgen.domain.legal import KEY, Regulation
from docgen.i18n import _
from docgen.validation import problems_from

PACKAGE_DIR = Path(__file__).resolve().parent


def _files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


def read_catalogue(path: Path, label: str) -> tuple[dict[str, Regulation], list[str]]:
    """The entries of one file and its problems (`label: key.field: message`)."""
    parsed = parse_yaml(path, label)  # dates as text, `on:` a key (YAML 1.2 booleans)
    if parsed.problems:
        return {}, [str(p) for p in parsed.problems]
    data = parsed.data
    if not isinstance(data, dict):
        return {}, [f"{label}: expected a mapping of keys (uu-23-2014: ...) to regulations"]
    found: dict[str, Regulation] = {}
    problems: list[str] = []
    for key, entry in data.items():
        key = str(key)
        if not KEY.match(key):
            problems.append(
                _("{label}: {key}: a key is lowercase words joined by '-', e.g. uu-23-2014").format(
                    label=label, key=key
                )
            )
            continue
        try:
            found[key] = Regulation.model_validate(entry)
        except ValidationError as exc:
            problems.extend(
                f"{label}: {key}.{p.path}: {p.message}" if p.path else f"{label}: {key}: {p.message}"
                for p in problems_from(exc, label)
            )
    return found, problems


@functools.cache
def _shipped() -> dict[str, Regulation]:
    catalogue: dict[str, Regulation] = {}
    for path in _files(PACKAGE_DIR):
        catalogue.update(read_catalogue(path, f"docgen/legal/{path.name}")[0])
    return catalogue


def load_legal(workspace_root: Path | None) -> tuple[dict[str, Regulation], list[str]]:
    """docgen's catalogue, then the workspace's `legal/*.yaml` over it; and the problems
    of the workspace's files."""
    catalogue = dict(_shipped())
    problems: list[str] = []
    if workspace_root is not None:
        for path in _files(workspace_root / "legal"):
            entries, found = read_catalogue(path, f"legal/{path.name}")
            catalogue.update(entries)
            problems.extend(found)
    return catalogue, problems
