"""The docgen command line: global options, error handling, and the command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from docgen import __version__
from docgen.cli.common import AppState, literal
from docgen.errors import DocgenError


class DocgenGroup(TyperGroup):
    """Turns DocgenError into its message lines on stderr and exit 1, without a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DocgenError as exc:
            if _verbose(ctx):
                raise
            for line in exc.problems:
                typer.echo(literal(line), err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            if _is_cli_control(exc):
                _tidy(exc)
                raise
            if _verbose(ctx):
                raise
            typer.echo(literal(
                f"internal error: {type(exc).__name__}: {exc} "
                "(this is a bug in docgen; run again with --verbose for the traceback)"),
                err=True,
            )
            raise typer.Exit(1) from None


def _tidy(exc: BaseException) -> None:
    """A usage error names the value, without the "Value error, " of the validator behind
    Typer's choices."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and "Value error, " in message:
        exc.message = message.replace("Value error, ", "")  # type: ignore[attr-defined]


def _is_cli_control(exc: BaseException) -> bool:
    # Exit, Abort and usage errors of Typer (which vendors click since 0.2x) or click.
    return type(exc).__module__.split(".")[0] in {"typer", "click"}


def _verbose(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return isinstance(obj, AppState) and obj.verbose


app = typer.Typer(
    cls=DocgenGroup,
    name="docgen",
    help="Cooperation agreements, deliverables, follow-up letters and certificates "
    "for Ombudsman Republik Indonesia offices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: flags shown as flags, examples as written
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"docgen {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", metavar="DIR",
                     help="The workspace folder (default: $DOCGEN_WORKSPACE, else the nearest "
                     "folder upward holding docgen.toml)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show tracebacks of bugs.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = AppState(workspace=workspace, verbose=verbose)


def _register() -> None:
    from docgen.cli import (
        agreement,
        build,
        certificate,
        deliverable,
        letter,
        monitor,
        number,
        setup,
        tracker,
        watch,
    )

    for module in (setup, agreement, deliverable, build, watch, monitor, letter, number,
                   certificate, tracker):
        module.register(app)


_register()


def main() -> None:
    app()
