"""Shared fixtures: workspaces built from dicts of files, and a CLI runner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docgen.cli import app

REPO = Path(__file__).resolve().parents[1]

CONFIG = """\
[office]
name = "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur"
short = "Ombudsman RI Perwakilan NTT"
unit_code = "PW24"
city = "Kupang"
address = "Jl. Polisi Militer No. 3, Kupang"

[office.head]
name = "Darius Beda Daton"
title = "Kepala Perwakilan Ombudsman Republik Indonesia Provinsi Nusa Tenggara Timur"
"""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def make_workspace(root: Path, files: dict[str, str | bytes] | None = None,
                   config: str = CONFIG) -> Path:
    """A workspace in `root` holding docgen.toml and `files` (paths relative to root)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "docgen.toml").write_text(config, encoding="utf-8")
    for sub in ("agreements", "templates", "outputs"):
        (root / sub).mkdir(exist_ok=True)
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path: Path) -> Callable[..., Path]:
    """Factory: workspace(files={...}, config=...) -> the workspace root in tmp_path."""
    return lambda files=None, config=CONFIG: make_workspace(tmp_path / "ws", files, config)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the repository's example workspace (the NTT agreements)."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
    for sub in ("agreements", "results", "templates"):
        shutil.copytree(REPO / sub, root / sub)
    (root / "outputs").mkdir()
    return root


@pytest.fixture
def cli() -> Callable[..., Run]:
    """cli(ws, "agreement", "list", "--json") runs docgen in-process against workspace ws."""
    runner = CliRunner()

    def run(ws: Path | None, *args: str, input: str | None = None) -> Run:
        argv = (["--workspace", str(ws)] if ws is not None else []) + list(args)
        result = runner.invoke(app, argv, input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def tracker_rows(root: Path, table: str) -> list[dict]:
    """The records of one table of the workspace's file tracker."""
    from docgen.state.file import FileTracker

    with FileTracker(root).read() as session:
        return session.rows(table)


def tracker_history(root: Path, agreement_id: str | None = None):
    """One agreement's events, or {agreement: events} of all, from the file tracker."""
    from docgen.state.file import FileTracker

    with FileTracker(root).read() as session:
        return session.history(agreement_id) if agreement_id else session.histories()
