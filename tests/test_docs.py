"""The README documents every command, and every command has help text (like sqlite-utils)."""

from __future__ import annotations

import re

import typer.main

from docgen.cli import app
from tests.conftest import REPO


def _commands(group, prefix: str = "") -> list:
    out = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(command, "commands"):
            out.extend(_commands(command, f"{full} "))
        else:
            out.append((full, command))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_every_command_has_help():
    missing = [name for name, command in COMMANDS
               if not (command.help or "").strip() or "Placeholder" in (command.help or "")]
    assert not missing


def test_every_command_help_ends_with_one_example():
    missing = []
    for name, command in COMMANDS:
        last = (command.help or "").strip().split("\n\n")[-1]
        lines = [line.strip() for line in last.splitlines() if line.strip() and line.strip() != "\b"]
        if lines[:1] != ["Example:"] or len(lines) != 2 or not lines[1].startswith(f"docgen {name} "):
            missing.append(name)
    assert not missing


def test_help_shows_flags_as_flags():
    from typer.testing import CliRunner

    runner = CliRunner()
    shown = []
    for name, _ in COMMANDS:
        text = runner.invoke(app, [*name.split(), "--help"]).stdout
        assert "Example:" in text, name
        if "<bool>" in text or "BOOLEAN" in text:
            shown.append(name)
    assert not shown


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    headings = " ".join(re.findall(r"^### (docgen .+)$", readme, flags=re.M))
    missing = []
    for name, _ in COMMANDS:
        group, _, sub = name.partition(" ")
        if f"docgen {name}" not in readme and not (sub and group in headings and sub in headings):
            missing.append(name)
    assert not missing


def test_readme_has_no_unfilled_sections():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "<!-- section:" not in readme


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bash .ci/run" in readme
    assert (REPO / ".ci" / "run").is_file()
