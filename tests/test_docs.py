"""The docs are checked like code (sqlite-utils style): the command reference is generated
from the Typer app and must be current, every command and option has help text, the
README stays short and every link in the docs leads somewhere."""

from __future__ import annotations

import re
import sys

import pytest
import typer.main

from docgen.cli import app
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import make_cli_reference  # noqa: E402

ROOT = typer.main.get_command(app)
COMMANDS = make_cli_reference.commands(ROOT)
DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md"), REPO / "benchmarks" / "README.md"])


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_and_option_has_help(name, command):
    assert (command.help or "").strip(), name
    missing = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"{name}: parameters without help: {missing}"


LEAVES = [(name, command) for name, command in COMMANDS if not hasattr(command, "commands")]


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[n for n, _ in LEAVES])
def test_every_command_help_ends_with_one_example(name, command):
    last = (command.help or "").strip().split("\n\n")[-1]
    lines = [line.strip() for line in last.splitlines() if line.strip() and line.strip() != "\b"]
    assert lines[:1] == ["Example:"] and len(lines) == 2, lines
    assert lines[1] == name or lines[1].startswith(f"{name} "), lines


def test_help_shows_flags_as_flags():
    from typer.testing import CliRunner

    runner = CliRunner()
    shown = []
    for name, _ in LEAVES:
        text = runner.invoke(app, [*name.split()[1:], "--help"]).stdout
        assert "Example:" in text, name
        if "<bool>" in text or "BOOLEAN" in text:
            shown.append(name)
    assert not shown


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_command_reference_is_current(lang):
    target = make_cli_reference.TARGETS[lang]
    current = target.read_text(encoding="utf-8")
    assert current == make_cli_reference.render(lang), (
        f"docs/{target.name} is stale: run python scripts/make_cli_reference.py"
    )


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_is_in_the_reference(name, command):
    for target in make_cli_reference.TARGETS.values():
        assert re.search(rf"^#+ {re.escape(name)}$", target.read_text(encoding="utf-8"), flags=re.M)


def test_readme_is_short_and_has_the_two_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "bash .ci/run" in readme and (REPO / ".ci" / "run").is_file()
    assert re.search(r"^python3 -m venv \.venv && .*&& docgen check && docgen build", readme, flags=re.M)


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pytest" in ci and "set -euo pipefail" in ci


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(REPO)) for d in DOCS])
def test_links_lead_somewhere(doc):
    text = doc.read_text(encoding="utf-8")
    broken = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        if not (doc.parent / target).exists():
            broken.append(target)
    assert not broken
