"""`docgen build`: render agreement drafts to outputs/agreements/."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import Json, emit_json, info, say, warn, workspace
from docgen.errors import DocgenError
from docgen.i18n import _


def build(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Agreements to build (default: every agreement file)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    pdf: Annotated[
        bool,
        typer.Option(
            "--pdf", help="Also convert the drafts to PDF with LibreOffice (all in one soffice call)."
        ),
    ] = False,
    json: Json = False,
) -> None:
    """Render each agreement's draft (and its adenda) to outputs/agreements/ (only what changed).

    \b
    Example:
      docgen build ntt-renja-2022 --pdf
    """
    from docgen.app.build import build as build_drafts

    ws = workspace(ctx)
    report = build_drafts(ws, ids or None, force=force, pdf=pdf)
    warn(report.warnings)
    if json:
        emit_json(report.to_json())
    else:
        built, unchanged = _("built"), _("unchanged")
        for path in report.built:
            say(f"{built:<10} {path}")
        for path in report.unchanged:
            say(f"{unchanged:<10} {path}")
        if report.ok:
            info(
                _("{built} built, {unchanged} unchanged").format(
                    built=len(report.built), unchanged=len(report.unchanged)
                )
            )
    if not report.ok:
        lines = report.error_lines
        if not json:
            lines = [
                *lines,
                _("{built} built, {unchanged} unchanged, {failed} failed").format(
                    built=len(report.built), unchanged=len(report.unchanged), failed=len(report.failed)
                ),
            ]
        raise DocgenError(lines[0], problems=lines)


def register(app: typer.Typer) -> None:
    app.command()(build)
