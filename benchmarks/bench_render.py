"""Drafts per second: `docgen build` against docxtpl, naive and fair, in one run.

    python benchmarks/bench_render.py [--drafts 300]

A workspace holds the example MoU and N-1 copies of the example work plan (N
agreements, N drafts). Three ways to write the N drafts, each .docx to disk:

- docgen build: `docgen.build.build(ws)`, everything included (reading and validating
  the agreement files, hashing the sources, rendering, writing, one tracker write);
- naive docxtpl: docxtpl's documented loop, per draft `DocxTemplate(path)` -> `render`
  -> `save`, with the render contexts built beforehand (not timed);
- fair docxtpl: one `DocxTemplate` per template file, rendered and saved N times.
  docxtpl allows it, but `render` re-reads the package from the template file every
  time after the first (`init_docx` reloads a rendered document), so this saves only
  the object.

Target: docgen build >= 5x the naive loop.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import example_workspace, row, timed
from docxtpl import DocxTemplate

from docgen.agreements import load_catalog
from docgen.app.build import build, draft_context
from docgen.render.environment import jinja_env
from docgen.render.templates import template_path
from docgen.workspace import Workspace


def jobs(ws: Workspace) -> list[tuple[Path, dict, str]]:
    """(template, context, id) of every agreement, as `build` renders them."""
    catalog = load_catalog(ws)
    return [(template_path(ws.templates_dir, a.template_name), draft_context(ws, catalog, aid), aid)
            for aid, a in sorted(catalog.agreements.items())]


def naive(todo: list[tuple[Path, dict, str]], out: Path) -> None:
    for template, context, aid in todo:
        document = DocxTemplate(template)
        document.render(context, jinja_env(), autoescape=True)
        document.save(out / f"{aid}.docx")


def fair(todo: list[tuple[Path, dict, str]], out: Path) -> None:
    loaded: dict[Path, DocxTemplate] = {}
    for template, context, aid in todo:
        document = loaded.setdefault(template, DocxTemplate(template))
        document.render(context, jinja_env(), autoescape=True)
        document.save(out / f"{aid}.docx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=300)
    args = parser.parse_args()
    n = args.drafts
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        ws = Workspace(example_workspace(Path(tmp) / "ws", plans=n - 1))
        report, docgen = timed(lambda: build(ws))
        assert not report.failed and len(report.built) == n, report.failed[:3]
        todo = jobs(ws)
        for name in ("naive", "fair"):
            (Path(tmp) / name).mkdir()
        _, plain = timed(lambda: naive(todo, Path(tmp) / "naive"))
        _, once = timed(lambda: fair(todo, Path(tmp) / "fair"))
    print(f"{n} drafts (1 MoU, {n - 1} work plans), each written to disk; speed-up over the naive loop:")
    print(row("naive docxtpl (DocxTemplate per doc)", n, "drafts", plain))
    print(row("fair docxtpl (DocxTemplate per file)", n, "drafts", once, (n, plain)))
    print(row("docgen build (all included)", n, "drafts", docgen, (n, plain)))
    print("target: docgen build >= 5x the naive loop")


if __name__ == "__main__":
    main()
