"""`docgen init` and `docgen check`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from docgen.cli.common import AsOf, Json, emit_json, find, info, parse_day, say, warn
from docgen.errors import DocgenError
from docgen.i18n import _, ngettext


def init(
    directory: Annotated[Path, typer.Argument(help="Folder of the new workspace.")] = Path("."),
) -> None:
    """Create a workspace: docgen.toml, agreements/, templates/, outputs/, .gitignore.

    \b
    Example:
      docgen init kantor-ntt
    """
    from docgen.app.scaffold import init_workspace

    created = init_workspace(directory)
    for path in created:
        say(_("created {path}").format(path=path))
    info(
        _("Workspace ready in {path}: fill in the TODOs of docgen.toml, then `docgen agreement new`.").format(
            path=directory.resolve()
        )
    )


def check(ctx: typer.Context, as_of: AsOf = None, json: Json = False) -> None:
    """Validate docgen.toml, every agreement file and every template.

    \b
    Example:
      docgen check --as-of 2022-07-01
    """
    from docgen.app.check import check as run_check

    report = run_check(find(ctx), parse_day(as_of))
    if json:
        emit_json(
            {
                "ok": not report.errors,
                "errors": report.errors,
                "warnings": report.warnings,
                "agreements": report.agreements,
                "published": report.published,
            }
        )
    else:
        warn(report.warnings)
    if report.errors:
        raise DocgenError(report.errors[0], problems=report.errors)
    if not json:
        info(
            ngettext(
                "ok: {n} agreement file, no errors", "ok: {n} agreement files, no errors", report.agreements
            ).format(n=report.agreements)
            + (
                ", "
                + ngettext("{n} warning", "{n} warnings", len(report.warnings)).format(n=len(report.warnings))
                if report.warnings
                else ""
            )
            + (
                "; " + _("published {n} to the shared tracker").format(n=len(report.published))
                if report.published is not None
                else ""
            )
        )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(check)
