"""Use case of `docgen certificate issue`: numbered Piagam Penghargaan in bulk (verify and
revoke: verification.py).

Issuing reads a result sheet, grades every row with the year's scheme, and for each row
at or above the minimum grade registers a number and writes a PDF, all in one tracker
transaction: the PDFs are rendered to temporary files and renamed into place before the
numbers and certificate records are committed; if a rename or the commit fails, the
tracker is untouched and the new files are removed.

The idempotency key is (recipient folded for case and spaces, year, event): issuing a
key again returns the existing certificate (`new: false`); the same key with another
score is an error row until the old certificate is revoked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

from docgen.app.certificate_keys import signing_key
from docgen.app.common import journaled, layout_source_of
from docgen.app.layout import renderer_for
from docgen.config import Config
from docgen.context import Context
from docgen.documents.certificate import certificate_context, row_fields
from docgen.domain.certificates import certificate_key, checksum, conflicts, duplicates, in_force
from docgen.domain.grading import Grade, Scheme, grade_row, scheme_for
from docgen.domain.numbering import format_number
from docgen.domain.signatures import PLACEHOLDER, sign
from docgen.errors import DocgenError, InputError, TrackerError
from docgen.fsutil import sha256_file
from docgen.i18n import _
from docgen.indonesian import angka
from docgen.records import CERTIFICATES, CertificateRecord, Signatory
from docgen.render.certificate_pdf import (
    CertificateRenderer,
    Job,
    Overflow,
    overflows,
    render_certificates,
)
from docgen.render.certificate_pdf import safe_name as _safe
from docgen.results import ResultRow, read_results, year_in_name
from docgen.safepath import remove_stale_temp_files, safe_stem
from docgen.state.base import Session, current_user, now_text
from docgen.state.journal import Pending
from docgen.state.registry import Allocation, Registry
from docgen.state.secret import BACKUP_HINT, SECRET_FILE, fingerprint, read_secret
from docgen.state.signing_key import save_key
from docgen.workspace import Workspace

TABLE = CERTIFICATES
MIN_YEAR, MAX_YEAR = 1990, 2100

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


# --- issuing -------------------------------------------------------------------------------


class RowError(TypedDict):
    """A row of the results file that gets no certificate, and why (one line)."""

    row: int
    error: str


class Skipped(TypedDict):
    """A row whose grade is below the minimum."""

    row: int
    recipient: str
    score: float
    grade: str
    reason: str


class Issued(TypedDict):
    """A certificate `certificate issue` issued, or found already issued."""

    row: int
    number: str
    recipient: str
    score: float
    score_text: str
    grade: str
    grade_text: str | None
    file: str
    new: bool


class IssueJson(TypedDict):
    issued: list[Issued]
    skipped: list[Skipped]
    errors: list[RowError]
    combined: str | None
    year: int
    event: str
    signed_on: str
    min_grade: str
    signatory: str | None
    warnings: list[str]


@dataclass
class IssueReport:
    results: str
    year: int
    event: str
    signed_on: date
    min_grade: Grade
    scheme: Scheme | None = None
    signatory: Signatory = field(default_factory=lambda: Signatory())
    issued: list[Issued] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    combined: str | None = None
    kind: str | None = None  # a piagam not tied to a score: [certificates.kinds.NAME]
    wording: str = ""  # what such a piagam says of its recipient
    register: str | None = None  # the signatory's register; None: the workspace's own

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_lines(self) -> list[str]:
        return [f"{self.results}: row {e['row']}: {e['error']}" for e in self.errors]

    def to_json(self) -> IssueJson:
        return {
            "issued": self.issued,
            "skipped": self.skipped,
            "errors": self.errors,
            "combined": self.combined,
            "year": self.year,
            "event": self.event,
            "signed_on": self.signed_on.isoformat(),
            "min_grade": self.min_grade.grade,
            "signatory": self.signatory.get("name"),
            "warnings": self.warnings,
        }


@dataclass
class _Candidate:
    row: ResultRow
    grade: Grade


def label_of(ws: Workspace, path: Path) -> str:
    try:
        path.resolve().relative_to(ws.root.resolve())
    except ValueError:
        return str(path)
    return ws.rel(path)


def resolve_year(path: Path, year: int | None, warnings: list[str]) -> int:
    """--year, else the one year the results file's name states."""
    named = year_in_name(path)
    if year is None:
        if named is None:
            raise InputError(
                _("--year: give the assessment year (the file name {name!r} does not state one year)").format(
                    name=path.name
                )
            )
        year = named
    elif named is not None and named != year:
        warnings.append(
            _("--year {year}, but the file name {name!r} says {named}").format(
                year=year, name=path.name, named=named
            )
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InputError(
            _("--year: {year} is not an assessment year ({min_year}–{max_year})").format(
                year=year, min_year=MIN_YEAR, max_year=MAX_YEAR
            )
        )
    return year


def _grade_rows(rows: list[ResultRow], scheme: Scheme, report: IssueReport) -> list[_Candidate]:
    """The rows that get a certificate, each with its grade (domain.grading.grade_row);
    the others are error rows, a predikat that differs from the score's grade a warning."""
    twice = duplicates((row.row, row.recipient) for row in rows)
    candidates = []
    for row in rows:
        if row.row in twice:
            where = ", ".join(str(r) for r in twice[row.row])
            report.errors.append(
                {
                    "row": row.row,
                    "error": (
                        _(
                            "instansi: {recipient!r} appears more than once in the file (rows "
                            "{where}); keep one row per recipient"
                        ).format(recipient=row.recipient, where=where)
                    ),
                }
            )
            continue
        graded = grade_row(scheme, row.score, row.predikat)
        if graded.grade is None:
            report.errors.append({"row": row.row, "error": graded.problem or ""})
            continue
        if graded.differs is not None:
            report.warnings.append(
                _(
                    "{results}: row {row}: predikat {grade} differs from the grade of nilai"
                    " {angka} in the {year} scheme ({grade2}); the predikat is used"
                ).format(
                    results=report.results,
                    row=row.row,
                    grade=graded.grade.grade,
                    angka=angka(row.score),
                    year=scheme.year,
                    grade2=graded.differs.grade,
                )
            )
        candidates.append(_Candidate(row, graded.grade))
    return candidates


def _new_record(
    config: Config, report: IssueReport, scheme: Scheme, candidate: _Candidate, number: str, seq: int
) -> CertificateRecord:
    """What the registry records of a new certificate (and what it prints)."""
    row, grade = candidate.row, candidate.grade
    scored = report.kind is None
    record: CertificateRecord = {
        "number": number,
        "seq": seq,
        "year": report.year,
        "event": report.event,
        "key": certificate_key(row.recipient, report.year, report.event)[0],
        "recipient": row.recipient,
        "unit": row.unit,
        "score": float(row.score),
        "score_text": angka(row.score) if scored else "",
        "grade": grade.grade if scored else "",
        "grade_label": grade.label if scored else "",
        "zone": grade.zone if scored else "",
        "grade_text": scheme.text(grade) if scored else report.wording,
        "issued_on": report.signed_on.isoformat(),
        "file": "",  # its path, once its number is known
        # where the signatory signs (the Ketua in Jakarta), else the office's city
        "place": report.signatory.get("city") or config.office.city,
        "signatory": Signatory(**report.signatory),
        "verify_url": config.certificates.verify_url,
        "source": {"file": report.results, "row": row.row},
        "revoked": False,
        "revoked_reason": None,
        "revoked_at": None,
    }
    if report.kind is not None:
        record["kind"] = report.kind
        record["wording"] = report.wording
    return record


# The result-sheet column behind each variable a certificate prints from a row.
COLUMNS = {
    "recipient": "instansi",
    "unit": "unit",
    "score": "nilai",
    "grade": "predikat",
    "grade_text": "predikat",
}


class _LayoutCheck:
    """Lays each row's certificate out before any number is taken (with a number as long
    as the real one will be): the parts every certificate shares are built once."""

    def __init__(
        self, ws: Workspace, renderer: CertificateRenderer, report: IssueReport, scheme: Scheme
    ) -> None:
        self.ws, self.renderer, self.report, self.scheme = ws, renderer, report, scheme
        self.number = format_number(
            ws.config, "certificate", 9999, report.signed_on, assessment_year=report.year
        )
        self.base: Context | None = None

    def context(self, candidate: _Candidate) -> Context:
        record = _new_record(self.ws.config, self.report, self.scheme, candidate, self.number, 9999)
        if self.base is None:
            self.base = certificate_context(record, self.ws.config.office, PLACEHOLDER)
        return {**self.base, **row_fields(record)}

    def problems(self, candidates: list[_Candidate]) -> list[str | None]:
        """Each row's error line, None where its certificate fits (a large batch is laid
        out by two processes: render.certificate_pdf.overflows)."""
        found = overflows(self.renderer, [self.context(c) for c in candidates])
        return [_layout_problem(self.renderer, c, o) for c, o in zip(candidates, found, strict=True)]


def _layout_problem(
    renderer: CertificateRenderer, candidate: _Candidate, overflow: Overflow | None
) -> str | None:
    """Why this row's certificate would not fit the layout (a name too long to fit at the
    smallest size the layout allows, text running into the QR code or the signature), as
    its error line; None when it fits."""
    if overflow is None:
        return None
    row = candidate.row
    for variable, value in (("recipient", row.recipient), ("unit", row.unit)):
        if variable in overflow.variables:
            return _(
                "{value}: {value2!r} does not fit the certificate layout ({reason}); "
                "shorten it, or give its text more room in {label}"
            ).format(
                value=COLUMNS[variable], value2=value, reason=overflow.reason, label=renderer.source.label
            )
    return _(
        "the certificate text does not fit the layout ({reason}); shorten "
        "{items} or give it more room in {label}"
    ).format(
        reason=overflow.reason,
        items=", ".join(sorted(COLUMNS.get(v, v) for v in overflow.variables)),
        label=renderer.source.label,
    )


def _given_numbers(
    registry: Registry, plan: list[tuple[_Candidate, CertificateRecord | None]], report: IssueReport
) -> list[tuple[_Candidate, CertificateRecord | None]]:
    """The plan without the new rows whose number cannot be taken (error rows): a row
    without `nomor` when the signatory's register is not the workspace's own, a `nomor`
    already in the registry or given twice in the sheet."""
    kept = []
    seen: dict[str, int] = {}
    for candidate, existing in plan:
        row = candidate.row
        error = None
        if existing is None and report.register is not None and not row.nomor:
            error = _(
                "nomor: empty; the piagam {name} signs are numbered in the {register} register, "
                "which this workspace does not allocate from: give each row its number"
            ).format(name=report.signatory.get("name"), register=report.register)
        elif existing is None and row.nomor:
            held = registry.find(row.nomor)
            if held is not None:
                error = _("nomor: {number} is already in the registry ({purpose})").format(
                    number=row.nomor, purpose=held.get("for") or "-"
                )
            elif row.nomor in seen:
                error = _("nomor: {number} is given to row {other} too").format(
                    number=row.nomor, other=seen[row.nomor]
                )
            seen.setdefault(row.nomor, row.row)
        if error is not None:
            report.errors.append({"row": row.row, "error": error})
            continue
        kept.append((candidate, existing))
    return kept


def _file_name(record: CertificateRecord) -> str:
    """`0001-phg-pw24-2022-dinas-sosial-kota-kupang.pdf`: letters, digits and '-' only,
    so it can never leave its folder."""
    return f"{_safe(record['number'], 40)}-{_safe(record['recipient'])}.pdf"


def _file_ok(ws: Workspace, record: CertificateRecord) -> bool:
    path = ws.root / record["file"]
    return path.is_file() and sha256_file(path) in record.get("sha256s", [record.get("sha256")])


def issue(
    ws: Workspace,
    results_path: Path,
    *,
    year: int | None = None,
    min_grade: str | None = None,
    event: str | None = None,
    signed_on: date | None = None,
    signatory: str | None = None,
    progress: Progress | None = None,
    kind: str | None = None,
    user: str | None = None,
) -> IssueReport:
    """Issue a certificate for every good row at or above the minimum grade (SPEC §4).

    `signatory` is a `[signatories]` key, else `[certificates] signatory`, else the office
    head; the certificate's head lines are the signatory's `heading`, else the office's
    letterhead."""
    config = ws.config
    signer = config.signatory(signatory if signatory is not None else config.certificates.signatory)
    if not results_path.is_absolute() and not results_path.exists() and (ws.root / results_path).exists():
        results_path = ws.root / results_path  # `-w DIR` given from elsewhere: relative to DIR
    label = label_of(ws, results_path)
    kinds = config.certificates.kinds
    if kind is not None and kind not in kinds:
        known = ", ".join(sorted(kinds)) or "none yet"
        raise InputError(
            _("--kind: no [certificates.kinds.{kind}] in docgen.toml (known: {known})").format(
                kind=kind, known=known
            )
        )
    results = read_results(results_path, label, scored=kind is None)
    warnings: list[str] = []
    signed_on = signed_on or date.today()
    if kind is not None and year is None:
        year = year_in_name(results_path) or signed_on.year
    year = resolve_year(results_path, year, warnings)
    if signed_on.year < year:
        raise InputError(
            _("--signed-on: {isoformat} is before the assessment year {year}").format(
                isoformat=signed_on.isoformat(), year=year
            )
        )
    default_event = config.certificates.event if kind is None else (kinds[kind].event or kind)
    event = " ".join((event if event is not None else default_event).split())
    if not event:
        raise InputError(
            _('--event: empty (name the assessment, e.g. "Penilaian Kepatuhan Standar Pelayanan Publik")')
        )
    scheme = scheme_for(config, year)
    minimum = scheme.minimum(min_grade) if min_grade is not None else scheme.default_minimum()
    source = layout_source_of(ws)
    renderer = renderer_for(source)  # a broken layout stops here, before any number is taken

    report = IssueReport(label, year, event, signed_on, minimum, scheme, warnings=warnings, kind=kind)
    report.register = signer.register_name
    if kind is not None:
        report.wording = kinds[kind].wording.format(event=event, year=year)
    report.signatory = {
        "name": config.documents.signer_name(signer.name),
        "title": signer.title,
        "nip": signer.nip or "",
        "heading": signer.heading or config.office.letterhead_lines,
        "city": signer.city or config.office.city,
    }
    report.errors.extend({"row": e.row, "error": e.error} for e in results.errors)
    printable, eligible = [], []
    layout = _LayoutCheck(ws, renderer, report, scheme)
    for candidate in _grade_rows(results.rows, scheme, report):
        row = candidate.row
        if kind is None and candidate.grade.rank > minimum.rank:
            report.skipped.append(
                {
                    "row": row.row,
                    "recipient": row.recipient,
                    "score": float(row.score),
                    "grade": candidate.grade.grade,
                    "reason": _("grade {grade} is below the minimum {minimum}").format(
                        grade=candidate.grade.grade, minimum=minimum.grade
                    ),
                }
            )
            continue
        unprintable = [
            (column, missing)
            for column, variable, value in (
                ("instansi", "recipient", row.recipient),
                ("unit", "unit", row.unit),
            )
            if (missing := renderer.unprintable(variable, value))
        ]
        if unprintable:
            column, missing = unprintable[0]
            report.errors.append(
                {
                    "row": row.row,
                    "error": (
                        _(
                            "{column}: {missing!r} cannot be printed in the layout's fonts; name a "
                            "TrueType font that has it in {label} [fonts] and use it for this text"
                        ).format(column=column, missing=missing, label=source.label)
                    ),
                }
            )
            continue
        printable.append(candidate)
    for candidate, misfit in zip(printable, layout.problems(printable), strict=True):
        if misfit is not None:
            report.errors.append({"row": candidate.row.row, "error": misfit})
        else:
            eligible.append(candidate)

    errors = len(report.errors)

    def body(session: Session, pending: Pending) -> list[Issued]:
        del report.errors[errors:]  # an attempt the database asked to run again
        return _issue_in(ws, session, eligible, report, pending, renderer, progress, user or current_user())

    entries = journaled(ws, "certificate issue", body)
    report.issued = entries
    report.errors.sort(key=lambda e: e["row"])
    report.skipped.sort(key=lambda e: e["row"])
    return report


def _proof_of(ws: Workspace, record: CertificateRecord) -> str:
    """What the certificate's QR code carries after its number: its signature proof, or,
    for a certificate issued before docgen signed with a key, its HMAC checksum (made
    again with the workspace's secret, to print the certificate anew)."""
    if record.get("proof"):
        return str(record["proof"])
    secret = read_secret(ws)
    if secret is None or (record.get("secret_id") and record["secret_id"] != fingerprint(secret)):
        raise TrackerError(
            _(
                "{number}: issued before certificates were signed with a key, its checksum needs "
                "the secret that signed it, .docgen/{file}: restore it from a backup ({hint}); "
                "nothing was issued"
            ).format(number=record["number"], file=SECRET_FILE, hint=BACKUP_HINT)
        )
    return checksum(secret, record["number"], record["recipient"], record["score"], record["year"])


def _issue_in(
    ws: Workspace,
    session: Session,
    eligible: list[_Candidate],
    report: IssueReport,
    pending: Pending,
    renderer: CertificateRenderer,
    progress: Progress | None,
    user: str,
) -> list[Issued]:
    config = ws.config
    issued = session.records(TABLE)
    active = in_force(issued)
    plan: list[tuple[_Candidate, CertificateRecord | None]] = []
    for candidate in eligible:
        row = candidate.row
        existing = active.get(certificate_key(row.recipient, report.year, report.event))
        if (
            existing is not None
            and report.kind is None
            and conflicts(existing, row.score, candidate.grade.grade)
        ):
            report.errors.append(
                {
                    "row": row.row,
                    "error": (
                        _(
                            "{recipient!r} already has certificate {number} for {year} ({event}) "
                            "with nilai {score_text}, grade {grade}; this row says {angka}, grade "
                            "{grade2}: revoke it first (docgen certificate revoke {number} --reason"
                            " ...), then issue again"
                        ).format(
                            recipient=row.recipient,
                            number=existing["number"],
                            year=report.year,
                            event=report.event,
                            score_text=existing["score_text"],
                            grade=existing["grade"],
                            angka=angka(row.score),
                            grade2=candidate.grade.grade,
                        )
                    ),
                }
            )
            continue
        plan.append((candidate, existing))
    if not plan:
        return []

    registry = Registry(session, config)
    plan = _given_numbers(registry, plan, report)
    if not plan:
        return []
    fresh = [c for c, existing in plan if existing is None]
    signer = signing_key(ws, session) if fresh else None

    def purpose(c: _Candidate) -> Allocation:
        return Allocation(
            f"Piagam Penghargaan: {c.row.recipient}",
            {"certificate": c.row.recipient, "event": report.event, "year": report.year},
        )

    # Numbered in the register of the year the piagam is signed (DOMAIN.md); the
    # assessment year is `{assessment_year}` and part of the idempotency key. A `nomor`
    # given in the sheet is recorded (in the signatory's register) instead.
    to_allocate = [c for c in fresh if not c.row.nomor]
    allocated_numbers = iter(
        registry.allocate_many(
            "certificate", report.signed_on, [purpose(c) for c in to_allocate], assessment_year=report.year
        )
        if to_allocate
        else []
    )
    numbers = []
    for c in fresh:
        if c.row.nomor:
            wanted = purpose(c)
            given, found = registry.record_given(
                "certificate",
                c.row.nomor,
                report.signed_on,
                wanted.purpose,
                register=report.register,
                ref=wanted.ref,
            )
            report.warnings.extend(f"{report.results}: row {c.row.row}: {w}" for w in found)
            numbers.append(given)
        else:
            numbers.append(next(allocated_numbers))
    allocated = iter(numbers)
    year_dir = ws.inside(ws.outputs_dir / "certificates" / str(report.year), folder=True)
    for stale in (year_dir, year_dir / "print"):  # a killed batch's files (every issuer locks)
        remove_stale_temp_files(stale)
    folder = ws.rel(year_dir)
    recorded_at = now_text()
    scheme = report.scheme or scheme_for(config, report.year)
    records: list[tuple[CertificateRecord, bool]] = []  # (record, new)
    for candidate, existing in plan:
        if existing is not None:
            records.append((CertificateRecord(**existing), False))
            continue
        number = next(allocated)
        record = _new_record(config, report, scheme, candidate, number["number"], number["seq"] or 0)
        assert signer is not None
        record.update({"recorded_at": recorded_at, "user": user, "key_id": signer.keyid})
        record["proof"] = sign(signer.key, record["number"], record["recipient"], record["issued_on"])
        record["file"] = f"{folder}/{_file_name(record)}"
        records.append((record, True))

    contexts = []
    writes: list[int] = []  # indexes of records whose file is (re)written
    for index, (record, new) in enumerate(records):
        contexts.append(certificate_context(record, config.office, _proof_of(ws, record)))
        if new or not _file_ok(ws, record):
            writes.append(index)
    stem = safe_stem(_safe(Path(report.results).stem))
    combined_target = ws.inside(ws.outputs_dir / "certificates" / str(report.year) / "print" / f"{stem}.pdf")
    targets = [ws.inside(ws.root / records[i][0]["file"]) for i in writes] + [combined_target]
    # Written beside their targets and put in place once the numbers are committed
    # (state/journal.py): a failure or a kill leaves every existing file as it was.
    *tmps, combined_tmp = [pending.path(session, target) for target in targets]
    pending.numbers.extend(record["number"] for record, new in records if new)
    try:
        tmp_of = dict(zip(writes, tmps, strict=True))
        jobs = [Job(context, tmp_of.get(index)) for index, context in enumerate(contexts)]
        shas = render_certificates(
            renderer,
            jobs,
            combined_tmp,
            progress=progress,
            combined_title=f"Piagam Penghargaan {report.event} Tahun {report.year}",
        )
    except OSError as exc:  # e.g. a certificate open in a PDF viewer on Windows
        where = exc.filename or ws.rel(combined_target.parent)
        raise DocgenError(
            _(
                "{where}: cannot write the certificate: {reason}; close it if it is "
                "open and issue again (nothing was recorded)"
            ).format(where=where, reason=exc.strerror or exc)
        ) from exc
    report.combined = ws.rel(combined_target)
    if signer is not None and signer.fresh:
        save_key(ws, signer.key)

    inserts = []
    for index in writes:
        record, new = records[index]
        sha = shas[index]
        if new:
            record["sha256"] = sha
            record["sha256s"] = [sha]
            inserts.append(record)
        else:
            digests = record.get("sha256s") or [d for d in [record.get("sha256")] if d]
            record["sha256"] = sha
            record["sha256s"] = [*digests, sha] if sha not in digests else digests
    if inserts:
        session.insert(TABLE, inserts)
    for index in writes:
        record, new = records[index]
        if not new and not record.get("revoked"):
            session.update(
                TABLE, record["number"], {"sha256": record["sha256"], "sha256s": record["sha256s"]}
            )
    entries: list[Issued] = []
    for (candidate, _existing), (record, new) in zip(plan, records, strict=True):
        entries.append(
            {
                "row": candidate.row.row,
                "number": record["number"],
                "recipient": record["recipient"],
                "score": record["score"],
                "score_text": record["score_text"],
                "grade": record["grade"],
                "grade_text": record.get("grade_text"),
                "file": record["file"],
                "new": new,
            }
        )
    return entries
