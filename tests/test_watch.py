"""`docgen watch` with a real watchdog observer, real files and a real process."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document

from docgen.agreements import load_catalog
from docgen.app.watch import ChangeCollector, Changes, _editor_noise, affected
from docgen.workspace import Workspace
from tests.conftest import REPO

RENJA_OUT = "outputs/agreements/ntt-renja-2022.docx"
MOU_OUT = "outputs/agreements/ntt-mou-2021.docx"


class WatchProcess:
    """`docgen watch --json-log` in a subprocess; its events arrive on a queue."""

    def __init__(self, ws: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "docgen", "-w", str(ws), "watch", "--json-log", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # Ctrl-C as a terminal sends it, even when pytest itself runs where SIGINT is
            # ignored (a background job of a shell), which a child would inherit.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.events: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def wait_for(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                assert self.proc.poll() is None, self.proc.stderr.read()
                continue
            self.seen.append(event)
            if predicate(event):
                return event
        raise AssertionError(f"no matching event within {timeout} s; seen: {self.seen}")

    def builds_within(self, seconds: float) -> list[dict]:
        """Every build event that arrives in the next `seconds` (for counting rebuilds)."""
        deadline = time.monotonic() + seconds
        found = []
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(event)
            if event["event"] == "build":
                found.append(event)
        return found

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=15)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def watching(example):
    started = []

    def start(*extra: str) -> WatchProcess:
        proc = WatchProcess(example, *extra)
        started.append(proc)
        proc.wait_for(lambda e: e["event"] == "build")  # the initial build
        return proc

    yield start
    for proc in started:
        proc.kill()


def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edit_rebuilds_only_the_affected_draft(example, watching):
    watch = watching()
    assert (example / RENJA_OUT).exists() and (example / MOU_OUT).exists()
    mou_before = (example / MOU_OUT).stat().st_mtime_ns
    edit(
        example / "agreements/ntt-renja-2022.yaml",
        "Rapat koordinasi triwulan I,",
        "Rapat koordinasi triwulan pertama,",
    )
    event = watch.wait_for(lambda e: e["event"] == "build" and e["built"])
    assert event["built"] == [RENJA_OUT]
    assert "Rapat koordinasi triwulan pertama" in docx_text(example / RENJA_OUT)
    assert (example / MOU_OUT).stat().st_mtime_ns == mou_before
    assert watch.interrupt() == 0


def test_parent_edit_rebuilds_children(example, watching):
    watch = watching()
    edit(example / "agreements/ntt-mou-2021.yaml", "place: Kupang", "place: Kota Kupang")
    event = watch.wait_for(lambda e: e["event"] == "build" and e["built"])
    assert sorted(event["built"]) == [MOU_OUT, RENJA_OUT]


def test_bad_edit_keeps_watching_and_output(example, watching):
    watch = watching()
    renja = example / "agreements/ntt-renja-2022.yaml"
    before = (example / RENJA_OUT).read_bytes()
    edit(renja, "due: 2022-03-31, evidence: notulen rapat}", "due: 2022-02-30, evidence: notulen rapat}")
    event = watch.wait_for(lambda e: e["event"] == "error")
    assert any(
        line.startswith(
            "agreements/ntt-renja-2022.yaml: work_items #1, deliverables #1, due: "
            "'2022-02-30' is not a valid date"
        )
        for line in event["errors"]
    )
    assert watch.proc.poll() is None
    assert (example / RENJA_OUT).read_bytes() == before
    # the fix is picked up
    edit(renja, "due: 2022-02-30,", "due: 2022-04-01,")
    watch.wait_for(lambda e: e["event"] == "build" and e["built"] == [RENJA_OUT])
    assert "1 April 2022" in docx_text(example / RENJA_OUT)


def test_template_change_rebuilds_its_users(example, watching):
    from docgen.render.templates import template_path

    watch = watching()
    default = template_path(Workspace(example).templates_dir, "renja")
    (example / "templates/renja.docx").write_bytes(default.read_bytes())
    event = watch.wait_for(lambda e: e["event"] == "build" and e["built"])
    assert event["built"] == [RENJA_OUT]


def test_burst_of_saves_is_one_or_two_rebuilds(example, watching):
    watch = watching()
    renja = example / "agreements/ntt-renja-2022.yaml"
    text = renja.read_text(encoding="utf-8")
    for i in range(20):
        # the editor pattern: write a temporary file, then rename it over the original
        tmp = renja.with_name(f".ntt-renja-2022.yaml.{i}.tmp")
        tmp.write_text(text.replace("triwulan I,", f"triwulan I (revisi {i}),"), encoding="utf-8")
        os.replace(tmp, renja)
    watch.wait_for(lambda e: e["event"] == "build" and e["built"])
    more = watch.builds_within(1.5)
    assert len([b for b in more if b["built"]]) <= 1
    assert "triwulan I (revisi 19)" in docx_text(example / RENJA_OUT)


def test_deleted_file_keeps_its_output(example, watching):
    watch = watching()
    (example / "agreements/ntt-renja-2022.yaml").unlink()
    event = watch.wait_for(lambda e: e["event"] == "deleted")
    assert event["agreement"] == "ntt-renja-2022"
    assert (example / RENJA_OUT).exists()
    assert watch.proc.poll() is None


def test_poll_observer(example, watching):
    watch = watching("--poll")
    edit(
        example / "agreements/ntt-renja-2022.yaml",
        "Rapat koordinasi triwulan II,",
        "Rapat koordinasi triwulan kedua,",
    )
    watch.wait_for(lambda e: e["event"] == "build" and e["built"] == [RENJA_OUT])
    assert "triwulan kedua" in docx_text(example / RENJA_OUT)
    assert watch.interrupt() == 0


def test_word_lock_files_are_ignored():
    assert _editor_noise("~$renja.docx")
    assert _editor_noise(".~lock.renja.docx#")
    assert _editor_noise("renja.yaml~")
    assert _editor_noise(".ntt.yaml.swp")
    assert not _editor_noise("ntt-renja-2022.yaml")
    assert not _editor_noise("renja.docx")


def test_collector_and_affected(example):
    ws = Workspace(example)
    collector = ChangeCollector(ws)
    collector.record(
        str(example / "outputs/agreements/ntt-mou-2021.docx"),
        str(example / "tracker.json"),
        str(example / "templates/~$renja.docx"),
    )
    assert not collector.pending.is_set()
    collector.record(str(example / "agreements/ntt-mou-2021.yaml"))
    assert collector.pending.is_set()
    changes = collector.drain()
    assert changes.agreements == {"ntt-mou-2021"} and not collector.pending.is_set()
    catalog = load_catalog(ws)
    assert affected(catalog, changes) == {"ntt-mou-2021", "ntt-renja-2022"}
    assert affected(catalog, Changes(templates={"renja"})) == {"ntt-renja-2022"}
    assert affected(catalog, Changes(templates={"surat-tindak-lanjut"})) == set()
    assert affected(catalog, Changes(config=True)) == {"ntt-mou-2021", "ntt-renja-2022"}


def test_a_tracker_error_is_logged_and_watching_goes_on(example, watching):
    watch = watching()
    tracker = example / "tracker.json"
    tracker.write_bytes(b"{ not json")
    edit(example / "agreements/ntt-renja-2022.yaml", "place: Kupang", "place: Kota Kupang")
    event = watch.wait_for(lambda e: e["event"] == "error")
    assert event["errors"][0].startswith("tracker.json: corrupt tracker file")
    assert watch.proc.poll() is None  # still watching
    assert tracker.read_bytes() == b"{ not json"  # and never overwrote it
    tracker.unlink()  # the user restores it (here: starts afresh)
    edit(example / "agreements/ntt-renja-2022.yaml", "place: Kota Kupang", "place: Kupang")
    event = watch.wait_for(lambda e: e["event"] == "build" and e["built"])
    assert RENJA_OUT in event["built"]
    assert watch.interrupt() == 0
