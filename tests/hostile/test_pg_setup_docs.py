"""Issue 18: the setup of docs/tracker-postgresql.md runs as written on a fresh server.

The blocks marked `-- setup: as postgres` run as the server's superuser, those marked
`# setup: as docgen_admin` run docgen as the schema's owner (a role that is not a
superuser and may not create roles), in the order the document gives them. Role and
database names get a suffix of this test (the server is shared)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import REPO

psycopg = pytest.importorskip("psycopg")

DOC = REPO / "docs" / "tracker-postgresql.md"
NAMES = re.compile(r"\bdocgen_(admin|pw24|pw10)\b")


def setup_blocks() -> list[tuple[str, str]]:
    """("sql" | "sh", text) of every block marked as a setup step, in order."""
    blocks = re.findall(r"```(sql|sh)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [(kind, text) for kind, text in blocks if re.match(r"(--|#) setup: ", text)]


def url_as(url: str, user: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, f"{user}@{parts.hostname}:{parts.port}", "/" + dbname, "", ""))


def test_the_documented_setup_runs_as_written(example, tmp_path, cli, pg_admin_url, monkeypatch):
    tag = uuid.uuid4().hex[:8]
    dbname = f"docgen_{tag}"

    def named(text: str) -> str:
        text = NAMES.sub(lambda m: f"{m.group(0)}_{tag}", text)
        return re.sub(r"\bDATABASE docgen\b", f"DATABASE {dbname}", text)

    blocks = setup_blocks()
    assert [kind for kind, _ in blocks] == ["sql", "sh", "sql", "sh"], blocks
    try:
        for kind, text in blocks:
            if kind == "sql":
                assert "as postgres" in text.splitlines()[0]
                with psycopg.connect(pg_admin_url, autocommit=True) as admin:
                    for statement in named(text).split(";"):
                        lines = [
                            ln for ln in statement.splitlines() if ln.strip() and not ln.startswith("--")
                        ]
                        if lines:
                            admin.execute("\n".join(lines))
                continue
            assert "as docgen_admin" in text.splitlines()[0]
            for line in named(text).splitlines():
                line = line.strip()
                if line.startswith("export DOCGEN_TRACKER_URL="):
                    assert f"postgresql://docgen_admin_{tag}@" in line and "/docgen?" in line
                    monkeypatch.setenv(
                        "DOCGEN_TRACKER_URL", url_as(pg_admin_url, f"docgen_admin_{tag}", dbname)
                    )
                elif line.startswith("docgen "):
                    run = cli(example, *line.split()[1:])
                    assert run.exit_code == 0, (line, run.stderr)
        # the owner is an ordinary role: it could not have created the office roles
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            flags = admin.execute(
                "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s", (f"docgen_admin_{tag}",)
            ).fetchone()
        assert flags == (False, False)
        # each office works with its own role and no other office's records
        monkeypatch.setenv("DOCGEN_TRACKER_URL", url_as(pg_admin_url, f"docgen_pw24_{tag}", dbname))
        run = cli(example, "number", "next", "letter", "--on", "2022-06-01", "--json")
        assert run.exit_code == 0, run.stderr
        assert run.json()["number"].startswith("B/001/PW24/")
        with psycopg.connect(url_as(pg_admin_url, f"docgen_pw10_{tag}", dbname), autocommit=True) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO docgen.office_roles VALUES ('PW24', current_user)")
            assert conn.execute("SELECT count(*) FROM docgen.numbers").fetchone()[0] == 0
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            for role in ("pw24", "pw10", "admin"):
                admin.execute(f"DROP ROLE IF EXISTS docgen_{role}_{tag}")
