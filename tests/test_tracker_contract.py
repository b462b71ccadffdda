"""The tracker contract (state/base.py), run against each backend: the file tracker and a
real PostgreSQL server (a fresh database per test; see tests/pg_server.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pytest

from docgen.config import Config
from docgen.errors import TrackerError
from docgen.state.base import TABLES
from docgen.state.registry import Registry
from tests.conftest import REPO

OFFICE_CONFIG = {
    "office": {
        "name": "Ombudsman RI Perwakilan {code}",
        "unit_code": "{code}",
        "city": "Kota",
        "head": {"name": "Kepala", "title": "Kepala Perwakilan"},
    }
}


def config(code: str) -> Config:
    office = {
        k: (v.format(code=code) if isinstance(v, str) else v) for k, v in OFFICE_CONFIG["office"].items()
    }
    return Config.model_validate({"office": office})


# A process that opens the tracker of one office the way docgen does (the URL from the
# environment, else the file tracker in ROOT).
OPEN = """
import os, sys
from pathlib import Path
def open_office(root, office):
    url = os.environ.get("DOCGEN_TRACKER_URL")
    if url:
        from docgen.state.postgres import PostgresTracker
        return PostgresTracker(url, office=office)
    from docgen.state.file import FileTracker
    return FileTracker(Path(root), office)
"""

ALLOCATOR = OPEN + textwrap.dedent("""
    from datetime import date
    from docgen.config import Config
    from docgen.state.registry import Registry
    root, office, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    cfg = Config.model_validate({"office": {"name": "Kantor " + office, "unit_code": office,
        "city": "Kota", "head": {"name": "Kepala", "title": "Kepala"}}})
    tracker = open_office(root, office)
    for i in range(count):
        tracker.transaction(lambda s: Registry(s, cfg).allocate("letter", date(2022, 6, 1), f"p{i}"))
""")

WRITER = OPEN + textwrap.dedent("""
    root, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tracker = open_office(root, "PW24")
    for i in range(count):
        with tracker.write() as state:
            state._raw_append("renja", [{"deliverable": name, "on": "2022-01-01",
                                            "status": "done", "n": i}])
            state._raw_insert("numbers", [{"number": f"{name}-{i}-{half}", "writer": name, "n": i}
                                     for half in "ab"])
        print(f"ack {i}", flush=True)
""")


def _python(code: str, *args: object, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)], env={**os.environ, "PYTHONPATH": str(REPO)}, **kw
    )


# --- sessions ------------------------------------------------------------------------------


def test_a_new_tracker_reads_empty_and_reading_creates_nothing(backend):
    tracker = backend.tracker()
    with tracker.read() as s:
        assert all(s._raw_rows(t) == [] for t in TABLES)
        assert s.history_ids() == [] and s._raw_histories() == {} and s._raw_history("renja") == []
        assert s._raw_find("numbers", "x") is None
    if backend.name == "file":
        assert not (backend.root() / "tracker.json").exists()
    else:
        assert tracker.info()["schema"] is None


def test_records_keep_their_order_their_keys_and_their_text(backend):
    tracker = backend.tracker()
    records = [
        {
            "number": f"B/{i}",
            "kind": "letter",
            "seq": i,
            "year": 2022,
            "ref": {"z": 1, "a": [1.5, None, "ü"]},
            "for": "Sürat",
            "void": False,
        }
        for i in (3, 1, 2)
    ]
    with tracker.write() as s:
        s._raw_insert("numbers", records[:1])
        s._raw_insert("numbers", records[1:])
    with tracker.read() as s:
        rows = s._raw_rows("numbers")
        assert rows == records
        assert [list(r) for r in rows] == [list(r) for r in records]  # key order too
        assert s._raw_find("numbers", "B/1") == records[1]


def test_insert_refuses_a_key_already_recorded(backend):
    tracker = backend.tracker()
    with tracker.write() as s:
        s._raw_insert("letters", [{"number": "L1", "on": "2022-01-01"}])
    with pytest.raises(TrackerError, match="already recorded"), tracker.write() as s:
        s._raw_insert("letters", [{"number": "L2"}, {"number": "L1"}])
    with tracker.read() as s:
        assert [r["number"] for r in s._raw_rows("letters")] == ["L1"]


def test_update_and_put(backend):
    tracker = backend.tracker()
    with tracker.write() as s:
        s._raw_insert(
            "certificates", [{"number": "C1", "revoked": False}, {"number": "C2", "revoked": False}]
        )
        s._raw_put("builds", [{"output": "a.docx", "key": "1"}, {"output": "b.docx", "key": "1"}])
    with tracker.write() as s:
        changed = s._raw_update("certificates", "C1", {"revoked": True, "revoked_reason": "salah"})
        assert changed == {"number": "C1", "revoked": True, "revoked_reason": "salah"}
        s._raw_put("builds", [{"output": "a.docx", "key": "2"}])
        with pytest.raises(TrackerError, match="no record"):
            s._raw_update("certificates", "C9", {"revoked": True})
    with tracker.read() as s:
        assert s._raw_find("certificates", "C1")["revoked"] is True
        assert s._raw_find("certificates", "C2")["revoked"] is False
        assert s._raw_rows("builds") == [{"output": "b.docx", "key": "1"}, {"output": "a.docx", "key": "2"}]


def test_ids_are_given_in_recording_order(backend):
    tracker = backend.tracker()
    with tracker.write() as s:
        s._raw_insert("terminations", [{"agreement": "a", "on": "2022-05-01"}])
        s._raw_append("renja", [{"deliverable": "D1"}, {"deliverable": "D2"}])
    with tracker.write() as s:
        s._raw_insert("terminations", [{"agreement": "b", "on": "2022-06-01"}])
        s._raw_append("renja", [{"deliverable": "D3"}])
        s._raw_append("mou", [{"deliverable": "X", "id": "7"}])
        with pytest.raises(TrackerError, match="already recorded"):
            s._raw_append("mou", [{"deliverable": "Y", "id": "7"}])
    with tracker.read() as s:
        assert [t["id"] for t in s._raw_rows("terminations")] == ["1", "2"]
        assert [(e["id"], e["deliverable"]) for e in s._raw_history("renja")] == [
            ("1", "D1"),
            ("2", "D2"),
            ("3", "D3"),
        ]
        assert s.history_ids() == ["mou", "renja"]
        assert list(s._raw_histories(["renja", "nothing", "mou"])) == ["renja", "mou"]
        assert list(s._raw_histories()) == ["mou", "renja"]


@pytest.mark.parametrize("bad", ["../x", "A", "", "a/b", "-a"])
def test_invalid_agreement_ids_are_refused(backend, bad):
    with pytest.raises(TrackerError, match="not a valid agreement id"), backend.tracker().write() as s:
        s._raw_append(bad, [{"deliverable": "D1"}])


def test_a_failed_transaction_writes_nothing(backend):
    tracker = backend.tracker()
    with tracker.write() as s:
        s._raw_insert("numbers", [{"number": "N1"}])
    with pytest.raises(RuntimeError), tracker.write() as s:
        s._raw_insert("numbers", [{"number": "N2"}])
        s._raw_append("renja", [{"deliverable": "D1"}])
        raise RuntimeError("boom")
    with tracker.read() as s:
        assert [r["number"] for r in s._raw_rows("numbers")] == ["N1"]
        assert s.history_ids() == []


def test_transaction_returns_what_its_body_returns(backend):
    tracker = backend.tracker()
    assert tracker.transaction(lambda s: s._raw_insert("numbers", [{"number": "N1"}]) or "ok") == "ok"
    with tracker.read() as s:
        assert s._raw_rows("numbers") == [{"number": "N1"}]


def test_offices_are_apart(backend):
    a, b = backend.tracker("PW24"), backend.tracker("PW10")
    for tracker, office in ((a, "PW24"), (b, "PW10")):
        with tracker.write() as s:
            s._raw_insert("numbers", [{"number": "B/1/2022", "office": office}])
            s._raw_insert("terminations", [{"agreement": "x", "office": office}])
            s._raw_append("renja", [{"deliverable": "D1", "office": office}])
    for tracker, office in ((a, "PW24"), (b, "PW10")):
        with tracker.read() as s:
            assert s._raw_rows("numbers") == [{"number": "B/1/2022", "office": office}]
            assert s._raw_rows("terminations") == [{"agreement": "x", "office": office, "id": "1"}]
            assert s._raw_history("renja") == [{"deliverable": "D1", "office": office, "id": "1"}]


def test_dump_and_load_round_trip(backend):
    source = backend.tracker("PW24")
    with source.write() as s:
        s._raw_insert("numbers", [{"number": "B/1", "kind": "letter", "seq": 1, "year": 2022}])
        s._raw_insert("terminations", [{"agreement": "a", "on": "2022-01-01"}])
        s._raw_append("renja", [{"deliverable": "D1", "status": "done"}, {"deliverable": "D2"}])
    dump = source.dump()
    target = backend.tracker("PW10")
    target.load(dump)
    assert target.dump() == dump
    with pytest.raises(TrackerError, match="not empty"):
        target.load(dump)
    assert target.dump() == dump


# --- numbers under concurrency ------------------------------------------------------------


def test_two_offices_two_processes_each_allocate_without_duplicate_or_gap(backend):
    """2 workspaces (offices) x 2 processes x 100 allocations at once."""
    offices = ("PW24", "PW10")
    procs = [_python(ALLOCATOR, backend.root(office), office, 100) for office in offices for _ in range(2)]
    for proc in procs:
        assert proc.wait(timeout=180) == 0
    for office in offices:
        with backend.tracker(office).read() as s:
            numbers = s._raw_rows("numbers")
        assert len(numbers) == 200
        assert sorted(n["seq"] for n in numbers) == list(range(1, 201))
        assert len({n["number"] for n in numbers}) == 200
        assert all(f"/{office}/" in n["number"] for n in numbers)


def test_numbers_restart_every_year(backend):
    tracker = backend.tracker()
    cfg = config("PW24")
    got = []
    for on in (date(2022, 12, 31), date(2022, 12, 31), date(2023, 1, 2), date(2023, 1, 3)):
        got.append(tracker.transaction(lambda s, on=on: Registry(s, cfg).allocate("letter", on)))
    assert [(r["year"], r["seq"]) for r in got] == [(2022, 1), (2022, 2), (2023, 1), (2023, 2)]


# --- crashes -------------------------------------------------------------------------------


def test_sigkill_never_loses_an_acknowledged_write_nor_leaves_half_of_one(backend):
    rng = random.Random(20221231)
    acked = 0
    for round_ in range(8):
        proc = _python(WRITER, backend.root(), f"w{round_}", 10_000, stdout=subprocess.PIPE, text=True)
        lines = []
        deadline = time.monotonic() + 30
        want = rng.randint(3, 15)
        while len(lines) < want and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        acked += len(lines)
        with backend.tracker().read() as s:
            events = s._raw_history("renja")
            numbers = s._raw_rows("numbers")
        # every acknowledged write is there, and each file or database transaction is
        # whole: both halves of its numbers, or neither
        assert len(events) >= acked
        assert [n["number"] for n in numbers[::2]] == [f"{n['writer']}-{n['n']}-a" for n in numbers[::2]]
        assert [n["number"] for n in numbers[1::2]] == [f"{n['writer']}-{n['n']}-b" for n in numbers[::2]]
        if backend.name == "postgresql":  # one transaction across history and numbers
            assert [(e["deliverable"], e["n"]) for e in events] == [
                (n["writer"], n["n"]) for n in numbers[::2]
            ]
        acked = len(events)
