"""`docgen certificate issue | verify | revoke | key`: numbered, verifiable Piagam Penghargaan."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Annotated

import typer

from docgen.cli.common import (
    OPTIONAL,
    WRAP,
    Json,
    command_group,
    date_option,
    emit_json,
    info,
    print_table,
    say,
    track,
    user_text,
    warn,
    workspace,
)
from docgen.errors import DocgenError, VerificationError
from docgen.i18n import _

certificate_app = command_group("Issue, verify and revoke certificates of appreciation (Piagam Penghargaan).")


@certificate_app.command("issue")
def issue(
    ctx: typer.Context,
    results: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS",
            help="The assessment results: .csv (',' or ';', decimal point or comma) "
            "or .xlsx, with columns instansi and nilai (optional: unit, predikat).",
        ),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            metavar="YEAR",
            help="The assessment year: picks the grading scheme and the "
            "{assessment_year} of the numbers (default: the one year the file name states, else "
            "required).",
        ),
    ] = None,
    min_grade: Annotated[
        str | None,
        typer.Option(
            "--min-grade",
            metavar="GRADE",
            help="Lowest grade that gets a certificate, of the year's "
            "scheme, any case: A..E from 2022, Hijau/Kuning/Merah before; a zone (hijau) means its "
            "lowest grade (default: the lowest green-zone grade).",
        ),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            "--event",
            metavar="TEXT",
            help="The assessment named on the certificate (default: [certificates] event in docgen.toml).",
        ),
    ] = None,
    signed_on: Annotated[
        date | None,
        date_option(
            "--signed-on",
            "Date of signing printed on the certificates (default: today); its year "
            "and month are those of the numbers.",
        ),
    ] = None,
    signatory: Annotated[
        str | None,
        typer.Option(
            "--signatory",
            metavar="NAME",
            help="Who signs: a [signatories.NAME] of docgen.toml "
            "(default: [certificates] signatory, else [office.head]).",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="NAME",
            help="A piagam not tied to a score: its wording is [certificates.kinds.NAME] of "
            "docgen.toml; RESULTS then needs only the instansi column (no nilai).",
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Issue a numbered certificate to every agency at or above --min-grade in RESULTS.

    \b
    Example:
      docgen certificate issue results/kepatuhan-2022-kota-kupang.csv --year 2022 --min-grade B
    """
    ws = workspace(ctx)
    from docgen.app.certificates import issue as issue_certificates

    report = issue_certificates(
        ws,
        results,
        year=year,
        min_grade=min_grade,
        event=user_text(event, "--event"),
        signed_on=signed_on,
        signatory=signatory,
        progress=track,
        kind=kind,
    )
    warn(report.warnings)
    if json:
        emit_json(report.to_json())
    else:
        for entry in report.issued:
            state = _("new") if entry["new"] else _("existing")
            say(
                f"{state:<9} {entry['number']}  {entry['recipient']}  {entry['score_text']}  "
                f"{entry['grade']}  {entry['file']}"
            )
        for skip in report.skipped:
            row = _("row {n}").format(n=skip["row"])
            skipped = _("skipped")
            say(f"{skipped:<9} {row}  {skip['recipient']}: {skip['reason']}")
        if report.combined:
            printed = _("print")
            say(f"{printed:<9} {report.combined}")
    new = sum(1 for e in report.issued if e["new"])
    summary = _("{issued} issued ({new} new), {skipped} skipped, {errors} errors").format(
        issued=len(report.issued), new=new, skipped=len(report.skipped), errors=len(report.errors)
    )
    if not report.ok:
        lines = report.error_lines + ([] if json else [summary])
        raise DocgenError(lines[0], problems=lines)
    if not json:
        info(summary)


@certificate_app.command("verify")
def verify(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="NUMBER|FILE.pdf",
            help="A certificate number (or the text its QR code holds), or a certificate's PDF file.",
        ),
    ],
    json: Json = False,
) -> None:
    """Say whether a certificate is genuine, to whom and when it was issued; exit 1 if not
    genuine or revoked.

    \b
    Example:
      docgen certificate verify 0002/PHG/PW24/2022
    """
    ws = workspace(ctx)
    from docgen.app.verification import verify as verify_certificate

    result = verify_certificate(ws, target)
    record = result.record
    if json:
        emit_json(result.to_json())
    elif record:
        verdict = (
            _("REVOKED")
            if result.genuine and result.revoked
            else (_("GENUINE") if result.genuine else _("NOT GENUINE"))
        )
        say(f"{verdict}  {result.number}")
        fields = [
            (_("recipient"), record["recipient"]),
            (
                _("awarded"),
                (
                    _("{grade}, score {score}, {event} {year}")
                    if record["score_text"]
                    else _("{grade}, {event} {year}")
                ).format(
                    grade=record.get("grade_text") or record["grade"],
                    score=record["score_text"],
                    event=record["event"],
                    year=record["year"],
                ),
            ),
            (_("issued on"), record["issued_on"]),
        ]
        if result.file:
            fields.append((_("file"), str(result.file)))
        width = max(len(label) for label, _value in fields)
        for label, value in fields:
            say(f"  {label:<{width}}  {value}")
    if not result.valid:
        what = result.file or result.number
        lines = [f"{what}: {reason}" for reason in result.reasons] or [
            _("{what}: not genuine").format(what=what)
        ]
        raise VerificationError(lines[0], problems=lines)


@certificate_app.command("revoke")
def revoke(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="The certificate's number.")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why it is revoked.")],
) -> None:
    """Revoke a certificate: verify reports it revoked from then on (its number stays taken).

    \b
    Example:
      docgen certificate revoke 0002/PHG/PW24/2022 --reason "nilai dikoreksi"
    """
    ws = workspace(ctx)
    from docgen.app.verification import revoke as revoke_certificate

    record = revoke_certificate(ws, number, user_text(reason, "--reason") or "")
    say(
        _("revoked {number} ({recipient}, {year}): {reason}").format(
            number=record["number"],
            recipient=record["recipient"],
            year=record["year"],
            reason=record["revoked_reason"],
        )
    )


class CertificateStatus(StrEnum):
    valid = "valid"
    revoked = "revoked"


@certificate_app.command("list")
def list_(
    ctx: typer.Context,
    year: Annotated[
        int | None,
        typer.Option("--year", metavar="YEAR", help="Only the certificates of this assessment year."),
    ] = None,
    status: Annotated[
        CertificateStatus | None,
        typer.Option("--status", help="Only the valid ones, or only the revoked ones."),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            "--event", metavar="TEXT", help="Only those of an assessment or event whose name holds TEXT."
        ),
    ] = None,
    recipient: Annotated[
        str | None,
        typer.Option("--recipient", metavar="TEXT", help="Only those whose recipient's name holds TEXT."),
    ] = None,
    json: Json = False,
) -> None:
    """Every certificate issued, in the order they were signed; revoked ones marked.

    \b
    Example:
      docgen certificate list --year 2022 --status valid
    """
    from docgen.app.certificate_list import list_certificates

    rows = list_certificates(
        workspace(ctx),
        year,
        status=status.value if status else None,
        event=user_text(event, "--event"),
        recipient=user_text(recipient, "--recipient"),
    )
    if json:
        emit_json(rows)
        return
    if not rows:
        filtered = year is not None or status or event or recipient
        info(_("no certificate matches") if filtered else _("no certificates issued"))
        return
    whole = print_table(
        _("Certificates"),
        [
            _("number"),
            (_("recipient"), WRAP),
            (_("assessment"), WRAP),
            _("year"),
            _("grade"),
            _("issued"),
            _("status"),
            (_("file"), OPTIONAL),
        ],
        [
            [
                r["number"],
                r["recipient"] + (f" ({r['unit']})" if r["unit"] else ""),
                r["event"],
                r["year"],
                r["kind"] or r["grade"],
                r["issued_on"],
                _("revoked") + "\n" + (r["revoked_on"] or "") if r["revoked"] else _("valid"),
                r["file"] + ("" if r["file_exists"] else " (" + _("file missing") + ")"),
            ]
            for r in rows
        ],
    )
    if not whole:
        folders = sorted({str(PurePosixPath(r["file"]).parent) for r in rows})
        info(_("files: in {folders} (`--json` names each)").format(folders=", ".join(folders)))


key_app = command_group(
    "The office's certificate signing key: export its public key, start a new one (docs/certificates.md)."
)
certificate_app.add_typer(key_app, name="key")


@key_app.command("export")
def key_export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Where to write the public key (PEM).")],
    key_id: Annotated[
        str | None,
        typer.Option(
            "--key-id", metavar="KEYID", help="An older key of the office (default: the current one)."
        ),
    ] = None,
    office: Annotated[
        str | None,
        typer.Option(
            "--office",
            metavar="UNIT_CODE",
            help="Another office's key, from a tracker the offices share (default: this office's).",
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Write the office's public key (PEM, SubjectPublicKeyInfo): with it anyone checks the
    office's piagam with any Ed25519 library. Needs no private key.

    \b
    Example:
      docgen certificate key export --out ombudsman-pw24.pem
    """
    from docgen.app.certificate_keys import export

    result = export(workspace(ctx), out, key_id, office)
    if json:
        emit_json(result)
    else:
        info(_("{file}: public key {keyid}").format(file=result["file"], keyid=result["keyid"]))


@key_app.command("rotate")
def key_rotate(ctx: typer.Context, json: Json = False) -> None:
    """Start a new signing key: new certificates are signed with it, those signed with an
    older key keep verifying (its public key stays in the tracker).

    \b
    Example:
      docgen certificate key rotate
    """
    from docgen.app.certificate_keys import rotate

    result = rotate(workspace(ctx))
    if json:
        emit_json(result)
    else:
        info(
            _("{file}: new signing key {keyid}; back it up (docs/certificates.md)").format(
                file=result["file"], keyid=result["keyid"]
            )
        )
