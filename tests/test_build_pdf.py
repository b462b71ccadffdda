"""`docgen build --pdf`: a real LibreOffice conversion, and a clear message without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.render import libreoffice as pdf

OUT = "outputs/agreements"
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed",
)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


@needs_soffice
def test_pdf_of_the_example_drafts(example, cli):
    run = cli(example, "build", "--pdf", "--json")
    assert run.exit_code == 0, run.stderr
    data = run.json()
    assert data["built"] == [
        f"{OUT}/ntt-mou-2021.docx",
        f"{OUT}/ntt-renja-2022.docx",
        f"{OUT}/ntt-mou-2021.pdf",
        f"{OUT}/ntt-renja-2022.pdf",
    ]
    renja = pdf_text(example / OUT / "ntt-renja-2022.pdf")
    assert (
        "Pada hari ini, Selasa, tanggal delapan, bulan Februari, tahun dua ribu dua puluh dua "
        "(08-02-2022), bertempat di Kupang"
    ) in renja
    for expected in (
        "RENCANA KERJA",
        "PIHAK PERTAMA",
        "PIHAK KEDUA",
        "DARIUS BEDA DATON",
        "FLOURI RITA WUISAN",
        "31 Maret 2022",
        "15 Desember 2022",
        "Pasal 11",
        "rangkap 2 (dua) asli",
    ):
        assert expected in renja
    mou = pdf_text(example / OUT / "ntt-mou-2021.pdf")
    assert "KESEPAKATAN BERSAMA" in mou and "MOKHAMMAD NAJIH" in mou
    assert not [p for p in (example / OUT).iterdir() if p.name.startswith(".")]  # no temp files left

    # Nothing changed: neither the drafts nor their PDFs are made again.
    again = cli(example, "build", "--pdf", "--json").json()
    assert again["built"] == [] and len(again["unchanged"]) == 4
    # A draft built without --pdf leaves its PDF stale: the next --pdf converts it only.
    (example / "agreements" / "ntt-renja-2022.yaml").write_text(
        (example / "agreements" / "ntt-renja-2022.yaml").read_text() + "\n# edited\n"
    )
    assert cli(example, "build", "--json").json()["built"] == [f"{OUT}/ntt-renja-2022.docx"]
    third = cli(example, "build", "--pdf", "--json").json()
    assert third["built"] == [f"{OUT}/ntt-renja-2022.pdf"]


def test_missing_soffice_is_one_clear_line(example, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    monkeypatch.delenv(pdf.ENV_VAR, raising=False)
    monkeypatch.setattr(pdf, "_candidates", lambda: [tmp_path / "soffice"])
    run = cli(example, "build", "--pdf")
    assert run.exit_code == 1
    assert run.stderr.startswith("LibreOffice (soffice) not found, so no PDF can be made")
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (example / "outputs" / "agreements").exists()
    assert not (example / "tracker.json").exists()


def test_docgen_soffice_must_be_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv(pdf.ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(pdf.ConversionError, match=r"\$DOCGEN_SOFFICE is .* which is not a file"):
        pdf.find_soffice()


@needs_soffice
def test_a_file_soffice_cannot_convert(tmp_path):
    good = tmp_path / "good.docx"
    from docgen.documents.samples import agreement_samples
    from docgen.render.docx import PreparedTemplate
    from docgen.render.templates import defaults_dir

    good.write_bytes(PreparedTemplate.load(defaults_dir() / "mou.docx").render(agreement_samples("mou")[0]))
    bad = tmp_path / "gone.docx"  # deleted meanwhile: soffice cannot load it
    results = pdf.to_pdf([good, bad], tmp_path / "pdf")
    assert results[good] == tmp_path / "pdf" / "good.pdf"
    assert isinstance(results[bad], str) and results[bad].startswith("LibreOffice could not convert it")
    assert "Nama Satu".upper() in pdf_text(tmp_path / "pdf" / "good.pdf")
