"""What every command shares: the workspace, dates, JSON, warnings, tables, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from docgen.errors import InputError
from docgen.indonesian import parse_date
from docgen.workspace import Workspace, find_workspace

T = TypeVar("T")

class _Console:
    """rich's Console, created at the first print: importing rich costs ~40 ms of start-up,
    which commands that print no table (`deliverable set`) need not pay."""

    _console: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            # Piped or redirected output has no width to respect: keep rows whole for grep.
            type(self)._console = Console(highlight=False,
                                          width=None if sys.stdout.isatty() else 200)
        return getattr(self._console, name)


console = _Console()

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Compute as of this date (default: today)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON to stdout instead of a table.")]


@dataclass
class AppState:
    workspace: Path | None = None
    verbose: bool = False


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, AppState) else AppState()


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace of this run, with its docgen.toml already validated."""
    ws = find_workspace(state(ctx).workspace)
    ws.config  # noqa: B018 - fail early and precisely on a bad docgen.toml
    return ws


def parse_day(value: str | None, option: str = "--as-of") -> date:
    """An ISO date given on the command line; today when absent."""
    if value is None:
        return date.today()
    try:
        return parse_date(value.strip())
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def warn(lines: Iterable[object]) -> None:
    for line in lines:
        text = str(line)
        typer.echo(text if text.startswith("warning: ") else f"warning: {text}", err=True)


def info(message: str) -> None:
    """A human-readable note on stderr, so that stdout stays clean for --json."""
    typer.echo(message, err=True)


def track(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A progress bar on a terminal (stderr), none when output is not a TTY."""
    if not sys.stderr.isatty() or total < 2:
        yield from items
        return
    from rich.console import Console
    from rich.progress import track as rich_track

    yield from rich_track(items, total=total, description=label, console=Console(stderr=True),
                          transient=True)
