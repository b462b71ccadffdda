"""The PostgreSQL tracker end to end: offices sharing one real database, the national
view, copying trackers between backends, and faults (no server, a server that refuses,
a lost connection, a server stopped mid-command, conflicts the database asks to retry)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from docgen.errors import TrackerError
from tests.conftest import REPO, fresh_database, with_dbname

RESULTS = "results/kepatuhan-2022-kota-kupang.csv"
RENJA = "ntt-renja-2022"


def second_office(example: Path, tmp_path: Path, code: str = "PW10") -> Path:
    """Another workspace with the same agreements, issuing as office `code`."""
    other = tmp_path / code
    shutil.copytree(example, other)
    config = other / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('unit_code = "PW24"', f'unit_code = "{code}"'),
        encoding="utf-8",
    )
    return other


@pytest.fixture
def shared(pg_url, monkeypatch):
    """DOCGEN_TRACKER_URL names a fresh database for this test."""
    monkeypatch.setenv("DOCGEN_TRACKER_URL", pg_url)
    return pg_url


def published_ids(session) -> dict[str, list[str]]:
    """office -> the ids of its published agreements (the national view)."""
    return {
        office: [json.loads(text)["id"] for text in entry["agreements_json"]]
        for office, entry in session.all_offices().items()
    }


def one_line_error(run) -> str:
    assert run.exit_code == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    return lines[0]


# --- two offices, one database --------------------------------------------------------------


def test_two_offices_work_in_one_database(example, tmp_path, cli, shared):
    a, b = example, second_office(example, tmp_path)
    for ws in (a, b):
        run = cli(
            ws,
            "deliverable",
            "set",
            RENJA,
            "W1-D1",
            "--status",
            "done",
            "--on",
            "2022-03-30",
            "--note",
            f"rapat {ws.name}",
        )
        assert run.exit_code == 0, run.stderr
    letters = {ws: cli(ws, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json") for ws in (a, b)}
    for ws, code in ((a, "PW24"), (b, "PW10")):
        assert letters[ws].exit_code == 0, letters[ws].stderr
        rows = letters[ws].json()
        assert [r["number"] for r in rows] == [f"B/001/{code}/KM.01/VII/2022"]
        assert (ws / rows[0]["file"]).is_file()
        issued = cli(
            ws,
            "certificate",
            "issue",
            RESULTS,
            "--year",
            "2022",
            "--min-grade",
            "B",
            "--signed-on",
            "2023-02-16",
            "--json",
        )
        assert issued.exit_code == 0, issued.stderr
        numbers = [c["number"] for c in issued.json()["issued"]]
        # the Ketua's piagam carry Ombudsman RI's numbers (the example's nomor column),
        # recorded in each office's registry under the register `pusat`
        assert numbers and numbers[0] == "0001/PHG/II/2023"
        assert cli(ws, "certificate", "verify", numbers[0]).exit_code == 0
        listed = cli(ws, "number", "list", "--json").json()
        assert all(f"/{code}/" in n["number"] or n["register"] == "pusat" for n in listed)
        history = cli(ws, "deliverable", "history", RENJA, "W1-D1", "--json").json()
        assert [e["note"] for e in history] == [f"rapat {ws.name}"]
        # the file tracker is neither read nor written
        assert not (ws / "tracker.json").exists() and not (ws / "tracker-history").exists()

    national = cli(a, "monitor", "--all-offices", "--as-of", "2022-07-01", "--json")
    assert national.exit_code == 0, national.stderr
    report = national.json()
    assert [o["office"] for o in report["offices"]] == ["PW10", "PW24"]
    for group in report["offices"]:
        assert [r["id"] for r in group["agreements"]] == ["ntt-mou-2021", RENJA]
        renja = group["agreements"][1]
        assert renja["done"] == 1 and renja["overdue"] > 0
    assert report["summary"]["offices"] == 2
    assert all(group["overdue"] for group in report["offices"])
    assert report["summary"]["overdue"] == sum(len(g["overdue"]) for g in report["offices"])
    own = cli(a, "monitor", "--as-of", "2022-07-01", "--json").json()
    assert own["agreements"] == report["offices"][1]["agreements"]

    text = cli(b, "monitor", "--all-offices", "--as-of", "2022-07-01")
    assert text.exit_code == 0 and "PW24" in text.stdout and "PW10" in text.stdout
    files = cli(
        b,
        "monitor",
        "--all-offices",
        "--as-of",
        "2022-07-01",
        "--pdf",
        str(tmp_path / "national.pdf"),
        "--xlsx",
        str(tmp_path / "national.xlsx"),
    )
    assert files.exit_code == 0, files.stderr
    assert (tmp_path / "national.pdf").stat().st_size > 0
    # the national laporan names each agreement's office (in its Dasar and its tables)
    from pypdf import PdfReader

    from docgen.workspace import load_config

    pages = PdfReader(tmp_path / "national.pdf").pages
    laporan = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    for ws in (a, b):
        office = load_config(ws / "docgen.toml").office.name
        assert f"Tahun 2022 ({office})" in laporan, office
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "national.xlsx")["Kerja Sama"]
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"PW10/{RENJA}" in ids and f"PW24/{RENJA}" in ids


CLI_WORKER = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from docgen.app.deliverables import set_status
    from docgen.app.numbers import next_number
    from docgen.workspace import Workspace
    ws, name = Workspace(Path(sys.argv[1])), sys.argv[2]
    for i in range(int(sys.argv[3])):
        set_status(ws, "ntt-renja-2022", "W1-D1", "in_progress", date(2022, 3, 1), f"{name} {i}")
        next_number(ws, "letter", date(2022, 6, 1), f"{name} {i}")
""")


def test_offices_record_and_allocate_at_the_same_time(example, tmp_path, shared):
    a, b = example, second_office(example, tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLI_WORKER, str(ws), f"{ws.name}{k}", "25"],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stderr=subprocess.PIPE,
        )
        for ws in (a, b)
        for k in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err.decode()
    from docgen.state.postgres import PostgresTracker

    for code in ("PW24", "PW10"):
        with PostgresTracker(shared, office=code).read() as s:
            assert sorted(n["seq"] for n in s._raw_rows("numbers")) == list(range(1, 51))
            assert len(s._raw_history(RENJA)) == 50
            assert [e["id"] for e in s._raw_history(RENJA)] == [str(i) for i in range(1, 51)]


def test_a_failed_command_publishes_nothing(example, shared):
    from docgen.app.common import publish
    from docgen.app.tracker import sync
    from docgen.state.postgres import PostgresTracker
    from docgen.workspace import Workspace

    ws = Workspace(example)
    agreement = __import__("docgen.agreements", fromlist=["x"]).load_catalog(ws).get(RENJA)
    tracker = PostgresTracker(shared, office="PW24")

    def body(session):
        publish(session, ws.config, [agreement])
        raise TrackerError("boom")

    with pytest.raises(TrackerError):
        tracker.transaction(body)
    with tracker.read() as s:
        assert s.all_offices() == {}
    assert sync(ws)["published"] == ["ntt-mou-2021", RENJA]
    with tracker.read() as s:
        assert published_ids(s)["PW24"] == ["ntt-mou-2021", RENJA]


def test_check_publishes_when_it_passes_and_sync_withdraws_removed_files(example, cli, shared):
    run = cli(example, "check")
    assert run.exit_code == 0, run.stderr
    assert "published 2" in run.stderr
    (example / "agreements" / f"{RENJA}.yaml").unlink()
    synced = cli(example, "sync", "--json")
    assert synced.exit_code == 0, synced.stderr
    assert synced.json()["published"] == ["ntt-mou-2021"]
    assert synced.json()["removed"] == [RENJA]


def test_file_backend_has_no_national_view(example, cli, monkeypatch):
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    for args in (["sync"], ["monitor", "--all-offices"]):
        line = one_line_error(cli(example, *args))
        assert "needs a shared tracker" in line and "DOCGEN_TRACKER_URL" in line
    assert not (example / "tracker.json").exists()


# --- tracker init / info / copy -------------------------------------------------------------


def test_init_and_info(example, cli, shared):
    assert cli(example, "tracker", "info", "--json").json()["schema"] is None
    first = cli(example, "tracker", "init", "--json")
    assert first.exit_code == 0 and first.json()["created"] is True
    again = cli(example, "tracker", "init")
    assert again.exit_code == 0 and "up to date" in again.stdout
    cli(example, "number", "next", "letter", "--on", "2022-06-01")
    info = cli(example, "tracker", "info", "--json").json()
    from docgen.state.postgres import SCHEMA

    assert info["backend"] == "postgresql" and info["schema"] == SCHEMA == info["docgen_schema"]
    assert info["counts"]["numbers"] == 1 and info["office"] == "PW24"
    shown = cli(example, "tracker", "info")
    assert shown.exit_code == 0 and "postgresql://postgres@127.0.0.1" in shown.stdout


def test_init_upgrades_an_older_schema_keeping_the_records(example, cli, shared):
    import psycopg

    from docgen.state.postgres import SCHEMA, migrations

    version, _, first = migrations()[0]
    with psycopg.connect(shared, autocommit=True) as conn, conn.transaction():
        conn.execute(first.encode())
        conn.execute("INSERT INTO docgen.schema_version (version, docgen) VALUES (%s, 'old')", (version,))
        conn.execute("""INSERT INTO docgen.numbers (office, number, kind, year, seq, data) VALUES
                        ('PW24', 'B/001', 'letter', 2022, 1, '{"number": "B/001", "kind": "letter",
                         "seq": 1, "year": 2022, "on": "2022-06-01", "for": "", "void": false}')""")
    run = cli(example, "tracker", "init", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["upgraded_from"] == version and run.json()["schema"] == SCHEMA
    assert cli(example, "number", "list", "--json").json()[0]["number"] == "B/001"


def test_a_role_per_office_makes_other_offices_read_only(example, tmp_path, cli, pg_admin_url, monkeypatch):
    """Row-level security: with a role per office (`tracker grant`), office PW10's role
    cannot change PW24's records, whatever SQL it sends."""
    import uuid

    import psycopg

    from docgen.state.postgres import PostgresTracker

    tag = uuid.uuid4().hex[:8]
    roles = {"PW24": f"docgen_pw24_{tag}", "PW10": f"docgen_pw10_{tag}"}
    reader = f"docgen_pusat_{tag}"
    try:
        with fresh_database(pg_admin_url) as url:
            PostgresTracker(url, office="PW24").init()  # by the owner
            with psycopg.connect(url, autocommit=True) as admin:
                for role in roles.values():
                    admin.execute(f"CREATE ROLE {role} LOGIN")
            monkeypatch.setenv("DOCGEN_TRACKER_URL", url)
            for office, role in roles.items():
                assert cli(example, "tracker", "grant", office, role).exit_code == 0
            as_role = {office: url.replace("postgres@", f"{role}@") for office, role in roles.items()}
            a, b = example, second_office(example, tmp_path)
            monkeypatch.setenv("DOCGEN_TRACKER_URL", as_role["PW24"])
            assert cli(a, "number", "next", "letter", "--on", "2022-06-01").exit_code == 0
            assert cli(a, "sync").exit_code == 0
            monkeypatch.setenv("DOCGEN_TRACKER_URL", as_role["PW10"])
            assert cli(b, "number", "next", "letter", "--on", "2022-06-01").exit_code == 0
            assert cli(b, "sync").exit_code == 0
            national = cli(b, "monitor", "--all-offices", "--json").json()
            assert [o["office"] for o in national["offices"]] == ["PW10", "PW24"]
            # PW10's role posing as PW24: refused by the database, nothing written
            monkeypatch.setenv("DOCGEN_TRACKER_URL", as_role["PW10"])
            line = one_line_error(cli(a, "number", "next", "letter", "--on", "2022-06-02"))
            assert "permission denied" in line or "row-level security" in line
            with psycopg.connect(as_role["PW10"], autocommit=True) as conn:
                # PW24's rows are not its to touch (tests/hostile/test_pg_offices.py tries more)
                assert (
                    conn.execute("UPDATE docgen.numbers SET data = '{}' WHERE office = 'PW24'").rowcount == 0
                )
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(
                        "INSERT INTO docgen.numbers (office, number, data) VALUES ('PW24', 'X', '{}')"
                    )
            with PostgresTracker(url, office="PW24").read() as s:
                assert [n["seq"] for n in s._raw_rows("numbers")] == [1]
                assert len(published_ids(s)["PW24"]) == 2
            # the central office's role may only read: the national view, and a check that
            # passes with a warning that it could not publish
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"CREATE ROLE {reader} LOGIN")
                admin.execute(f"GRANT USAGE ON SCHEMA docgen TO {reader}")
                admin.execute(
                    "GRANT SELECT ON docgen.schema_version, docgen.offices, docgen.agreements, "
                    f"docgen.history, docgen.terminations, docgen.certificate_keys TO {reader}"
                )
            monkeypatch.setenv("DOCGEN_TRACKER_URL", url.replace("postgres@", f"{reader}@"))
            central = second_office(example, tmp_path, "PUSAT")
            national = cli(central, "monitor", "--all-offices", "--json")
            assert national.exit_code == 0 and len(national.json()["offices"]) == 2
            checked = cli(central, "check")
            assert checked.exit_code == 0
            assert "warning: not published to the shared tracker" in checked.stderr
            assert "permission denied" in checked.stderr
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            for role in [*roles.values(), reader]:
                admin.execute(f"DROP ROLE IF EXISTS {role}")


def test_a_schema_newer_than_docgen_is_refused(example, cli, shared):
    import psycopg

    assert cli(example, "tracker", "init").exit_code == 0
    with psycopg.connect(shared, autocommit=True) as conn:
        conn.execute("INSERT INTO docgen.schema_version (version, docgen) VALUES (99, 'future')")
    for args in (["tracker", "init"], ["number", "next", "letter"], ["monitor"]):
        line = one_line_error(cli(example, *args))
        assert "newer than this docgen" in line


def _populate(example, cli) -> None:
    for args in (
        [
            "deliverable",
            "set",
            RENJA,
            "W1-D1",
            "--status",
            "done",
            "--on",
            "2022-03-30",
            "--evidence",
            "results/kepatuhan-2022-kota-kupang.csv",
            "--note",
            "notulen",
        ],
        ["deliverable", "set", RENJA, "W2-D1", "--status", "in_progress", "--on", "2022-04-02"],
        ["letter", "followup", "--all", "--as-of", "2022-07-01"],
        ["certificate", "issue", RESULTS, "--year", "2022", "--min-grade", "B", "--signed-on", "2023-02-16"],
        ["number", "next", "agreement", "--for", "MoU baru", "--on", "2022-09-01"],
        ["agreement", "terminate", RENJA, "--on", "2022-11-30", "--reason", "Kesepakatan para pihak"],
    ):
        run = cli(example, *args)
        assert run.exit_code == 0, (args, run.stderr)
    with open(example / "tracker.json", encoding="utf-8") as f:
        data = json.load(f)
    data["builds"] = {"1": {"output": "outputs/agreements/x.docx", "agreement": "x", "key": "k"}}
    (example / "tracker.json").write_text(json.dumps(data), encoding="utf-8")


def _content(root: Path) -> dict:
    """tracker.json's tables (without its schema record) and every history file, parsed."""
    data = json.loads((root / "tracker.json").read_text(encoding="utf-8"))
    data.pop("_meta", None)
    tables = {name: list(docs.values()) for name, docs in data.items() if docs}
    history = {
        p.stem: list(json.loads(p.read_text(encoding="utf-8"))["history"].values())
        for p in sorted((root / "tracker-history").glob("*.json"))
    }
    return {"tables": tables, "history": history}


def test_copy_the_example_to_postgresql_and_back_unchanged(example, tmp_path, cli, pg_url, monkeypatch):
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    _populate(example, cli)
    from docgen.state.file import FileTracker

    before = FileTracker(example).dump()
    assert before["history"][RENJA] and before["tables"]["letters"] and before["tables"]["terminations"]
    to_pg = cli(example, "tracker", "copy", "--to", pg_url, "--json")
    assert to_pg.exit_code == 0, to_pg.stderr
    assert to_pg.json()["counts"]["history"] == 2
    refused = one_line_error(cli(example, "tracker", "copy", "--to", pg_url))
    assert "not empty" in refused

    monkeypatch.setenv("DOCGEN_TRACKER_URL", pg_url)
    shown = cli(example, "deliverable", "history", RENJA, "W1-D1", "--json").json()
    assert shown[0]["evidence"][0]["sha256"] == before["history"][RENJA][0]["evidence"][0]["sha256"]
    back = tmp_path / "back"
    back.mkdir()
    to_file = cli(example, "tracker", "copy", "--to", str(back / "tracker.json"))
    assert to_file.exit_code == 0, to_file.stderr
    assert FileTracker(back).dump() == before
    assert _content(back) == _content(example)

    # and into a fresh workspace's own (empty) file tracker with --from
    monkeypatch.delenv("DOCGEN_TRACKER_URL")
    fresh = tmp_path / "fresh"
    shutil.copytree(example, fresh, ignore=shutil.ignore_patterns("tracker*"))
    pulled = cli(fresh, "tracker", "copy", "--from", pg_url)
    assert pulled.exit_code == 0, pulled.stderr
    assert FileTracker(fresh).dump() == before
    assert "not empty" in one_line_error(cli(fresh, "tracker", "copy", "--from", pg_url))


def test_copy_refuses_bad_targets(example, cli, monkeypatch):
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    assert "no such file" in one_line_error(cli(example, "tracker", "copy", "--from", "nope.json"))
    assert "no such folder" in one_line_error(cli(example, "tracker", "copy", "--to", "/nonexistent/t.json"))
    assert "own tracker" in one_line_error(
        cli(example, "tracker", "copy", "--to", str(example / "tracker.json"))
    )
    assert "one of them" in one_line_error(cli(example, "tracker", "copy"))


# --- passwords ------------------------------------------------------------------------------


def test_a_password_in_docgen_toml_is_a_check_error(example, cli, monkeypatch):
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    config = example / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[tracker]\nurl = "postgresql://docgen_pw24:Rahasia99@db.example/docgen"\n',
        encoding="utf-8",
    )
    run = cli(example, "check")
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(errors) == 1
    assert errors[0].startswith("docgen.toml: tracker.url:") and "password" in errors[0]
    assert "Rahasia99" not in run.stderr + run.stdout


@pytest.fixture
def closed_port() -> int:
    from tests.pg_server import free_port

    return free_port()


def test_an_unreachable_server_is_one_line_without_the_password(example, cli, monkeypatch, closed_port):
    monkeypatch.setenv(
        "DOCGEN_TRACKER_URL", f"postgresql://docgen:Sandi-Rahasia@127.0.0.1:{closed_port}/docgen"
    )
    monkeypatch.setenv("PGPASSWORD", "Sandi-Lain")
    for args in (["number", "next", "letter"], ["monitor"], ["tracker", "info"]):
        run = cli(example, *args)
        line = one_line_error(run)
        assert f"postgresql://docgen@127.0.0.1:{closed_port}/docgen" in line
        assert "cannot connect" in line
        assert "Sandi" not in run.stderr + run.stdout
    assert not (example / "tracker.json").exists()


def test_a_refusing_server_is_one_line(example, cli, pg_url, monkeypatch):
    monkeypatch.setenv("DOCGEN_TRACKER_URL", with_dbname(pg_url, "no_such_database"))
    monkeypatch.setenv("PGPASSWORD", "Sandi-Lain")
    line = one_line_error(cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "done"))
    assert "no_such_database" in line and "does not exist" in line and "Sandi" not in line


def test_a_bad_url_is_one_line(example, cli, monkeypatch):
    monkeypatch.setenv("DOCGEN_TRACKER_URL", "postgresql://u:Sandi@host/db?no_such_option=1")
    line = one_line_error(cli(example, "number", "list"))
    assert line.startswith("DOCGEN_TRACKER_URL: not a PostgreSQL URL") and "Sandi" not in line


def test_file_commands_never_import_psycopg(example):
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_TRACKER_URL"}
    env["PYTHONPATH"] = str(REPO)
    code = (
        "import sys, docgen.cli; assert 'psycopg' not in sys.modules; "
        "from docgen.cli import app; "
        f"app(['-w', {str(example)!r}, 'number', 'next', 'letter'], standalone_mode=False); "
        "assert not [m for m in sys.modules if m.startswith('psycopg')], 'psycopg imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    timed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "docgen", "-w", str(example), "monitor", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert timed.returncode == 0 and "psycopg" not in timed.stderr


# --- faults inside a command ----------------------------------------------------------------


def test_the_database_asking_for_a_retry_runs_the_body_again(shared):
    from docgen.state.postgres import PostgresTracker

    tracker = PostgresTracker(shared, office="PW24")
    attempts = []

    def body(session):
        attempts.append(1)
        session._raw_insert("numbers", [{"number": "B/1", "kind": "letter", "year": 2022, "seq": 1}])
        if len(attempts) < 3:  # the server itself reports a serialization failure (40001)
            session._conn.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$"
            )
        return "done"

    assert tracker.transaction(body) == "done"
    assert len(attempts) == 3
    with tracker.read() as s:
        assert [r["number"] for r in s._raw_rows("numbers")] == ["B/1"]

    def always(session):
        session._conn.execute(
            "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'deadlock_detected'; END $$"
        )

    with pytest.raises(TrackerError, match="kept reporting conflicts"):
        tracker.transaction(always)


def test_a_connection_lost_mid_command_records_nothing(example, shared):
    import psycopg

    from docgen.app.numbers import next_number
    from docgen.state.postgres import PostgresTracker
    from docgen.workspace import Workspace

    next_number(Workspace(example), "letter", date(2022, 6, 1))
    tracker = PostgresTracker(shared, office="PW24")

    def body(session):
        session._raw_insert("numbers", [{"number": "B/2", "kind": "letter", "year": 2022, "seq": 2}])
        pid = session._conn.info.backend_pid
        with psycopg.connect(shared, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        session._raw_rows("numbers")

    with pytest.raises(TrackerError) as caught:
        tracker.transaction(body)
    assert "lost the connection" in str(caught.value) and "nothing was recorded" in str(caught.value)
    with tracker.read() as s:
        assert [r["seq"] for r in s._raw_rows("numbers")] == [1]


STOP_WORKER = textwrap.dedent("""
    import sys
    from docgen.cli import app
    for i in range(100000):
        code = app(["-w", sys.argv[1], "number", "next", "letter", "--on", "2022-06-01",
                    "--for", f"n{i}"], standalone_mode=False)
        if code:
            sys.exit(code)
""")


def test_the_server_stopped_during_commands(example, tmp_path):
    """A private server, stopped (immediate: like a crash) while a writer runs commands."""
    from tests.pg_server import Server, find_bin

    bindir = find_bin()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs not installed: cannot stop a private server")
    server = Server(bindir, durable=True).start()
    try:
        with fresh_database(server.url()) as url:
            env = {
                **os.environ,
                "PYTHONPATH": str(REPO),
                "DOCGEN_TRACKER_URL": url,
                "PGPASSWORD": "Sandi-Lain",
            }
            proc = subprocess.Popen(
                [sys.executable, "-c", STOP_WORKER, str(example)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            acked: list[str] = []
            while len(acked) < 15:
                line = proc.stdout.readline()
                assert line, proc.stderr.read()
                acked.append(line.strip())
            server.halt("immediate")
            out, err = proc.communicate(timeout=60)
            acked += out.split()
            assert proc.returncode == 1
            lines = err.strip().splitlines()
            assert len(lines) == 1, err
            assert lines[0].startswith(f"postgresql://postgres@127.0.0.1:{server.port}/")
            assert "Traceback" not in err and "Sandi" not in err
            server.resume()
            from docgen.state.postgres import PostgresTracker

            with PostgresTracker(url, office="PW24").read() as s:
                numbers = [r["number"] for r in s._raw_rows("numbers")]
            # every number the writer printed was committed; none is half there
            assert numbers[: len(acked)] == acked
            assert sorted(r for r in range(1, len(numbers) + 1)) == [int(n.split("/")[1]) for n in numbers]
    finally:
        server.stop()


def test_a_killed_cli_leaves_no_output_of_an_uncommitted_letter(example, shared):
    """SIGKILL while `letter followup` holds its transaction: no number, no letter later lost."""
    import psycopg

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with psycopg.connect(shared, autocommit=True) as admin:
        from docgen.state.postgres import PostgresTracker

        PostgresTracker(shared, office="PW24").init()
        with admin.transaction():
            # hold the office's write lock so the command stops inside its transaction
            admin.execute("SELECT docgen.lock_office('PW24')")
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "docgen",
                    "-w",
                    str(example),
                    "letter",
                    "followup",
                    "--all",
                    "--as-of",
                    "2022-07-01",
                ],
                env=env,
            )
            time.sleep(2.5)
            proc.kill()
            proc.wait(timeout=30)
    with PostgresTracker(shared, office="PW24").read() as s:
        assert s._raw_rows("numbers") == [] and s._raw_rows("letters") == []
    assert not list((example / "outputs").rglob("*.docx"))


def test_a_connection_lost_while_issuing_letters_leaves_no_letter(example, cli, shared, monkeypatch):
    """The server drops the connection after the letters are written, before they are
    recorded: exit 1 with one line, no number taken, no letter file left behind."""
    import psycopg

    from docgen.state.postgres import PostgresSession

    insert = PostgresSession._raw_insert

    def dropped_before_letters(self, table, records):
        if table == "letters":
            with psycopg.connect(shared, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (self._conn.info.backend_pid,))
        return insert(self, table, records)

    monkeypatch.setattr(PostgresSession, "_raw_insert", dropped_before_letters)
    line = one_line_error(cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01"))
    assert "lost the connection" in line and "nothing was recorded" in line
    assert not list((example / "outputs").rglob("*.docx"))
    monkeypatch.setattr(PostgresSession, "_raw_insert", insert)
    assert cli(example, "number", "list", "--json").json() == []
    again = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json")
    assert again.exit_code == 0 and again.json()[0]["number"].startswith("B/001/")


def test_a_writer_waits_for_the_office_lock_then_says_so(example, cli, shared, monkeypatch):
    import psycopg

    import docgen.state.postgres as pg

    pg.PostgresTracker(shared, office="PW24").init()
    monkeypatch.setattr(pg, "LOCK_TIMEOUT", 1)
    with psycopg.connect(shared, autocommit=True) as other, other.transaction():
        other.execute("SELECT docgen.lock_office('PW24')")
        line = one_line_error(cli(example, "number", "next", "letter"))
        assert "another docgen of office PW24 has held the tracker for 1 s" in line
        second = second_office(example, example.parent)  # another office is not held up
        assert cli(second, "number", "next", "letter").exit_code == 0
    assert cli(example, "number", "next", "letter").exit_code == 0


# --- an agreement's whole life on the shared tracker (docs/lifecycle.md) ---------------------


def test_lifecycle_on_the_shared_tracker(example, cli, shared):
    def ok(*args):
        run = cli(example, *args)
        assert run.exit_code == 0, (args, run.stderr)
        return run

    ok("letter", "reminder", "--as-of", "2022-03-17")
    ok("deliverable", "set", RENJA, "W3-D1", "--status", "done", "--on", "2022-05-30")
    ok("deliverable", "retract", RENJA, "W3-D1", "1", "--reason", "keliru")
    assert ok(
        "deliverable", "set", RENJA, "W6-D1", "--status", "done", "--on", "2022-05-30"
    ).stdout.startswith("ntt-renja-2022 W6-D1: done on 30 Mei 2022, event 3")
    again = ok("deliverable", "set", RENJA, "W6-D1", "--status", "done", "--on", "2022-05-30")
    assert "already recorded as event 3" in again.stdout
    first = ok("letter", "followup", "--all", "--as-of", "2022-07-01", "--json").json()[0]
    ok("letter", "void", first["number"], "--reason", "tidak dikirim")
    second = ok("letter", "followup", "--all", "--as-of", "2022-07-01", "--json").json()[0]
    assert second["new"] and second["ordinal"] == 1
    path = example / second["file"]
    digest = path.read_bytes()
    path.unlink()
    ok("letter", "render", second["number"])
    assert path.read_bytes() == digest
    assert ok("letter", "followup", "--all", "--as-of", "2022-07-10", "--json").json()[0]["in_force"]
    ok("agreement", "extend", RENJA, "--to", "2023-03-31", "--on", "2022-12-15")
    ok("agreement", "renew", RENJA, "ntt-renja-2023")
    ok("agreement", "sign", "ntt-renja-2023", "--on", "2023-02-06")
    ok("agreement", "terminate", RENJA, "--on", "2023-02-07", "--reason", "x")
    ok("agreement", "terminate", RENJA, "--on", "2023-02-06", "--correct", "--reason", "y")
    story = ok("agreement", "history", RENJA, "--json").json()
    kinds = [e["kind"] for e in story]
    assert kinds.count("termination") == 2 and "void" in kinds and "reminder" in kinds
    listed = {r["number"]: r for r in ok("letter", "list", "--json").json()}
    assert listed[first["number"]]["void"] is True
    status = {r["id"]: r["status"] for r in ok("agreement", "list", "--as-of", "2023-02-10", "--json").json()}
    assert status == {"ntt-mou-2021": "active", RENJA: "terminated", "ntt-renja-2023": "active"}
    assert not (example / "tracker.json").exists()


def test_a_process_reuses_its_connection_and_drops_a_failed_one(pg_url, monkeypatch):
    from docgen.state import postgres
    from docgen.state.postgres import PostgresTracker

    connects = []
    real = PostgresTracker._connect

    def counted(self):
        connects.append(1)
        return real(self)

    monkeypatch.setattr(PostgresTracker, "_connect", counted)
    monkeypatch.setattr(postgres, "_IDLE", {})
    tracker = PostgresTracker(pg_url, "PW24")
    tracker.init()
    connects.clear()
    with tracker.write() as s:
        s._raw_insert(
            "numbers", [{"number": "B/1/2022", "kind": "letter", "seq": 1, "year": 2022, "on": "2022-01-01"}]
        )
    with tracker.read() as s:  # a read on the connection the write left idle...
        assert [r["number"] for r in s._raw_rows("numbers")] == ["B/1/2022"]
    with tracker.write() as s:  # ...and a write after the read: not read-only any more
        s._raw_insert(
            "numbers", [{"number": "B/2/2022", "kind": "letter", "seq": 2, "year": 2022, "on": "2022-01-02"}]
        )
    assert connects == [1], "one connection for the three transactions"
    with pytest.raises(RuntimeError), tracker.write() as s:
        s._raw_insert(
            "numbers", [{"number": "B/3/2022", "kind": "letter", "seq": 3, "year": 2022, "on": "2022-01-03"}]
        )
        raise RuntimeError("boom")
    with tracker.read() as s:  # the failed transaction's connection was closed, not kept
        assert [r["number"] for r in s._raw_rows("numbers")] == ["B/1/2022", "B/2/2022"]
    assert connects == [1, 1]
    # The server ends the kept connection (a restart, an idle timeout): the next
    # transaction connects again instead of failing.
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    with tracker.read() as s:
        assert len(s._raw_rows("numbers")) == 2
    assert connects == [1, 1, 1]
