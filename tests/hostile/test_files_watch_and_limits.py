"""`watch` survives a symlink loop appearing in agreements/ or templates/; `agreement renew`
after an extension to 9999-12-31 is a clear error; a number format without {year} under a
yearly reset is refused by `check` and by every command that gives numbers."""

from __future__ import annotations

import pytest

from tests.conftest import tracker_rows
from tests.hostile.conftest import assert_clean_failure
from tests.test_agreement_life import DRAFT
from tests.test_check import files
from tests.test_watch import RENJA_OUT, WatchProcess, docx_text, edit


@pytest.mark.parametrize("poll", [False, True])
def test_watch_survives_symlink_loops(example, poll):
    watch = WatchProcess(example, *(["--poll"] if poll else []))
    try:
        watch.wait_for(lambda e: e["event"] == "build")
        (example / "agreements" / "loop-a.yaml").symlink_to("loop-b.yaml")
        (example / "agreements" / "loop-b.yaml").symlink_to("loop-a.yaml")
        (example / "templates" / "loop.docx").symlink_to("loop.docx")
        (example / "agreements" / "folder").symlink_to(".", target_is_directory=True)
        if not poll:  # (polling never sees a name it cannot stat)
            # The loops are reported as files docgen cannot read, and watching goes on.
            event = watch.wait_for(lambda e: e["event"] == "error" and "loop-" in " ".join(e["errors"]))
            assert any(line.startswith("agreements/loop-") for line in event["errors"]), event
        edit(example / "agreements/ntt-renja-2022.yaml", "Rapat koordinasi triwulan I,", "Rapat TW I,")
        watch.wait_for(lambda e: e["event"] == "build" and RENJA_OUT in e["built"])
        assert "Rapat TW I" in docx_text(example / RENJA_OUT)
        assert watch.proc.poll() is None
        assert watch.interrupt() == 0
    finally:
        watch.kill()


def test_renew_after_an_extension_to_the_end_of_time(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    assert cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06").exit_code == 0
    run = cli(ws, "agreement", "extend", "renja-b", "--to", "9999-12-31", "--on", "2023-06-01")
    assert run.exit_code == 0, run.stderr
    before = sorted(p.name for p in (ws / "agreements").iterdir())
    lines = assert_clean_failure(cli(ws, "agreement", "renew", "renja-b", "renja-c"))
    assert lines[0].startswith("renja-b: its term or a due date (9999-12-31) moved on by"), lines
    assert "after 9999-12-31" in lines[0]
    assert sorted(p.name for p in (ws / "agreements").iterdir()) == before


YEARLY_WITHOUT_YEAR = """
[numbering]
agreement = "{seq:02d}/KB/{unit_code}"
"""


@pytest.mark.parametrize(
    "args",
    [
        ("check",),
        ("number", "next", "agreement", "--on", "2023-02-06"),
        ("agreement", "sign", "renja-b", "--on", "2023-02-06"),
    ],
)
def test_a_format_without_year_under_a_yearly_reset_is_refused(workspace, cli, args):
    from tests.conftest import CONFIG

    ws = workspace(files(renja_b=DRAFT), config=CONFIG + YEARLY_WITHOUT_YEAR)
    run = cli(ws, *args)
    lines = assert_clean_failure(run)
    assert any("numbering" in line and "agreement: " in line and "{year}" in line for line in lines), lines
    assert not (ws / "tracker.json").exists() or tracker_rows(ws, "numbers") == []
