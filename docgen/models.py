"""pydantic models of what is agreed: agreements, parties, work items, deliverables."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from docgen.filenames import is_reserved_name
from docgen.i18n import _
from docgen.indonesian import parse_date

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
ROLES = ("first", "second")
ROLE_NAMES = {"first": "PIHAK PERTAMA", "second": "PIHAK KEDUA"}
PLACEHOLDER = "TODO"


def _iso_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("expected a date in YYYY-MM-DD form, got {value!r}").format(value=value))
    return parse_date(value.strip())


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Signatory(Strict):
    name: Text
    title: Text
    rank: str | None = None  # pangkat/golongan of a civil servant: "Pembina Utama Muda (IV/c)"
    nip: str | None = None


class Contact(Strict):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class Party(Strict):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, populate_by_name=True)

    role: Literal["first", "second"]
    org: Text  # the legal party (Pemerintah Provinsi ..., a university), never a unit of it
    kind: Literal["ombudsman", "pemda", "university", "agency", "other"]
    unit: str | None = None  # the working unit that carries the work and receives letters
    mandate: str | None = None  # the authority the signatory acts under (a surat kuasa)
    address: str | None = None
    signatory: Signatory
    superior: str | None = None
    contact: Contact | None = None
    # `register: NAME` on the first party: the agreement is numbered in `[registers.NAME]`
    # (its number is given with --number, never allocated here); none: the workspace's own.
    register_name: str | None = Field(default=None, alias="register")

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def addressee_org(self) -> str:
        """Who letters go to: the working unit, else the party itself."""
        return self.unit or self.org


class Deliverable(Strict):
    id: Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
    title: Text
    due: IsoDate
    evidence: str | None = None


class WorkItem(Strict):
    id: Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
    title: Text
    responsible: Literal["first", "second", "both"]
    deliverables: list[Deliverable] = Field(default_factory=list)


class Numbers(Strict):
    first: str | None = None
    second: str | None = None


class DeliverableChange(Strict):
    """A deliverable an amendment adds (title and due required) or changes (by id)."""

    id: Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
    title: Text | None = None
    due: IsoDate | None = None
    evidence: str | None = None


class WorkItemChange(Strict):
    """A work item an amendment adds (title and responsible required) or changes (by id)."""

    id: Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
    title: Text | None = None
    responsible: Literal["first", "second", "both"] | None = None
    deliverables: list[DeliverableChange] = Field(default_factory=list)


class Amendment(Strict):
    """An adendum: what it changes of the agreement, from `on` (absent: still a draft)."""

    title: Text
    on: IsoDate | None = None
    number: str | None = None  # the office's number of the adendum
    number_second: str | None = None  # the other party's number
    ends_on: IsoDate | None = None
    duration_months: Annotated[int, Field(ge=1, le=600)] | None = None
    work_items: list[WorkItemChange] = Field(default_factory=list)


def amendment_problems(agreement: Agreement) -> Iterator[str]:
    """`path: message` lines for amendments that cannot apply to this agreement."""
    if not agreement.amendments:
        return
    if agreement.signed_on is None:
        yield (
            "amendments: a draft is changed by editing it; amendments apply once the "
            "agreement is signed (signed_on)"
        )
    work = {wi.id: {d.id for d in wi.deliverables} for wi in agreement.work_items}
    owner = {d: wi for wi, ds in work.items() for d in ds}
    last: date | None = None
    for i, am in enumerate(agreement.amendments):
        where = f"amendments.{i}"
        if am.ends_on is not None and am.duration_months is not None:
            yield _("{where}.ends_on: give either duration_months or ends_on, not both").format(where=where)
        if am.on is not None:
            if agreement.signed_on and am.on < agreement.signed_on:
                yield _("{where}.on: {on} is before the agreement was signed ({signed_on})").format(
                    where=where, on=am.on, signed_on=agreement.signed_on
                )
            if last is not None and am.on < last:
                yield _(
                    "{where}.on: amendments are listed in the order of their dates ({on} after {last})"
                ).format(where=where, on=am.on, last=last)
            last = am.on
            if am.ends_on is not None and am.ends_on < am.on:
                yield _("{where}.ends_on: the new term ends ({ends_on}) before the amendment ({on})").format(
                    where=where, ends_on=am.ends_on, on=am.on
                )
        for j, wi in enumerate(am.work_items):
            at = f"{where}.work_items.{j}"
            if wi.id not in work:
                for name in ("title", "responsible"):
                    if getattr(wi, name) is None:
                        yield _("{at}.{name}: required for a new work item ({id})").format(
                            at=at, name=name, id=wi.id
                        )
                work[wi.id] = set()
            for k, d in enumerate(wi.deliverables):
                known = owner.get(d.id)
                if known is not None and known != wi.id:
                    yield (
                        _(
                            "{at}.deliverables.{k}.id: deliverable {id!r} belongs to work item {known!r}"
                        ).format(at=at, k=k, id=d.id, known=known)
                    )
                elif known is None:
                    for name in ("title", "due"):
                        if getattr(d, name) is None:
                            yield _(
                                "{at}.deliverables.{k}.{name}: required for a new deliverable ({id})"
                            ).format(at=at, k=k, name=name, id=d.id)
                    owner[d.id] = wi.id
                    work[wi.id].add(d.id)


class Agreement(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
    kind: Literal["mou", "renja", "pks"]
    title: Text
    parent: str | None = None
    place: str | None = None
    signed_on: IsoDate | None = None
    duration_months: Annotated[int, Field(ge=1, le=600, strict=True)] | None = None
    ends_on: IsoDate | None = None
    numbers: Numbers = Field(default_factory=Numbers)
    parties: list[Party]
    legal_basis: list[Text] = Field(default_factory=list)
    purpose: str | None = None
    scope: list[Text] = Field(default_factory=list)
    work_items: list[WorkItem] = Field(default_factory=list)
    template: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] | None = None
    amendments: list[Amendment] = Field(default_factory=list)
    renews: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)] | None = None

    @model_validator(mode="after")
    def _lifecycle_rules(self) -> Agreement:
        problems = list(amendment_problems(self))
        if self.renews is not None and self.renews == self.id:
            problems.append(_("renews: an agreement cannot renew itself"))
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_validator(mode="after")
    def _rules(self) -> Agreement:
        # All cross-field problems at once, one "path: message" per line (see validation.py).
        problems = list(self._rule_problems())
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _rule_problems(self) -> Iterator[str]:
        roles = [p.role for p in self.parties]
        if sorted(roles) != sorted(ROLES):
            yield (
                _(
                    "parties: exactly two parties are needed, one with role 'first' and one"
                    " with role 'second' (found {items})"
                ).format(items=", ".join(roles) or "-")
            )
        if self.duration_months is not None and self.ends_on is not None:
            yield _("ends_on: give either duration_months or ends_on, not both")
        if self.signed_on and self.ends_on and self.ends_on < self.signed_on:
            yield _("ends_on: the term ends ({ends_on}) before signed_on ({signed_on})").format(
                ends_on=self.ends_on, signed_on=self.signed_on
            )
        if self.signed_on and self.duration_months and self.ends_on is None:
            try:
                add_months(self.signed_on, self.duration_months)
            except (ValueError, OverflowError):
                yield (
                    _(
                        "duration_months: a term of {duration_months} months from {signed_on} "
                        "runs past 9999-12-31, the last date docgen handles"
                    ).format(duration_months=self.duration_months, signed_on=self.signed_on)
                )
        if self.kind == "mou" and self.parent:
            yield _("parent: an MoU implements no other agreement; remove parent")
        if self.kind != "mou":
            if not self.parent:
                yield _("parent: a {kind} needs the id of the MoU it implements").format(kind=self.kind)
            if not self.work_items:
                yield _("work_items: a {kind} needs at least one work item").format(kind=self.kind)
        work_ids: set[str] = set()
        deliverable_ids: set[str] = set()
        for i, wi in enumerate(self.work_items):
            if wi.id in work_ids:
                yield _("work_items.{i}.id: work item id {id!r} is used twice").format(i=i, id=wi.id)
            work_ids.add(wi.id)
            for j, d in enumerate(wi.deliverables):
                if d.id in deliverable_ids:
                    yield _("work_items.{i}.deliverables.{j}.id: deliverable id {id!r} is used twice").format(
                        i=i, j=j, id=d.id
                    )
                deliverable_ids.add(d.id)

    def party(self, role: str) -> Party:
        return next(p for p in self.parties if p.role == role)

    @property
    def first(self) -> Party:
        return self.party("first")

    @property
    def second(self) -> Party:
        return self.party("second")

    @property
    def deliverables(self) -> list[Deliverable]:
        return [d for wi in self.work_items for d in wi.deliverables]

    def deliverable(self, deliverable_id: str) -> Deliverable | None:
        return next((d for d in self.deliverables if d.id == deliverable_id), None)

    @property
    def end_date(self) -> date | None:
        """The last day of the term (inclusive); None while open-ended or undetermined."""
        if self.ends_on is not None:
            return self.ends_on
        if self.duration_months is not None and self.signed_on is not None:
            return add_months(self.signed_on, self.duration_months) - timedelta(days=1)
        return None

    @property
    def template_name(self) -> str:
        return self.template or ("mou" if self.kind == "mou" else "renja")


def add_months(start: date, months: int) -> date:
    """`start` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def is_valid_id(value: str) -> bool:
    """An agreement id: also a file name on every OS, so never a Windows device name."""
    return bool(re.fullmatch(ID_PATTERN, value)) and len(value) <= 80 and not is_reserved_name(value)
