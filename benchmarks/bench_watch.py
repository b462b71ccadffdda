"""Time from saving an agreement file to its rebuilt draft being in place, under `docgen watch`.

Workspace: the example MoU plus 99 work plans implementing it (100 agreements). Each
round edits one work plan, waits for the watcher's build event, and checks that only
that draft was rebuilt. Prints the median and worst latency.

    python benchmarks/bench_watch.py [--rounds 20] [--poll]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import tempfile
import threading
import time
from pathlib import Path

from common import example_workspace

from docgen.app.watch import Watcher
from docgen.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--poll", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(example_workspace(Path(tmp) / "ws", plans=99))
        events: queue.Queue[dict] = queue.Queue()
        watcher = Watcher(ws, events.put, poll=args.poll)
        thread = threading.Thread(target=watcher.run, daemon=True)
        started = time.perf_counter()
        thread.start()
        while (e := events.get(timeout=300))["event"] != "build":
            pass
        print(f"initial build of {len(e['built'])} drafts: {time.perf_counter() - started:.2f} s")
        latencies, extra = [], 0
        for i in range(args.rounds):
            target = ws.agreements_dir / f"renja-{i % 99:03d}.yaml"
            text = target.read_text(encoding="utf-8")
            saved = time.perf_counter()
            target.write_text(text.replace("triwulan I,", f"triwulan I ({i}),", 1), encoding="utf-8")
            while (e := events.get(timeout=30))["event"] != "build":
                pass
            latencies.append(time.perf_counter() - saved)
            extra += len(e["built"]) - 1
        watcher.stop.set()
        thread.join()
    print(f"save -> rebuilt draft, {args.rounds} saves, 100 agreements"
          f"{' (polling)' if args.poll else ''}:")
    print(f"  median {statistics.median(latencies) * 1000:.0f} ms, "
          f"worst {max(latencies) * 1000:.0f} ms (target: median < 1000 ms)")
    print(f"  drafts rebuilt besides the edited one: {extra} (target: 0)")


if __name__ == "__main__":
    main()
