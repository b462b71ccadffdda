"""A file-tracker read session is a snapshot (state/base.py): what a concurrent writer
commits never shows up half-way through it; and `letter render`, which takes no lock,
keeps its temporary file while a concurrent `letter followup` cleans the folder."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from docgen.state.file import FileTracker
from tests.hostile.conftest import RENJA

EVENT = {"deliverable": "W1-D1", "on": "2022-03-01", "status": "done", "note": None, "evidence": []}


def test_a_read_session_does_not_see_a_write_committed_during_it(example):
    tracker = FileTracker(example)
    tracker.init()
    committed = threading.Event()

    def writer() -> None:
        with tracker.write() as session:
            session._raw_append(RENJA, [dict(EVENT)])
            session._raw_insert("builds", [{"output": "outputs/x.docx", "key": "k"}])
        committed.set()

    with tracker.read() as session:
        assert session._raw_rows("builds") == []
        thread = threading.Thread(target=writer)
        thread.start()
        # The writer waits for the readers: what this session reads next is as it began.
        assert not committed.wait(1.0), "a write was committed during a read session"
        assert session._raw_history(RENJA) == []
        assert session._raw_rows("builds") == []
    thread.join(timeout=60)
    assert committed.is_set()
    with tracker.read() as session:
        assert [e["deliverable"] for e in session._raw_history(RENJA)] == ["W1-D1"]
        assert len(session._raw_rows("builds")) == 1


def test_readers_do_not_wait_for_each_other(example):
    tracker = FileTracker(example)
    tracker.init()
    with tracker.read() as first, tracker.read() as second:
        assert first._raw_rows("numbers") == second._raw_rows("numbers") == []


def test_a_read_inside_a_write_of_the_same_thread_does_not_wait_for_itself(example):
    tracker = FileTracker(example)
    tracker.init()
    with tracker.write() as session:
        session._raw_insert("builds", [{"output": "outputs/y.docx", "key": "k"}])
        with tracker.read() as reading:
            assert reading._raw_rows("builds") == []  # not committed yet


def test_a_write_inside_a_read_of_the_same_thread_is_a_bug_said_at_once(example):
    tracker = FileTracker(example)
    tracker.init()
    with tracker.read(), pytest.raises(RuntimeError, match="inside a read session"):
        with tracker.write():
            pass
    with tracker.write() as session:  # and afterwards all is well
        session._raw_insert("builds", [{"output": "outputs/z.docx", "key": "k"}])


def test_a_reader_never_creates_the_lock(example):
    with FileTracker(example).read() as session:
        assert session._raw_rows("numbers") == []
    assert not (example / ".docgen").exists()


def test_letter_followup_keeps_the_temporary_file_of_a_running_render(example, cli):
    """A temporary file named by a process that runs (a `letter render` writing now) is
    left alone by the cleanup of `letter followup`; once that process is gone, the next
    followup removes it."""
    assert cli(example, "letter", "followup", "--all", "--as-of", "2022-05-01").exit_code == 0
    folder = example / "outputs" / "letters" / "2022"
    assert folder.is_dir()
    render = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        writing = folder / f".letter.docx.{render.pid}-0123abcd.tmp"
        writing.write_bytes(b"half a letter")
        dead = folder / ".letter.docx.999999999-0123abcd.tmp"  # no such process
        dead.write_bytes(b"left by a killed docgen")
        assert cli(example, "letter", "followup", "--all", "--as-of", "2022-06-01").exit_code == 0
        assert writing.exists(), "the running render's file was removed"
        assert not dead.exists()
    finally:
        render.kill()
        render.wait()
    time.sleep(0.1)
    assert cli(example, "letter", "followup", "--all", "--as-of", "2022-06-02").exit_code == 0
    assert not writing.exists()
