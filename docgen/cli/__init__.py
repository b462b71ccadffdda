"""The docgen command line: global options, error handling, and the command groups."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from docgen import __version__
from docgen.cli.common import AppState, error_line
from docgen.cli.labels import DocgenContext, DocgenTyper, Localized, show_abort, show_usage_error
from docgen.cli.lazy import LazyCommands, lazy_group
from docgen.errors import DocgenError
from docgen.i18n import LANGUAGES, _, choose_language, set_language

# What a user can cause on a file system: a read-only folder, a full disk, a name too long,
# a link loop... reported as one line naming the path (exit 1), never as a bug.
USER_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "EACCES",
        "EPERM",
        "EROFS",
        "ENOSPC",
        "EDQUOT",
        "ENAMETOOLONG",
        "ELOOP",
        "ENOTDIR",
        "EISDIR",
        "ENOENT",
        "EEXIST",
        "EBUSY",
        "ETXTBSY",
        "EMFILE",
        "ENFILE",
        "EFBIG",
        "EXDEV",
        "EINVAL",
        "ENOTEMPTY",
        "EIO",
    )
    if hasattr(errno, name)
)


class DocgenGroup(Localized, LazyCommands, TyperGroup):
    """Turns DocgenError into its message lines on stderr and exit 1, without a traceback.

    Every line is one line of readable length, control characters shown; library warnings
    and log records are not printed (they would break that rule), except with --verbose.

    The command groups (`agreement`, `letter`...) and the commands are built when first
    named (cli/lazy.py): a command pays for its own options, not for the forty others
    (start-up time).

    The interface language is chosen first, from the arguments, the environment and the
    workspace (i18n.choose_language), before any help text is shown.
    """

    context_class = DocgenContext

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **kwargs: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        # A machine reads --json (and --json-log): its values, messages included, are the
        # same whatever the language, so the English msgids.
        machine = any(
            arg in ("--json", "--json-log") for arg in argv[: argv.index("--") if "--" in argv else None]
        )
        set_language("en" if machine else choose_language(argv))
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, False, windows_expand_args, **kwargs)
        try:
            code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **kwargs)
        except typer.Abort:
            show_abort()
            sys.exit(1)
        except typer.TyperException as exc:
            if not hasattr(exc, "format_message"):
                raise
            show_usage_error(exc)
            sys.exit(getattr(exc, "exit_code", 2))
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        present = set(super().list_commands(ctx))
        return [name for name in ORDER if name in present or name in GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in GROUPS:
            group = lazy_group(GROUPS[cmd_name]())
            group.name = cmd_name
            self.add_command(group, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: Any) -> Any:
        _tolerant_streams()
        try:
            with _quiet_libraries(ctx):
                return super().invoke(ctx)
        except DocgenError as exc:
            if _verbose(ctx):
                raise
            for line in exc.problems:
                typer.echo(error_line(line), err=True)
            raise typer.Exit(1) from None
        except BrokenPipeError:
            _silence_stdout()  # `docgen ... | head`: the reader has what it wanted
            raise typer.Exit(1) from None
        except OSError as exc:
            if _verbose(ctx) or exc.errno not in USER_ERRNOS:
                self._internal(ctx, exc)
                raise  # unreachable: _internal exits
            where = f"{os.fsdecode(exc.filename)}: " if exc.filename else ""
            typer.echo(error_line(f"{where}{exc.strerror or exc}"), err=True)
            raise typer.Exit(1) from None
        except Exception as exc:
            self._internal(ctx, exc)
            raise  # unreachable: _internal exits

    @staticmethod
    def _internal(ctx: Any, exc: Exception) -> None:
        if _is_cli_control(exc):
            _tidy(exc)
            raise exc
        if _verbose(ctx):
            raise exc
        typer.echo(
            error_line(
                _(
                    "internal error: {error} "
                    "(this is a bug in docgen; run again with --verbose for the traceback)"
                ).format(error=f"{type(exc).__name__}: {exc}")
            ),
            err=True,
        )
        raise typer.Exit(1) from None


def _silence_stdout() -> None:
    # Python flushes stdout again at exit: point it at nothing so that no second error shows.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


def _tolerant_streams() -> None:
    # A console that cannot show a character (cp1252 on Windows) gets \u escapes instead
    # of a crash half-way through a table.
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # not a text stream that can change
                pass


@contextlib.contextmanager
def _quiet_libraries(ctx: Any) -> Iterator[None]:
    """Library warnings (openpyxl, pypdf's "invalid pdf header") and log records stay
    out of the output: docgen's own lines say what matters."""
    if _verbose(ctx):
        yield
        return
    root = logging.getLogger()
    sink = logging.NullHandler()
    root.addHandler(sink)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeHandler(sink)


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


app = DocgenTyper(
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


def _language(value: str | None) -> str | None:
    # main() already chose the language from the arguments; this refuses an unknown one.
    if value is not None and value not in LANGUAGES:
        raise typer.BadParameter(_("choose one of: {choices}").format(choices=", ".join(LANGUAGES)))
    return value


@app.callback()
def main_callback(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            metavar="DIR",
            help="The workspace folder (default: $DOCGEN_WORKSPACE, else the nearest "
            "folder upward holding docgen.toml).",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show tracebacks of bugs.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="id|en",
            callback=_language,
            is_eager=True,
            help="The interface language: id (Bahasa Indonesia, the default) or en "
            "(default: $DOCGEN_LANG, else [office] language in docgen.toml).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = AppState(workspace=workspace, verbose=verbose)


def _agreement() -> typer.Typer:
    from docgen.cli.agreement import agreement_app

    return agreement_app


def _deliverable() -> typer.Typer:
    from docgen.cli.deliverable import deliverable_app

    return deliverable_app


def _letter() -> typer.Typer:
    from docgen.cli.letter import letter_app

    return letter_app


def _number() -> typer.Typer:
    from docgen.cli.number import number_app

    return number_app


def _certificate() -> typer.Typer:
    from docgen.cli.certificate import certificate_app

    return certificate_app


def _tracker() -> typer.Typer:
    from docgen.cli.tracker import tracker_app

    return tracker_app


def _user() -> typer.Typer:
    from docgen.cli.user import user_app

    return user_app


# The command groups, built on demand by DocgenGroup.get_command.
GROUPS: dict[str, Callable[[], typer.Typer]] = {
    "agreement": _agreement,
    "deliverable": _deliverable,
    "letter": _letter,
    "number": _number,
    "certificate": _certificate,
    "tracker": _tracker,
    "user": _user,
}
ORDER = [
    "init",
    "check",
    "agreement",
    "deliverable",
    "build",
    "watch",
    "monitor",
    "letter",
    "number",
    "certificate",
    "tracker",
    "sync",
    "serve",
    "user",
]


def _register() -> None:
    from docgen.cli import build, monitor, serve, setup, tracker, watch

    for module in (setup, build, watch, monitor, tracker, serve):
        module.register(app)


_register()


def main() -> None:
    """`docgen`: the root group built with its own options, each command when named."""
    lazy_group(app)()
