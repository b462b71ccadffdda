"""Evidence files: a link planted in the evidence folder (at a name docgen would take, or
at one of its temporary names) is never followed, and a `deliverable set --evidence`
killed at any moment leaves no orphan: the next `deliverable set` keeps what the tracker
recorded and removes what it did not, saying so in one line."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.fsutil import sha256_file
from docgen.state.file import FileTracker
from tests.conftest import REPO, tracker_history
from tests.hostile.conftest import RENJA, files_in

EVIDENCE = Path("agreements") / RENJA / "evidence"


def _set(deliverable: str, *evidence: Path) -> list[str]:
    args = ["deliverable", "set", RENJA, deliverable, "--status", "done", "--on", "2022-03-01"]
    for path in evidence:
        args += ["--evidence", str(path)]
    return args


def test_links_in_the_evidence_folder_are_never_followed(example, cli, outside, tmp_path):
    source = tmp_path / "notulen.pdf"
    source.write_bytes(b"%PDF-1.4 notulen rapat\n")
    secret = outside / "secret.pdf"
    secret.write_bytes(source.read_bytes())  # the same bytes: reusing it would "fit"
    folder = example / EVIDENCE
    folder.mkdir(parents=True)
    # At the name docgen would take, and at the temporary names it used or uses.
    (folder / "notulen.pdf").symlink_to(secret)
    (folder / ".notulen (2).pdf.copying").symlink_to(outside / "copied.pdf")
    (folder / ".notulen (2).pdf.pending").symlink_to(outside / "pending")
    before = files_in(outside)
    run = cli(example, *_set("W1-D1", source))
    assert run.exit_code == 0, run.stderr
    assert files_in(outside) == before and secret.read_bytes() == source.read_bytes()
    [event] = tracker_history(example, RENJA)
    [recorded] = event["evidence"]
    assert recorded["file"] == f"{EVIDENCE.as_posix()}/notulen (2).pdf"
    copied = example / recorded["file"]
    assert not copied.is_symlink() and copied.read_bytes() == source.read_bytes()
    assert (folder / "notulen.pdf").is_symlink(), "a link docgen did not make is left alone"


def _evidence_state(root: Path, tracker) -> tuple[set[str], dict[str, str]]:
    """The files in the evidence folder, and what the tracker records (file -> sha256)."""
    folder = root / EVIDENCE
    present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    with tracker.read() as session:
        events = session._raw_history(RENJA)
    recorded = {
        e["file"].rsplit("/", 1)[-1]: e["sha256"] for event in events for e in event.get("evidence") or []
    }
    return present, recorded


def test_a_deliverable_set_killed_at_random_moments_leaves_no_orphan(example, cli, tmp_path, backend):
    """SIGKILL `deliverable set --evidence` (three files of 8 MB) at random moments, on
    either backend; after each kill the next `deliverable set` finishes or rolls back:
    every file in the evidence folder is recorded with its sha256, every recorded file is
    there, and no temporary file or marker is left."""
    rng = random.Random(17)
    if backend.url:
        assert cli(example, "tracker", "init").exit_code == 0
    tracker = backend.tracker() if backend.url else FileTracker(example)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "en", **backend.env}
    # How long a whole run takes here, to spread the kills over it.
    warmup = []
    for index in range(3):
        warmup.append(tmp_path / f"warmup-{index}.pdf")
        warmup[-1].write_bytes(rng.randbytes(1024) * (8 * 1024))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "--workspace", str(example), *_set("W1-D2", *warmup)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    span = time.monotonic() - started
    messages: list[str] = []
    killed = completed = 0
    attempts = 24 if not backend.url else 12
    for attempt in range(attempts):
        sources = []
        for index in range(3):
            path = tmp_path / f"run{attempt}" / f"bukti-{index}.pdf"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(rng.randbytes(1024) * (8 * 1024))
            sources.append(path)
        child = subprocess.Popen(
            [sys.executable, "-m", "docgen", "--workspace", str(example), *_set("W1-D1", *sources)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 1.6) * span)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        else:
            completed += 1
        child.wait()
        # The next command (no evidence of its own) cleans up, one line per file.
        run = cli(example, *_set("W1-D3"))
        assert run.exit_code == 0, run.stderr
        messages += [line for line in run.stderr.splitlines() if "interrupted `deliverable set`" in line]
        present, recorded = _evidence_state(example, tracker)
        assert present == set(recorded), (attempt, present ^ set(recorded))
        for name, digest in recorded.items():
            assert sha256_file(example / EVIDENCE / name) == digest
    assert killed >= attempts // 3, f"{killed} of {attempts} killed"  # the window itself: see below
    for line in messages:
        assert line.startswith(f"warning: {EVIDENCE.as_posix()}/bukti-"), line
    print(f"{killed} killed, {completed} completed, {len(messages)} recovered")


@pytest.mark.parametrize("recorded", [False, True])
def test_recovery_of_a_marked_copy(example, cli, tmp_path, recorded):
    """The two outcomes of a kill between the copy and the commit, made by hand: the
    marker names a file the tracker does not record (removed) or records (kept)."""
    source = tmp_path / "notulen.pdf"
    source.write_bytes(b"%PDF-1.4 notulen\n")
    folder = example / EVIDENCE
    if recorded:
        assert cli(example, *_set("W1-D1", source)).exit_code == 0
    else:
        folder.mkdir(parents=True)
        (folder / "notulen.pdf").write_bytes(source.read_bytes())
    (folder / ".notulen.pdf.pending").write_text(sha256_file(source) + "\n")
    check = cli(example, "check")  # says so, changes nothing
    assert f"warning: {EVIDENCE.as_posix()}/notulen.pdf: left by an interrupted" in check.stderr
    assert (folder / ".notulen.pdf.pending").exists()
    run = cli(example, *_set("W1-D2"))
    assert run.exit_code == 0, run.stderr
    word = "its copy is complete" if recorded else "removed"
    assert f"{EVIDENCE.as_posix()}/notulen.pdf: " in run.stderr and word in run.stderr
    assert (folder / "notulen.pdf").exists() == recorded
    assert not (folder / ".notulen.pdf.pending").exists()


@pytest.mark.parametrize("link", [f"agreements/{RENJA}", EVIDENCE.as_posix()])
def test_an_evidence_folder_that_is_a_link_is_refused(example, cli, outside, tmp_path, link):
    source = tmp_path / "notulen.pdf"
    source.write_bytes(b"%PDF-1.4 notulen\n")
    path = example / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside, target_is_directory=True)
    run = cli(example, *_set("W1-D1", source))
    assert run.exit_code == 1 and "is a symbolic link" in run.stderr, run.stderr
    assert files_in(outside) == []
    assert tracker_history(example, RENJA) == []
