"""The PostgreSQL tracker side by side with the file tracker, in one run.

    python benchmarks/bench_pg.py [--runs 3]

Uses the server of $DOCGEN_TEST_PG_URL (an admin URL: a database is created and dropped),
else starts a private one like the tests do (tests/pg_server.py). Figures:
- 10,000 deliverable updates through the Python API (`record_updates`, one transaction);
- 4 processes allocating 250 numbers each at once (one transaction per number);
- `docgen monitor --all-offices --json` over 34 offices x 20 agreements x 30
  deliverables (two events each), a fresh process each run (target < 2 s); for scale,
  the file tracker's `docgen monitor --json` of one office of that size.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import NoReturn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_tracker import make_workspace, ms, updates, wall  # noqa: E402

from docgen.agreements import load_catalog  # noqa: E402
from docgen.app.deliverables import record_updates  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402
from tests.conftest import fresh_database  # noqa: E402
from tests.pg_server import admin_url  # noqa: E402

OFFICES, AGREEMENTS, ITEMS, PER_ITEM = 34, 20, 6, 5  # 30 deliverables per agreement

ALLOCATOR = """
import sys
from datetime import date
from docgen.app.numbers import next_number
from docgen.workspace import Workspace
ws = Workspace(__import__("pathlib").Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    next_number(ws, "letter", date(2022, 6, 1), f"n{i}")
"""


def no_server(reason: str) -> NoReturn:
    sys.exit(f"bench_pg: {reason}")


@contextmanager
def backend_env(url: str) -> Iterator[None]:
    """DOCGEN_TRACKER_URL set to `url` ("" = the file tracker) for this process and children."""
    old = os.environ.pop("DOCGEN_TRACKER_URL", None)
    if url:
        os.environ["DOCGEN_TRACKER_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("DOCGEN_TRACKER_URL", None)
        if old is not None:
            os.environ["DOCGEN_TRACKER_URL"] = old


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_updates(url: str) -> float:
    with tempfile.TemporaryDirectory() as tmp, backend_env(url):
        ws = make_workspace(Path(tmp))
        agreements = load_catalog(ws).agreements
        batch = updates(10_000)
        return timed(lambda: record_updates(ws, batch, agreements))


def bench_allocation(url: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp, backend_env(url):
        root = Path(tmp)
        shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", ALLOCATOR, str(root), "250"], env=env)
                 for _ in range(4)]
        if any(p.wait() != 0 for p in procs):
            sys.exit("an allocating process failed")
        elapsed = time.perf_counter() - start
        from docgen.state import open_tracker

        with open_tracker(Workspace(root)).read() as session:
            seqs = sorted(r["seq"] for r in session._raw_rows("numbers"))
        if seqs != list(range(1, 1001)):
            sys.exit("allocation gave duplicates or gaps")
        return elapsed, len(seqs)


def agreement_data(template: dict, aid: str) -> dict:
    data = {**template, "id": aid, "title": f"Rencana Kerja {aid}"}
    items = []
    for w in range(1, ITEMS + 1):
        deliverables = [{"id": f"W{w}-D{d}", "title": f"Keluaran {d} kegiatan {w}",
                         "due": (date(2022, 2, 15) + timedelta(days=9 * (w * PER_ITEM + d))).isoformat(),
                         "evidence": "laporan"} for d in range(1, PER_ITEM + 1)]
        items.append({"id": f"W{w}", "title": f"Kegiatan {w}",
                      "responsible": ("first", "second", "both")[w % 3], "deliverables": deliverables})
    data["work_items"] = items
    return data


def cpu_of_children(fn: Callable[[], object]) -> float:
    """CPU seconds (user + system) the child processes of `fn` used: on a loaded machine
    a steadier measure of docgen's own work than the wall clock."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    fn()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def populate_national(url: str) -> None:
    """34 offices, each publishing 20 work plans of 30 deliverables with two events each."""
    from docgen.state.postgres import PostgresTracker

    catalog = load_catalog(Workspace(REPO))
    mou = catalog.get("ntt-mou-2021").model_dump(mode="json")
    template = catalog.get("ntt-renja-2022").model_dump(mode="json")
    for o in range(OFFICES):
        office = f"PW{o + 1:02d}"
        plans = [agreement_data(template, f"renja-{office.lower()}-{a:02d}") for a in range(AGREEMENTS)]

        def body(session, office=office, plans=plans):
            session.publish([mou, *plans], {"unit_code": office, "name": f"Perwakilan {office}"})
            for plan in plans:
                events = []
                for k, wi in enumerate(plan["work_items"]):
                    for d in wi["deliverables"]:
                        events.append({"deliverable": d["id"], "on": "2022-03-01", "status": "in_progress",
                                       "note": None, "evidence": [], "user": "bench",
                                       "recorded_at": "2022-03-01T09:00:00+08:00"})
                        if k % 2 == 0:
                            events.append({"deliverable": d["id"], "on": "2022-05-01", "status": "done",
                                           "note": "selesai", "evidence": [], "user": "bench",
                                           "recorded_at": "2022-05-01T09:00:00+08:00"})
                        else:
                            events.append({"deliverable": d["id"], "on": "2022-04-01",
                                           "status": "blocked", "note": "menunggu", "evidence": [],
                                           "user": "bench", "recorded_at": "2022-04-01T09:00:00+08:00"})
                session._raw_append(plan["id"], events)

        PostgresTracker(url, office=office).transaction(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="CLI runs per figure")
    args = parser.parse_args()
    with admin_url(no_server, durable=True) as admin:
        print(f"{'':44s}{'file tracker':>16s}{'PostgreSQL':>16s}")
        with fresh_database(admin) as url:
            file_s, pg_s = bench_updates(""), bench_updates(url)
        print(f"{'10,000 deliverable updates (one batch)':44s}{file_s:14.2f} s{pg_s:14.2f} s")
        with fresh_database(admin) as url:
            (file_s, _), (pg_s, _) = bench_allocation(""), bench_allocation(url)
        print(f"{'4 processes x 250 numbers (1,000, no gap)':44s}{file_s:14.2f} s{pg_s:14.2f} s"
              f"   ({1000 / file_s:.0f} vs {1000 / pg_s:.0f} numbers/s)")

        with fresh_database(admin) as url, tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            populate_national(url)
            filled = time.perf_counter() - start
            root = Path(tmp) / "pusat"
            root.mkdir()
            shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
            with backend_env(url):
                command = ["monitor", "--all-offices", "--json", "--as-of", "2022-07-01"]
                national = wall(root, command, args.runs)
                cpu = cpu_of_children(lambda: wall(root, command, 1))
            # the same size for one office in a file tracker: 20 agreements, 600 deliverables
            one = Path(tmp) / "one"
            one.mkdir()
            shutil.copy(REPO / "docgen.toml", one / "docgen.toml")
            (one / "agreements").mkdir()
            shutil.copy(REPO / "agreements" / "ntt-mou-2021.yaml", one / "agreements")
            with backend_env(""):
                local = wall(one, ["monitor", "--json", "--as-of", "2022-07-01"], args.runs)
                local_cpu = cpu_of_children(lambda: wall(one, ["monitor", "--json"], 1))
        events = OFFICES * AGREEMENTS * ITEMS * PER_ITEM * 2
        print(f"monitor --all-offices --json, {OFFICES} offices x {AGREEMENTS} agreements x "
              f"{ITEMS * PER_ITEM} deliverables, {events:,} events (PostgreSQL; filled in {filled:.1f} s):")
        print(f"  {ms(national)}  (target < 2000 ms); CPU time of one run {cpu * 1000:.0f} ms")
        print(f"`docgen monitor --json` start-up + one MoU, file tracker, for scale: {ms(local)}; "
              f"CPU time {local_cpu * 1000:.0f} ms")


if __name__ == "__main__":
    main()
