"""What the benchmarks share: example workspaces, an installed-like package, timing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def example_workspace(root: Path, plans: int = 0) -> Path:
    """docgen.toml and the example MoU of the repository, plus `plans` copies of its
    example work plan (renja-000, renja-001...), or the example work plan itself."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)  # the logo docgen.toml names
    (root / "agreements").mkdir()
    shutil.copy(REPO / "agreements" / "ntt-mou-2021.yaml", root / "agreements")
    renja = (REPO / "agreements" / "ntt-renja-2022.yaml").read_text(encoding="utf-8")
    if not plans:
        (root / "agreements" / "ntt-renja-2022.yaml").write_text(renja, encoding="utf-8")
    for i in range(plans):
        aid = f"renja-{i:03d}"
        (root / "agreements" / f"{aid}.yaml").write_text(renja.replace("id: ntt-renja-2022", f"id: {aid}"),
                                                         encoding="utf-8")
    return root


def installed_copy(dest: Path) -> Path:
    """The package copied and byte-compiled, as an installation has it (this sandbox sets
    PYTHONDONTWRITEBYTECODE, so the source tree would be recompiled on every run)."""
    shutil.copytree(REPO / "docgen", dest / "docgen", ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest / "docgen")], check=True)
    # the message catalogues compiled as the package build does (setup_build.py), sources left out
    sys.path.insert(0, str(dest))
    from docgen.i18n import compile_catalogue

    for po in (dest / "docgen" / "locale").glob("*/LC_MESSAGES/*.po"):
        compile_catalogue(po, po.with_suffix(".mo"))
        po.unlink()
    sys.path.remove(str(dest))
    return dest


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds
    cpu: float   # seconds of this process's CPU time


def timed(fn: Callable[[], Any]) -> tuple[Any, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, Timing(time.perf_counter() - wall, time.process_time() - cpu)


def row(label: str, count: int, unit: str, timing: Timing, against: tuple[int, Timing] | None = None) -> str:
    """One line of a side-by-side table: rate, time per item, total, and the speed-up
    over `against` (count, timing) by wall and by CPU time."""
    line = (f"  {label:<34} {count / timing.wall:8.1f} {unit}/s  {timing.wall * 1000 / count:7.2f} ms each  "
            f"{timing.wall:7.2f} s wall  {timing.cpu:7.2f} s CPU")
    if against is not None:
        n, base = against
        line += (f"  {(count / timing.wall) / (n / base.wall):5.1f}x "
                 f"({(count / timing.cpu) / (n / base.cpu):.1f}x CPU)")
    return line
