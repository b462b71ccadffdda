"""A second process for large batches (render/fork.py): the same files as one process,
its failures raised in the parent, and it never outlives the command."""

from __future__ import annotations

import hashlib
import os

import pytest

from docgen.app.layout import renderer_for
from docgen.errors import TemplateError
from docgen.render import fork
from docgen.render.certificate_layout import LayoutSource, default_layout_path, sample_contexts
from docgen.render.certificate_pdf import FORK_FROM, Job, render_certificates

pytestmark = pytest.mark.skipif(not fork.available(), reason="a second process needs Linux and two cores")


def contexts(n: int) -> list[dict]:
    base = sample_contexts()[0]
    return [
        {
            **base,
            "number": f"{i:04d}/PHG/PW24/II/2023",
            "recipient": f"Dinas Nomor {i} Kota Kupang",
            "payload": f"{i:04d}/PHG/PW24/II/2023 {i * 7919:016X}",
        }
        for i in range(1, n + 1)
    ]


def render(tmp_path, name: str, n: int, monkeypatch, *, one_process: bool) -> tuple[list[str], bytes]:
    if one_process:
        monkeypatch.setenv("DOCGEN_ONE_PROCESS", "1")
    else:
        monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    folder = tmp_path / name
    folder.mkdir()
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    jobs = [Job(c, folder / f"{i}.pdf") for i, c in enumerate(contexts(n))]
    shas = render_certificates(renderer, jobs, folder / "all.pdf")
    for job, sha in zip(jobs, shas, strict=True):
        assert hashlib.sha256(job.path.read_bytes()).hexdigest() == sha
    return shas, (folder / "all.pdf").read_bytes()


def test_two_processes_write_the_same_files_as_one(tmp_path, monkeypatch):
    forks = []
    real_fork = os.fork

    def counted():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(fork.os, "fork", counted)
    n = FORK_FROM + 6
    two = render(tmp_path, "two", n, monkeypatch, one_process=False)
    assert forks == [1], "the batch was not shared with a second process"
    one = render(tmp_path, "one", n, monkeypatch, one_process=True)
    assert forks == [1]
    assert two == one


def test_a_failure_in_the_second_process_is_raised_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    folder = tmp_path / "out"
    folder.mkdir()
    jobs = [Job(c, folder / f"{i}.pdf") for i, c in enumerate(contexts(FORK_FROM + 6))]
    jobs[-1] = Job(jobs[-1].context, tmp_path / "missing" / "last.pdf")  # the child's share
    with pytest.raises(TemplateError, match="missing/last.pdf"):
        render_certificates(renderer, jobs, folder / "all.pdf")


def test_no_process_to_spare_draws_them_all_here(tmp_path, monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(fork.os, "fork", refused)
    n = FORK_FROM + 2
    alone = render(tmp_path, "alone", n, monkeypatch, one_process=False)
    one = render(tmp_path, "one", n, monkeypatch, one_process=True)
    assert alone == one
