"""What every command shares: the workspace, dates, JSON, literal text, tables, progress.

User text is data: everything printed goes through `literal` (control characters and
terminal escape sequences made visible) and rich `Text` objects (never console markup),
so an org named "Biro [/] Organisasi" prints as typed and cannot break the output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from docgen.errors import InputError
from docgen.i18n import _, language
from docgen.i18n import state_word as state_word  # the command modules take them from here
from docgen.i18n import word as word
from docgen.usertext import bad_char, describe

if TYPE_CHECKING:
    from docgen.workspace import Workspace

T = TypeVar("T")


def iso_date(value: str | date) -> date:
    """A command-line date: ISO `YYYY-MM-DD`; anything else is a usage error (exit 2)."""
    from docgen.indonesian import parse_date

    if isinstance(value, date):
        return value
    try:
        return parse_date(value.strip())
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def date_option(name: str, help: str) -> Any:
    """An option holding an ISO date, parsed (and refused, exit 2) by the command line."""
    return typer.Option(name, metavar="DATE", parser=iso_date, help=help)


AsOf = Annotated[date | None, date_option("--as-of", "Compute as of this date (default: today).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")]


def command_group(help: str) -> typer.Typer:
    """A sub-command group; plain help (flags shown as flags, examples kept as written), in
    the interface language."""
    from docgen.cli.labels import DocgenSubGroup, DocgenTyper

    return DocgenTyper(
        cls=DocgenSubGroup, help=help, no_args_is_help=True, rich_markup_mode=None, add_completion=False
    )


# C0 and C1 control characters (ESC starts terminal escape sequences), DEL, and the Unicode
# line/paragraph separators; newline and tab are kept.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# rich lays out about 1,500 table rows a second; past this many rows a table is printed as
# aligned plain text instead.
RICH_ROWS = 400
MAX_LINE = 400  # characters of one message line


def literal(value: object) -> str:
    """`value` as text safe for a terminal: control characters shown as \\xNN / \\uNNNN."""
    text = str(value)
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def error_line(value: object) -> str:
    """A message as one line of readable length: `literal`, newlines shown as \\n, and
    cut at MAX_LINE characters (a 3 MB title in an error must not flood the terminal)."""
    text = literal(value).replace("\n", "\\n")
    if len(text) > MAX_LINE:
        text = text[: MAX_LINE - 1] + "…"
    return text


def user_text(value: str | None, option: str) -> str | None:
    """A free-text option (--note, --reason, --for...), or InputError: bytes that are not
    UTF-8 (they arrive as lone surrogates) or control characters cannot be recorded."""
    if value is None:
        return None
    char = bad_char(value)
    if char is not None:
        if "\udc80" <= char <= "\udcff":
            raise InputError(
                _(
                    "{option}: not valid UTF-8 text (byte 0x{byte}); "
                    "set your terminal to UTF-8 and type it again"
                ).format(option=option, byte=f"{ord(char) - 0xDC00:02X}")
            )
        raise InputError(_("{option}: contains {what}; remove it").format(option=option, what=describe(char)))
    return value


class _Console:
    """rich's Console, created at the first print: importing rich costs start-up time that
    commands printing no table need not pay."""

    _console: Any = None
    _width: int | None = None

    def __getattr__(self, name: str) -> Any:
        # Piped or redirected output has no width to respect: keep rows whole for grep
        # (unless COLUMNS says how wide).
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() else (None if sys.stdout.isatty() else 200)
        if self._console is None or width != type(self)._width:
            from rich.console import Console

            type(self)._console = Console(highlight=False, markup=False, emoji=False, width=width)
            type(self)._width = width
        return getattr(self._console, name)


console = _Console()


@dataclass
class AppState:
    workspace: Path | None = None
    verbose: bool = False


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


def find(ctx: typer.Context) -> Workspace:
    """The workspace of this run (docgen.toml not yet validated)."""
    from docgen.workspace import find_workspace

    return find_workspace(state(ctx).workspace)


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace of this run, with its docgen.toml already validated."""
    ws = find(ctx)
    ws.config  # noqa: B018 - fail early and precisely on a bad docgen.toml
    return ws


def parse_day(value: date | None) -> date:
    """A date given on the command line (parsed by `iso_date`); today when absent."""
    return value if value is not None else date.today()


def _dumps(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, default=str)


def _ascii_only() -> bool:
    # JSON may be pure ASCII (\\u escapes): the only safe form on a console that is not UTF-8.
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding not in ("utf8", "utf8sig")


def emit_json(data: Any) -> None:
    """Indented JSON on stdout, one table row per line (greppable), whatever its encoding."""
    ascii_only = _ascii_only()

    def rows(items: list[Any], pad: str) -> str:
        if not items:
            return "[]"
        return "[\n" + ",\n".join(pad + "  " + _dumps(x, ascii_only) for x in items) + "\n" + pad + "]"

    if isinstance(data, list):
        text = rows(data, "")
    elif isinstance(data, dict):
        text = (
            "{\n"
            + ",\n".join(
                f"  {_dumps(k, ascii_only)}: "
                + (rows(v, "  ") if isinstance(v, list) else _dumps(v, ascii_only))
                for k, v in data.items()
            )
            + "\n}"
        )
    else:
        text = _dumps(data, ascii_only)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text: str) -> None:
    typer.echo(error_line(text), err=True)


def warn(lines: Iterable[object]) -> None:
    """Warnings on stderr, each prefixed `warning:` (`peringatan:`)."""
    prefix = _("warning: ")
    for line in lines:
        text = str(line)
        text = text.removeprefix("warning: ").removeprefix(prefix)
        _err(prefix + text)


def skipped(paths: Iterable[object]) -> None:
    """Warn of the agreement files a command left out because they have errors."""
    warn(_("{path}: skipped, it has errors (run `docgen check`)").format(path=path) for path in paths)


def percent(value: float | None) -> str:
    """`7,7%` in Indonesian (a decimal comma), `7.7%` in English; "-" when there is none."""
    if value is None:
        return "-"
    text = f"{value:.1f}%"
    return text.replace(".", ",") if language() == "id" else text


def info(message: str) -> None:
    """A human-readable note on stderr, so that stdout stays clean for --json."""
    _err(message)


def say(text: object, style: str = "") -> None:
    """One line of results on stdout, printed literally (rich only to style it)."""
    if not style or not sys.stdout.isatty():
        typer.echo(literal(text))
        return
    from rich.text import Text

    console.print(Text(literal(text), style=style), soft_wrap=True)


WRAP = "wrap"  # the justification of a column of text that may wrap (left-aligned)
OPTIONAL = "optional"  # text that wraps, left out when the whole columns leave it no room


def print_table(
    title: str | None,
    columns: Sequence[str | tuple[str, str]],
    rows: Sequence[Sequence[object]],
    *,
    alert: str | None = None,
) -> bool:
    """A table on stdout, every cell printed literally; `alert` names a column whose
    non-zero cells are shown in red. Very long tables are aligned plain text.

    Columns are kept whole (identifiers, numbers, dates: what a person types again), except
    those given as (name, WRAP): long text that wraps, nothing cut, when the terminal is
    narrow; a column given as (name, OPTIONAL) wraps too, and is left out when the
    terminal cannot hold it beside the others: False then (say where its values are shown)."""
    from rich.text import Text

    cols = [(c, "left") if isinstance(c, str) else c for c in columns]
    cells = [[literal(cell) for cell in row] for row in rows]
    whole = True
    if len(cells) <= RICH_ROWS:
        # a narrow terminal: no rules between columns, one space, so that identifiers,
        # numbers and dates still fit whole; narrower still, without the OPTIONAL columns
        widths = [_min_width(name, j, [row[i] for row in cells]) for i, (name, j) in enumerate(cols)]
        compact = sum(widths) + 3 * len(cols) + 1 > console.width
        if compact and sum(widths) + len(cols) - 1 > console.width:
            kept = [i for i, (_n, j) in enumerate(cols) if j != OPTIONAL]
            whole = len(kept) == len(cols)
            cols = [cols[i] for i in kept]
            cells = [[row[i] for i in kept] for row in cells]
    cols = [(n, WRAP if j == OPTIONAL else j) for n, j in cols]
    if len(cells) <= RICH_ROWS:
        console.print(_rich_table(title, cols, cells, alert, compact=compact))
        return whole
    cells = [[cell.replace("\n", " ") for cell in row] for row in cells]  # one line a row
    widths = [max(len(name), *(len(row[i]) for row in cells)) for i, (name, _j) in enumerate(cols)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if j == "right" else c.ljust(w)
            for c, w, (_n, j) in zip(values, widths, cols, strict=True)
        ).rstrip()

    if title:
        console.print(Text(literal(title), style="bold"))
    text = "\n".join(
        [line([name for name, _j in cols]), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    )
    console.out(text, highlight=False)
    return True


def _min_width(heading: str, justify: str, column: list[str]) -> int:
    words = [len(w) for w in heading.split()]
    if justify in (WRAP, OPTIONAL):
        words.append(min(max((len(w) for cell in column for w in cell.split()), default=0), 12))
    else:
        words += [len(line) for cell in column for line in cell.splitlines()]
    return max(words, default=0)


def _rich_table(
    title: str | None, cols: list[tuple[str, str]], cells: list[list[str]], alert: str | None, compact: bool
) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    heading = Text(literal(title)) if title else None
    if compact:
        table = Table(title=heading, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0))
    else:
        table = Table(title=heading)
    for i, (name, justify) in enumerate(cols):
        # a column of text wraps; any other is as wide as its widest value (its heading one
        # word a line when narrow)
        wraps = justify == WRAP
        table.add_column(
            name if wraps or not compact else "\n".join(name.split()),
            justify="left" if wraps else justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=not wraps,
            min_width=_min_width(name, justify, [row[i] for row in cells]),
        )
    for row in cells:
        table.add_row(
            *(
                Text(cell, style="bold red" if name == alert and cell not in ("0", "") else "")
                for cell, (name, _j) in zip(row, cols, strict=True)
            )
        )
    return table


def track(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A progress bar on a terminal (stderr), none when output is not a TTY."""
    if not sys.stderr.isatty() or total < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import track as rich_track

    yield from rich_track(items, total=total, description=label, console=Console(stderr=True), transient=True)
