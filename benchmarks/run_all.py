"""Run every benchmark (or the ones named) with its default arguments, one after another.

    python benchmarks/run_all.py [certificates render startup qr tracker watch pg web]

Each runs in a fresh process of this Python, so none inherits another's imports or
caches. Figures belong in benchmarks/README.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["certificates", "render", "startup", "qr", "tracker", "watch", "pg", "web"]


def main() -> None:
    names = sys.argv[1:] or ORDER
    unknown = [n for n in names if not (HERE / f"bench_{n}.py").is_file()]
    if unknown:
        raise SystemExit(f"no benchmark {', '.join(unknown)} (known: {', '.join(ORDER)})")
    failed = []
    for name in names:
        print(f"== bench_{name}.py", flush=True)
        start = time.perf_counter()
        if subprocess.run([sys.executable, str(HERE / f"bench_{name}.py")]).returncode:
            failed.append(name)
        print(f"   ({time.perf_counter() - start:.0f} s)\n", flush=True)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
