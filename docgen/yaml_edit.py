"""Edit an agreement file in place, keeping its comments, key order and layout.

`docgen agreement sign`, `extend` and `renew` change a file people wrote and review in
git: a re-dump through PyYAML would drop every comment and reflow the text. ruamel.yaml
round-trips the file instead (comments, flow mappings, quotes, folded text kept); docgen
finds the indentation the file uses by trying the usual ones until the untouched file
dumps back byte for byte, so that the only lines that change are the ones edited.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from docgen.errors import AgreementError
from docgen.i18n import _

# (mapping, sequence, offset): "key:\n  - item" is (2, 4, 2), "key:\n- item" is (2, 2, 0).
_LAYOUTS = [(2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0), (4, 2, 0)]


def _yaml(layout: tuple[int, int, int]) -> YAML:
    y = YAML()  # round-trip
    y.preserve_quotes = True
    y.width = 1 << 16  # never re-wrap long lines
    y.allow_unicode = True
    mapping, sequence, offset = layout
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    return y


class YamlDocument:
    """One YAML file loaded for editing; `text()` gives it back with the edits."""

    def __init__(self, text: str, label: str) -> None:
        self.label = label
        self.original = text
        self.exact = False
        self.data: CommentedMap
        first: tuple[YAML, Any] | None = None
        for layout in _LAYOUTS:
            y = _yaml(layout)
            try:
                data = y.load(text)
            except YAMLError as exc:
                raise AgreementError(
                    _("{label}: invalid YAML: {value}").format(label=label, value=str(exc).splitlines()[0])
                ) from exc
            if not isinstance(data, CommentedMap):
                raise AgreementError(
                    _("{label}: expected a mapping of fields (id: ..., kind: ...)").format(label=label)
                )
            first = first or (y, data)
            if _dump(y, data) == text:
                self.yaml, self.data, self.exact = y, data, True
                return
        assert first is not None
        # No usual layout reproduces the file: it keeps its comments and values, not every indent.
        self.yaml, self.data = first

    @classmethod
    def read(cls, path: Path, label: str) -> YamlDocument:
        try:
            return cls(path.read_bytes().decode("utf-8-sig"), label)
        except (OSError, UnicodeDecodeError) as exc:
            raise AgreementError(_("{label}: cannot read: {exc}").format(label=label, exc=exc)) from exc

    def text(self) -> str:
        return _dump(self.yaml, self.data)

    def set(self, key: str, value: Any, *, after: tuple[str, ...] = ()) -> None:
        """Set a top-level field, in place when present, else after the first of `after`
        that the file has (else at the end)."""
        if key in self.data:
            self.data[key] = value
            return
        keys = list(self.data.keys())
        anchor = next((k for k in after if k in self.data), None)
        self.data.insert(keys.index(anchor) + 1 if anchor else len(keys), key, value)

    def remove(self, key: str) -> None:
        if key in self.data:
            del self.data[key]


def _dump(y: YAML, data: Any) -> str:
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def flow(mapping: Mapping[str, object]) -> CommentedMap:
    """A mapping written on one line, `{first: ..., second: ...}`."""
    result = CommentedMap(mapping)
    result.fa.set_flow_style()
    return result


def block(mapping: Mapping[str, object]) -> CommentedMap:
    return CommentedMap(mapping)


def sequence(items: list[Any]) -> CommentedSeq:
    return CommentedSeq(items)
