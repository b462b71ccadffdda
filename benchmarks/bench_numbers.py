"""Number allocation with a large registry, this docgen beside a baseline (issue 23).

    python benchmarks/bench_numbers.py [--baseline REV] [--runs 7] [--skip-pg]

Figures, each for this docgen and for the baseline revision (default: the code before
the registry got its index, 1615631), in the same run:

- the whole `docgen number next letter` command (a fresh process, as a user runs it) on
  the file tracker holding 10 and 100,000 recorded numbers: median of --runs, and the
  ratio (target: at most 1.3x);
- one allocation (a write transaction allocating one letter number, in-process) with
  100,000 numbers on the file tracker (target: median < 50 ms) and 1,000,000 on
  PostgreSQL (target: median < 20 ms);
- 4 processes allocating 250 numbers each at once, on both backends (no gap, no
  duplicate).

The baseline is extracted with `git archive` into a temporary folder; the registries
are written directly (JSON for the file tracker, COPY for PostgreSQL), in the layout
each docgen reads.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BASELINE = "1615631"
YEAR = 2022
UNIT = "PW24"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# One allocation per transaction, `n` times; prints the median and the last number.
ALLOCATE = """
import json, os, statistics, sys, time
from datetime import date
from pathlib import Path
from docgen.workspace import Workspace
from docgen.state import open_tracker
from docgen.state.registry import Registry
ws = Workspace(Path(sys.argv[1]))
times, cpu, number = [], [], None
for i in range(int(sys.argv[2])):
    start, start_cpu = time.perf_counter(), time.process_time()
    with open_tracker(ws).write() as session:
        number = Registry(session, ws.config).allocate("letter", date(2022, 12, 20), f"bench {i}")["number"]
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(json.dumps({"median": statistics.median(times), "cpu": statistics.median(cpu), "last": number}))
"""

CONCURRENT = """
import sys
from datetime import date
from pathlib import Path
from docgen.app.numbers import next_number
from docgen.workspace import Workspace
ws = Workspace(Path(sys.argv[1]))
for i in range(int(sys.argv[2])):
    next_number(ws, "letter", date(2023, 6, 1), f"n{i}")
"""


def record(seq: int, count: int = 100_000) -> dict[str, Any]:
    month = 1 + (seq * 12) // (count + 1)
    return {
        "kind": "letter",
        "number": f"B/{seq:03d}/{UNIT}/KM.01/{ROMAN[month - 1]}/{YEAR}",
        "seq": seq,
        "year": YEAR,
        "on": f"{YEAR}-{month:02d}-01",
        "for": f"Surat {seq}",
        "ref": {},
        "void": False,
        "void_reason": None,
        "recorded_at": "2022-01-01T08:00:00+08:00",
    }


def baseline_tree(rev: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", os.environ.get("DOCGEN_GIT_DIR", str(REPO)), "archive", rev, "docgen"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def workspace(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "agreements").mkdir()
    return root


def layout(code: Path) -> tuple[bool, bool]:
    """What `code`'s trackers hold: the registry in tracker-numbers/ with its index (else a
    table of tracker.json, read whole), and numbers with `register`/`source` (schema 4)."""
    indexed = "NUMBERS_DIR" in (code / "docgen" / "state" / "file.py").read_text(encoding="utf-8")
    registers = (code / "docgen" / "state" / "migrations" / "0004_journal_registers.sql").is_file()
    return indexed, registers


FILL = """
import json, sys
from pathlib import Path
from docgen.state.file import FileTracker
with FileTracker(Path(sys.argv[1]), sys.argv[2]).write() as session:
    session._raw_insert("numbers", json.loads(Path(sys.argv[3]).read_text()))  # as a tracker copy does
"""


def fill_file(root: Path, count: int, code: Path) -> None:
    """`count` recorded letter numbers of 2022 in the layout `code`'s file tracker reads,
    written by `code` itself where it has the registry's index."""
    indexed, registers = layout(code)
    extra = {"register": None, "source": "recorded"} if registers else {}
    records = [{**record(seq, count), **extra} for seq in range(1, count + 1)]
    if indexed:
        batch = root / "fill.json"
        batch.write_text(json.dumps(records), encoding="utf-8")
        run(code, ["-c", FILL, str(root), UNIT, str(batch)])
        batch.unlink()
    else:  # schema 1: the registry is a table of tracker.json
        data = {"numbers": {str(i): r for i, r in enumerate(records, 1)}, "_meta": {"1": {"schema": 1}}}
        (root / "tracker.json").write_text(json.dumps(data), encoding="utf-8")


def run(code: Path, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(code)}
    return subprocess.run([sys.executable, *args], env=full, capture_output=True, text=True, check=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_median(code: Path, root: Path, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of the command, as a fresh process."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _children_cpu()
        run(
            code, ["-m", "docgen", "--workspace", str(root), "number", "next", "letter", "--on", "2022-12-20"]
        )
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def allocation_median(
    code: Path, root: Path, count: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Median wall time and median CPU time of one allocation (in-process)."""
    out = json.loads(run(code, ["-c", ALLOCATE, str(root), str(count)], env).stdout)
    return float(out["median"]), float(out["cpu"])


def concurrent(code: Path, root: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time of 4 processes allocating 250 numbers each at once, and their CPU time."""
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(code)}
    start, start_cpu = time.perf_counter(), _children_cpu()
    procs = [
        subprocess.Popen([sys.executable, "-c", CONCURRENT, str(root), "250"], env=full) for _ in range(4)
    ]
    if any(p.wait() != 0 for p in procs):
        sys.exit("an allocating process failed")
    return time.perf_counter() - start, _children_cpu() - start_cpu


def fill_pg(url: str, count: int, code: Path) -> None:
    """`count` letter numbers of 2022 for office PW24, by COPY, in `code`'s schema."""
    import psycopg

    run(
        code,
        [
            "-c",
            "from docgen.state.postgres import PostgresTracker; "
            f"PostgresTracker({url!r}, office={UNIT!r}).init()",
        ],
    )
    new = layout(code)[1]
    columns = "office, number, kind, year, seq, data" + (", register, source" if new else "")
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY docgen.numbers ({columns}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for seq in range(1, count + 1):
                r = record(seq, count)
                if new:
                    r = {**r, "register": None, "source": "recorded"}
                row = [UNIT, r["number"], "letter", str(YEAR), str(seq), json.dumps(r)]
                if new:
                    row += ["\\N", "recorded"]
                buffer.write("\t".join(row) + "\n")
                if seq % 50_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        # As an office's registry is, not freshly loaded: autovacuum would otherwise visit the
        # million rows while allocations are timed.
        cur.execute("VACUUM (ANALYZE) docgen.numbers")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--baseline",
        action="append",
        help=f"a git revision to compare with (repeat for several; default {BASELINE})",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each command")
    parser.add_argument("--skip-pg", action="store_true", help="the file tracker only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        codes = {"this docgen": REPO}
        for rev in args.baseline or [BASELINE]:
            codes[f"baseline {rev}"] = baseline_tree(rev, tmp / f"baseline-{rev}")
        print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'':52s}" + "".join(f"{name:>22s}" for name in codes))

        figures: dict[str, dict[str, float]] = {}
        for name, code in codes.items():
            small, large = workspace(tmp / name / "small"), workspace(tmp / name / "large")
            fill_file(small, 10, code)
            fill_file(large, 100_000, code)
            run(code, ["-m", "docgen", "--workspace", str(small), "number", "list", "--json"])  # warm caches
            f = figures.setdefault(name, {})
            f["cmd10"], f["cmd10_cpu"] = command_median(code, small, args.runs)
            f["cmd100k"], f["cmd100k_cpu"] = command_median(code, large, args.runs)
            f["alloc100k"], f["alloc100k_cpu"] = allocation_median(code, large, 30 if layout(code)[0] else 5)
            f["conc_file"], f["conc_file_cpu"] = concurrent(code, workspace(tmp / name / "concurrent"))

        def row(label: str, key: str, unit: str = "ms", scale: float = 1000.0) -> None:
            print(f"{label:52s}" + "".join(f"{figures[n][key] * scale:18.1f} {unit:>3s}" for n in codes))

        row("number next letter, 10 numbers (command, median)", "cmd10")
        row("  CPU time", "cmd10_cpu")
        row("number next letter, 100,000 numbers (command, median)", "cmd100k")
        row("  CPU time", "cmd100k_cpu")
        for label, key in (("wall", ""), ("CPU", "_cpu")):
            print(
                f"{'  ratio 100,000 / 10, ' + label + ' (target <= 1.3x)':52s}"
                + "".join(f"{figures[n]['cmd100k' + key] / figures[n]['cmd10' + key]:20.2f} x" for n in codes)
            )
        row("one allocation, file tracker, 100,000 (median)", "alloc100k")
        row("  CPU time", "alloc100k_cpu")
        row("4 x 250 allocations at once, file tracker", "conc_file", "s", 1.0)
        row("  CPU time of the 4 processes", "conc_file_cpu", "s", 1.0)

        if not args.skip_pg:
            from tests.conftest import fresh_database
            from tests.pg_server import admin_url

            with admin_url(lambda reason: sys.exit(f"bench_numbers: {reason}"), durable=True) as admin:
                for name, code in codes.items():
                    f = figures[name]
                    with fresh_database(admin) as url:
                        fill_pg(url, 1_000_000, code)
                        root = workspace(tmp / name / "pg")
                        env = {"DOCGEN_TRACKER_URL": url}
                        f["alloc_pg"], f["alloc_pg_cpu"] = allocation_median(
                            code, root, 30 if layout(code)[1] else 1, env
                        )
                    with fresh_database(admin) as url:
                        f["conc_pg"], f["conc_pg_cpu"] = concurrent(
                            code, workspace(tmp / name / "pg-concurrent"), {"DOCGEN_TRACKER_URL": url}
                        )
            row("one allocation, PostgreSQL, 1,000,000 (median)", "alloc_pg")
            row("  CPU time of docgen's process", "alloc_pg_cpu")
            row("4 x 250 allocations at once, PostgreSQL", "conc_pg", "s", 1.0)
            row("  CPU time of the 4 processes", "conc_pg_cpu", "s", 1.0)
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
