"""The number registry: formats, yearly sequences, void, concurrency, and its CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date

import pytest

from docgen.config import Config
from docgen.domain.numbering import format_number
from docgen.errors import NumberingError
from docgen.state.file import FileTracker as Tracker
from docgen.state.registry import Registry
from tests.conftest import CONFIG, REPO

CFG = Config.model_validate(
    {"office": {"name": "O", "unit_code": "PW24", "city": "Kupang", "head": {"name": "H", "title": "T"}}}
)


@pytest.mark.parametrize(
    ("kind", "seq", "on", "year", "expected"),
    [
        ("letter", 123, date(2022, 12, 5), None, "B/123/PW24/KM.01/XII/2022"),
        ("letter", 7, date(2022, 7, 1), None, "B/007/PW24/KM.01/VII/2022"),
        # a piagam signed on 16 February 2023 for the 2022 assessment: the signing year
        ("certificate", 1, date(2023, 2, 16), None, "0001/PHG/PW24/II/2023"),
        ("agreement", 3, date(2022, 2, 8), None, "03/KB/PW24/II/2022"),
    ],
)
def test_format_number(kind, seq, on, year, expected):
    assert format_number(CFG, kind, seq, on, year) == expected


def test_assessment_year_is_a_certificate_field():
    cfg = Config.model_validate(
        {
            **CFG.model_dump(),
            "numbering": {"certificate": "{seq:04d}/PHG/{unit_code}/{assessment_year}/{year}"},
        }
    )
    assert (
        format_number(cfg, "certificate", 2, date(2023, 2, 16), assessment_year=2022)
        == "0002/PHG/PW24/2022/2023"
    )
    with pytest.raises(ValueError, match=r"numbering.letter[\s\S]*unknown field \{assessment_year\}"):
        Config.model_validate({**CFG.model_dump(), "numbering": {"letter": "{seq}/{assessment_year}"}})


def test_yearly_reset_and_never_reuse(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        registry = Registry(state, CFG)
        first = [registry.allocate("letter", date(2022, 12, 30))["number"] for _ in range(2)]
        new_year = registry.allocate("letter", date(2023, 1, 2))["number"]
        registry.void(first[1], "dibatalkan")
    assert first == ["B/001/PW24/KM.01/XII/2022", "B/002/PW24/KM.01/XII/2022"]
    assert new_year == "B/001/PW24/KM.01/I/2023"
    with tracker.write() as state:
        # the voided number stays taken: the next of 2022 is 003
        assert Registry(state, CFG).allocate("letter", date(2022, 12, 31))["seq"] == 3


def test_format_without_year_colliding_is_refused(tmp_path):
    cfg = CFG.model_copy(
        update={"numbering": CFG.numbering.model_copy(update={"letter": "B/{seq:03d}/{unit_code}"})}
    )
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        Registry(state, cfg).allocate("letter", date(2022, 5, 1))
    files = sorted(p for p in tmp_path.rglob("*.json"))
    before = [p.read_bytes() for p in files]
    with pytest.raises(NumberingError, match="already in the registry"), tracker.write() as state:
        Registry(state, cfg).allocate("letter", date(2023, 5, 1))
    assert sorted(p for p in tmp_path.rglob("*.json")) == files
    assert [p.read_bytes() for p in files] == before


ALLOCATOR = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from docgen.config import Config
    from docgen.state.registry import Registry
    from docgen.state.file import FileTracker as Tracker
    cfg = Config.model_validate({"office": {"name": "O", "unit_code": "PW24", "city": "K",
                                            "head": {"name": "H", "title": "T"}}})
    tracker = Tracker(Path(sys.argv[1]))
    for _ in range(100):
        with tracker.write() as state:
            Registry(state, cfg).allocate("letter", date(2022, 7, 1), sys.argv[2])
""")


def test_two_processes_get_distinct_consecutive_numbers(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", ALLOCATOR, str(tmp_path), name], env=env)
        for name in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Tracker(tmp_path).read() as session:
        records = Registry(session, CFG).records("letter")
    assert sorted(r["seq"] for r in records) == list(range(1, 201))
    assert len({r["number"] for r in records}) == 200


def test_cli_next_list_void(workspace, cli):
    ws = workspace()
    run = cli(ws, "number", "next", "letter", "--for", "Undangan rapat", "--on", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json() == {"kind": "letter", "number": "B/001/PW24/KM.01/VII/2022", "seq": 1, "year": 2022}
    preview = cli(ws, "number", "next", "letter", "--on", "2022-07-02", "--dry-run", "--json")
    assert preview.json()["number"] == "B/002/PW24/KM.01/VII/2022"
    assert cli(ws, "number", "void", "B/001/PW24/KM.01/VII/2022", "--reason", "salah").exit_code == 0
    again = cli(ws, "number", "next", "letter", "--on", "2022-07-02").stdout.strip()
    assert again == "B/002/PW24/KM.01/VII/2022"
    rows = cli(ws, "number", "list", "--json").json()
    assert [(r["number"], r["void"], r["for"]) for r in rows] == [
        ("B/001/PW24/KM.01/VII/2022", True, "Undangan rapat"),
        ("B/002/PW24/KM.01/VII/2022", False, ""),
    ]
    assert set(rows[0]) >= {"kind", "number", "seq", "year", "on", "for", "void"}
    assert cli(ws, "number", "list", "--year", "2021", "--json").json() == []
    assert "B/002/PW24/KM.01/VII/2022" in cli(ws, "number", "list").stdout


def test_cli_errors_allocate_nothing(workspace, cli):
    ws = workspace()
    cli(ws, "number", "next", "letter", "--on", "2022-07-01")
    before = (ws / "tracker.json").read_bytes()
    cases = [
        # what the command line itself gets wrong: usage, exit 2
        (
            ["number", "next", "memo"],
            2,
            "Invalid value for 'KIND': 'memo' is not one of 'letter', 'certificate', 'agreement'",
        ),
        (["number", "next", "letter", "--on", "2022-13-01"], 2, "Invalid value for '--on': '2022-13-01'"),
        (["number", "list", "--kind", "memo"], 2, "Invalid value for '--kind'"),
        # what needs the workspace to judge: exit 1
        (["number", "void", "X/1", "--reason", "x"], 1, "X/1: no such number in the registry"),
        (["number", "void", "B/001/PW24/KM.01/VII/2022", "--reason", " "], 1, "--reason"),
    ]
    for args, code, message in cases:
        run = cli(ws, *args)
        assert run.exit_code == code, args
        assert message in run.stderr, (args, run.stderr)
        assert "Traceback" not in run.stderr
    assert (ws / "tracker.json").read_bytes() == before


def test_bad_format_is_a_check_error_and_allocates_nothing(workspace, cli):
    ws = workspace(config=CONFIG + '\n[numbering]\nletter = "B/{seq:03d}/{bulan}/{year}"\n')
    run = cli(ws, "number", "next", "letter")
    assert run.exit_code == 1
    assert "docgen.toml: numbering.letter: unknown field {bulan}" in run.stderr
    assert not (ws / "tracker.json").exists()
