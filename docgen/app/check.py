"""Use case of `docgen check`: every problem of the config, the agreement files and the templates."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from docgen.agreements import Catalog, load_catalog
from docgen.app.common import finish_interrupted, office_logo, signed_changes
from docgen.app.evidence import pending_evidence
from docgen.app.tracker import publish_all
from docgen.config import CONFIG_FILE, Config
from docgen.documents.samples import template_samples
from docgen.domain.legal import Regulation, unknown_keys, unverified_keys
from docgen.domain.readiness import agreement_blanks, config_blanks
from docgen.errors import ConfigError, DocgenError, TemplateError, TrackerError
from docgen.i18n import _
from docgen.legal import load_legal
from docgen.render.templates import (
    check_docx_template,
    template_label,
    template_path,
    template_problem,
    templates_in_use,
)
from docgen.state import open_tracker
from docgen.validation import Problem
from docgen.workspace import Workspace, placeholder_fields


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreements: int = 0
    published: list[str] | None = None  # with a shared tracker: the agreements published

    @property
    def ok(self) -> bool:
        return not self.errors


def check(ws: Workspace, as_of: date) -> CheckReport:
    """`check`: validate docgen.toml, every agreement file and every template."""
    report = CheckReport()
    config: Config | None = None
    try:
        config = ws.config
    except ConfigError as exc:
        report.errors.extend(exc.problems)
    report.errors.extend(placeholder_fields(ws.config_path))
    logo_sha: str | None = None
    if config is not None:
        try:
            logo = office_logo(ws)
            logo_sha = hashlib.sha256(logo[1]).hexdigest() if logo else None
        except DocgenError as exc:
            report.errors.extend(exc.problems)
        report.warnings.extend(letterhead_warnings(config))
        report.warnings.extend(verify_url_warnings(ws, config))
        report.warnings.extend(
            f"warning: {CONFIG_FILE}: {key}: {message}" for key, message in config_blanks(config, logo_sha)
        )
        try:
            finish_interrupted(ws)  # a killed command's files, put in place (state/journal.py)
        except DocgenError as exc:  # e.g. a database role that may only read
            report.warnings.extend(
                _("could not look for interrupted work to finish: {reason}").format(reason=line)
                for line in exc.problems
            )
    catalog = load_catalog(ws, as_of)
    report.agreements = len(catalog.files)
    report.errors.extend(str(p) for p in catalog.problems)
    legal, legal_problems = load_legal(ws.root)
    report.errors.extend(legal_problems)
    readiness = list(readiness_problems(catalog, legal))
    covered = {(p.file, p.path) for p in readiness}
    # A blank the readiness lines name is said once, in their words.
    report.warnings.extend(str(p) for p in catalog.warnings if (p.file, p.path) not in covered)
    report.errors.extend(str(p) for p in readiness if not p.warning)
    report.warnings.extend(str(p) for p in readiness if p.warning)
    report.warnings.extend(pending_evidence(ws))
    report.errors.extend(check_templates(ws, config, catalog))
    from docgen.app.common import layout_source_of
    from docgen.app.layout import check_layout  # reportlab: only here

    try:
        report.errors.extend(check_layout(layout_source_of(ws)))
    except TemplateError as exc:
        report.errors.extend(exc.problems)
    try:
        with open_tracker(ws).read() as session:
            report.warnings.extend(signed_changes(session, catalog))
    except DocgenError as exc:  # check still reports the files
        report.warnings.append(_("warning: {message}").format(message=exc.message))
    if report.ok:
        tracker = open_tracker(ws)
        if tracker.shared:  # a check that passes publishes the office's agreements
            try:
                done = tracker.transaction(lambda session: publish_all(session, ws, catalog))
                report.published = done["published"]
            except TrackerError as exc:  # the files are valid all the same
                report.warnings.append(
                    _("not published to the shared tracker: {message}").format(message=exc.message)
                )
    return report


def verify_url_warnings(ws: Workspace, config: Config) -> list[str]:
    """Certificates about to be issued (a result sheet in results/) without `verify_url`:
    their QR code would hold only the number and a checksum, which nobody outside the
    office can check (`docgen serve` answers at verify_url's address)."""
    if config.certificates.verify_url:
        return []
    folder = ws.root / "results"
    sheets = [p for p in folder.glob("*") if p.suffix.lower() in (".csv", ".xlsx")] if folder.is_dir() else []
    if not sheets:
        return []
    return [
        _(
            "{file}: certificates.verify_url is empty: the QR code of the certificates issued from "
            "results/ will not lead to a verification page; set it to the address `docgen serve` "
            "answers at (docs/web.md)"
        ).format(file=CONFIG_FILE)
    ]


def readiness_problems(catalog: Catalog, legal: Mapping[str, Regulation]) -> Iterator[Problem]:
    """Per agreement file: the blanks its documents would print (warnings), the
    regulation keys no catalogue holds (errors) and those not yet verified (warnings)."""
    for agreement_id, agreement in sorted(catalog.agreements.items()):
        label = f"agreements/{catalog.files[agreement_id].name}"
        for path, message in agreement_blanks(agreement):
            yield Problem(label, path, message, warning=True)
        for index, key in unknown_keys(agreement.legal_basis, legal):
            yield Problem(
                label,
                f"legal_basis.{index}",
                _(
                    "{key}: no such regulation in docgen's catalogue or legal/*.yaml; "
                    "add it to legal/*.yaml or write the citation out"
                ).format(key=key),
            )
        for index, key in unverified_keys(agreement.legal_basis, legal):
            yield Problem(
                label,
                f"legal_basis.{index}",
                _("{key}: the catalogue marks this entry verified: false; check its citation").format(
                    key=key
                ),
                warning=True,
            )


# The kop's text column in the letter templates (15.5 cm less the logo's 2.8 cm and the
# cell padding) and its sizes: 14 pt for the first line, 12 pt for the others, bold.
KOP_WIDTH_CM = 12.3
KOP_SIZES = (14.0, 12.0)


def letterhead_warnings(config: Config) -> list[str]:
    """A letterhead line too long for one line of the kop would break mid-name."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # Helvetica: Arial's metrics

    found = []
    for index, line in enumerate(config.office.letterhead_lines):
        size = KOP_SIZES[0] if index == 0 else KOP_SIZES[1]
        width = stringWidth(line, "Helvetica-Bold", size) / 72 * 2.54
        if width > KOP_WIDTH_CM:
            where = f"office.letterhead.{index}" if config.office.letterhead else "office.name"
            found.append(
                _(
                    "docgen.toml: {where}: {line!r} is too long for one line of the "
                    "letterhead ({width:.1f} cm of {kop_width_cm} cm at {size:g} pt): split"
                    " it into two lines in [office] letterhead"
                ).format(where=where, line=line, width=width, kop_width_cm=KOP_WIDTH_CM, size=size)
            )
    return found


def check_templates(ws: Workspace, config: Config | None, catalog: Catalog | None = None) -> list[str]:
    """Lines for every template in use, and for agreements naming a missing one."""
    problems: list[str] = []
    for name, path in templates_in_use(ws.templates_dir).items():
        unreadable = template_problem(ws.templates_dir, path)
        if unreadable is not None:
            problems.append(unreadable)
            continue
        label = template_label(path, ws.rel)
        problems.extend(check_docx_template(path, template_samples(name, config), label=label))
    if catalog is not None:
        for agreement_id, agreement in sorted(catalog.agreements.items()):
            try:
                template_path(ws.templates_dir, agreement.template_name)
            except TemplateError as exc:
                problems.append(
                    _("agreements/{name}: template: {message}").format(
                        name=catalog.files[agreement_id].name, message=exc.message
                    )
                )
    return problems
