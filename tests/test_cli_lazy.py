"""Commands built when first named (cli/lazy.py) are the commands Typer itself builds."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from docgen.cli import GROUPS, app
from docgen.cli.lazy import lazy_group
from tests.conftest import REPO


def _shape(command) -> dict:
    """What a person and the parser see of a command: its options, arguments and help."""
    return {
        "name": command.name,
        "help": command.help,
        "class": type(command).__name__,
        "params": [
            tuple(
                repr(getattr(p, field, None))
                for field in (
                    "name",
                    "opts",
                    "secondary_opts",
                    "required",
                    "multiple",
                    "is_flag",
                    "help",
                    "metavar",
                    "default",
                )
            )
            for p in command.params
        ],
    }


def _walk(group, eager: bool) -> dict:
    found = {"(order of --help)": group.list_commands(None)}
    for name in group.list_commands(None):
        if eager and name in GROUPS:  # Typer's own build of the group and all its commands
            command = typer.main.get_command(GROUPS[name]())
            command.name = name
        else:
            command = group.get_command(None, name)
        found[name] = _shape(command)
        if hasattr(command, "list_commands"):
            found[name]["commands"] = _walk(command, eager)
    return found


def test_every_command_built_on_demand_is_the_one_typer_builds():
    eager = typer.main.get_command(app)
    lazy = lazy_group(app)
    assert lazy.lazy, "the root's commands are not built before they are named"
    want, got = _walk(eager, True), _walk(lazy, False)
    assert set(want) == set(got) and set(GROUPS) <= set(got)
    assert got == want
    assert lazy.list_commands(None) == eager.list_commands(None)  # the order of --help


def test_a_command_builds_only_its_own_group_and_command():
    root = lazy_group(app)
    group = root.get_command(None, "number")
    assert "next" in group.lazy and not group.commands  # nothing built before it is named
    group.get_command(None, "next")
    assert list(group.commands) == ["next"]
    assert "build" in root.lazy and "number" in root.commands


def test_the_installed_entry_point_runs_a_command_and_lists_all(example):
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "--lang", "en", "number", "next", "letter", "--dry-run"],
        cwd=example,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().startswith("B/")
    listed = subprocess.run(
        [sys.executable, "-m", "docgen", "--lang", "en", "number", "--help"],
        cwd=example,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert listed.returncode == 0, listed.stderr
    for name in ("next", "list", "void", "record", "import"):
        assert f"  {name} " in listed.stdout
