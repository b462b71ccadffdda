"""`docgen init` and `docgen agreement list|show|new|terminate`, end to end."""

from __future__ import annotations

import os
from pathlib import Path

from tests.test_check import MOU


def test_list_example_as_of_today(example, cli):
    run = cli(example, "agreement", "list", "--as-of", "2026-11-23", "--json")
    assert run.exit_code == 0, run.stderr
    rows = {r["id"]: r for r in run.json()}
    assert rows["ntt-mou-2021"]["status"] == "expiring"
    assert rows["ntt-mou-2021"]["ends_on"] == "2026-12-19"
    assert rows["ntt-renja-2022"]["status"] == "expired"
    renja = rows["ntt-renja-2022"]
    assert renja["parent"] == "ntt-mou-2021"
    assert renja["parties"] == [
        "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur",
        "Pemerintah Provinsi Nusa Tenggara Timur",
    ]
    assert (renja["done"], renja["total"]) == (0, 13)
    assert isinstance(renja["done"], int)


def test_list_example_2022(example, cli):
    run = cli(example, "agreement", "list", "--as-of", "2022-07-01", "--json")
    assert {r["status"] for r in run.json()} == {"active"}


def test_status_pending_and_draft(workspace, cli):
    draft = MOU.replace("id: mou-a", "id: draft").replace("signed_on: 2021-12-20\n", "")
    ws = workspace({"agreements/mou-a.yaml": MOU, "agreements/draft.yaml": draft})
    rows = {
        r["id"]: r["status"] for r in cli(ws, "agreement", "list", "--as-of", "2021-12-19", "--json").json()
    }
    assert rows == {"mou-a": "pending", "draft": "draft"}


def test_list_table_and_broken_file(workspace, cli):
    ws = workspace({"agreements/mou-a.yaml": MOU, "agreements/broken.yaml": "id: [\n"})
    run = cli(ws, "agreement", "list", "--as-of", "2022-01-01")
    assert run.exit_code == 0
    assert "mou-a" in run.stdout
    assert "agreements/broken.yaml: skipped, it has errors" in run.stderr


def test_show(example, cli):
    run = cli(example, "agreement", "show", "ntt-renja-2022", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert data["status"] == "active"
    assert data["total"] == 13 and data["percent"] == 0.0
    overdue = [d["id"] for d in data["deliverables"] if d["overdue"]]
    assert overdue == ["W1-D1", "W1-D2", "W2-D1", "W3-D1", "W4-D1", "W5-D1", "W6-D1"]
    table = cli(example, "agreement", "show", "ntt-renja-2022", "--as-of", "2022-07-01")
    assert "Rapat koordinasi triwulan I" in table.stdout


def test_show_unknown(example, cli):
    run = cli(example, "agreement", "show", "nope")
    assert run.exit_code == 1
    assert run.stderr.strip() == "nope: no such agreement (no agreements/nope.yaml)"


def test_bad_as_of(example, cli):
    run = cli(example, "agreement", "list", "--as-of", "2022-02-30")
    assert run.exit_code == 2
    assert "Invalid value for '--as-of': '2022-02-30' is not a valid date" in run.stderr


def test_new_renja_from_parent(example, cli):
    run = cli(example, "agreement", "new", "ntt-renja-2023", "--kind", "renja", "--parent", "ntt-mou-2021")
    assert run.exit_code == 0, run.stderr
    text = (example / "agreements/ntt-renja-2023.yaml").read_text()
    assert '"Pemerintah Provinsi Nusa Tenggara Timur"' in text  # second party from the MoU
    assert '"Darius Beda Daton"' in text  # first party from [office.head]
    check = cli(example, "check", "--as-of", "2022-07-01")
    assert check.exit_code == 1
    assert "agreements/ntt-renja-2023.yaml: title: placeholder still to be filled in" in check.stderr
    # filling in the placeholders gives a clean file
    filled = text.replace('"TODO YYYY-MM-DD"', "2023-06-30")
    filled = "\n".join(line.replace("TODO ", "") for line in filled.splitlines())
    (example / "agreements/ntt-renja-2023.yaml").write_text(filled)
    assert cli(example, "check", "--as-of", "2022-07-01").exit_code == 0


def test_new_mou(example, cli):
    assert cli(example, "agreement", "new", "kupang-mou-2023", "--kind", "mou").exit_code == 0
    assert (example / "agreements/kupang-mou-2023.yaml").exists()


def test_new_refusals(example, cli):
    before = sorted(p.name for p in (example / "agreements").iterdir())
    cases = [
        (["ntt-mou-2021", "--kind", "mou"], "ntt-mou-2021: agreements/ntt-mou-2021.yaml already"),
        (["../x", "--kind", "mou"], "'../x': not a valid id"),
        (["Bad Id", "--kind", "mou"], "'Bad Id': not a valid id"),
        (["x", "--kind", "renja"], "--parent: a renja needs the id of the MoU"),
        (["x", "--kind", "renja", "--parent", "ntt-renja-2022"], "is a renja, not an MoU"),
        (["x", "--kind", "pks", "--parent", "nope"], "nope: no such agreement"),
    ]
    for args, message in cases:
        run = cli(example, "agreement", "new", *args)
        assert run.exit_code == 1, args
        assert message in run.stderr, (args, run.stderr)
    # a value outside a fixed choice is the command line's own error: usage, exit 2
    run = cli(example, "agreement", "new", "x", "--kind", "memo")
    assert run.exit_code == 2
    assert "Invalid value for '--kind': 'memo' is not one of 'mou', 'renja', 'pks'" in run.stderr
    assert sorted(p.name for p in (example / "agreements").iterdir()) == before
    assert not (example.parent / "x.yaml").exists()


def test_terminate(example, cli):
    run = cli(
        example,
        "agreement",
        "terminate",
        "ntt-renja-2022",
        "--on",
        "2022-09-01",
        "--reason",
        "Reorganisasi perangkat daerah",
    )
    assert run.exit_code == 0, run.stderr
    rows = {
        r["id"]: r["status"]
        for r in cli(example, "agreement", "list", "--as-of", "2022-09-01", "--json").json()
    }
    assert rows["ntt-renja-2022"] == "terminated"
    rows = {
        r["id"]: r["status"]
        for r in cli(example, "agreement", "list", "--as-of", "2022-08-31", "--json").json()
    }
    assert rows["ntt-renja-2022"] == "active"


def test_terminate_bad_input_leaves_tracker(example, cli):
    cli(example, "agreement", "terminate", "ntt-mou-2021", "--on", "2024-01-01", "--reason", "x")
    before = (example / "tracker.json").read_bytes()
    for args, code in (
        (["nope", "--on", "2022-01-01", "--reason", "x"], 1),
        (["ntt-renja-2022", "--on", "2022-13-01", "--reason", "x"], 2),
        (["ntt-renja-2022", "--on", "2021-01-01", "--reason", "x"], 1),
        (["ntt-renja-2022", "--on", "2022-05-01", "--reason", " "], 1),
    ):
        run = cli(example, "agreement", "terminate", *args)
        assert run.exit_code == code, args
        assert "Traceback" not in run.stderr
    assert (example / "tracker.json").read_bytes() == before


def test_init_creates_workspace(tmp_path, cli):
    target = tmp_path / "baru"
    run = cli(None, "init", str(target))
    assert run.exit_code == 0, run.stderr
    for name in ("docgen.toml", "agreements", "templates", "outputs", ".gitignore"):
        assert (target / name).exists(), name
    assert (target / ".gitignore").read_text().splitlines() == [
        "outputs/",
        ".docgen",
        "tracker-verifications.jsonl",
    ]
    # the placeholders are what check flags
    check = cli(target, "check")
    assert check.exit_code == 1
    assert "docgen.toml: office.name: placeholder still to be filled in" in check.stderr
    # refuses an existing workspace, touching nothing
    before = (target / "docgen.toml").read_bytes()
    again = cli(None, "init", str(target))
    assert again.exit_code == 1
    assert "already a docgen workspace" in again.stderr
    assert (target / "docgen.toml").read_bytes() == before


def test_workspace_discovery(example, cli, monkeypatch, tmp_path):
    monkeypatch.chdir(example / "agreements")
    assert cli(None, "agreement", "list", "--json").exit_code == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCGEN_WORKSPACE", str(example))
    assert cli(None, "agreement", "list", "--json").exit_code == 0
    monkeypatch.delenv("DOCGEN_WORKSPACE")
    run = cli(None, "agreement", "list")
    assert run.exit_code == 1
    assert "no docgen workspace here" in run.stderr
    run = cli(tmp_path / "nowhere", "agreement", "list")
    assert run.exit_code == 1
    assert "not a docgen workspace" in run.stderr


def test_version_and_help(cli):
    from docgen import __version__

    assert cli(None, "--version").stdout.strip() == f"docgen {__version__}"
    assert cli(None, "agreement", "--help").exit_code == 0


def test_usage_error_is_exit_2(example, cli):
    assert cli(example, "agreement", "show").exit_code == 2


def test_console_script_runs(example):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(example), "agreement", "show", "nope"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "nope: no such agreement (no agreements/nope.yaml)"
