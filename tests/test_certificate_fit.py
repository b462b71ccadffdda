"""Long names on a certificate: shrunk to fit the layout's lines, never printed over the next
text, the QR code or the signature; a name that cannot fit is an error row naming it."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from docgen.app.layout import renderer_for
from docgen.render import fork
from docgen.render.certificate_layout import LayoutSource, default_layout_path, sample_contexts
from docgen.render.certificate_pdf import FORK_FROM
from tests.conftest import CONFIG

SIGNED = ("--signed-on", "2023-02-16", "--year", "2022", "--json")
LONG_BUT_FITS = "Dinas Kesehatan Kabupaten Timor Tengah Selatan Provinsi Nusa Tenggara Timur yang Panjang"
LONG_EVENT = (
    "Penilaian Kepatuhan Standar Pelayanan Publik dan Pengelolaan Pengaduan serta Evaluasi "
    "Rencana Aksi Daerah Tahunan Kabupaten dan Kota se-Provinsi Nusa Tenggara Timur Tahun "
    "Anggaran Berjalan"
)
TOO_LONG = (
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Timor Tengah Selatan "
    "Provinsi Nusa Tenggara Timur dan Rumah Sakit Umum Daerah Prof. Dr. W. Z. Johannes"
)


def renderer():
    return renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml (default template)"))


def issue(cli, workspace, rows: str, *extra: str):
    ws = workspace({"results/hasil.csv": "instansi;unit;nilai\n" + rows})
    run = cli(ws, "certificate", "issue", "results/hasil.csv", *SIGNED, *extra)
    return ws, run


def test_a_long_name_shrinks_onto_two_lines_and_overlaps_nothing():
    r = renderer()
    context = {**sample_contexts()[0], "recipient": LONG_BUT_FITS}
    assert r.overflow(context) is None
    (recipient,) = [p for p in r._placed(context) if "recipient" in p.block.text]
    assert len(recipient.lines) == 2
    assert recipient.lines[0].size < recipient.block.size  # shrunk from 24 pt
    assert recipient.lines[0].size >= recipient.block.min_size


def test_what_cannot_fit_is_named():
    r = renderer()
    base = sample_contexts()[0]
    too_long = r.overflow({**base, "recipient": TOO_LONG})
    assert too_long is not None and too_long.variables == {"recipient"}
    assert too_long.reason == "needs 3 lines at 16 pt, the layout allows 2"
    one_word = r.overflow({**base, "recipient": "X" * 120})
    assert one_word is not None and "wide at 16 pt, the layout allows 245 mm" in one_word.reason
    event = r.overflow({**base, "event": LONG_EVENT})
    assert event is not None and "event" in event.variables
    assert event.reason.endswith("runs into the QR code")


def test_a_name_that_cannot_fit_is_an_error_row_and_takes_no_number(cli, workspace):
    ws, run = issue(cli, workspace, f"{TOO_LONG};;91\n{LONG_BUT_FITS};;90\nDinas Sosial;;88\n")
    assert run.exit_code == 1
    result = run.json()
    assert [e["row"] for e in result["errors"]] == [2]
    assert result["errors"][0]["error"].startswith(
        f"instansi: {TOO_LONG!r} does not fit the certificate layout (needs 3 lines at 16 pt"
    )
    assert f"results/hasil.csv: row 2: instansi: {TOO_LONG!r}" in run.stderr
    issued = result["issued"]
    assert [e["number"] for e in issued] == ["0001/PHG/PW24/II/2023", "0002/PHG/PW24/II/2023"]
    page = " ".join(PdfReader(ws / issued[0]["file"]).pages[0].extract_text().split())
    assert LONG_BUT_FITS.upper() in page


@pytest.mark.parametrize("one_process", [False, True], ids=["two-processes", "one-process"])
def test_in_a_large_batch_each_row_that_cannot_fit_is_an_error_row(
    cli, workspace, monkeypatch, forks, one_process
):
    # FORK_FROM rows or more are laid out by two processes (render/certificate_pdf.py
    # overflows): this one from the first row, the second from the last.
    if one_process:
        monkeypatch.setenv("DOCGEN_ONE_PROCESS", "1")
    else:
        monkeypatch.delenv("DOCGEN_ONE_PROCESS", raising=False)
    n = FORK_FROM + 10
    names = [f"Dinas Nomor {i} Kota Kupang" for i in range(n)]
    names[3] = names[n - 4] = TOO_LONG
    names[n - 4] = TOO_LONG.replace("Johannes", "Johannes Kupang")
    _, run = issue(cli, workspace, "".join(f"{name};;91\n" for name in names))
    assert run.exit_code == 1
    result = run.json()
    assert [e["row"] for e in result["errors"]] == [5, n - 2]  # the header is row 1
    assert all("does not fit the certificate layout (needs 3 lines" in e["error"] for e in result["errors"])
    assert len(result["issued"]) == n - 2
    # laid out, then drawn, by two processes where they can be
    assert len(forks) == (0 if one_process or not fork.available() else 2)


def test_a_unit_that_cannot_fit_is_named(cli, workspace):
    unit = (
        "Pemerintah Kabupaten Timor Tengah Selatan Provinsi Nusa Tenggara Timur dan Sekitarnya "
        "Wilayah Pesisir Selatan"
    )
    _, run = issue(cli, workspace, f"Dinas Sosial;{unit};91\n")
    assert run.exit_code == 1
    (error,) = run.json()["errors"]
    assert error["error"].startswith(f"unit: {unit!r} does not fit the certificate layout")


def test_a_too_long_event_is_reported_on_the_rows(cli, workspace):
    ws, run = issue(
        cli,
        workspace,
        f"{LONG_BUT_FITS};Pemerintah Kabupaten Timor Tengah Selatan;91\n",
        "--event",
        LONG_EVENT,
    )
    assert run.exit_code == 1
    (error,) = run.json()["errors"]
    assert "the certificate text does not fit the layout" in error["error"]
    assert "runs into the QR code" in error["error"]
    assert not (ws / "tracker.json").exists()  # nothing numbered


def test_check_reports_a_layout_too_tight_for_an_ordinary_certificate(cli, workspace):
    layout = default_layout_path().read_text(encoding="utf-8").replace("width = 245", "width = 120", 1)
    ws = workspace({"templates/sertifikat.toml": layout}, config=CONFIG)
    run = cli(ws, "check")
    assert run.exit_code == 1
    assert "templates/sertifikat.toml: a sample certificate does not fit: needs" in run.stderr
