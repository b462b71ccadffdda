"""`docgen init` and `docgen check`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from docgen.cli.common import AsOf, Json, emit_json, find, info, parse_day, say, warn
from docgen.errors import DocgenError


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
        say(f"created {path}")
    info(
        f"Workspace ready in {directory.resolve()}: fill in the TODOs of docgen.toml, "
        "then `docgen agreement new`."
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
            f"ok: {report.agreements} agreement file(s), no errors"
            + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
            + (
                f"; published {len(report.published)} to the shared tracker"
                if report.published is not None
                else ""
            )
        )


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(check)
