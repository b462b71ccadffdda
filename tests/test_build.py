"""`docgen build`: outputs, incremental rebuilds, isolation of failures, the tracker record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from docgen.app.build import build
from docgen.render.templates import defaults_dir
from docgen.workspace import Workspace
from tests.conftest import REPO
from tests.test_check import MOU, RENJA, files

OUT = "outputs/agreements"


def text_of(path: Path) -> str:
    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def builds_table(ws: Path) -> list[dict]:
    return list(json.loads((ws / "tracker.json").read_text())["builds"].values())


def test_example_builds_then_nothing(example, cli):
    run = cli(example, "build", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json() == {
        "built": [f"{OUT}/ntt-mou-2021.docx", f"{OUT}/ntt-renja-2022.docx"],
        "unchanged": [],
        "failed": [],
    }
    renja = text_of(example / OUT / "ntt-renja-2022.docx")
    assert (
        "Pada hari ini, Selasa, tanggal delapan, bulan Februari, tahun dua ribu dua puluh dua "
        "(08-02-2022), bertempat di Kupang" in renja
    )
    assert (
        "Pada hari ini, Senin, tanggal dua puluh, bulan Desember, tahun dua ribu dua puluh satu "
        "(20-12-2021)" in text_of(example / OUT / "ntt-mou-2021.docx")
    )
    again = cli(example, "build", "--json")
    assert again.json() == {
        "built": [],
        "unchanged": [f"{OUT}/ntt-mou-2021.docx", f"{OUT}/ntt-renja-2022.docx"],
        "failed": [],
    }
    records = {r["output"]: r for r in builds_table(example)}
    renja_record = records[f"{OUT}/ntt-renja-2022.docx"]
    assert set(renja_record["sources"]) == {
        "agreements/ntt-renja-2022.yaml",
        "agreements/ntt-mou-2021.yaml",
        "renja.docx (default template)",
        "docgen.toml",
        "docgen",
    }


def test_human_output(example, cli):
    run = cli(example, "build")
    assert run.stdout.splitlines() == [
        f"built      {OUT}/ntt-mou-2021.docx",
        f"built      {OUT}/ntt-renja-2022.docx",
    ]
    assert run.stderr.strip() == "2 built, 0 unchanged"
    run = cli(example, "build", "ntt-renja-2022")
    assert run.stdout.strip() == f"unchanged  {OUT}/ntt-renja-2022.docx"


def _touch_yaml(path: Path, extra: str = "\n# edited\n") -> None:
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")


def test_what_a_change_rebuilds(example, cli):
    assert cli(example, "build").exit_code == 0
    # the renja alone
    _touch_yaml(example / "agreements" / "ntt-renja-2022.yaml")
    assert cli(example, "build", "--json").json()["built"] == [f"{OUT}/ntt-renja-2022.docx"]
    # the parent MoU: both (the renja cites it)
    _touch_yaml(example / "agreements" / "ntt-mou-2021.yaml")
    assert len(cli(example, "build", "--json").json()["built"]) == 2
    # docgen.toml: all
    _touch_yaml(example / "docgen.toml")
    assert len(cli(example, "build", "--json").json()["built"]) == 2
    # a workspace template replacing the default: those using it
    (example / "templates" / "mou.docx").write_bytes((defaults_dir() / "mou.docx").read_bytes())
    assert cli(example, "build", "--json").json()["built"] == [f"{OUT}/ntt-mou-2021.docx"]
    # a deleted output comes back; --force rebuilds everything
    (example / OUT / "ntt-renja-2022.docx").unlink()
    assert cli(example, "build", "--json").json()["built"] == [f"{OUT}/ntt-renja-2022.docx"]
    assert len(cli(example, "build", "--force", "--json").json()["built"]) == 2
    assert cli(example, "build", "--json").json()["built"] == []


def test_docgen_version_is_a_source(example, monkeypatch):
    ws = Workspace(example)
    assert len(build(ws).built) == 2
    monkeypatch.setattr("docgen.app.build.__version__", "99.0")
    assert len(build(ws).built) == 2
    assert build(ws).built == []


def test_one_failure_does_not_stop_the_others(workspace, cli):
    broken = RENJA.replace("id: renja-a", "id: broken").replace("due: 2022-06-30", "due: 2022-06-31")
    ws = workspace(files(broken=broken))
    run = cli(ws, "build", "--json")
    assert run.exit_code == 1
    data = run.json()
    assert data["built"] == [f"{OUT}/mou-a.docx", f"{OUT}/renja-a.docx"]
    [failed] = data["failed"]
    assert failed["source"] == "agreements/broken.yaml"
    assert failed["error"].startswith(
        "agreements/broken.yaml: work_items #1, deliverables #2, due: '2022-06-31' is not a valid date"
    )
    assert run.stderr.splitlines()[0] == failed["error"]
    assert not (ws / OUT / "broken.docx").exists()
    run = cli(ws, "build")
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-1] == "0 built, 2 unchanged, 1 failed"
    assert "Traceback" not in run.stderr


def test_a_renja_whose_parent_is_broken_fails(workspace, cli):
    ws = workspace(files() | {"agreements/mou-a.yaml": MOU.replace("kind: mou", "kind: mou\nplcae: x")})
    run = cli(ws, "build", "--json")
    assert run.exit_code == 1
    errors = {f["source"]: f["error"] for f in run.json()["failed"]}
    assert errors["agreements/renja-a.yaml"] == (
        "agreements/renja-a.yaml: parent 'mou-a' has errors (run `docgen check`)"
    )


def test_unknown_id(example, cli):
    run = cli(example, "build", "nope", "../../etc/passwd", "ntt-mou-2021", "--json")
    assert run.exit_code == 1
    data = run.json()
    assert data["built"] == [f"{OUT}/ntt-mou-2021.docx"]
    assert [f["error"] for f in data["failed"]] == [
        "nope: no such agreement (no agreements/nope.yaml)",
        "../../etc/passwd: no such agreement (no agreements/../../etc/passwd.yaml)",
    ]
    assert sorted(p.name for p in (example / OUT).iterdir()) == ["ntt-mou-2021.docx"]


def _evil_template() -> bytes:
    import io

    document = docx.Document()
    document.add_paragraph("{{ agreement.__class__.__mro__[1].__subclasses__() }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_sandboxed_template_fails_that_agreement_only(workspace, cli):
    ws = workspace(
        files()
        | {"templates/evil.docx": _evil_template(), "agreements/renja-a.yaml": RENJA + "template: evil\n"}
    )
    run = cli(ws, "build", "--json")
    assert run.exit_code == 1
    data = run.json()
    assert data["built"] == [f"{OUT}/mou-a.docx"]
    assert data["failed"][0]["error"].startswith(
        "agreements/renja-a.yaml: templates/evil.docx: paragraph '{{ agreement.__class__"
    )
    assert "blocked by the sandbox" in data["failed"][0]["error"]


def test_template_field_picks_a_workspace_template(workspace, cli):
    import io

    document = docx.Document()
    document.add_paragraph("PERJANJIAN KHUSUS {{ agreement.id }} & {{ second.org }}")
    buffer = io.BytesIO()
    document.save(buffer)
    ws = workspace(
        files()
        | {
            "templates/khusus.docx": buffer.getvalue(),
            "agreements/renja-a.yaml": RENJA + "template: khusus\n",
        }
    )
    assert cli(ws, "build").exit_code == 0
    assert text_of(ws / OUT / "renja-a.docx") == (
        "PERJANJIAN KHUSUS renja-a & Biro Organisasi Setda Provinsi NTT"
    )
    assert "KESEPAKATAN BERSAMA" in text_of(ws / OUT / "mou-a.docx")


def test_a_template_broken_later_keeps_the_last_good_draft(workspace, cli):
    ws = workspace(files() | {"templates/renja.docx": (defaults_dir() / "renja.docx").read_bytes()})
    assert cli(ws, "build").exit_code == 0
    good = (ws / OUT / "renja-a.docx").read_bytes()
    tracker = (ws / "tracker.json").read_bytes()
    (ws / "templates" / "renja.docx").write_bytes(_evil_template())
    run = cli(ws, "build", "--json")
    assert run.exit_code == 1
    assert (ws / OUT / "renja-a.docx").read_bytes() == good
    assert (ws / "tracker.json").read_bytes() == tracker  # nothing built, nothing recorded
    assert sorted(p.name for p in (ws / OUT).iterdir()) == ["mou-a.docx", "renja-a.docx"]


def test_no_tracker_write_when_nothing_changes(example):
    ws = Workspace(example)
    build(ws)
    before = (example / "tracker.json").stat().st_mtime_ns
    for _ in range(3):  # watch calls this repeatedly in one process
        report = build(ws, ["ntt-renja-2022"])
        assert report.built == [] and report.unchanged == [f"{OUT}/ntt-renja-2022.docx"]
    assert (example / "tracker.json").stat().st_mtime_ns == before


def test_edited_template_is_picked_up_in_the_same_process(workspace):
    import io

    def template(text: str) -> bytes:
        document = docx.Document()
        document.add_paragraph(text)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    root = workspace(files() | {"templates/renja.docx": template("VERSI SATU {{ agreement.id }}")})
    ws = Workspace(root)
    assert build(ws, ["renja-a"]).built
    (root / "templates" / "renja.docx").write_bytes(template("VERSI DUA {{ agreement.id }}"))
    os.utime(root / "templates" / "renja.docx", ns=(1, 1))  # mtime alone must not fool the cache
    assert build(ws, ["renja-a"]).built
    assert text_of(root / OUT / "renja-a.docx") == "VERSI DUA renja-a"


def test_many_agreements_in_one_build(workspace, cli):
    extra = {
        f"agreements/renja-{i:02d}.yaml": RENJA.replace("id: renja-a", f"id: renja-{i:02d}")
        for i in range(30)
    }
    ws = workspace(files() | extra)
    run = cli(ws, "build", "--json")
    assert run.exit_code == 0, run.stderr
    assert len(run.json()["built"]) == 32
    assert "Biro Organisasi Setda Provinsi NTT" in text_of(ws / OUT / "renja-29.docx")


def test_fresh_clone_builds_both_drafts(tmp_path):
    """`docgen build` in a copy of the repository, as a user would run it."""
    for name in ("docgen.toml",):
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    (tmp_path / "agreements").mkdir()
    for path in (REPO / "agreements").glob("*.yaml"):
        (tmp_path / "agreements" / path.name).write_bytes(path.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "build"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / OUT).iterdir()) == ["ntt-mou-2021.docx", "ntt-renja-2022.docx"]
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "build"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.stdout.count("unchanged") == 2 and "built " not in run.stdout


@pytest.mark.parametrize("corrupt", [b"{not json", b'{"_meta": {"1": {"schema": 99}}}'])
def test_unreadable_tracker_is_reported_and_kept(example, cli, corrupt):
    (example / "tracker.json").write_bytes(corrupt)
    run = cli(example, "build")
    assert run.exit_code == 1
    assert run.stderr.startswith("tracker.json: ")
    assert (example / "tracker.json").read_bytes() == corrupt
    assert not (example / OUT).exists()
