"""A batch killed half-way leaves no orphan worker processes, and the next run removes its
temporary files and finishes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile.conftest import MOU

ROWS = 150  # enough for a pool of workers (where docgen uses one) and a second or two of work


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def _temp_files(folder: Path) -> list[Path]:
    """Temporary files, and pending ones (written before their numbers are committed:
    state/journal.py)."""
    if not folder.is_dir():
        return []
    return sorted([*folder.rglob(".*.tmp"), *folder.rglob(".*.docgen-pending")])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_killed_certificate_batch(example, cli):
    rows = "".join(f"Dinas Nomor {i},{80 + i % 20}\n" for i in range(ROWS))
    (example / "results" / "big-2022.csv").write_text("instansi,nilai\n" + rows, encoding="utf-8")
    folder = example / "outputs" / "certificates" / "2022"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docgen",
            "-w",
            str(example),
            "certificate",
            "issue",
            "results/big-2022.csv",
            "--signed-on",
            "2023-01-05",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    started = None  # when the batch began writing: its temporary files are all made first
    while process.poll() is None and time.monotonic() < deadline:
        workers |= _children(process.pid)
        if started is None and _temp_files(folder):
            started = time.monotonic()
        # Kill while workers render (or, rendering in one process, a moment into it).
        if started is not None and time.monotonic() - started > 0.2:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the batch ended before it could be killed"
    workers |= _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _temp_files(folder), "killed half-way"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.05)
    alive = [
        w
        for w in workers
        if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split(")")[-1][:3]
    ]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "orphan workers"
    # Nothing was recorded; the next run issues everything and leaves no temporary file.
    run = cli(example, "certificate", "issue", "results/big-2022.csv", "--signed-on", "2023-01-05", "--json")
    assert run.exit_code == 0, run.stderr
    assert [e["number"].split("/")[0] for e in run.json()["issued"]][:2] == ["0001", "0002"]
    assert all(e["new"] for e in run.json()["issued"])
    assert not _temp_files(folder)


def test_stale_draft_temporary_files_are_removed(example, cli):
    folder = example / "outputs" / "agreements"
    folder.mkdir(parents=True)
    stale, fresh = folder / f".{MOU}.docx.abc123.tmp", folder / f".{MOU}.docx.def456.tmp"
    stale.write_bytes(b"half a draft")
    fresh.write_bytes(b"a build going on now")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert cli(example, "build", MOU).exit_code == 0
    assert not stale.exists() and fresh.exists()
