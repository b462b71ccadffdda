"""The command line in the interface language: help texts, Typer's own labels, usage errors.

Help texts are English msgids in the code; each command translates its own (and its
parameters') when it is about to parse its arguments, so that a command group built
on demand, after `--lang` was read, speaks the chosen language. Typer's labels
("Usage:", "Options", "[default: …]", "Show this message and exit.", "Error:",
"No such option"...) are English in Typer (0.29 vendors click without gettext): the
help formatter and the error display below put them through the catalogue. Typer's
range is pinned in pyproject.toml; tests/test_i18n.py fails when one shows in English.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from docgen.cli.lazy import LazyCommands
from docgen.i18n import N_, _

# Typer's labels, and the metavars a person reads ("TANGGAL", "BERKAS", "TEKS").
LABELS = (N_("Options"), N_("Arguments"), N_("Commands"), N_("Show this message and exit."))
METAVARS = {
    name: name
    for name in (
        N_("DATE"),
        N_("TEXT"),
        N_("FILE"),
        N_("DIR"),
        N_("YEAR"),
        N_("NAME"),
        N_("NUMBER"),
        N_("GRADE"),
        N_("INTEGER"),
        N_("PATH"),
        N_("FOLDER"),
        N_("URL"),
        N_("COMMAND"),
        N_("OPTIONS"),
        N_("EVENT"),
        N_("KIND"),
    )
}
_TYPE_SUFFIX = re.compile(r" <([^<>]*)>$")
_TOKEN = re.compile(r"\b[A-Z][A-Z_]+\b")
_EXTRA = re.compile(r"\s*\[((?:default|env var): [^\]]*|required|(?:default: [^\]]*; )?required)\]$")

_msgids: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _msgid(obj: Any) -> str:
    """The English help text of a command or parameter (remembered before translating)."""
    if obj not in _msgids:
        _msgids[obj] = obj.help or ""
    return _msgids[obj]


def localize(command: Any, ctx: Any | None = None) -> None:
    """Put `command`'s help text and its parameters' in the interface language."""
    params = list(command.params)
    if ctx is not None:
        help_option = command.get_help_option(ctx)
        if help_option is not None:
            params.append(help_option)
    for obj in (command, *params):
        msgid = _msgid(obj)
        if msgid:
            obj.help = _(msgid)


def localize_tree(command: Any, ctx: Any | None = None) -> None:
    """`localize` a command and every command under it (groups built on demand included)."""
    ctx = ctx or typer.Context(command)
    localize(command, ctx)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                localize_tree(sub, typer.Context(sub, info_name=name, parent=ctx))


def metavars(text: str) -> str:
    """Metavars and usage words (DATE, FILE, OPTIONS...) in the interface language."""
    return _TOKEN.sub(lambda m: _(m.group()) if m.group() in METAVARS else m.group(), text)


def _name_column(text: str) -> str:
    # Typer shows Python types after arguments ("ID <str>", "[ID]... <list[str]>"): a person
    # reads the name; a choice is shown as its values.
    match = _TYPE_SUFFIX.search(text)
    if match:
        inner = match.group(1)
        text = text[: match.start()] + (f" [{inner}]" if "|" in inner else "")
    return metavars(text)


def _help_column(text: str) -> str:
    if text == "Show this message and exit.":
        return _(text)
    match = _EXTRA.search(text)
    if not match:
        return text
    parts = []
    for part in match.group(1).split("; "):
        key, _sep, value = part.partition(": ")
        if key == "default":
            parts.append(_("default: {value}").format(value=value))
        elif key == "required":
            parts.append(_("required"))
        else:
            parts.append(_("env var: {value}").format(value=value))
    return text[: match.start()] + "  [" + "; ".join(parts) + "]"


def _usage_args(args: str) -> str:
    # Typer's "{NUMBER}" (required) and "[[ID]...]..." become "NUMBER" and "[ID]...".
    args = re.sub(r"\{([^{}]+)\}", r"\1", args).replace("[[", "[").replace("]...]...", "]...")
    return metavars(args).replace("[ARGS]...", _("[ARGS]..."))


_Formatter: Any = typer.Context.formatter_class  # Typer's HelpFormatter, by its public name


class DocgenFormatter(_Formatter):
    """Typer's help formatter, its labels in the interface language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _usage_args(args), _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl(
            [(_name_column(first), _help_column(second)) for first, second in rows], col_max, col_spacing
        )


class DocgenContext(typer.Context):
    formatter_class = DocgenFormatter


def short_help(command: Any) -> str:
    """The first sentence of a command's help, whole (the list of commands wraps it)."""
    text = command.short_help or _msgid(command)
    first = " ".join(inspect.cleandoc(_(text)).split("\n\n")[0].split())
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence


class Localized:
    """Mixed into docgen's commands and groups: help in the interface language."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        localize(self, ctx)
        return super().parse_args(ctx, args)  # type: ignore[misc]

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self)


class DocgenCommand(Localized, TyperCommand):
    context_class = DocgenContext


class DocgenSubGroup(Localized, LazyCommands, TyperGroup):
    context_class = DocgenContext


class DocgenTyper(typer.Typer):
    """A Typer whose commands are DocgenCommands (help in the interface language)."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Callable[..., Any]:
        return super().command(*args, cls=cls or DocgenCommand, **kwargs)


# --- usage errors ---------------------------------------------------------------------

# Typer's usage messages (English, formatted by Typer) and their msgids; compiled at the
# first usage error (`_usage_messages`), not at every start.
_USAGE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<name>.+?)(?: \(Possible options: (?P<options>.*)\))?", ""),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter: (?P<name>.+)", N_("Missing argument {name}.")),
    (r"Invalid value for (?P<name>.+?): (?P<message>.*)", N_("Invalid value for {name}: {message}")),
    (r"Invalid value: (?P<message>.*)", N_("Invalid value: {message}")),
    (
        r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)",
        N_("Unexpected extra arguments ({args})"),
    ),
    (r"No such command '(?P<name>.*)'\.", N_("No such command '{name}'.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Option '(?P<name>.*)' requires an argument\.", N_("Option '{name}' requires an argument.")),
    (
        r"Option '(?P<name>.*)' requires (?P<n>\d+) arguments\.",
        N_("Option '{name}' requires {n} arguments."),
    ),
    (r"Option '(?P<name>.*)' does not take a value\.", N_("Option '{name}' does not take a value.")),
    (r"'(?P<value>.*)' is not one of (?P<choices>.*)\.", N_("'{value}' is not one of {choices}.")),
    (r"'(?P<value>.*)' is not a valid integer\.", N_("'{value}' is not a whole number.")),
    (r"'(?P<value>.*)' is not a valid float\.", N_("'{value}' is not a number.")),
    (r"(?P<value>.*) is not a valid boolean\.", N_("'{value}' is not yes or no.")),
    # Typer 0.29 converts numbers with pydantic, whose messages name no value
    (r"Input should be a valid integer(?:,.*)?", N_("must be a whole number")),
    (r"Input should be a valid number(?:,.*)?", N_("must be a number")),
    (r"Input should be greater than or equal to (?P<n>\S+)", N_("must be at least {n}")),
    (r"Input should be less than or equal to (?P<n>\S+)", N_("must be at most {n}")),
    (r"Input should be greater than (?P<n>\S+)", N_("must be more than {n}")),
    (r"Input should be less than (?P<n>\S+)", N_("must be less than {n}")),
)


@functools.cache
def _usage_messages() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern, re.S), msgid) for pattern, msgid in _USAGE_MESSAGES]


def usage_message(message: str) -> str:
    """One of Typer's usage messages in the interface language (unknown ones as they are)."""
    for pattern, msgid in _usage_messages():
        match = pattern.fullmatch(message)
        if not match:
            continue
        fields = {k: metavars(v) if k == "name" else v for k, v in match.groupdict().items() if v is not None}
        if "message" in fields:
            fields["message"] = usage_message(fields["message"])
        if not msgid:  # No such option, maybe with suggestions
            text = _("No such option: {name}").format(name=fields["name"])
            if "options" in fields:
                text += " " + _("(Did you mean: {options})").format(options=fields["options"])
            return text
        return _(msgid).format(**fields)
    return message


def show_usage_error(exc: Any) -> None:
    """A usage error as Typer shows it (usage, hint, error), in the interface language."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help(), err=True)
        return
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=ctx.help_option_names[0]
            )
        typer.echo(f"{ctx.get_usage()}\n{hint}\n", err=True)
    typer.echo(_("Error: {message}").format(message=usage_message(exc.format_message())), err=True)


def show_abort() -> None:
    typer.echo(_("Aborted!"), file=sys.stderr)
