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


def render(
    tmp_path, name: str, n: int, monkeypatch, *, one_process: bool, without_file: frozenset[int] = frozenset()
) -> tuple[list[str], bytes]:
    if one_process:
        monkeypatch.setenv("DOCGEN_ONE_PROCESS", "1")
    else:
        monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    folder = tmp_path / name
    folder.mkdir()
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    jobs = [Job(c, None if i in without_file else folder / f"{i}.pdf") for i, c in enumerate(contexts(n))]
    shas = render_certificates(renderer, jobs, folder / "all.pdf")
    for job, sha in zip(jobs, shas, strict=True):
        if job.path is None:
            assert sha == ""
        else:
            assert hashlib.sha256(job.path.read_bytes()).hexdigest() == sha
    return shas, (folder / "all.pdf").read_bytes()


def test_two_processes_write_the_same_files_as_one(tmp_path, monkeypatch, forks):
    n = FORK_FROM + 6
    two = render(tmp_path, "two", n, monkeypatch, one_process=False)
    assert len(forks) == 1, "the batch was not shared with a second process"
    one = render(tmp_path, "one", n, monkeypatch, one_process=True)
    assert len(forks) == 1
    assert two == one


def test_pages_without_a_file_of_their_own_are_in_the_print_file_in_order(tmp_path, monkeypatch):
    # Certificates already issued whose file is in place get only their page (Job.path
    # None): at the front, where this process works, and at the back, the child's share.
    n = FORK_FROM + 40
    skip = frozenset({0, 1, 2, 30, n - 3, n - 2, n - 1})
    two = render(tmp_path, "two", n, monkeypatch, one_process=False, without_file=skip)
    one = render(tmp_path, "one", n, monkeypatch, one_process=True, without_file=skip)
    assert two == one
    from pypdf import PdfReader

    pages = PdfReader(tmp_path / "two" / "all.pdf").pages
    assert len(pages) == n
    for i in (0, 30, n // 2, n - 1):  # each page is its own certificate, in the jobs' order
        assert f"{i + 1:04d}/PHG/PW24/II/2023" in pages[i].extract_text()


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


def test_a_failure_in_this_process_stops_the_second(tmp_path, monkeypatch, forks):
    # The child may be waiting for a page from this process when it fails: it is killed
    # and reaped before the error goes on, never left behind.
    monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    folder = tmp_path / "out"
    folder.mkdir()
    jobs = [Job(c, folder / f"{i}.pdf") for i, c in enumerate(contexts(FORK_FROM + 6))]
    jobs[1] = Job(jobs[1].context, tmp_path / "missing" / "second.pdf")  # this process's share
    with pytest.raises(TemplateError, match="missing/second.pdf"):
        render_certificates(renderer, jobs, folder / "all.pdf")
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(forks[0], os.WNOHANG)


def test_a_layout_error_in_the_second_process_is_raised_here_as_it_is(monkeypatch):
    # `overflows` (the layout check before numbers are taken): an error the layout raises
    # for a row of the child's share reaches the caller as the same error, not a stand-in.
    from docgen.render.certificate_pdf import overflows

    monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    batch = contexts(FORK_FROM + 6)
    real = renderer.overflow

    def overflow(context):
        if context["recipient"] == batch[-1]["recipient"]:
            raise TemplateError("sertifikat.toml: text: value too long")
        return real(context)

    monkeypatch.setattr(renderer, "overflow", overflow)
    with pytest.raises(TemplateError) as raised:
        overflows(renderer, batch)
    assert raised.value.problems == ["sertifikat.toml: text: value too long"]
    assert overflows(renderer, batch[:-1]) == [None] * (len(batch) - 1)
