"""Shared fixtures: workspaces built from dicts of files, and a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

from docgen.cli import app
from docgen.i18n import set_language

REPO = Path(__file__).resolve().parents[1]

# The suite speaks English (docgen's msgids), whatever the default interface language:
# tests asserting on message text read the English; tests of the Indonesian interface
# (tests/test_i18n.py) ask for it with `--lang id`. Subprocesses inherit the variable.
os.environ["DOCGEN_LANG"] = "en"
# Tables are as wide as COLUMNS says; pytest-xdist's workers set COLUMNS=80 and LINES=24.
# Tests read output as a pipe gives it (no width) unless they set COLUMNS themselves.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


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


def make_workspace(root: Path, files: dict[str, str | bytes] | None = None, config: str = CONFIG) -> Path:
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


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the second processes render/fork.py starts (os.fork counted, not
    replaced)."""
    from docgen.render import fork

    started: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        pid = real_fork()
        if pid:
            started.append(pid)
        return pid

    monkeypatch.setattr(fork.os, "fork", counted)
    return started


def tracker_rows(root: Path, table: str) -> list[dict]:
    """The records of one table of the workspace's file tracker."""
    from docgen.state.file import FileTracker

    with FileTracker(root).read() as session:
        return session._raw_rows(table)


def tracker_history(root: Path, agreement_id: str | None = None):
    """One agreement's events, or {agreement: events} of all, from the file tracker."""
    from docgen.state.file import FileTracker

    with FileTracker(root).read() as session:
        return session._raw_history(agreement_id) if agreement_id else session._raw_histories()


# --- PostgreSQL: a real server (see tests/pg_server.py), a fresh database per test ----------


def _skip_pg(reason: str) -> NoReturn:
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """The URL of a PostgreSQL server on which the tests may create databases."""
    from tests.pg_server import admin_url

    with admin_url(_skip_pg) as url:
        yield url


def with_dbname(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty database on the server (dropped afterwards); its URL."""
    import psycopg

    name = f"docgen_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_dbname(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty database for this test: its URL (no password: trust authentication)."""
    with fresh_database(pg_admin_url) as url:
        yield url


@dataclass
class Backend:
    """One tracker backend as the tests use it: trackers of several offices, and the
    environment that points docgen (the CLI, a subprocess) at it."""

    name: str
    base: Path
    url: str = ""

    def root(self, office: str = "PW24") -> Path:
        root = self.base / office
        root.mkdir(parents=True, exist_ok=True)
        return root

    def tracker(self, office: str = "PW24"):
        if self.url:
            from docgen.state.postgres import PostgresTracker

            return PostgresTracker(self.url, office=office)
        from docgen.state.file import FileTracker

        return FileTracker(self.root(office), office)

    @property
    def env(self) -> dict[str, str]:
        return {"DOCGEN_TRACKER_URL": self.url} if self.url else {}


@pytest.fixture(params=["file", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """Each tracker backend in turn; with PostgreSQL, DOCGEN_TRACKER_URL names a fresh database."""
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    if request.param == "file":
        return Backend("file", tmp_path / "offices")
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("DOCGEN_TRACKER_URL", url)
    return Backend("postgresql", tmp_path / "offices", url)
