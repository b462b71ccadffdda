"""Tracker figures: bulk updates, one CLI update at 50,000 events, monitor at 200 x 50.

    python benchmarks/bench_tracker.py [--runs 5]

Workspace: the example MoU plus 200 work plans of 50 deliverables each (10,000
deliverables). Targets (issue 4): 10,000 updates through the Python API < 2 s; one
`docgen deliverable set` < 0.5 s and `docgen monitor --json` < 1.5 s wall, start-up
included, with 50,000 history events in the tracker.

The CLI runs as `python -m docgen` from a byte-compiled copy of the package, as pip
installs it (this sandbox sets PYTHONDONTWRITEBYTECODE, so the source tree would be
recompiled on every run); `--version` is also timed from the source tree for comparison.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from docgen.agreements import load_catalog  # noqa: E402
from docgen.app.deliverables import Update, record_updates  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402

AGREEMENTS, ITEMS, PER_ITEM = 200, 10, 5  # 50 deliverables per agreement
STATUSES = ("in_progress", "done", "blocked", "in_progress", "done")


def agreement_yaml(aid: str) -> str:
    head = (REPO / "agreements" / "ntt-renja-2022.yaml").read_text(encoding="utf-8")
    head = head.split("work_items:")[0].replace("id: ntt-renja-2022", f"id: {aid}")
    lines = [head, "work_items:\n"]
    for w in range(1, ITEMS + 1):
        lines.append(f"  - id: W{w}\n    title: Kegiatan nomor {w} untuk perbaikan pelayanan publik\n"
                     f"    responsible: {('first', 'second', 'both')[w % 3]}\n    deliverables:\n")
        for d in range(1, PER_ITEM + 1):
            due = date(2022, 2, 15) + timedelta(days=6 * (w * PER_ITEM + d))
            lines.append(f"      - {{id: W{w}-D{d}, title: Keluaran {d} kegiatan {w}, due: {due}, "
                         "evidence: laporan}\n")
    return "".join(lines)


def make_workspace(root: Path) -> Workspace:
    shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
    shutil.copytree(REPO / "templates", root / "templates")  # the logo docgen.toml names
    (root / "agreements").mkdir()
    shutil.copy(REPO / "agreements" / "ntt-mou-2021.yaml", root / "agreements")
    for i in range(AGREEMENTS):
        aid = f"renja-{i:03d}"
        (root / "agreements" / f"{aid}.yaml").write_text(agreement_yaml(aid), encoding="utf-8")
    return Workspace(root)


def updates(count: int, offset: int = 0) -> list[Update]:
    out = []
    for k in range(offset, offset + count):
        aid = f"renja-{k % AGREEMENTS:03d}"
        n = k // AGREEMENTS
        did = f"W{n % ITEMS + 1}-D{n // ITEMS % PER_ITEM + 1}"
        out.append(Update(aid, did, STATUSES[k % 5], date(2022, 2, 10) + timedelta(days=k % 300),
                          f"catatan pemantauan {k}"))
    return out


def installed_copy(dest: Path) -> Path:
    """The package copied and byte-compiled, as an installation has it."""
    shutil.copytree(REPO / "docgen", dest / "docgen")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest / "docgen")], check=True)
    return dest


def wall(root: Path, args: list[str], runs: int,
         package: Path = REPO) -> tuple[float, float, float]:
    """Best, median and worst wall time of `python -m docgen -w root ARGS`, a fresh process each."""
    env = {**os.environ, "PYTHONPATH": str(package)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "docgen", "-w", str(root), *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - start)
        if run.returncode != 0:
            sys.exit(f"docgen {' '.join(args)} failed:\n{run.stderr.decode()}")
    return min(times), statistics.median(times), max(times)


def naive_ms_per_insert(root: Path, records: int) -> float:
    """TinyDB's documented loop: default JSONStorage, one insert() per record."""
    from tinydb import TinyDB

    path = root / f"naive-{records}.json"
    with TinyDB(path) as db:
        start = time.perf_counter()
        for i in range(records):
            db.insert({"deliverable": "W1-D1", "on": "2022-03-01", "status": "done",
                       "note": f"catatan {i}", "evidence": [], "user": "bench",
                       "recorded_at": "2022-03-01T09:00:00+08:00"})
        elapsed = time.perf_counter() - start
    path.unlink()
    return elapsed / records * 1000


def ms(times: tuple[float, float, float]) -> str:
    best, median, worst = (round(t * 1000) for t in times)
    return f"best {best:4d} ms, median {median:4d} ms, worst {worst:4d} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="CLI runs per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = make_workspace(root)
        print(f"workspace: {AGREEMENTS} agreements x {ITEMS * PER_ITEM} deliverables")
        for records in (500, 1000):
            print(f"naive TinyDB, one insert per call, {records:5d} records: "
                  f"{naive_ms_per_insert(root, records):5.1f} ms per insert (quadratic)")

        start = time.perf_counter()
        catalog = load_catalog(ws)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        record_updates(ws, updates(10_000), catalog.agreements)
        batch = time.perf_counter() - start
        print(f"10,000 updates through the Python API (record_updates): {batch:.2f} s "
              f"(target < 2 s; loading the 201 agreement files first took {loaded:.2f} s)")

        record_updates(ws, updates(40_000, 10_000), catalog.agreements)
        folder = root / "tracker-history"
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"history: 50,000 events, {size / 1e6:.1f} MB in {len(list(folder.iterdir()))} files")

        pkg = installed_copy(Path(tempfile.mkdtemp(prefix="docgen-pkg-")))
        print(f"`docgen --version` (start-up alone):          "
              f"{ms(wall(root, ['--version'], args.runs, pkg))}"
              f"  (source tree: {ms(wall(root, ['--version'], args.runs))})")
        print(f"`docgen deliverable set` at 50,000 events:    "
              f"{ms(wall(root, ['deliverable', 'set', 'renja-007', 'W1-D1', '--status', 'done', '--on', '2022-05-01'], args.runs, pkg))}"  # noqa: E501
              "  (target < 500 ms)")
        shutil.rmtree(root / ".docgen" / "cache")
        cold = wall(root, ["monitor", "--json", "--as-of", "2022-07-01"], 1, pkg)[1]
        print(f"`docgen monitor --json`, 200 x 50, 50,000 ev:  "
              f"{ms(wall(root, ['monitor', '--json', '--as-of', '2022-07-01'], args.runs, pkg))}"
              f"  (target < 1500 ms; first run after every file changed: {cold * 1000:.0f} ms)")
        print(f"`docgen monitor` (terminal tables):           "
              f"{ms(wall(root, ['monitor', '--as-of', '2022-07-01'], args.runs, pkg))}")
        report = root / "laporan.pdf"
        print(f"`docgen monitor --pdf --xlsx`:                "
              f"{ms(wall(root, ['monitor', '--as-of', '2022-07-01', '--pdf', str(report), '--xlsx', str(root / 'r.xlsx')], 1, pkg))}"  # noqa: E501
              f"  ({report.stat().st_size / 1e6:.1f} MB PDF)")

        # Worst case for one history file: all 50,000 events in the agreement being updated.
        with tempfile.TemporaryDirectory() as tmp2:
            root2 = Path(tmp2)
            ws2 = make_workspace(root2)
            agreements2 = load_catalog(ws2, only=["renja-000"]).agreements
            one = [Update("renja-000", u.deliverable, u.status, u.on, u.note)
                   for u in updates(50_000)]
            record_updates(ws2, one, agreements2)
            size = (root2 / "tracker-history" / "renja-000.json").stat().st_size
            print(f"worst case, all 50,000 events in one agreement ({size / 1e6:.1f} MB file): "
                  f"`deliverable set` {ms(wall(root2, ['deliverable', 'set', 'renja-000', 'W1-D1', '--status', 'done'], args.runs, pkg))}")  # noqa: E501
        shutil.rmtree(pkg)


if __name__ == "__main__":
    main()
