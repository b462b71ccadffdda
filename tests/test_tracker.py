"""The tracker under real concurrency and real crashes, and its refusal to eat bad files."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docgen.errors import TrackerError
from docgen.tracker import Tracker
from tests.conftest import REPO

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from docgen.tracker import Tracker
    root, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    tracker = Tracker(root)
    for i in range(count):
        with tracker.write() as state:
            state.history("renja").insert({"deliverable": name, "on": "2022-01-01",
                                           "status": "done", "n": i})
            state.table("numbers").insert({"writer": name, "n": i})
        print(f"ack {i}", flush=True)
""")


def _writer(root: Path, name: str, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), name, str(count)],
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_two_processes_lose_no_update(tmp_path):
    procs = [_writer(tmp_path, name, 200) for name in ("a", "b")]
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    state = Tracker(tmp_path).read()
    events = state.history("renja").all()
    assert len(events) == 400
    for name in ("a", "b"):
        assert sorted(e["n"] for e in events if e["deliverable"] == name) == list(range(200))
    assert len(state.table("numbers").all()) == 400


def test_sigkill_never_loses_an_acknowledged_update(tmp_path):
    rng = random.Random(20221231)
    acknowledged: set[tuple[str, int]] = set()
    for round_ in range(20):
        name = f"w{round_}"
        proc = _writer(tmp_path, name, 10_000)
        wanted = rng.randint(1, 6)
        acked = 0
        assert proc.stdout is not None
        while acked < wanted:
            line = proc.stdout.readline()
            assert line.startswith("ack "), line
            acknowledged.add((name, int(line.split()[1])))
            acked += 1
        time.sleep(rng.random() * 0.02)  # die somewhere in the middle of a write
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        acknowledged.update((name, int(x.split()[1])) for x in rest.splitlines() if x.startswith("ack"))
        state = Tracker(tmp_path).read()  # always loads
        stored = {(e["deliverable"], e["n"]) for e in state.history("renja").all()}
        assert acknowledged <= stored
    leftovers = [p.name for p in tmp_path.rglob("*.tmp")]
    assert len(leftovers) <= 20  # a killed writer may leave its temp file, never a broken tracker


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"numbers": {"1": {"kind": "let', "tracker.json: corrupt tracker file"),
        (b"[1, 2, 3]", "tracker.json: not a docgen tracker file"),
        (json.dumps({"_meta": {"1": {"schema": 99}}}).encode(),
         "tracker.json: written by a newer docgen (schema 99"),
    ],
)
def test_bad_tracker_is_reported_and_untouched(example, cli, content, message):
    tracker = example / "tracker.json"
    tracker.write_bytes(content)
    for args in (["agreement", "list"],
                 ["agreement", "terminate", "ntt-mou-2021", "--on", "2023-01-01", "--reason", "x"],
                 ["monitor", "--json"], ["build", "--force"]):
        run = cli(example, *args)
        assert run.exit_code == 1, args
        assert message in run.stderr, (args, run.stderr)
        assert "Traceback" not in run.stderr
        assert tracker.read_bytes() == content


def test_corrupt_history_file_is_reported(example, cli):
    history = example / "tracker-history" / "ntt-renja-2022.json"
    history.parent.mkdir()
    history.write_bytes(b"\x00\x01garbage")
    run = cli(example, "deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done")
    assert run.exit_code == 1
    assert run.stderr.startswith("tracker-history/ntt-renja-2022.json: corrupt tracker file")
    assert history.read_bytes() == b"\x00\x01garbage"


def test_failed_transaction_writes_nothing(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state.table("numbers").insert({"n": 1})
    before = (tmp_path / "tracker.json").read_bytes()
    with pytest.raises(RuntimeError), tracker.write() as state:
        state.table("numbers").insert({"n": 2})
        raise RuntimeError("boom")
    assert (tmp_path / "tracker.json").read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_invalid_history_id_is_refused(tmp_path):
    with pytest.raises(TrackerError):
        Tracker(tmp_path).read().history("../escape")
