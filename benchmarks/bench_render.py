"""Documents per second: docgen's renderer against docxtpl's naive loop, side by side.

    python benchmarks/bench_render.py [--docs 200]

Renders N work-plan drafts (the example Renja with a different id, counterpart and
date each time) with the default renja.docx template, writing every .docx to a
temporary folder, three ways:

- naive: docxtpl's documented loop, DocxTemplate(path) -> render -> save, per document;
- docgen, one core: PreparedTemplate rendered N times, each file written atomically;
- docgen: render_many, which spreads the documents over the cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docgen.agreements import load_catalog  # noqa: E402
from docgen.documents.agreement import build_context  # noqa: E402
from docgen.render.docx import PreparedTemplate, RenderJob, render_many, write_docx  # noqa: E402
from docgen.render.environment import jinja_env  # noqa: E402
from docgen.render.templates import defaults_dir  # noqa: E402
from docgen.workspace import Workspace  # noqa: E402


def contexts(n: int) -> list[dict]:
    ws = Workspace(ROOT)
    catalog = load_catalog(ws)
    renja = catalog.get("ntt-renja-2022")
    parent = catalog.get(renja.parent)
    out = []
    for i in range(n):
        second = renja.second.model_copy(update={"org": f"Dinas Pelayanan Nomor {i + 1} & Mitra <Kupang>"})
        draft = renja.model_copy(update={
            "id": f"renja-{i:03d}", "signed_on": renja.signed_on + timedelta(days=i % 300),
            "parties": [renja.first, second]})
        out.append(build_context(draft, parent, ws.config))
    return out


def letter_contexts(n: int) -> list[dict]:
    """Follow-up letters (surat tindak lanjut) for the example Renja, one number each."""
    from docgen.documents.samples import letter_samples as sample_contexts

    base = sample_contexts(Workspace(ROOT).config)[1]
    return [{**base, "letter": {**base["letter"], "number": f"B/{i + 1:03d}/PW24/KM.01/VII/2022"}}
            for i in range(n)]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:7.1f} docs/s  ({seconds * 1000 / n:5.1f} ms/doc, {seconds:5.2f} s)"


def compare(template: Path, ctxs: list[dict], label: str) -> None:
    n = len(ctxs)
    env = jinja_env()
    print(f"{n} {label} from {template.name} on {os.cpu_count()} core(s)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        for i, ctx in enumerate(ctxs):
            doc = DocxTemplate(template)
            doc.render(ctx, env, autoescape=True)
            doc.save(folder / f"naive-{i:03d}.docx")
        naive = time.perf_counter() - start

        start = time.perf_counter()
        prepared = PreparedTemplate.load(template)
        for i, ctx in enumerate(ctxs):
            write_docx(prepared, ctx, folder / f"one-{i:03d}.docx")
        one_core = time.perf_counter() - start

        jobs = [RenderJob(template, ctx, folder / f"many-{i:03d}.docx") for i, ctx in enumerate(ctxs)]
        start = time.perf_counter()
        errors = render_many(jobs)
        many = time.perf_counter() - start
        assert not any(errors), errors

    print(f"  naive docxtpl loop  {rate(n, naive)}")
    print(f"  docgen, one core    {rate(n, one_core)}  {naive / one_core:4.1f}x")
    print(f"  docgen render_many  {rate(n, many)}  {naive / many:4.1f}x  (target >= 5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    args = parser.parse_args()
    compare(defaults_dir() / "renja.docx", contexts(args.docs), "Renja drafts")
    compare(defaults_dir() / "surat-tindak-lanjut.docx", letter_contexts(args.docs),
            "follow-up letters")


if __name__ == "__main__":
    main()
