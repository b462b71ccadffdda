"""The model of docgen.toml: office identity, signatories, numbering and grading."""

from __future__ import annotations

import re
import string
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from docgen.errors import InputError
from docgen.i18n import _

CONFIG_FILE = "docgen.toml"
NUMBER_FIELDS = frozenset({"seq", "year", "month", "month_roman", "day", "unit_code"})
# Fields only some kinds have: a certificate also knows the assessment it rewards.
EXTRA_FIELDS = {"certificate": frozenset({"assessment_year"})}
NUMBER_KINDS = ("letter", "certificate", "agreement")
# Formats per kind of agreement document, each falling back to `agreement`.
AGREEMENT_DOCUMENTS = ("mou", "renja", "pks", "adendum")
MAX_FORMAT = 200  # characters of a numbering format or verify_url
MAX_WIDTH = 40  # of one field in it: "{seq:04d}" is 4
CLOSING = "Demikian kami sampaikan. Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."


class Strict(BaseModel):
    # Validators are built at the first validation, not at import: most runs take the
    # model validated before from .docgen/cache (config_cache) and never build them.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Head(Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    nip: str | None = None


class Signatory(Head):
    """`[signatories.NAME]`: someone else who signs, chosen with `--signatory NAME`."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, populate_by_name=True, defer_build=True
    )

    heading: list[str] = Field(default_factory=list)  # the head lines of a certificate they sign
    # The `[registers.NAME]` their documents are numbered in (not the workspace's own:
    # those numbers are given, never allocated); None: the workspace's own register.
    register_name: str | None = Field(default=None, alias="register")
    city: str | None = None  # the place above their signature; default: [office] city

    @field_validator("heading")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        return _clean_lines(value)


def _clean_lines(value: list[str]) -> list[str]:
    lines = [" ".join(line.split()) for line in value]
    if any(not line for line in lines):
        raise ValueError(_("an empty line; remove it"))
    return lines


class Office(Strict):
    name: str = Field(min_length=1)
    short: str | None = None
    unit_code: str = Field(min_length=1)
    city: str = Field(min_length=1)
    address: str | None = None
    letterhead: list[str] = Field(default_factory=list)  # the kop's lines; default from `name`
    postcode: str = ""
    phone: str = ""
    website: str = ""
    email: str = ""
    logo: str = ""  # an image file in templates/
    # The interface language of this office's docgen (i18n.choose_language reads it first).
    language: Literal["id", "en"] = "id"
    head: Head

    @field_validator("letterhead")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        return _clean_lines(value)

    @field_validator("logo")
    @classmethod
    def _inside_templates(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value and (value.startswith("/") or ":" in value or ".." in parts):
            raise ValueError(
                _('{value!r}: name an image file inside templates/, e.g. "logo.png"').format(value=value)
            )
        return value

    @property
    def letterhead_lines(self) -> list[str]:
        """The kop: `letterhead`, else the name in capitals, split before "Perwakilan"
        so that each line is one whole name ("OMBUDSMAN REPUBLIK INDONESIA" /
        "PERWAKILAN PROVINSI NUSA TENGGARA TIMUR")."""
        if self.letterhead:
            return list(self.letterhead)
        name = " ".join(self.name.split())
        head, sep, tail = name.partition(" Perwakilan ")
        lines = [head, f"Perwakilan {tail}"] if sep and tail else [name]
        return [line.upper() for line in lines]


class Contact(Strict):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Letters(Strict):
    reply_days: int = Field(default=14, ge=1, le=365)
    sifat: str = "Biasa"
    contact: Contact = Field(default_factory=Contact)
    closing: str = Field(default=CLOSING, min_length=1)
    # Agreements that ended longer ago than this get no more follow-up letters; their
    # open items show as lapsed.
    grace_days: int = Field(default=30, ge=0, le=3650)


class Reports(Strict):
    prepared_by: str = ""  # a [signatories] key: who signs the monitoring report


class CertificateKind(Strict):
    """`[certificates.kinds.NAME]`: a piagam not tied to a score (appreciation of a
    partner, an internship): what it says of each recipient."""

    wording: str = Field(min_length=1)  # "atas partisipasi aktif dalam {event}"; {event}, {year}
    event: str = ""  # the default --event of this kind (else the kind's name)

    @field_validator("wording")
    @classmethod
    def _wording_fields(cls, value: str) -> str:
        unknown = _format_fields(value) - {"event", "year"}
        if unknown:
            raise ValueError(
                _("unknown field {{{value}}}; use {{event}} and {{year}}").format(value=sorted(unknown)[0])
            )
        return value


class Certificates(Strict):
    event: str = "Penilaian Kepatuhan Standar Pelayanan Publik"
    verify_url: str = ""
    signatory: str = ""  # a [signatories] key; default: [office.head]
    kinds: dict[str, CertificateKind] = Field(default_factory=dict)  # `certificate issue --kind NAME`

    @field_validator("verify_url")
    @classmethod
    def _url_fields(cls, value: str) -> str:
        unknown = _format_fields(value) - {"number", "checksum"}
        if unknown:
            raise ValueError(
                _("unknown field {{{value}}}; use {{number}} and {{checksum}}").format(
                    value=sorted(unknown)[0]
                )
            )
        if value:
            parts = list(string.Formatter().parse(value))
            for name in ("number", "checksum"):
                count = sum(1 for _lit, field, spec, conv in parts if field == name)
                if count != 1:
                    raise ValueError(
                        _(
                            "must hold {{number}} and {{checksum}} once each, not {{{name}}} {count} times"
                        ).format(name=name, count=count)
                    )
                if any(field == name and (spec or conv) for _lit, field, spec, conv in parts):
                    raise ValueError(_("{{{name}}} with a format spec; write it plainly").format(name=name))
        return value


def _format_fields(fmt: str) -> set[str]:
    """The fields a format names; a format that cannot be used, or whose widths would make
    a number of any length ("{seq:0999999999d}"), raises ValueError."""
    if len(fmt) > MAX_FORMAT:
        raise ValueError(
            _("the format is {n} characters long; at most {max_format}").format(
                n=len(fmt), max_format=MAX_FORMAT
            )
        )
    try:
        parts = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise ValueError(_("invalid format {fmt!r}: {exc}").format(fmt=fmt, exc=exc)) from exc
    for _literal, name, spec, _conversion in parts:
        if name is None or not spec:
            continue
        if "{" in spec:
            raise ValueError(
                _("{{{name}:{spec}}}: a field inside a format spec is not supported").format(
                    name=name, spec=spec
                )
            )
        if any(int(width) > MAX_WIDTH for width in re.findall(r"[0-9]+", spec)):
            raise ValueError(
                _("{{{name}:{spec}}}: widths and precisions of at most {max_width}").format(
                    name=name, spec=spec, max_width=MAX_WIDTH
                )
            )
    return {name for _lit, name, _spec, _conv in parts if name is not None}


def _checked_format(fmt: str, kind: str) -> str:
    allowed = NUMBER_FIELDS | EXTRA_FIELDS.get(kind, frozenset())
    fields = _format_fields(fmt)
    unknown = fields - allowed
    if unknown:
        known = ", ".join(sorted(allowed))
        raise ValueError(
            _("unknown field {{{value}}} (known: {known})").format(value=sorted(unknown)[0], known=known)
        )
    if "seq" not in fields:
        raise ValueError(_("the format must contain {seq}"))
    try:
        fmt.format(seq=1, year=2022, month=1, month_roman="I", day=1, unit_code="X", assessment_year=2021)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValueError(_("invalid format {fmt!r}: {exc}").format(fmt=fmt, exc=exc)) from exc
    return fmt


class Formats(Strict):
    """Number formats per kind; `mou`, `renja`, `pks` and `adendum` fall back to `agreement`."""

    letter: str | None = None
    certificate: str | None = None
    agreement: str | None = None
    mou: str | None = None
    renja: str | None = None
    pks: str | None = None
    adendum: str | None = None
    reset: Literal["yearly", "never"] = "yearly"

    @field_validator("letter", "certificate", "agreement", "mou", "renja", "pks", "adendum")
    @classmethod
    def _known_fields(cls, fmt: str | None, info: ValidationInfo) -> str | None:
        return None if fmt is None else _checked_format(fmt, str(info.field_name))

    def format_of(self, kind: str, document: str | None = None) -> str | None:
        """The format of registry kind `kind` for a document of kind `document` (an
        agreement's mou/renja/pks/adendum: its own format, else `agreement`'s)."""
        if kind == "agreement" and document in AGREEMENT_DOCUMENTS:
            own = getattr(self, str(document))
            if own is not None:
                return str(own)
        value = getattr(self, kind, None)
        return None if value is None else str(value)

    def formats_of(self, kind: str) -> list[str]:
        """Every format numbers of `kind` may have (for reading a sequence back out)."""
        names = (kind, *AGREEMENT_DOCUMENTS) if kind == "agreement" else (kind,)
        found = [getattr(self, n) for n in names if getattr(self, n, None)]
        return list(dict.fromkeys(str(f) for f in found))


class Register(Formats):
    """`[registers.NAME]`: a register that is not the workspace's own (e.g. `pusat`, the
    central office's books); formats only for the kinds it numbers."""


class Numbering(Formats):
    letter: str = "B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}"
    certificate: str = "{seq:04d}/PHG/{unit_code}/{month_roman}/{year}"
    agreement: str = "{seq:02d}/KB/{unit_code}/{month_roman}/{year}"

    @model_validator(mode="after")
    def _year_when_yearly(self) -> Numbering:
        """Numbers that start again each year must say their year, or the second year's
        first number would be the first year's."""
        if self.reset == "yearly":
            for kind in ("letter", "certificate", "agreement", *AGREEMENT_DOCUMENTS):
                if getattr(self, kind) is not None and "year" not in _format_fields(getattr(self, kind)):
                    raise ValueError(
                        _(
                            "{kind}: {format!r} has no {{year}}, but numbers start again each "
                            'year (reset = "yearly"): two documents would carry the same '
                            'number; add {{year}} to the format or set reset = "never"'
                        ).format(kind=kind, format=getattr(self, kind))
                    )
        return self


class Grade(Strict):
    grade: str = Field(min_length=1)
    min: float = Field(ge=0, le=100)
    label: str = ""
    zone: str = ""


class GradingScheme(Strict):
    grades: list[Grade] = Field(min_length=1)
    # How a certificate names a grade: "Opini {label} (Kategori {grade}, Zona {zone})";
    # empty = the built-in wording of the year (DOMAIN.md).
    wording: str = ""

    @field_validator("wording")
    @classmethod
    def _wording_fields(cls, value: str) -> str:
        unknown = _format_fields(value) - {"grade", "label", "zone"}
        if unknown:
            raise ValueError(
                _("unknown field {{{value}}}; use {{grade}}, {{label}} and {{zone}}").format(
                    value=sorted(unknown)[0]
                )
            )
        return value

    @model_validator(mode="after")
    def _descending(self) -> GradingScheme:
        mins = [g.min for g in self.grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError(_("grades must be listed highest first, each with a lower min"))
        if mins[-1] != 0:
            raise ValueError(_("the last grade must have min = 0 so that every score gets a grade"))
        names = [g.grade.casefold() for g in self.grades]
        if len(set(names)) != len(names):
            raise ValueError(_("grade names must be unique"))
        return self


class Web(Strict):
    """`[web]`: the limits of `docgen serve`."""

    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)  # signed out after this idle time
    verify_limit: int = Field(default=30, ge=1, le=1_000_000)  # verifications per client address...
    verify_window_seconds: int = Field(default=60, ge=1, le=86_400)  # ...within this many seconds
    login_attempts: int = Field(default=5, ge=1, le=1000)  # failed logins per name or address...
    login_lockout_seconds: int = Field(default=300, ge=1, le=86_400)  # ...before this pause
    upload_max_mb: float = Field(default=20, gt=0, le=1024)  # one uploaded file
    upload_max_files: int = Field(default=5, ge=1, le=100)  # files in one form


class TrackerSettings(Strict):
    url: str = ""  # a PostgreSQL URL; empty = the workspace's file tracker

    @field_validator("url")
    @classmethod
    def _no_password(cls, url: str) -> str:
        if url_has_password(url):
            raise ValueError(
                _(
                    "holds a password; docgen.toml is shared and copied around: remove it "
                    "and let libpq supply it (PGPASSWORD, ~/.pgpass, a service file)"
                )
            )
        return url


def url_has_password(url: str) -> bool:
    """Whether a libpq URL or key=value connection string carries a password."""
    text = url.strip()
    if re.match(r"^postgres(ql)?://", text, re.I):
        parts = urlsplit(text)
        userinfo = parts.netloc.rpartition("@")[0]
        return ":" in userinfo or "password" in {k.lower() for k in parse_qs(parts.query)}
    return bool(re.search(r"(^|\s)password\s*=", text, re.I))


class Documents(Strict):
    """`[documents]`: how every document writes what it prints."""

    # The signer's name under every signature: "upper" (MOKHAMMAD NAJIH, as in the
    # agreements) or "as_written" (as docgen.toml and the agreement files give it).
    signer_name_case: Literal["upper", "as_written"] = "upper"

    def signer_name(self, name: str) -> str:
        return name.upper() if self.signer_name_case == "upper" else name


class Config(Strict):
    office: Office
    signatories: dict[str, Signatory] = Field(default_factory=dict)
    tracker: TrackerSettings = Field(default_factory=TrackerSettings)
    web: Web = Field(default_factory=Web)
    letters: Letters = Field(default_factory=Letters)
    reports: Reports = Field(default_factory=Reports)
    certificates: Certificates = Field(default_factory=Certificates)
    numbering: Numbering = Field(default_factory=Numbering)
    registers: dict[str, Register] = Field(default_factory=dict)
    grading: dict[str, GradingScheme] = Field(default_factory=dict)
    documents: Documents = Field(default_factory=Documents)

    @model_validator(mode="after")
    def _signatory_keys(self) -> Config:
        for key, signatory in self.signatories.items():
            name = signatory.register_name
            if name is not None and name not in self.registers:
                raise ValueError(
                    _("signatories.{key}.register: {unknown_register}").format(
                        key=key, unknown_register=unknown_register(name, self)
                    )
                )
        for where, key in (
            ("reports.prepared_by", self.reports.prepared_by),
            ("certificates.signatory", self.certificates.signatory),
        ):
            if key and key not in self.signatories:
                raise ValueError(f"{where}: {unknown_signatory(key, self)}")
        return self

    def signatory(self, key: str | None) -> Signatory:
        """The `[signatories.KEY]` entry; None or "" is the office head (heading: none)."""
        if not key:
            head = self.office.head
            return Signatory(name=head.name, title=head.title, nip=head.nip, city=self.office.city)
        if key not in self.signatories:
            raise InputError(
                _("--signatory: {unknown_signatory}").format(unknown_signatory=unknown_signatory(key, self))
            )
        return self.signatories[key]

    @field_validator("grading")
    @classmethod
    def _year_keys(cls, value: dict[str, GradingScheme]) -> dict[str, GradingScheme]:
        for key in value:
            if not (key.isdigit() and len(key) == 4):
                raise ValueError(_("[grading.{key}]: the key must be a year such as 2022").format(key=key))
        return value


def unknown_register(name: str, config: Config) -> str:
    from docgen.i18n import _

    known = ", ".join(sorted(config.registers)) or _("none yet")
    return _("no [registers.{name}] in docgen.toml (known: {known})").format(name=name, known=known)


def unknown_signatory(key: str, config: Config) -> str:
    known = ", ".join(sorted(config.signatories)) or "none yet"
    return f"no [signatories.{key}] in docgen.toml (known: {known})"
