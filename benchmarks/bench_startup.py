"""Start-up: a light docgen command against a minimal two-command Typer app.

    python benchmarks/bench_startup.py [--runs 9]

Both run as a fresh process of this Python, alternately, after one run of each to warm
the file cache; the medians of `--runs` runs each are compared:

- docgen: `python -m docgen number next letter --dry-run` in a fresh copy of the
  example workspace, from a byte-compiled copy of the package (as pip installs it);
- typer: a file defining a Typer app with two commands, running one of them.

Target: docgen's median <= 1.3x the Typer app's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import example_workspace, installed_copy

TYPER_APP = '''import typer

app = typer.Typer()


@app.command("next")
def next_number(kind: str, dry_run: bool = typer.Option(False, "--dry-run")) -> None:
    print(f"{kind} 001")


@app.command("list")
def list_numbers() -> None:
    print("none")


if __name__ == "__main__":
    app()
'''


def once(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        root = Path(tmp)
        ws = example_workspace(root / "ws")
        package = installed_copy(root / "pkg")
        (root / "app.py").write_text(TYPER_APP, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(package)}
        commands = {
            "docgen": [sys.executable, "-m", "docgen", "number", "next", "letter", "--dry-run"],
            "typer": [sys.executable, str(root / "app.py"), "next", "letter", "--dry-run"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():
            once(command, ws, env)  # warm the file cache
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(once(command, ws, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"start-up, median of {args.runs} alternating runs each:")
    print(f"  minimal Typer app (2 commands)            {medians['typer'] * 1000:6.0f} ms")
    print(f"  docgen number next letter --dry-run       {medians['docgen'] * 1000:6.0f} ms")
    print(f"  ratio {medians['docgen'] / medians['typer']:.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
