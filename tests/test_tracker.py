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

import docgen.state.file
from docgen.errors import TrackerError
from docgen.state.file import FileTracker as Tracker
from tests.conftest import REPO

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from docgen.state.file import FileTracker
    root, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    tracker = FileTracker(root)
    for i in range(count):
        with tracker.write() as state:
            state._raw_append("renja", [{"deliverable": name, "on": "2022-01-01",
                                            "status": "done", "n": i}])
            state._raw_insert("numbers", [{"number": f"{name}-{i}", "writer": name, "n": i}])
        print(f"ack {i}", flush=True)
""")

# Records updates through the real CLI code path (deliverables.record_updates).
CLI_WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from docgen.app.deliverables import set_status
    from docgen.workspace import Workspace
    ws = Workspace(__import__("pathlib").Path(sys.argv[1]))
    for i in range(int(sys.argv[3])):
        set_status(ws, "ntt-renja-2022", sys.argv[2], "in_progress", date(2022, 3, 1),
                   f"{sys.argv[2]} {i}")
""")


def _python(code: str, *args: object, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)], env={**os.environ, "PYTHONPATH": str(REPO)}, **kw
    )


def test_two_processes_lose_no_update(tmp_path):
    procs = [_python(WRITER, tmp_path, name, 200, stdout=subprocess.DEVNULL) for name in "ab"]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    with Tracker(tmp_path).read() as state:
        events = state._raw_history("renja")
        numbers = state._raw_rows("numbers")
    assert len(events) == 400 and len({e["id"] for e in events}) == 400
    for name in "ab":
        assert sorted(e["n"] for e in events if e["deliverable"] == name) == list(range(200))
    assert len(numbers) == 400 and len({n["number"] for n in numbers}) == 400


def test_two_cli_writers_lose_no_deliverable_update(example):
    procs = [_python(CLI_WRITER, example, did, 200) for did in ("W1-D1", "W2-D1")]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    with Tracker(example).read() as state:
        events = state._raw_history("ntt-renja-2022")
    assert len(events) == 400
    for did in ("W1-D1", "W2-D1"):
        assert [e["note"] for e in events if e["deliverable"] == did] == [f"{did} {i}" for i in range(200)]


def test_sigkill_never_loses_an_acknowledged_update(tmp_path):
    rng = random.Random(20221231)
    acknowledged: set[tuple[str, int]] = set()
    for round_ in range(20):
        name = f"w{round_}"
        proc = _python(WRITER, tmp_path, name, 100_000, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for _ in range(rng.randint(1, 6)):
            line = proc.stdout.readline()
            assert line.startswith("ack "), line
            acknowledged.add((name, int(line.split()[1])))
        time.sleep(rng.random() * 0.02)  # die somewhere in the middle of a write
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        acknowledged.update(
            (name, int(x.split()[1]))
            for x in rest.splitlines()
            if x.startswith("ack ") and x.strip().split()[1].isdigit()
        )
        with Tracker(tmp_path).read() as state:  # always loads
            stored = {(e["deliverable"], e["n"]) for e in state._raw_history("renja")}
            numbers = {(e["writer"], e["n"]) for e in state._raw_rows("numbers")}
        assert acknowledged <= stored
        assert acknowledged <= numbers
        # This writer's transactions change two files, replaced one after the other: a kill
        # between the two renames is the only way for them to differ, by one transaction.
        assert len({x for x in stored ^ numbers if x[0] == name}) <= 1
    # A killed writer may leave its temporary file; the next writer removes it.
    with Tracker(tmp_path).write():
        pass
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"numbers": {"1": {"kind": "let', "tracker.json: corrupt tracker file"),
        (b"\xff\xfe\x00garbage", "tracker.json: corrupt tracker file"),
        (b"[1, 2, 3]", "tracker.json: not a docgen tracker file"),
        (b'{"numbers": {"1": 5}}', "tracker.json: not a docgen tracker file"),
        (
            json.dumps({"_meta": {"1": {"schema": 99, "docgen": "9.0"}}}).encode(),
            "tracker.json: written by a newer docgen (schema 99, this one reads 2); upgrade docgen, "
            "the file is left untouched",
        ),
    ],
)
def test_bad_tracker_is_reported_and_untouched(example, cli, content, message):
    tracker = example / "tracker.json"
    tracker.write_bytes(content)
    for args in (
        ["agreement", "list"],
        ["agreement", "terminate", "ntt-mou-2021", "--on", "2023-01-01", "--reason", "x"],
        ["deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done"],
        ["deliverable", "list"],
        ["monitor", "--json"],
        ["build", "--force"],
    ):
        run = cli(example, *args)
        assert run.exit_code == 1, args
        assert run.stderr.startswith(message), (args, run.stderr)
        assert len(run.stderr.splitlines()) == 1
        assert "Traceback" not in run.stderr
        assert tracker.read_bytes() == content
    assert not (example / "tracker-history").exists()


def _index(root: Path) -> dict:
    return json.loads((root / "tracker-numbers" / "index.json").read_text(encoding="utf-8"))


def _numbers_given(root: Path, cli, n: int) -> list[str]:
    return [
        json.loads(cli(root, "number", "next", "letter", "--on", "2022-03-01", "--json").stdout)["number"]
        for _ in range(n)
    ]


def test_a_lost_registry_index_is_made_again_from_the_registry(example, cli):
    # index.json holds each register's last number so that allocating reads one small
    # file; lost (deleted, left out of a copy), it is made again, never started afresh:
    # that would give the registry's numbers again.
    given = _numbers_given(example, cli, 3)
    before = _index(example)
    (example / "tracker-numbers" / "index.json").unlink()
    preview = cli(example, "number", "next", "letter", "--on", "2022-03-01", "--dry-run")
    assert preview.exit_code == 0 and preview.stdout.split()[0] == "B/004/PW24/KM.01/III/2022"
    (fourth,) = _numbers_given(example, cli, 1)
    assert fourth not in given and fourth.startswith("B/004/")
    after = _index(example)
    assert after["last"]["letter|2022"]["seq"] == 4 and after["pos"] == before["pos"] + 1


def test_a_registry_index_older_than_the_registry_is_made_again(example, cli):
    # index.json restored alone from an older backup (or synced on its own) names an older
    # last number: its record of the registry files' sizes shows it, and it is made again.
    index = example / "tracker-numbers" / "index.json"
    _numbers_given(example, cli, 2)
    backup = index.read_bytes()
    given = _numbers_given(example, cli, 2)
    index.write_bytes(backup)
    (fifth,) = _numbers_given(example, cli, 1)
    assert fifth.startswith("B/005/") and fifth not in given
    assert _index(example)["last"]["letter|2022"]["seq"] == 5


def test_a_registry_index_ahead_of_the_registry_keeps_its_last_number(example, cli):
    # The other way round: a registry file lost its last record (a crash, then an older
    # docgen that removed the file's pending copy). The index made again never goes below
    # the number the index said was given.
    given = _numbers_given(example, cli, 3)
    folder = example / "tracker-numbers"
    shard = folder / f"{docgen.state.file.NumberStore.shard_of(given[-1])}.json"
    data = json.loads(shard.read_text(encoding="utf-8"))
    del data["numbers"][given[-1]]
    shard.write_text(json.dumps(data), encoding="utf-8")
    (fourth,) = _numbers_given(example, cli, 1)
    assert fourth.startswith("B/004/")


def test_a_registry_index_of_before_sizes_is_trusted_and_given_them(example, cli):
    index = example / "tracker-numbers" / "index.json"
    _numbers_given(example, cli, 2)
    old = _index(example)
    del old["sizes"]
    index.write_text(json.dumps(old), encoding="utf-8")
    (third,) = _numbers_given(example, cli, 1)
    assert third.startswith("B/003/")
    sizes = _index(example)["sizes"]
    shards = sorted(p.name for p in index.parent.glob("??.json"))
    assert sorted(sizes) == shards
    assert all(sizes[name] == (index.parent / name).stat().st_size for name in shards)


@pytest.mark.parametrize(
    "spoil, message",
    [
        (
            lambda entry: entry.pop("on"),
            "tracker-numbers/: numbers: record 'B/002/PW24/KM.01/III/2022': on: missing",
        ),
        (
            lambda entry: entry.update(seq="2"),
            "tracker-numbers/: numbers: record 'B/002/PW24/KM.01/III/2022': seq:",
        ),
    ],
)
def test_a_broken_registry_index_entry_is_named_and_nothing_is_given(example, cli, spoil, message):
    _numbers_given(example, cli, 2)
    index = _index(example)
    spoil(index["last"]["letter|2022"])
    path = example / "tracker-numbers" / "index.json"
    path.write_text(json.dumps(index), encoding="utf-8")
    content = path.read_bytes()
    run = cli(example, "--lang", "en", "number", "next", "letter", "--on", "2022-03-01")
    assert run.exit_code == 1 and run.stderr.startswith(message), run.stderr
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr
    assert path.read_bytes() == content


def test_a_registry_index_entry_that_is_not_a_record_is_named(example, cli):
    _numbers_given(example, cli, 1)
    index = _index(example)
    index["last"]["letter|2022"] = "B/009"
    path = example / "tracker-numbers" / "index.json"
    path.write_text(json.dumps(index), encoding="utf-8")
    run = cli(example, "--lang", "en", "number", "next", "letter", "--on", "2022-03-01")
    assert run.exit_code == 1
    assert run.stderr.startswith(
        "tracker-numbers/index.json: last: 'letter|2022' is not a record of the registry"
    )


def test_an_update_naming_a_field_its_record_does_not_have_is_refused(tmp_path):
    # A partial record mypy cannot check: a key typo is an error before anything is written.
    from docgen.records import LETTERS

    tracker = Tracker(tmp_path)
    letter = {"number": "B/001", "kind": "followup", "agreement": "a", "on": "2022-03-01"}
    with tracker.write() as session:
        session.insert(LETTERS, [letter])
    before = (tmp_path / "tracker.json").read_bytes()
    with pytest.raises(ValueError, match="letters: LetterRecord has no field voided_byy"):
        with tracker.write() as session:
            session.update(LETTERS, "B/001", {"voided_byy": "B/002"})
    assert (tmp_path / "tracker.json").read_bytes() == before


def test_corrupt_history_file_is_reported(example, cli):
    history = example / "tracker-history" / "ntt-renja-2022.json"
    history.parent.mkdir()
    history.write_bytes(b"\x00\x01garbage")
    for args in (
        ["deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done"],
        ["monitor"],
        ["deliverable", "history", "ntt-renja-2022", "W1-D1"],
    ):
        run = cli(example, *args)
        assert run.exit_code == 1
        assert run.stderr.startswith("tracker-history/ntt-renja-2022.json: corrupt tracker file")
        assert history.read_bytes() == b"\x00\x01garbage"


def test_history_file_from_a_newer_docgen(example, cli):
    history = example / "tracker-history" / "ntt-renja-2022.json"
    history.parent.mkdir()
    content = json.dumps({"history": {}, "_meta": {"1": {"schema": 99}}}).encode()
    history.write_bytes(content)
    run = cli(example, "deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done")
    assert run.exit_code == 1
    assert "tracker-history/ntt-renja-2022.json: written by a newer docgen (schema 99" in run.stderr
    assert history.read_bytes() == content


def test_failed_transaction_writes_nothing(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state._raw_insert("numbers", [{"number": "1"}])
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}])
    before = [
        (tmp_path / "tracker.json").read_bytes(),
        (tmp_path / "tracker-history" / "a.json").read_bytes(),
    ]
    with pytest.raises(RuntimeError), tracker.write() as state:
        state._raw_insert("numbers", [{"number": "2"}])
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-02", "status": "done"}])
        state._raw_append("b", [{"deliverable": "D", "on": "2022-01-02", "status": "done"}])
        raise RuntimeError("boom")
    assert [
        (tmp_path / "tracker.json").read_bytes(),
        (tmp_path / "tracker-history" / "a.json").read_bytes(),
    ] == before
    assert not (tmp_path / "tracker-history" / "b.json").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_only_changed_files_are_rewritten(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state._raw_insert("numbers", [{"number": "1"}])
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}])
    paths = [tmp_path / "tracker.json", tmp_path / "tracker-history" / "a.json"]
    stamps = [p.stat().st_mtime_ns for p in paths]
    inodes = [p.stat().st_ino for p in paths]
    time.sleep(0.01)
    with tracker.write() as state:
        state._raw_append("b", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}])
        assert len(state._raw_history("a")) == 1  # reading does not dirty a file
    assert [p.stat().st_mtime_ns for p in paths] == stamps
    assert [p.stat().st_ino for p in paths] == inodes
    with Tracker(tmp_path).read() as state:
        assert state.history_ids() == ["a", "b"]


def test_a_read_never_sees_half_of_a_commit_whose_writer_died_among_its_renames(tmp_path, monkeypatch):
    """The commit record names every file; a writer killed after renaming one of them
    leaves the others beside their targets. The next read finishes the commit first."""
    tracker = Tracker(tmp_path)
    renames = []
    real_replace = os.replace

    def replace_once(src, dst):
        if renames:
            raise KeyboardInterrupt  # the writer dies here, its record and files left behind
        renames.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(docgen.state.file.os, "replace", replace_once)
    with pytest.raises(KeyboardInterrupt), tracker.write() as state:
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}])
        state._raw_insert("numbers", [{"number": f"B/{n}/2022"} for n in range(5)])  # several shards
    monkeypatch.setattr(docgen.state.file.os, "replace", real_replace)
    assert len(renames) == 1 and tracker.commit_path.exists()
    with tracker.read() as state:
        assert [r["number"] for r in state._raw_rows("numbers")] == [f"B/{n}/2022" for n in range(5)]
        assert len(state._raw_history("a")) == 1
    assert not tracker.commit_path.exists() and not list(tmp_path.rglob("*.tmp"))


DIES_AT_RENAME = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import docgen.state.file
    from docgen.state.file import FileTracker
    root, die_at = Path(sys.argv[1]), int(sys.argv[2])
    with FileTracker(root).write() as state:  # one number first: the files exist
        state._raw_insert("numbers", [{"number": "first"}])
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == die_at:
            os._exit(9)  # killed here: no cleanup runs
        real_replace(src, dst)

    docgen.state.file.os.replace = replace
    with FileTracker(root).write() as state:
        state._raw_insert("numbers", [{"number": f"B/{n}/2022", "seq": n, "year": 2022} for n in range(5)])
""")


@pytest.mark.parametrize("die_at", [1, 2, 4])
def test_a_number_commit_killed_at_any_rename_is_all_or_nothing(tmp_path, die_at):
    """A commit of tracker-numbers/ alone has index.json for its commit record: killed
    before the index's rename (1) it never happened; after it (2: no registry file
    renamed yet, 4: two of five), every reader and writer sees all five numbers."""
    proc = _python(DIES_AT_RENAME, tmp_path, die_at)
    assert proc.wait(timeout=60) == 9
    assert not Tracker(tmp_path).commit_path.exists()  # no separate commit record
    expected = ["first"] if die_at == 1 else ["first", *(f"B/{n}/2022" for n in range(5))]
    with Tracker(tmp_path).read() as state:
        assert [r["number"] for r in state._raw_rows("numbers")] == expected
        assert (state.last_number("letter", 2022) or {}).get("seq") is None
    with Tracker(tmp_path).write() as state:  # the next writer: removes what the dead one left
        assert [r["number"] for r in state._raw_rows("numbers")] == expected
        state._raw_insert("numbers", [{"number": "next"}])
    assert not list(tmp_path.rglob("*.tmp"))
    with Tracker(tmp_path).read() as state:
        assert [r["number"] for r in state._raw_rows("numbers")] == [*expected, "next"]


def test_allocating_a_number_writes_two_files_and_fsyncs_four_times(tmp_path, monkeypatch):
    """`number next` changes index.json and one registry file: they are fsynced with their
    folder at once, the index renamed and the folder fsynced (the commit), the registry
    file renamed; tracker.json and a separate commit record are not written."""
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state._raw_insert(
            "numbers", [{"number": "B/1/2022", "kind": "letter", "seq": 1, "year": 2022, "on": "2022-03-01"}]
        )
    synced, renamed = [], []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    monkeypatch.setattr(
        os, "replace", lambda src, dst: renamed.append(Path(dst).name) or real_replace(src, dst)
    )
    tracker_json = (tmp_path / "tracker.json").stat()
    with tracker.write() as state:
        state._raw_insert(
            "numbers", [{"number": "B/2/2022", "kind": "letter", "seq": 2, "year": 2022, "on": "2022-03-02"}]
        )
    assert len(synced) == 4
    assert renamed == ["index.json", f"{docgen.state.file.NumberStore.shard_of('B/2/2022')}.json"]
    assert (tmp_path / "tracker.json").stat().st_ino == tracker_json.st_ino
    with tracker.read() as state:
        assert state.last_number("letter", 2022)["seq"] == 2


def test_reading_creates_nothing(tmp_path):
    with Tracker(tmp_path).read() as state:
        assert state._raw_rows("numbers") == []
        assert state._raw_history("x") == [] and state.history_ids() == [] and state._raw_histories() == {}
    assert list(tmp_path.iterdir()) == []


def test_all_history_and_stray_files(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}] * 3)
    (tmp_path / "tracker-history" / "Notes.JSON.json").write_text("{}")
    (tmp_path / "tracker-history" / "README.txt").write_text("hi")
    with tracker.read() as state:
        assert state.history_ids() == ["a"]
        assert {k: [e["id"] for e in v] for k, v in state._raw_histories().items()} == {"a": ["1", "2", "3"]}


@pytest.mark.parametrize("bad", ["../escape", "A", "", "a/b", "-x", "a.json"])
def test_invalid_history_id_is_refused(tmp_path, bad):
    with pytest.raises(TrackerError, match="not a valid agreement id"):
        with Tracker(tmp_path).read() as state:
            state._raw_history(bad)


def test_dates_round_trip_as_iso_text(tmp_path):
    tracker = Tracker(tmp_path)
    with tracker.write() as state:
        state._raw_insert("terminations", [{"agreement": "a", "on": "2022-09-01"}])
    raw = json.loads((tmp_path / "tracker.json").read_text(encoding="utf-8"))
    assert raw["terminations"]["1"] == {"agreement": "a", "on": "2022-09-01", "id": "1"}
    assert raw["_meta"]["1"]["schema"] == docgen.state.file.SCHEMA


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from docgen.state.file import FileTracker
    with FileTracker(Path(sys.argv[1])).write() as state:
        state._raw_insert("numbers", [{"number": "1", "by": "holder"}])
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def test_a_writer_waits_for_the_lock(tmp_path):
    holder = _python(HOLDER, tmp_path, 0.5, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    with Tracker(tmp_path).write() as state:
        # The holder committed before we got the lock: we see its record.
        assert [r["by"] for r in state._raw_rows("numbers")] == ["holder"]
        state._raw_insert("numbers", [{"number": "2", "by": "me"}])
    assert holder.wait(timeout=30) == 0
    with Tracker(tmp_path).read() as state:
        assert [r["by"] for r in state._raw_rows("numbers")] == ["holder", "me"]


def test_lock_timeout_is_a_clear_error(tmp_path, monkeypatch):
    holder = _python(HOLDER, tmp_path, 5, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        monkeypatch.setattr(docgen.state.file, "LOCK_TIMEOUT", 0.2)
        with (
            pytest.raises(TrackerError, match=r"another docgen has held \.docgen/lock"),
            Tracker(tmp_path).write(),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    # The lock dies with its process: the next writer gets it at once.
    monkeypatch.setattr(docgen.state.file, "LOCK_TIMEOUT", 5)
    with Tracker(tmp_path).write() as state:
        state._raw_insert("numbers", [{"number": "2", "by": "me"}])
    with Tracker(tmp_path).read() as state:
        assert [r["by"] for r in state._raw_rows("numbers")] == ["me"]


def test_unwritable_tracker_is_a_tracker_error(tmp_path):
    if os.geteuid() == 0:
        # root ignores permissions: make the target a folder instead, which no one can replace
        (tmp_path / "tracker-history" / "a.json").mkdir(parents=True)
        (tmp_path / "tracker-history" / "a.json" / "x").write_text("")
    else:  # pragma: no cover
        (tmp_path / "tracker-history").mkdir()
        (tmp_path / "tracker-history").chmod(0o500)
    with (
        pytest.raises(TrackerError, match=r"tracker-history/a\.json: cannot"),
        Tracker(tmp_path).write() as state,
    ):
        state._raw_append("a", [{"deliverable": "D", "on": "2022-01-01", "status": "done"}])


def test_stale_temp_files_are_removed_under_the_lock(tmp_path):
    (tmp_path / "tracker-history").mkdir()
    stale = [tmp_path / ".tracker.json.abc123.tmp", tmp_path / "tracker-history" / ".a.json.x1.tmp"]
    for path in stale:
        path.write_text("half")
    other = tmp_path / ".report.pdf.zz.tmp"  # someone else's temporary file: not ours to remove
    other.write_text("x")
    with Tracker(tmp_path).write():
        pass
    assert not any(p.exists() for p in stale) and other.exists()


def test_the_file_tracker_lives_in_the_workspace(example):
    assert Tracker(example).path == example / "tracker.json"
    assert Path(Tracker(example).history_dir).name == "tracker-history"
