"""The text of an official number: `B/001/PW24/KM.01/II/2022` from a configured format,
and the way back: the sequence and year a number of that format carries."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date

from docgen.config import NUMBER_KINDS, Config, Formats
from docgen.errors import NumberingError
from docgen.i18n import _
from docgen.indonesian import bulan_romawi

OWN = None  # the workspace's own register


def formats(config: Config, register: str | None = OWN) -> Formats:
    """`[numbering]`, or `[registers.NAME]`."""
    if register is None:
        return config.numbering
    if register not in config.registers:
        from docgen.config import unknown_register

        raise NumberingError(unknown_register(register, config))
    return config.registers[register]


def format_number(
    config: Config,
    kind: str,
    seq: int,
    on: date,
    year: int | None = None,
    *,
    assessment_year: int | None = None,
    document: str | None = None,
) -> str:
    """The number text of `kind` for sequence `seq`, dated `on`, in the workspace's own
    register (`document`: the agreement's kind, mou/renja/pks/adendum, for its format).

    `{year}` and `{month_roman}` are those of the document's date, like every outgoing
    document (a piagam dated 16 February 2023 carries 2023); `year` overrides the year of
    `on` for old records. A certificate's `{assessment_year}` is the year it rewards.
    """
    if kind not in NUMBER_KINDS:
        raise NumberingError(
            _("unknown number kind {kind!r} (use {items})").format(kind=kind, items=", ".join(NUMBER_KINDS))
        )
    fmt = config.numbering.format_of(kind, document) or ""
    fields: dict[str, int | str] = {
        "seq": seq,
        "year": year if year is not None else on.year,
        "month": on.month,
        "month_roman": bulan_romawi(on.month),
        "day": on.day,
        "unit_code": config.office.unit_code,
    }
    if kind == "certificate":
        fields["assessment_year"] = assessment_year if assessment_year is not None else fields["year"]
    return fmt.format(**fields)


@dataclass(frozen=True)
class Parsed:
    seq: int
    year: int | None


_FIELD_PATTERNS = {
    "seq": r"(?P<seq>[0-9]{1,12})",
    "year": r"(?P<year>[0-9]{4})",
    "assessment_year": r"[0-9]{4}",
    "month": r"[0-9]{1,2}",
    "day": r"[0-9]{1,2}",
    "month_roman": r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)",
}


def _pattern(fmt: str, unit_code: str) -> re.Pattern[str]:
    parts = []
    seen: set[str] = set()
    for literal, name, _spec, _conv in string.Formatter().parse(fmt):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name == "unit_code":
            parts.append(re.escape(unit_code))
        elif name in seen and name in ("seq", "year"):
            parts.append(f"(?P={name})")
        else:
            parts.append(_FIELD_PATTERNS.get(name, r".+?"))
        seen.add(name)
    return re.compile("^" + "".join(parts) + "$", re.I)


def parse_number(fmt: str, number: str, unit_code: str) -> Parsed | None:
    """The sequence (and `{year}`, if the format has one) of a number written in `fmt`;
    None when the number does not have that format."""
    match = _pattern(fmt, unit_code).match(number.strip())
    if match is None:
        return None
    groups = match.groupdict()
    return Parsed(int(groups["seq"]), int(groups["year"]) if groups.get("year") else None)


def read_number(config: Config, kind: str, number: str, register: str | None = OWN) -> Parsed | None:
    """`parse_number` with each format numbers of `kind` may have in that register."""
    for fmt in formats(config, register).formats_of(kind):
        parsed = parse_number(fmt, number, config.office.unit_code)
        if parsed is not None:
            return parsed
    return None


def format_warning(
    config: Config, kind: str, number: str, register: str | None, document: str | None = None
) -> str | None:
    """A warning when a given number does not have its register's format (None: it has,
    or the register states no format for that kind)."""
    regs = formats(config, register)
    fmt = regs.format_of(kind, document)
    if fmt is None or parse_number(fmt, number, config.office.unit_code) is not None:
        return None
    where = "[numbering]" if register is None else f"[registers.{register}]"
    return _("{number}: does not have the format {where} gives for {kind} numbers ({fmt})").format(
        number=number, where=where, kind=document or kind, fmt=fmt
    )
