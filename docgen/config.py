"""The model of docgen.toml: office identity, signatories, numbering and grading."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from docgen.errors import ConfigError
from docgen.usertext import bad_text
from docgen.validation import dotted, problems_from, read_toml

CONFIG_FILE = "docgen.toml"
NUMBER_FIELDS = frozenset({"seq", "year", "month", "month_roman", "day", "unit_code"})
NUMBER_KINDS = ("letter", "certificate", "agreement")
MAX_FORMAT = 200  # characters of a numbering format or verify_url
MAX_WIDTH = 40    # of one field in it: "{seq:04d}" is 4


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Head(Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    nip: str | None = None


class Office(Strict):
    name: str = Field(min_length=1)
    short: str | None = None
    unit_code: str = Field(min_length=1)
    city: str = Field(min_length=1)
    address: str | None = None
    head: Head


class Contact(Strict):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Letters(Strict):
    reply_days: int = Field(default=14, ge=1, le=365)
    sifat: str = "Biasa"
    contact: Contact = Field(default_factory=Contact)


class Certificates(Strict):
    event: str = "Penilaian Kepatuhan Standar Pelayanan Publik"
    verify_url: str = ""

    @field_validator("verify_url")
    @classmethod
    def _url_fields(cls, value: str) -> str:
        unknown = _format_fields(value) - {"number", "checksum"}
        if unknown:
            raise ValueError(f"unknown field {{{sorted(unknown)[0]}}}; use {{number}} and {{checksum}}")
        return value


def _format_fields(fmt: str) -> set[str]:
    """The fields a format names; a format that cannot be used, or whose widths would make
    a number of any length ("{seq:0999999999d}"), raises ValueError."""
    if len(fmt) > MAX_FORMAT:
        raise ValueError(f"the format is {len(fmt)} characters long; at most {MAX_FORMAT}")
    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise ValueError(f"invalid format {fmt!r}: {exc}") from exc
    for _, name, spec, _ in parts:
        if name is None or not spec:
            continue
        if "{" in spec:
            raise ValueError(f"{{{name}:{spec}}}: a field inside a format spec is not supported")
        if any(int(width) > MAX_WIDTH for width in re.findall(r"[0-9]+", spec)):
            raise ValueError(f"{{{name}:{spec}}}: widths and precisions of at most {MAX_WIDTH}")
    return {name for _, name, _, _ in parts if name is not None}


class Numbering(Strict):
    letter: str = "B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}"
    certificate: str = "{seq:04d}/PHG/{unit_code}/{year}"
    agreement: str = "{seq:02d}/KB/{unit_code}/{month_roman}/{year}"
    reset: Literal["yearly", "never"] = "yearly"

    @field_validator("letter", "certificate", "agreement")
    @classmethod
    def _known_fields(cls, fmt: str) -> str:
        fields = _format_fields(fmt)
        unknown = fields - NUMBER_FIELDS
        if unknown:
            known = ", ".join(sorted(NUMBER_FIELDS))
            raise ValueError(f"unknown field {{{sorted(unknown)[0]}}} (known: {known})")
        if "seq" not in fields:
            raise ValueError("the format must contain {seq}")
        try:
            fmt.format(seq=1, year=2022, month=1, month_roman="I", day=1, unit_code="X")
        except (ValueError, KeyError, IndexError) as exc:
            raise ValueError(f"invalid format {fmt!r}: {exc}") from exc
        return fmt


class Grade(Strict):
    grade: str = Field(min_length=1)
    min: float = Field(ge=0, le=100)
    label: str = ""
    zone: str = ""


class GradingScheme(Strict):
    grades: list[Grade] = Field(min_length=1)

    @model_validator(mode="after")
    def _descending(self) -> GradingScheme:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("grades must be listed highest first, each with a lower min")
        if mins[-1] != 0:
            raise ValueError("the last grade must have min = 0 so that every score gets a grade")
        names = [g.grade.casefold() for g in self.grades]
        if len(set(names)) != len(names):
            raise ValueError("grade names must be unique")
        return self


class TrackerSettings(Strict):
    url: str = ""   # a PostgreSQL URL; empty = the workspace's file tracker


class Config(Strict):
    office: Office
    tracker: TrackerSettings = Field(default_factory=TrackerSettings)
    letters: Letters = Field(default_factory=Letters)
    certificates: Certificates = Field(default_factory=Certificates)
    numbering: Numbering = Field(default_factory=Numbering)
    grading: dict[str, GradingScheme] = Field(default_factory=dict)

    @field_validator("grading")
    @classmethod
    def _year_keys(cls, value: dict[str, GradingScheme]) -> dict[str, GradingScheme]:
        for key in value:
            if not (key.isdigit() and len(key) == 4):
                raise ValueError(f"[grading.{key}]: the key must be a year such as 2022")
        return value


def load_config(path: Path) -> Config:
    """Read and validate docgen.toml; every problem is one line naming the field."""
    label = path.name
    raw = read_toml(path, label, ConfigError)
    lines = [f"{label}: {dotted(loc)}: {message}" for loc, message in bad_text(raw)]
    config = None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        lines += [str(p) for p in problems_from(exc, label)]
    if lines or config is None:
        raise ConfigError(lines[0], problems=lines)
    return config



def placeholder_fields(path: Path) -> list[str]:
    """`check` lines for values `docgen init` left as placeholders (they contain TODO)."""
    try:
        raw = read_toml(path, path.name, ConfigError)
    except ConfigError:
        return []  # load_config reports these

    def walk(value: object, loc: str) -> list[str]:
        if isinstance(value, str) and "TODO" in value:
            return [f"{path.name}: {loc}: placeholder still to be filled in"]
        if isinstance(value, dict):
            return [line for k, v in value.items() for line in walk(v, f"{loc}.{k}" if loc else k)]
        if isinstance(value, list):
            return [line for i, v in enumerate(value) for line in walk(v, f"{loc}.{i}")]
        return []

    return walk(raw, "")
