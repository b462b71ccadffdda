"""The legal basis of an agreement, cited as in force on its signing date. Pure.

`legal_basis` items are free text or keys of the regulation catalogue (`uu-23-2014`,
`pp-28-2018`: docgen's own, docgen/legal/*.yaml, extended by a workspace's legal/*.yaml).
A key prints the full citation with the amendments that had taken effect on the date
(DOMAIN.md): none, "Undang-Undang Nomor ... sebagaimana telah diubah dengan X" for one,
"... sebagaimana telah beberapa kali diubah, terakhir dengan X" for more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from docgen.models import IsoDate

# A key: lowercase words joined by "-", no spaces ("uu-23-2014", "perpres-95-2018").
KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$")


class LegalAmendment(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    on: IsoDate  # the date it took effect
    by: Annotated[str, Field(min_length=1)]  # its own full citation


class Regulation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    kind: Annotated[str, Field(min_length=1)]  # "Undang-Undang", "Peraturan Pemerintah"
    number: Annotated[str, Field(min_length=1)]
    year: Annotated[int, Field(ge=1945, le=9999)]
    title: Annotated[str, Field(min_length=1)]
    verified: bool = True  # false: not yet checked against JDIH
    amendments: list[LegalAmendment] = Field(default_factory=list)

    @property
    def base(self) -> str:
        return f"{self.kind} Nomor {self.number} Tahun {self.year} tentang {self.title}"

    def citation(self, on: date) -> str:
        """As in force on `on`: with the amendments that had taken effect by then."""
        applied = sorted((am for am in self.amendments if am.on <= on), key=lambda am: am.on)
        if not applied:
            return self.base
        if len(applied) == 1:
            return f"{self.base} sebagaimana telah diubah dengan {applied[0].by}"
        return f"{self.base} sebagaimana telah beberapa kali diubah, terakhir dengan {applied[-1].by}"


def is_key(item: str) -> bool:
    return bool(KEY.match(item.strip()))


def unknown_keys(items: Iterable[str], catalogue: Mapping[str, Regulation]) -> Iterator[tuple[int, str]]:
    """(index, key) of each item that looks like a key but names no regulation."""
    for index, item in enumerate(items):
        if is_key(item) and item.strip() not in catalogue:
            yield index, item.strip()


def unverified_keys(items: Iterable[str], catalogue: Mapping[str, Regulation]) -> Iterator[tuple[int, str]]:
    for index, item in enumerate(items):
        reg = catalogue.get(item.strip())
        if reg is not None and not reg.verified:
            yield index, item.strip()


def cite(items: Iterable[str], catalogue: Mapping[str, Regulation], on: date) -> list[str]:
    """Each item as printed: a key as its citation on `on`, free text as written (an
    unknown key as written too: `check` and `build` report it first)."""
    out = []
    for item in items:
        reg = catalogue.get(item.strip()) if is_key(item) else None
        out.append(reg.citation(on) if reg is not None else item)
    return out
