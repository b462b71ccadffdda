"""Issue 18: two offices share one PostgreSQL database, set up only with `docgen tracker
init` and `docgen tracker grant`. Whatever one office's role sends in plain SQL, the
other office's docgen afterwards shows the same records and numbers on without a gap;
no office can stall another's writers, and one office's malformed published data does
not break the national view."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from docgen.state.postgres import SCHEMA
from tests.conftest import fresh_database
from tests.test_tracker_postgres import second_office

psycopg = pytest.importorskip("psycopg")

RENJA = "ntt-renja-2022"
ISSUE = ("certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv", "--year", "2022")
ISSUE += ("--min-grade", "B", "--signed-on", "2023-02-16")


def as_role(url: str, role: str) -> str:
    return url.replace("postgres@", f"{role}@", 1)


@dataclass
class Offices:
    url: str  # the database, as the superuser that created it
    owner: str  # URL of the schema's owner (not a superuser)
    roles: dict[str, str]  # office -> role
    workspaces: dict[str, Path]
    cli: object
    monkeypatch: pytest.MonkeyPatch

    def url_of(self, office: str) -> str:
        return as_role(self.url, self.roles[office])

    def run(self, office: str, *args: str, as_url: str | None = None):
        self.monkeypatch.setenv("DOCGEN_TRACKER_URL", as_url or self.url_of(office))
        return self.cli(self.workspaces[office], *args)  # type: ignore[operator]

    def ok(self, office: str, *args: str):
        run = self.run(office, *args)
        assert run.exit_code == 0, (args, run.stderr)
        return run

    def view(self, office: str) -> dict[str, object]:
        """What the office's docgen shows of its own records."""
        return {
            "numbers": self.ok(office, "number", "list", "--json").json(),
            "history": self.ok(office, "deliverable", "history", RENJA, "W1-D1", "--json").json(),
            "letters": self.ok(office, "letter", "list", "--json").json(),
            "monitor": self.ok(office, "monitor", "--as-of", "2022-07-01", "--json").json(),
            "verify": self.ok(office, "certificate", "verify", self.certificate(office), "--json").json(),
        }

    def certificate(self, office: str) -> str:
        numbers = self.ok(office, "number", "list", "--json").json()
        return next(n["number"] for n in numbers if n["kind"] == "certificate")


@pytest.fixture
def offices(example, tmp_path, cli, pg_admin_url, monkeypatch) -> Iterator[Offices]:
    """PW24 and PW10, each with its login role, mapped by `docgen tracker grant` run by
    the schema's owner (a role that is not a superuser), each with records."""
    tag = uuid.uuid4().hex[:8]
    owner = f"docgen_admin_{tag}"
    roles = {"PW24": f"docgen_pw24_{tag}", "PW10": f"docgen_pw10_{tag}"}
    with psycopg.connect(pg_admin_url, autocommit=True) as admin:
        for role in (owner, *roles.values()):
            admin.execute(f"CREATE ROLE {role} LOGIN")
    try:
        with fresh_database(pg_admin_url) as url:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"ALTER DATABASE {url.rsplit('/', 1)[1]} OWNER TO {owner}")
            o = Offices(
                url,
                as_role(url, owner),
                roles,
                {code: second_office(example, tmp_path, code) for code in roles},
                cli,
                monkeypatch,
            )
            monkeypatch.setenv("DOCGEN_TRACKER_URL", o.owner)
            assert cli(o.workspaces["PW24"], "tracker", "init").exit_code == 0
            for code, role in roles.items():
                run = cli(o.workspaces["PW24"], "tracker", "grant", code, role)
                assert run.exit_code == 0, run.stderr
            for code in roles:
                o.ok(code, "deliverable", "set", RENJA, "W1-D1", "--status", "done", "--on", "2022-03-30")
                o.ok(code, "letter", "followup", "--all", "--as-of", "2022-07-01")
                o.ok(code, "number", "next", "letter", "--on", "2022-07-02", "--for", "rapat")
                o.ok(code, *ISSUE)
                o.ok(code, "sync")
            yield o
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            for role in (*roles.values(), owner):
                admin.execute(f"DROP ROLE IF EXISTS {role}")


# Everything PW10's role might send against PW24, the role map and the schema.
ATTACKS = [
    "INSERT INTO docgen.office_roles (office, role) VALUES ('PW24', current_user)",
    "DELETE FROM docgen.office_roles",
    "UPDATE docgen.office_roles SET role = current_user",
    "TRUNCATE docgen.office_roles",
    "INSERT INTO docgen.schema_version (version, docgen) VALUES (999, 'x')",
    "DELETE FROM docgen.schema_version",
    "UPDATE docgen.schema_version SET version = 999",
    "UPDATE docgen.numbers SET data = '{}' WHERE office = 'PW24'",
    "UPDATE docgen.numbers SET office = 'PW10' WHERE office = 'PW24'",
    "DELETE FROM docgen.numbers WHERE office = 'PW24'",
    "INSERT INTO docgen.numbers (office, number, kind, year, seq, data) "
    "VALUES ('PW24', 'B/002/PW24/KM.01/VII/2022', 'letter', 2022, 2, '{}')",
    "INSERT INTO docgen.numbers (office, number, kind, year, seq, data) "
    "VALUES ('PW24', 'B/099/PW24/KM.01/VII/2022', 'letter', 2022, 99, '{}')",
    "UPDATE docgen.letters SET data = '{}' WHERE office = 'PW24'",
    "DELETE FROM docgen.letters WHERE office = 'PW24'",
    "UPDATE docgen.certificates SET data = '{}' WHERE office = 'PW24'",
    "INSERT INTO docgen.history (office, agreement, id, data) VALUES ('PW24', 'ntt-renja-2022', '9', "
    '\'{"id": "9", "deliverable": "W1-D1", "on": "2022-04-01", "status": "not_started"}\')',
    "DELETE FROM docgen.history WHERE office = 'PW24'",
    "UPDATE docgen.history SET data = '{}' WHERE office = 'PW24'",
    "INSERT INTO docgen.terminations (office, id, data) VALUES ('PW24', '1', "
    '\'{"agreement": "ntt-renja-2022", "on": "2022-04-01"}\')',
    "DELETE FROM docgen.agreements WHERE office = 'PW24'",
    "UPDATE docgen.agreements SET data = '{}' WHERE office = 'PW24'",
    "INSERT INTO docgen.agreements (office, id, data) VALUES ('PW24', 'palsu', '{}')",
    "UPDATE docgen.offices SET info = '[]' WHERE office = 'PW24'",
    "SELECT docgen.unpublish('PW24', ARRAY[]::text[])",
    "INSERT INTO docgen.certificate_keys (office, keyid, data) VALUES ('PW24', 'AAAAAAAA', '{}')",
    "DELETE FROM docgen.certificate_keys",
    "UPDATE docgen.certificate_keys SET data = '{}'",
    "SELECT docgen.lock_office('PW24')",
    "SELECT 1 FROM docgen.office_locks FOR UPDATE",
    "SELECT docgen.grant_office_rights(current_user)",
    "ALTER TABLE docgen.numbers DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE docgen.agreements NO FORCE ROW LEVEL SECURITY",
    "DROP POLICY insert_own ON docgen.numbers",
    "DROP TABLE docgen.numbers",
    "DROP TABLE docgen.office_roles",
    "DROP SCHEMA docgen CASCADE",
    "TRUNCATE docgen.numbers",
    "TRUNCATE docgen.history",
    "CREATE TABLE docgen.intruder (x int)",
    "CREATE OR REPLACE FUNCTION docgen.may_act(target text) RETURNS boolean LANGUAGE sql AS 'SELECT true'",
    "ALTER TABLE docgen.numbers OWNER TO current_user",
    "UPDATE docgen.users SET data = '{}' WHERE office = 'PW24'",
    "INSERT INTO docgen.users (office, name, data) VALUES ('PW24', 'penyusup', '{}')",
    "DELETE FROM docgen.users",
    "DELETE FROM docgen.verifications",
    "UPDATE docgen.verifications SET data = '{}'",
    "LOCK TABLE docgen.numbers IN ACCESS EXCLUSIVE MODE",
    "LOCK TABLE docgen.history IN SHARE MODE",
    "LOCK TABLE docgen.agreements IN EXCLUSIVE MODE",
]


def test_an_office_role_cannot_touch_another_office_the_role_map_or_the_schema(offices):
    before = offices.view("PW24")
    national = offices.ok("PW24", "monitor", "--all-offices", "--as-of", "2022-07-01", "--json").json()
    survived = []
    with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn:
        for statement in ATTACKS:
            try:
                with conn.transaction():
                    changed = conn.execute(statement).rowcount
            except psycopg.errors.InsufficientPrivilege:
                continue
            if changed not in (0, -1) or statement.startswith(("LOCK", "SELECT docgen", "SELECT 1")):
                survived.append((statement, changed))
    assert survived == [], survived
    assert offices.view("PW24") == before
    assert (
        offices.ok("PW24", "monitor", "--all-offices", "--as-of", "2022-07-01", "--json").json() == national
    )
    assert offices.ok("PW24", "tracker", "info", "--json").json()["schema"] == SCHEMA
    # PW24 numbers on without a gap
    nxt = offices.ok("PW24", "number", "next", "letter", "--on", "2022-07-03", "--json").json()
    assert nxt["number"] == "B/003/PW24/KM.01/VII/2022"


def test_an_office_role_reads_of_the_others_only_the_national_view(offices):
    with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn:

        def count(query: str) -> int:
            return conn.execute(query).fetchone()[0]

        for table in ("numbers", "letters", "certificates", "builds", "users", "verifications"):
            assert count(f"SELECT count(*) FROM docgen.{table} WHERE office = 'PW24'") == 0, table
        for table in ("numbers", "letters", "certificates"):
            assert count(f"SELECT count(*) FROM docgen.{table} WHERE office = 'PW10'") > 0, table
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM docgen.office_roles")
        # the national view: identity, published agreements, their history, terminations
        assert count("SELECT count(*) FROM docgen.offices WHERE office = 'PW24'") == 1
        assert count("SELECT count(*) FROM docgen.agreements WHERE office = 'PW24'") == 2
        assert count("SELECT count(*) FROM docgen.history WHERE office = 'PW24'") >= 1
        # an agreement PW24 withdrew: its history is private again
        with psycopg.connect(offices.owner, autocommit=True) as owner:
            owner.execute("DELETE FROM docgen.agreements WHERE office = 'PW24' AND id = %s", (RENJA,))
        assert count("SELECT count(*) FROM docgen.history WHERE office = 'PW24'") == 0
    offices.ok("PW24", "sync")
    national = offices.ok("PW10", "monitor", "--all-offices", "--as-of", "2022-07-01", "--json").json()
    assert [o["office"] for o in national["offices"]] == ["PW10", "PW24"]


def test_a_role_without_a_grant_writes_nothing_and_revoke_takes_the_rights_back(offices):
    offices.monkeypatch.setenv("DOCGEN_TRACKER_URL", offices.owner)
    run = offices.cli(
        offices.workspaces["PW24"], "tracker", "revoke", "PW10", offices.roles["PW10"], "--json"
    )
    assert run.exit_code == 0, run.stderr
    assert run.json()["offices"] == []
    for args in (("number", "next", "letter"), ("number", "list")):
        refused = offices.run("PW10", *args)
        assert refused.exit_code == 1 and "permission denied" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    offices.monkeypatch.setenv("DOCGEN_TRACKER_URL", offices.owner)
    run = offices.cli(offices.workspaces["PW24"], "tracker", "grant", "PW10", offices.roles["PW10"])
    assert run.exit_code == 0
    assert offices.ok("PW10", "number", "next", "letter", "--on", "2022-07-03", "--json").json()["seq"] == 3


def test_an_office_role_posing_as_another_office_is_refused(offices):
    """PW10's role with a workspace of PW24 (its unit_code): nothing written."""
    before = offices.view("PW24")
    run = offices.run("PW24", "number", "next", "letter", as_url=offices.url_of("PW10"))
    assert run.exit_code == 1 and "permission denied" in run.stderr and "Traceback" not in run.stderr
    assert offices.view("PW24") == before


def test_only_the_owner_grants(offices):
    run = offices.run("PW10", "tracker", "grant", "PW24", offices.roles["PW10"])
    assert run.exit_code == 1 and "only the owner" in run.stderr
    offices.monkeypatch.setenv("DOCGEN_TRACKER_URL", offices.owner)
    run = offices.cli(offices.workspaces["PW24"], "tracker", "grant", "PW24", "no_such_role_x")
    assert run.exit_code == 1 and "no_such_role_x" in run.stderr and "Traceback" not in run.stderr


def test_another_office_cannot_hold_an_office_lock(offices, monkeypatch):
    """An advisory lock on PW24's old key, or any lock PW10's role may take, does not hold
    up PW24's writers."""
    import docgen.state.postgres as pg

    monkeypatch.setattr(pg, "LOCK_TIMEOUT", 2)
    with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext('PW24'))", (0x646F63,))
        conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (0x646F63,))
        for table in (
            "numbers",
            "history",
            "letters",
            "certificates",
            "agreements",
            "offices",
            "office_locks",
        ):
            try:
                with conn.transaction():
                    conn.execute(f"LOCK TABLE docgen.{table} IN ROW EXCLUSIVE MODE")
            except psycopg.errors.InsufficientPrivilege:
                pass
        conn.execute("SELECT 1 FROM docgen.numbers WHERE office = 'PW10' FOR UPDATE")
        started = time.monotonic()
        offices.ok("PW24", "number", "next", "letter", "--on", "2022-07-03")
        offices.ok("PW24", "deliverable", "set", RENJA, "W2-D1", "--status", "done", "--on", "2022-04-30")
        offices.ok("PW24", "sync")
        assert time.monotonic() - started < 20


def test_a_writer_of_the_same_office_is_waited_for(offices, monkeypatch):
    """The office lock still serializes one office's writers (here: a second PC of PW24)."""
    import docgen.state.postgres as pg

    monkeypatch.setattr(pg, "LOCK_TIMEOUT", 1)
    with psycopg.connect(offices.url_of("PW24"), autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT docgen.lock_office('PW24')")
        run = offices.run("PW24", "number", "next", "letter")
        assert run.exit_code == 1 and "another docgen of office PW24" in run.stderr
        offices.ok("PW10", "number", "next", "letter", "--on", "2022-07-03")


@pytest.mark.parametrize("info", ["[]", '"PW10"', "null", '{"name": 7}'])
def test_malformed_published_data_of_one_office_leaves_the_national_view(offices, info):
    with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn:
        assert conn.execute(f"UPDATE docgen.offices SET info = '{info}' WHERE office = 'PW10'").rowcount == 1
    run = offices.run("PW24", "monitor", "--all-offices", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    assert [o["office"] for o in run.json()["offices"]] == ["PW24"]
    warned = [line for line in run.stderr.splitlines() if "PW10" in line]
    assert len(warned) == 1 and warned[0].startswith("warning: PW10: ")


def test_a_malformed_history_of_one_office_leaves_the_national_view(offices):
    with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO docgen.history (office, agreement, id, data) VALUES ('PW10', %s, '99', '[1, 2]')",
            (RENJA,),
        )
    run = offices.run("PW24", "monitor", "--all-offices", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    assert [o["office"] for o in run.json()["offices"]] == ["PW24"]
    assert "warning: PW10: " in run.stderr


def test_concurrent_writers_of_two_offices_number_without_a_gap(offices):
    """PW10's role hammering the tables while PW24 allocates: PW24's numbers stay dense."""
    stop = threading.Event()

    def noise() -> None:
        with psycopg.connect(offices.url_of("PW10"), autocommit=True) as conn:
            while not stop.is_set():
                for statement in ATTACKS[:12]:
                    try:
                        conn.execute(statement)
                    except psycopg.Error:
                        pass

    worker = threading.Thread(target=noise)
    worker.start()
    try:
        for day in range(3, 6):
            offices.ok("PW24", "number", "next", "letter", "--on", f"2022-07-{day:02d}")
    finally:
        stop.set()
        worker.join()
    seqs = [n["seq"] for n in offices.ok("PW24", "number", "list", "--json").json() if n["kind"] == "letter"]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_an_office_role_replaces_its_records_without_delete(offices):
    """`put` (build records) replaces a record in place: no DELETE privilege needed."""
    from docgen.state.postgres import PostgresTracker

    tracker = PostgresTracker(offices.url_of("PW24"), office="PW24")
    with tracker.write() as s:
        s._raw_put("builds", [{"output": "a.docx", "key": "1"}, {"output": "b.docx", "key": "1"}])
    with tracker.write() as s:
        s._raw_put("builds", [{"output": "a.docx", "key": "2"}])
        s._raw_put("numbers", [{**s._raw_rows("numbers")[0], "for": "diganti"}])
    with tracker.read() as s:
        assert s._raw_rows("builds") == [{"output": "b.docx", "key": "1"}, {"output": "a.docx", "key": "2"}]
        assert s._raw_rows("numbers")[-1]["for"] == "diganti"


def test_every_office_reads_every_public_key_and_verifies_without_a_private_key(offices, tmp_path):
    from docgen.state.postgres import PostgresTracker

    with PostgresTracker(offices.url_of("PW10"), office="PW10").read() as s:
        assert sorted(k["office"] for k in s.public_keys()) == ["PW10", "PW24"]
    number = offices.certificate("PW24")
    record = offices.ok("PW24", "certificate", "verify", number, "--json").json()
    assert record["genuine"] is True
    from pypdf import PdfReader

    files = sorted((offices.workspaces["PW24"] / "outputs" / "certificates").rglob("0001-*.pdf"))
    qr = str(PdfReader(files[0]).metadata["/Keywords"])
    (offices.workspaces["PW24"] / ".docgen" / "certificate-key").unlink()  # a PC that only verifies
    run = offices.run("PW24", "certificate", "verify", qr, "--json")
    assert run.exit_code == 0 and run.json()["genuine"] is True, run.stderr
    exported = offices.run(
        "PW10", "certificate", "key", "export", "--out", str(tmp_path / "pw10.pem"), "--json"
    )
    assert exported.exit_code == 0 and exported.json()["keyid"] != qr.split(" ")[1].split(".")[0]


def test_a_table_lock_held_elsewhere_names_its_holder_not_the_office(offices, monkeypatch):
    """Only the owner (a maintenance job) can lock a table against writers: the waiting
    office's message says who holds it, never that another docgen of its own office does."""
    import docgen.state.postgres as pg

    monkeypatch.setattr(pg, "LOCK_TIMEOUT", 1)
    owner = offices.owner.split("//", 1)[1].split("@", 1)[0]
    with psycopg.connect(offices.owner, autocommit=True) as conn, conn.transaction():
        conn.execute("LOCK TABLE docgen.numbers IN EXCLUSIVE MODE")
        run = offices.run("PW24", "number", "next", "letter", "--on", "2022-07-03")
        assert run.exit_code == 1 and "Traceback" not in run.stderr
        assert "a table of the tracker was locked" in run.stderr and owner in run.stderr, run.stderr
        assert "another docgen of office PW24" not in run.stderr
    offices.ok("PW24", "number", "next", "letter", "--on", "2022-07-03")


def test_another_office_checks_a_piagam_with_the_shared_public_key(offices, tmp_path):
    """PW10 exports PW24's public key from the shared tracker and checks PW24's piagam
    as docs/certificates.md shows (the message NUMBER\\nRECIPIENT\\nSIGNED_ON)."""
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from pypdf import PdfReader

    pem = tmp_path / "pw24.pem"
    run = offices.run("PW10", "certificate", "key", "export", "--office", "PW24", "--out", str(pem), "--json")
    assert run.exit_code == 0 and run.json()["office"] == "PW24", run.stderr
    number = offices.certificate("PW24")
    shown = offices.ok("PW24", "certificate", "verify", number, "--json").json()
    files = sorted((offices.workspaces["PW24"] / "outputs" / "certificates").rglob("0001-*.pdf"))
    qr_number, proof = str(PdfReader(files[0]).metadata["/Keywords"]).rsplit(" ", 1)
    assert qr_number == number
    key = load_pem_public_key(pem.read_bytes())
    signature = base64.urlsafe_b64decode(proof.split(".")[1] + "==")
    key.verify(signature, f"{number}\n{shown['recipient']}\n{shown['issued_on']}".encode())
    with pytest.raises(InvalidSignature):
        key.verify(signature, f"{number}\n{shown['recipient']}X\n{shown['issued_on']}".encode())
    missing = offices.run("PW10", "certificate", "key", "export", "--office", "PW99", "--out", str(pem))
    assert missing.exit_code == 1 and "PW99" in missing.stderr


def test_upgrading_a_schema_2_setup_takes_back_what_was_granted_by_hand(
    example, tmp_path, cli, pg_admin_url, monkeypatch
):
    """The setup the docs of schema 2 gave (a group role with INSERT, UPDATE, DELETE on
    every table, default privileges, the role map filled by hand): after `tracker init`
    the mapped roles write their own office only and nobody else writes the role map."""
    from docgen.state.postgres import migrations

    tag = uuid.uuid4().hex[:8]
    group, pw24, pw10 = f"docgen_office_{tag}", f"docgen_pw24_{tag}", f"docgen_pw10_{tag}"
    try:
        with fresh_database(pg_admin_url) as url:
            with psycopg.connect(url, autocommit=True) as admin, admin.transaction():
                for version, _name, text in migrations()[:2]:
                    admin.execute(text.encode())
                    admin.execute(
                        "INSERT INTO docgen.schema_version (version, docgen) VALUES (%s, 'old')", (version,)
                    )
                admin.execute(f"CREATE ROLE {group} NOLOGIN")
                admin.execute(f"GRANT USAGE ON SCHEMA docgen TO {group}")
                admin.execute(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA docgen TO {group}"
                )
                admin.execute(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA docgen "
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {group}"
                )
                for role in (pw24, pw10):
                    admin.execute(f"CREATE ROLE {role} LOGIN IN ROLE {group}")
                admin.execute(
                    "INSERT INTO docgen.office_roles VALUES ('PW24', %s), ('PW10', %s)", (pw24, pw10)
                )
            monkeypatch.setenv("DOCGEN_TRACKER_URL", url)
            assert cli(example, "tracker", "init").exit_code == 0
            monkeypatch.setenv("DOCGEN_TRACKER_URL", as_role(url, pw24))
            run = cli(example, "number", "next", "letter", "--on", "2022-06-01", "--json")
            assert run.exit_code == 0, run.stderr
            with psycopg.connect(as_role(url, pw10), autocommit=True) as conn:
                for statement in (
                    "INSERT INTO docgen.office_roles VALUES ('PW24', current_user)",
                    "DELETE FROM docgen.office_roles",
                    "INSERT INTO docgen.schema_version (version, docgen) VALUES (999, 'x')",
                    "INSERT INTO docgen.office_locks VALUES ('PW24')",
                    "INSERT INTO docgen.certificate_keys (office, keyid, data) VALUES ('PW24', 'x', '{}')",
                    "DELETE FROM docgen.numbers",
                    "LOCK TABLE docgen.numbers IN EXCLUSIVE MODE",
                ):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                        conn.execute(statement)
                assert conn.execute("SELECT count(*) FROM docgen.numbers").fetchone()[0] == 0
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as admin:
            for role in (pw24, pw10, group):
                admin.execute(f"DROP ROLE IF EXISTS {role}")
