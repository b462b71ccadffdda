"""Use cases that write an agreement's life into its file: sign, extend (an adendum), renew.

Signing and extending take the office's number from the registry and write it into the
agreement file: the file is edited (comments and layout kept, see yaml_edit.py),
validated as `docgen check` would, and written beside the old one; the number is
committed with a journal entry naming that file, and only then is it renamed into place
(state/journal.py). A failure takes no number and leaves the file untouched; a kill after
the commit is finished by the next command. Under the tracker's lock the file is read
again: a second `sign` of the same draft is refused, naming the number the first took.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docgen.agreements import validate_file
from docgen.app.common import catalog, finish_interrupted, journaled, publish, record_signature
from docgen.domain.amendments import as_amended
from docgen.domain.terminations import in_force as termination_in_force
from docgen.errors import AgreementError, FileChangedError, InputError
from docgen.fsutil import Rewrite, TextStyle, atomic_write_bytes
from docgen.i18n import _
from docgen.indonesian import tanggal
from docgen.models import Agreement, add_months, is_valid_id
from docgen.records import TERMINATIONS
from docgen.state.base import Session
from docgen.state.journal import Pending
from docgen.state.registry import Registry, require_given
from docgen.workspace import Workspace
from docgen.yaml_edit import YamlDocument, block, flow, sequence

# Hints `agreement new` writes for fields to fill in at signing; signing fills them in.
_SCAFFOLD_HINTS = re.compile(
    r"^# (?:signed_on: YYYY-MM-DD|numbers: \{first: \.\.\., second: \.\.\.\}).*\n", re.M
)


@dataclass
class Signed:
    """What `sign` or `extend` wrote: the number taken, the file, warnings to show."""

    agreement: str
    number: str
    file: str
    on: date
    warnings: list[str] = field(default_factory=list)
    ends_on: date | None = None


def _load(ws: Workspace, agreement_id: str, what: str) -> tuple[Agreement, Path]:
    cat = catalog(ws, only=[agreement_id])
    if agreement_id not in cat.files:
        cat.get(agreement_id)  # raises: no such agreement
    path = cat.files[agreement_id]
    problems = [str(p) for p in cat.problems_of(agreement_id)]
    if problems:
        raise AgreementError(
            _(
                "{agreement_id}: agreements/{name} has errors; fix them before {what} (run `docgen check`)"
            ).format(agreement_id=agreement_id, name=path.name, what=what),
            problems=[
                _("{agreement_id}: agreements/{name} has errors; fix them before {what}").format(
                    agreement_id=agreement_id, name=path.name, what=what
                ),
                *problems,
            ],
        )
    return cat.get(agreement_id), path


class _FileEdit:
    """An edit of one agreement file made inside a tracker transaction: `write(text)`
    validates the new text as agreements/<stem>.yaml and leaves it pending beside the
    file (fsutil.Rewrite's reading: a link to its target inside the workspace, its
    permissions, line endings and BOM kept), put in place once the number is committed
    (state/journal.py); `recheck` refuses, under the tracker's lock, a file someone else
    changed since it was read."""

    def __init__(self, ws: Workspace, path: Path, stem: str, command: str) -> None:
        self.stem, self.label, self.command = stem, ws.rel(path), command
        self.rewrite = Rewrite(ws.root, path, self.label)
        self.path = self.rewrite.target
        self.before = self.rewrite.before
        self.text = self.rewrite.text

    def recheck(self, session: Session) -> None:
        """Under the tracker's lock: refuse when another docgen signed or amended this
        agreement since it was read (naming its number), or anyone changed the file."""
        from docgen.state.journal import pending_for

        for entry in pending_for(session, agreement=self.stem):
            numbers = ", ".join(str(n) for n in entry.get("numbers") or []) or "?"
            raise InputError(
                _("{id}: another docgen is writing {file} right now (`docgen {command}`, {numbers})").format(
                    id=self.stem, file=self.label, command=entry.get("command"), numbers=numbers
                )
            )
        try:
            unchanged = self.path.read_bytes() == self.before
        except OSError:
            unchanged = False
        if unchanged:
            return
        now, _problems = validate_file(self.path, self.label, self.stem)
        if self.command == "agreement sign" and now is not None and now.signed_on is not None:
            raise InputError(
                _("{id}: already signed on {on} ({number}) by another docgen meanwhile").format(
                    id=self.stem, on=now.signed_on, number=now.numbers.first or "no number"
                )
            )
        raise FileChangedError(
            _(
                "{label}: changed by someone else while docgen was rewriting it; "
                "docgen left it as they saved it: run the command again"
            ).format(label=self.label)
        )

    def write(self, text: str, session: Session, pending: Pending, number: str) -> Agreement:
        tmp = pending.path(session, self.path)
        tmp.write_bytes(self.rewrite.style.encode(text))
        os.chmod(tmp, self.rewrite.mode)
        if hasattr(os, "chown") and self.rewrite.owner != (os.getuid(), os.getgid()):
            try:  # the owner is kept, as fsutil.Rewrite keeps it
                os.chown(tmp, *self.rewrite.owner)
            except OSError:
                pass
        agreement, problems = validate_file(tmp, self.label, self.stem)
        if problems or agreement is None:
            head = _("{label}: the edited file would not be valid; nothing was changed").format(
                label=self.label
            )
            raise AgreementError(head, problems=[head, *(str(p) for p in problems)])
        pending.numbers.append(number)
        pending.about = {"agreement": self.stem}
        return agreement


def sign(
    ws: Workspace, agreement_id: str, on: date, number_second: str | None = None, number: str | None = None
) -> Signed:
    """`agreement sign`: take the office's agreement number (or record `number`, given by
    the register the first party numbers in) and write it and the signing date into the
    file."""
    agreement, path = _load(ws, agreement_id, "signing")
    register = agreement.first.register_name
    given = _given(number)
    require_given(register, given, f"{agreement.id}: ")
    label = ws.rel(path)
    if agreement.signed_on is not None:
        # a sign killed between its file's rename and its journal's close: finish it too
        finish_interrupted(ws)
        number = agreement.numbers.first or "no number"
        raise InputError(
            _("{id}: already signed on {signed_on} ({number})").format(
                id=agreement.id, signed_on=agreement.signed_on, number=number
            )
        )
    second = " ".join(number_second.split()) if number_second else None
    if number_second is not None and not second:
        raise InputError(_("--number-second: give the other party's number of this agreement"))
    edit = _FileEdit(ws, path, agreement.id, "agreement sign")
    if finish_interrupted(ws):  # a killed command's file was put in place: read it again
        return sign(ws, agreement_id, on, number_second, number)
    text = _SCAFFOLD_HINTS.sub("", edit.text)

    def body(session: Session, pending: Pending) -> Signed:
        edit.recheck(session)
        doc = YamlDocument(text, label)
        if doc.data.get("signed_on"):  # signed by another docgen between the check and the read
            held = doc.data.get("numbers")
            first = held.get("first") if isinstance(held, dict) else None
            raise InputError(
                _("{id}: already signed on {on} ({number}) by another docgen meanwhile").format(
                    id=agreement.id, on=doc.data.get("signed_on"), number=first or "no number"
                )
            )
        result = Signed(agreement.id, "", label, on)
        record = Registry(session, ws.config).take(
            "agreement",
            on,
            f"Penandatanganan {agreement.title}",
            given=given,
            register=register,
            ref={"agreement": agreement.id},
            document=agreement.kind,
            warnings=result.warnings,
        )
        result.number = record["number"]
        doc.set("signed_on", on, after=("place", "parent", "title"))
        numbers = doc.data.get("numbers")
        if isinstance(numbers, dict):  # e.g. {first: "...", second: "..."}: filled in place
            numbers["first"] = record["number"]
            if second:
                numbers["second"] = second
        else:
            wanted = {"first": record["number"], **({"second": second} if second else {})}
            doc.set("numbers", flow(wanted), after=("ends_on", "duration_months", "signed_on"))
        signed = edit.write(doc.text(), session, pending, result.number)
        record_signature(session, signed)
        publish(session, ws.config, [signed])
        return result

    result = journaled(ws, edit.command, body)
    result.warnings.extend(_signing_warnings(ws, agreement.id))
    return result


def _given(number: str | None) -> str | None:
    if number is None:
        return None
    given = " ".join(number.split())
    if not given:
        raise InputError(_("--number: give the number the document carries"))
    return given


def _signing_warnings(ws: Workspace, agreement_id: str) -> list[str]:
    """What `check` now warns about this agreement (signed before its MoU, `...` left)."""
    cat = catalog(ws, only=[agreement_id])
    label = f"agreements/{cat.files[agreement_id].name}"
    return [str(p) for p in cat.warnings if p.file == label]


def extend(
    ws: Workspace,
    agreement_id: str,
    to: date,
    on: date,
    number_second: str | None = None,
    number: str | None = None,
) -> Signed:
    """`agreement extend`: an adendum, signed on `on`, moving the end of the term to `to`
    (its number allocated, or `number` as given by the first party's register)."""
    agreement, path = _load(ws, agreement_id, "extending it")
    register = agreement.first.register_name
    given = _given(number)
    require_given(register, given, f"{agreement.id}: ")
    label = ws.rel(path)
    if agreement.signed_on is None:
        raise InputError(
            _("{id}: a draft (not signed); change its term in the file instead of extending it").format(
                id=agreement.id
            )
        )
    if on < agreement.signed_on:
        raise InputError(
            _("--on: {on} is before the agreement was signed ({signed_on})").format(
                on=on, signed_on=agreement.signed_on
            )
        )
    dated = [am.on for am in agreement.amendments if am.on is not None]
    if dated and on < max(dated):
        raise InputError(
            _("--on: {on} is before the last adendum ({max}); adenda follow one another").format(
                on=on, max=max(dated)
            )
        )
    current = as_amended(agreement, on)
    end = current.end_date
    if end is None:
        raise InputError(
            _("{id}: open-ended (no ends_on or duration_months); nothing to extend").format(id=agreement.id)
        )
    if on > end:
        raise InputError(
            _(
                "--on: {on} is after the term ended ({end}); an ended agreement is "
                "renewed, not extended (docgen agreement renew {id} NEW_ID)"
            ).format(on=on, end=end, id=agreement.id)
        )
    if to <= end:
        raise InputError(_("--to: {to} does not extend the term, which ends on {end}").format(to=to, end=end))
    count = len(agreement.amendments) + 1
    edit = _FileEdit(ws, path, agreement.id, "agreement extend")
    if finish_interrupted(ws):  # a killed command's file was put in place: read it again
        return extend(ws, agreement_id, to, on, number_second, number)
    text = edit.text

    def body(session: Session, pending: Pending) -> Signed:
        edit.recheck(session)
        doc = YamlDocument(text, label)
        result = Signed(agreement.id, "", label, on, ends_on=to)
        terminated = termination_in_force(
            e for e in session.records(TERMINATIONS) if e.get("agreement") == agreement.id
        )
        if agreement.id in terminated and str(terminated[agreement.id]["on"]) <= on.isoformat():
            raise InputError(
                _("{id}: terminated on {on}; a terminated agreement cannot be extended").format(
                    id=agreement.id, on=terminated[agreement.id]["on"]
                )
            )
        record = Registry(session, ws.config).take(
            "agreement",
            on,
            f"Adendum {count} {agreement.title}",
            given=given,
            register=register,
            ref={"agreement": agreement.id, "amendment": count},
            document="adendum",
            warnings=result.warnings,
        )
        result.number = record["number"]
        entry: dict[str, str | date] = {"number": record["number"]}  # the adendum, as the file lists it
        if number_second and number_second.strip():
            entry["number_second"] = " ".join(number_second.split())
        entry.update(
            on=on, title=f"Perpanjangan jangka waktu sampai dengan tanggal {tanggal(to)}", ends_on=to
        )
        amendments = doc.data.get("amendments")
        if amendments is None:
            doc.set("amendments", sequence([block(entry)]))
        else:
            amendments.append(block(entry))
        publish(session, ws.config, [edit.write(doc.text(), session, pending, result.number)])
        return result

    return journaled(ws, edit.command, body)


def renew(ws: Workspace, agreement_id: str, new_id: str) -> str:
    """`agreement renew`: a new draft from an agreement that is ending: the same parties and
    content (as amended), a `renews:` link, its dates moved on by the length of the old term
    in whole years (a 2022 work plan gives 2023 dates), no signature, no numbers. It is a
    valid draft at once, so `monitor` lists it beside the agreement it renews; returns its
    path."""
    if not is_valid_id(new_id):
        raise InputError(
            _(
                "{new_id!r}: not a valid id (lowercase letters, digits and '-', "
                "starting with a letter or digit, at most 80 characters)"
            ).format(new_id=new_id)
        )
    agreement, path = _load(ws, agreement_id, "renewing it")
    cat = catalog(ws, only=[])
    if new_id in cat.files:
        raise InputError(
            _("{new_id}: agreements/{name} already exists; nothing was changed").format(
                new_id=new_id, name=cat.files[new_id].name
            )
        )
    if agreement.signed_on is None:
        raise InputError(
            _("{id}: a draft (not signed); there is nothing to renew yet").format(id=agreement.id)
        )
    latest = as_amended(agreement, date.max)
    years = _term_years(latest)
    _check_renewable(agreement, latest, years)
    source = path.read_bytes()
    style = TextStyle.of(source)  # the new file is written as the old one is (CRLF, BOM)
    doc = YamlDocument(style.decode(source), ws.rel(path))
    data = doc.data
    for key in ("signed_on", "numbers", "amendments", "renews"):
        doc.remove(key)
    data["id"] = new_id
    doc.set("renews", agreement.id, after=("parent", "kind"))
    data["title"] = _next_year(agreement.title, agreement, years)
    if latest.ends_on is not None:
        doc.set("ends_on", add_months(latest.ends_on, 12 * years), after=("place", "parent"))
        doc.remove("duration_months")
    elif latest.duration_months is not None:
        doc.set("duration_months", latest.duration_months, after=("place", "parent"))
    if latest.work_items != agreement.work_items:  # an adendum changed them: take them as amended
        data["work_items"] = sequence(
            [
                block(
                    {
                        "id": wi.id,
                        "title": wi.title,
                        "responsible": wi.responsible,
                        "deliverables": sequence(
                            [
                                flow({k: v for k, v in d.model_dump().items() if v is not None})
                                for d in wi.deliverables
                            ]
                        ),
                    }
                )
                for wi in latest.work_items
            ]
        )
    dues = {d.id: d.due for d in latest.deliverables}
    for wi in data.get("work_items") or []:
        for d in wi.get("deliverables") or []:
            if d.get("id") in dues:
                d["due"] = add_months(dues[d["id"]], 12 * years)
    moved = f"{years} year" + ("s" if years > 1 else "")
    data.yaml_set_start_comment(
        f"Renewal of {agreement.id} (signed {agreement.signed_on}), scaffolded by docgen: its\n"
        f"dates are those of {agreement.id} moved {moved} on. Review the title, the parties'\n"
        "signatories, the term and every due date; sign it with `docgen agreement sign`."
    )
    target = ws.inside(ws.agreements_dir / f"{new_id}.yaml")
    text = doc.text()
    if text.startswith("#") and doc.original.startswith("#"):
        # The old file's own opening comment described the old agreement: drop it.
        text = _drop_old_header(text, doc.original)
    atomic_write_bytes(target, style.encode(text))
    return ws.rel(target)


def _check_renewable(agreement: Agreement, latest: Agreement, years: int) -> None:
    """The renewal's dates, moved on by `years`, must exist (an agreement extended to
    9999-12-31 has no next term to scaffold)."""
    dates = [latest.ends_on, *(d.due for d in latest.deliverables)]
    for day in (d for d in dates if d is not None):
        try:
            add_months(day, 12 * years)
        except ValueError:
            raise InputError(
                _(
                    "{id}: its term or a due date ({day}) moved on by {years} year(s) would "
                    "be after 9999-12-31; there is no next term to renew it for"
                ).format(id=agreement.id, day=day, years=years)
            ) from None


def _term_years(agreement: Agreement) -> int:
    """The length of the term in whole years (at least one; one when open-ended)."""
    end = agreement.end_date
    if end is None or agreement.signed_on is None:
        return 1
    return max(1, round(((end - agreement.signed_on).days + 1) / 365.25))


def _next_year(title: str, agreement: Agreement, years: int) -> str:
    """ "... Tahun 2022" becomes "... Tahun 2023" (the year the old agreement ran)."""
    end = agreement.end_date or agreement.signed_on
    if end is None:
        return title
    return re.sub(rf"\bTahun {end.year}\b", f"Tahun {end.year + years}", title)


def _drop_old_header(text: str, original: str) -> str:
    old = []
    for line in original.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        old.append(line)
    header = "".join(old)
    return text.replace(header, "", 1) if header and header in text else text
