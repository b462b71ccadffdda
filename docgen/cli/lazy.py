"""Commands built when first named, not at start-up.

Typer turns each command function into a click command by reading its signature and
evaluating its annotations: about 1.5 ms a command, paid for every command of a group
before any runs. `lazy_group` builds the group with its own options only and each
command the first time it is asked for (to run it, or to list it in `--help`).

It uses three functions of `typer.main` that Typer's own `get_command` is made of
(`get_group`, `get_command_from_info`, `get_command_name`), none of them documented:
tests/private_api.toml lists them, Typer is pinned to a range for them
(docs/development.md), and tests/test_cli_lazy.py compares every command built this way
with Typer's own build.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

import typer
from typer.main import get_command_from_info, get_command_name, get_group


class LazyCommands:
    """Mixed into a click group: `lazy` maps a command's name to what builds it."""

    lazy: dict[str, Callable[[], Any]]
    order: list[str]  # as Typer lists them: the commands as registered, then the groups

    def list_commands(self, ctx: Any) -> list[str]:
        built = super().list_commands(ctx)  # type: ignore[misc]
        order = getattr(self, "order", [])
        return [*order, *(name for name in built if name not in order)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        build = getattr(self, "lazy", {}).pop(cmd_name, None)
        if build is not None and cmd_name not in self.commands:  # type: ignore[attr-defined]
            self.add_command(build(), cmd_name)  # type: ignore[attr-defined]
        return super().get_command(ctx, cmd_name)  # type: ignore[misc]


def lazy_group(app: typer.Typer) -> Any:
    """`typer.main.get_command(app)` for a group whose class mixes in LazyCommands: the
    same group, its commands built on demand."""
    shell = copy.copy(app)
    shell.registered_commands = []
    built = get_group(shell)
    if not isinstance(built, LazyCommands):
        raise TypeError(f"{type(built).__name__}: not a LazyCommands group")
    group: Any = built
    lazy: dict[str, Callable[[], Any]] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or get_command_name(info.callback.__name__)
        lazy[name] = partial(
            get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    group.lazy = lazy
    group.order = [*lazy, *group.commands]  # Typer lists the commands, then the groups
    return group
