"""`docgen check` checks every template: one line per problem, naming the template."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from docgen.render.templates import check_docx_template, defaults_dir
from tests.test_check import files

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(tmp_path: Path, *texts: str) -> bytes:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    path = tmp_path / "made.docx"
    document.save(path)
    return path.read_bytes()


def split_tag_docx(tmp_path: Path) -> bytes:
    """`{{ agreement.title }}` typed, then edited with track changes on: a deleted letter
    sits between the two braces. Word shows the tag whole; docxtpl cannot join it."""
    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Judul: {")
    p._p.append(parse_xml(f'<w:del {W} w:id="1" w:author="a"><w:r><w:delText>x</w:delText></w:r></w:del>'))
    p.add_run("{ agreement.title }}")
    path = tmp_path / "split.docx"
    document.save(path)
    return path.read_bytes()


def repairable_split_docx(tmp_path: Path) -> bytes:
    """A tag split over three runs with different formatting: docxtpl joins it."""
    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Judul: {{ agree")
    p.add_run("ment.ti").bold = True
    p.add_run("tle }}")
    path = tmp_path / "repairable.docx"
    document.save(path)
    return path.read_bytes()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (["Pasal {% if %}"], "templates/bad.docx: Jinja syntax error: paragraph 'Pasal {% if %}': "),
        (
            ["{{ agreement.title }} {{ nama_pejabat }}"],
            "templates/bad.docx: paragraph '{{ agreement.title }} {{ nama_pejabat }}': unknown variable "
            "'nama_pejabat' (the context has no such value)",
        ),
        (
            ["{{ agreement.title | huruf_besar }}"],
            "templates/bad.docx: paragraph '{{ agreement.title | huruf_besar }}': "
            "unknown filter 'huruf_besar'",
        ),
        (
            ["{% if signed %}{{ agreement.signed_on | tanggalan }}{% endif %}"],
            "unknown filter 'tanggalan'",
        ),  # in a branch: still found
        (
            ["{{ agreement.titel }}"],
            "templates/bad.docx: paragraph '{{ agreement.titel }}': 'dict object' has no attribute 'titel'",
        ),
        (
            ["{{ agreement.__class__ }}"],
            "templates/bad.docx: paragraph '{{ agreement.__class__ }}': blocked by the sandbox: access to "
            "attribute '__class__' of 'dict' object is unsafe.",
        ),
    ],
)
def test_template_problems(workspace, cli, tmp_path, body, expected):
    ws = workspace(files() | {"templates/bad.docx": docx_bytes(tmp_path, *body)})
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    lines = [line for line in run.stderr.splitlines() if "templates/bad.docx" in line]
    assert len(lines) == 1 and expected in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_split_tag_is_reported(workspace, cli, tmp_path):
    ws = workspace(files() | {"templates/split.docx": split_tag_docx(tmp_path)})
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert (
        "templates/split.docx: paragraph 'Judul: {{ agreement.title }}': a template tag is split "
        "across Word runs or mistyped and would print as text; retype the tag in one go"
    ) in run.stderr


def test_repairable_split_is_fine(workspace, cli, tmp_path):
    ws = workspace(files() | {"templates/fine.docx": repairable_split_docx(tmp_path)})
    run = cli(ws, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 0, run.stderr


def test_workspace_template_overrides_the_default(workspace, cli, tmp_path):
    ws = workspace(files() | {"templates/renja.docx": docx_bytes(tmp_path, "{{ agreement.nope }}")})
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "templates/renja.docx: paragraph '{{ agreement.nope }}'" in run.stderr
    assert "(default template)" not in run.stderr


def test_missing_template_named_by_an_agreement(workspace, cli):
    from tests.test_check import MOU

    ws = workspace({"agreements/mou-a.yaml": MOU + "template: pusat\n"})
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert (
        "agreements/mou-a.yaml: template: template 'pusat': no templates/pusat.docx in the "
        "workspace and no default template of that name"
    ) in run.stderr


def test_default_templates_are_clean():
    from docgen.documents.samples import agreement_samples

    for name in ("mou", "renja"):
        assert check_docx_template(defaults_dir() / f"{name}.docx", agreement_samples(name)) == []
        # an MoU template also renders against work plans, and the other way round
        other = "renja" if name == "mou" else "mou"
        assert check_docx_template(defaults_dir() / f"{name}.docx", agreement_samples(other)) == []


def test_registered_sample_context(workspace, cli, tmp_path, monkeypatch):
    letter = docx_bytes(tmp_path, "Nomor: {{ letter.number }}", "Yth. {{ recipient }}")
    ws = workspace(files() | {"templates/surat-uji.docx": letter})
    run = cli(ws, "check")
    assert (
        "templates/surat-uji.docx: paragraph 'Nomor: {{ letter.number }}': unknown variable 'letter'"
        in run.stderr
    )  # checked as an agreement template until it registers its context
    from docgen.documents import samples

    monkeypatch.setitem(
        samples.SAMPLES,
        "surat-uji",
        lambda config: [{"letter": {"number": "B/001"}, "recipient": config.office.name}],
    )
    assert cli(ws, "check").exit_code == 0
    monkeypatch.setitem(samples.SAMPLES, "surat-uji", letter_sample)
    assert cli(ws, "check").exit_code == 0
    monkeypatch.setitem(samples.SAMPLES, "surat-uji", lambda config: [{"letter": {}, "recipient": ""}])
    run = cli(ws, "check")
    assert "templates/surat-uji.docx: paragraph 'Nomor: {{ letter.number }}'" in run.stderr


def letter_sample(config):
    return [{"letter": {"number": "B/001"}, "recipient": "a"}, {"letter": {"number": ""}, "recipient": ""}]


def test_word_lock_files_are_ignored(workspace, cli):
    ws = workspace(files() | {"templates/~$renja.docx": b"lock"})
    assert cli(ws, "check", "--as-of", "2022-07-01").exit_code == 0


def test_check_leaves_the_template_untouched(workspace, cli, tmp_path):
    data = split_tag_docx(tmp_path)
    ws = workspace(files() | {"templates/split.docx": copy.copy(data)})
    cli(ws, "check")
    assert (ws / "templates" / "split.docx").read_bytes() == data
