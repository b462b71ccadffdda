"""`docgen certificate list` (issue 21): the piagam issued, filtered as a Sekretariat asks,
after a real `certificate issue` and `revoke`, on each tracker backend; the web's
certificates page lists the same rows."""

from __future__ import annotations

from typer.testing import CliRunner

from docgen.app.pages import list_certificates as certificates_page
from docgen.cli import app
from docgen.workspace import find_workspace
from tests.test_certificates import ISSUE, KUPANG

NUMBERS = [f"000{i}/PHG/II/2023" for i in range(1, 6)]


def _issue_and_revoke(cli, example) -> None:
    assert cli(example, *ISSUE).exit_code == 0
    revoked = cli(example, "certificate", "revoke", NUMBERS[3], "--reason", "nilai dikoreksi")
    assert revoked.exit_code == 0, revoked.stderr


def test_list_filters_and_json(backend, example, cli):
    _issue_and_revoke(cli, example)
    rows = cli(example, "certificate", "list", "--json").json()
    assert [r["number"] for r in rows] == NUMBERS
    assert [r["recipient"] for r in rows] == KUPANG
    first = rows[0]
    assert first["year"] == 2022 and first["issued_on"] == "2023-02-16" and first["grade"] == "B"
    assert first["score"] == 83.12 and first["score_text"] == "83,12" and first["kind"] is None
    assert first["event"] == "Penilaian Kepatuhan Standar Pelayanan Publik"
    assert first["file"] == "outputs/certificates/2022/0001-phg-ii-2023-dinas-kesehatan-kota-kupang.pdf"
    assert first["file_exists"] is True and (example / first["file"]).is_file()
    assert [r["status"] for r in rows] == ["valid"] * 3 + ["revoked", "valid"]
    sosial = rows[3]
    assert sosial["revoked"] and sosial["revoked_reason"] == "nilai dikoreksi"
    assert len(sosial["revoked_on"]) == 10

    def numbers(*args: str) -> list[str]:
        run = cli(example, "certificate", "list", *args, "--json")
        assert run.exit_code == 0, run.stderr
        return [r["number"] for r in run.json()]

    assert numbers("--status", "revoked") == [NUMBERS[3]]
    assert numbers("--status", "valid") == NUMBERS[:3] + NUMBERS[4:]
    assert numbers("--year", "2022") == NUMBERS and numbers("--year", "2021") == []
    assert numbers("--recipient", "dinas  SOSIAL") == [NUMBERS[3]]
    assert numbers("--event", "standar pelayanan", "--status", "valid") == numbers("--status", "valid")
    assert numbers("--event", "magang") == []
    assert cli(example, "certificate", "list", "--status", "dicabut").exit_code == 2

    # the web's certificates page lists the same rows (one function, app/certificate_list.py)
    page = certificates_page(find_workspace(example))
    assert page["year"] == 2022 and page["years"] == [2022] and page["certificates"] == rows

    # a deleted file is said missing, not hidden
    (example / rows[0]["file"]).unlink()
    assert cli(example, "certificate", "list", "--json").json()[0]["file_exists"] is False


def test_list_speaks_indonesian_and_english(example, cli):
    _issue_and_revoke(cli, example)
    wide = {"COLUMNS": "320"}
    indonesian = CliRunner().invoke(
        app, ["-w", str(example), "--lang", "id", "certificate", "list"], env=wide
    )
    assert indonesian.exit_code == 0
    for word in ("Piagam", "nomor", "penerima", "penilaian", "tahun", "predikat", "terbit", "berlaku"):
        assert word in indonesian.stdout
    assert "dicabut" in indonesian.stdout and "berkas" in indonesian.stdout
    assert "valid" not in indonesian.stdout and "revoked" not in indonesian.stdout
    # wide enough: every file named in full
    files = cli(example, "certificate", "list", "--json").json()
    assert all(r["file"] in indonesian.stdout for r in files)
    english = CliRunner().invoke(app, ["-w", str(example), "--lang", "en", "certificate", "list"], env=wide)
    for word in ("Certificates", "number", "recipient", "assessment", "grade", "issued", "valid", "revoked"):
        assert word in english.stdout
    none = CliRunner().invoke(
        app, ["-w", str(example), "--lang", "id", "certificate", "list", "--year", "2020"]
    )
    assert none.exit_code == 0 and none.stdout == "" and "tidak ada piagam yang cocok" in none.stderr


def test_list_of_an_empty_register(example, cli):
    run = cli(example, "certificate", "list")
    assert run.exit_code == 0 and run.stdout == "" and "no certificates issued" in run.stderr
    assert cli(example, "certificate", "list", "--json").json() == []


def test_a_long_list_prints_one_line_a_certificate(example, cli, monkeypatch):
    import docgen.cli.common

    _issue_and_revoke(cli, example)
    monkeypatch.setattr(docgen.cli.common, "RICH_ROWS", 3)  # 5 rows: aligned plain text
    run = CliRunner().invoke(app, ["-w", str(example), "certificate", "list"], env={"COLUMNS": "80"})
    rows = cli(example, "certificate", "list", "--json").json()
    lines = run.stdout.splitlines()
    for row in rows:
        (line,) = [x for x in lines if x.startswith(row["number"])]
        assert row["issued_on"] in line and line.rstrip().endswith(row["file"])
        assert ("revoked " + row["revoked_on"] if row["revoked"] else "valid") in line
