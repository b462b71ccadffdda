"""`docgen monitor` end to end: terminal tables, JSON, the PDF report and the workbook."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

RENJA = "ntt-renja-2022"


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_done_when_w1_d1_marked_done_with_a_pdf(example, cli, tmp_path):
    """The issue's acceptance story on the example workspace."""
    before = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    renja = next(r for r in before["agreements"] if r["id"] == RENJA)
    assert (renja["done"], renja["total"], renja["percent"], renja["overdue"]) == (0, 13, 0.0, 7)

    notulen = tmp_path / "notulen rapat triwulan I.pdf"
    notulen.write_bytes(b"%PDF-1.4\n% notulen rapat koordinasi\n")
    run = cli(
        example,
        "deliverable",
        "set",
        RENJA,
        "W1-D1",
        "--status",
        "done",
        "--on",
        "2022-03-30",
        "--evidence",
        str(notulen),
    )
    assert run.exit_code == 0 and "warning" not in run.stderr

    after = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    renja = next(r for r in after["agreements"] if r["id"] == RENJA)
    assert (renja["status"], renja["done"], renja["total"], renja["percent"]) == ("active", 1, 13, 7.7)
    assert (renja["overdue"], renja["due_soon"], renja["next_due"]) == (6, 1, "2022-07-31")
    assert [(r["id"], r["due"], r["responsible"], r["days_overdue"]) for r in after["overdue"]] == [
        ("W4-D1", "2022-03-31", "second", 92),
        ("W2-D1", "2022-04-30", "both", 62),
        ("W3-D1", "2022-05-31", "second", 31),
        ("W6-D1", "2022-05-31", "second", 31),
        ("W1-D2", "2022-06-30", "both", 1),
        ("W5-D1", "2022-06-30", "second", 1),
    ]
    assert after["expiring"] == []

    report = tmp_path / "laporan" / "pemantauan-2022-07.pdf"
    run = cli(example, "monitor", "--as-of", "2022-07-01", "--pdf", str(report))
    assert run.exit_code == 0, run.stderr
    text = flat(pdf_text(report))
    assert "LAPORAN TENTANG PEMANTAUAN PELAKSANAAN KERJA SAMA KEADAAN PER 1 JULI 2022" in text
    assert "Grafik Persentase Keluaran yang Dilaporkan Selesai" in text and "7,7%" in text
    late = text.split("D. Keluaran yang Telah Melewati Batas Waktu")[1]
    assert "Rapat koordinasi triwulan I " not in late  # done, with its notulen


def test_json_shape_and_types(example, cli):
    data = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    assert set(data) >= {"as_of", "agreements", "overdue", "expiring"}
    for row in data["agreements"]:
        assert set(row) >= {"id", "status", "done", "total", "percent", "overdue", "due_soon", "next_due"}
        assert all(type(row[k]) is int for k in ("done", "total", "overdue", "due_soon"))
        assert row["percent"] is None or isinstance(row["percent"], float)
    for row in data["overdue"]:
        assert set(row) >= {"agreement", "id", "title", "due", "responsible", "days_overdue"}
        assert type(row["days_overdue"]) is int and row["responsible"] in ("first", "second", "both")
    mou = next(r for r in data["agreements"] if r["id"] == "ntt-mou-2021")
    assert (mou["total"], mou["percent"], mou["next_due"]) == (0, None, None)


def test_expiring(example, cli):
    data = cli(example, "monitor", "--as-of", "2026-11-23", "--json").json()
    assert [(e["id"], e["ends_on"], e["days_left"]) for e in data["expiring"]] == [
        ("ntt-mou-2021", "2026-12-19", 26)
    ]
    assert type(data["expiring"][0]["days_left"]) is int
    statuses = {r["id"]: r["status"] for r in data["agreements"]}
    assert statuses == {"ntt-mou-2021": "expiring", RENJA: "expired"}
    table = cli(example, "monitor", "--as-of", "2026-11-23")
    assert "Expiring within 90 days" in table.stdout and "26" in table.stdout


def test_terminal_tables(example, cli):
    cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "done", "--on", "2022-03-30")
    run = cli(example, "monitor", "--as-of", "2022-07-01")
    assert run.exit_code == 0
    out = run.stdout
    assert "Monitoring as of 1 Juli 2022" in out and "1/13 deliverables done (7.7%)" in out
    assert re.search(r"ntt-renja-2022 .*active .*1/13 .*7\.7% .*6 .*1 .*2022-07-31", out)
    assert "No agreement expires within 90 days." in out
    # the party answers for it (DOMAIN.md), not its unit that carries the work
    assert "Overdue, responsible: Pemerintah Provinsi Nusa Tenggara Timur (6)" in out
    assert (
        "Overdue, responsible: Ombudsman Republik Indonesia Perwakilan Provinsi Nusa "
        "Tenggara Timur (2)" in out
    )
    assert "Penetapan pejabat penghubung" in out and "(with the other party)" in out
    assert run.stderr == ""


def test_nothing_overdue_says_so(example, cli):
    run = cli(example, "monitor", "--as-of", "2022-01-01")
    assert "No overdue deliverables." in run.stdout


def test_pdf_report_content(example, cli, tmp_path):
    cli(example, "deliverable", "set", RENJA, "W4-D1", "--status", "done", "--on", "2022-03-20")
    target = tmp_path / "laporan.pdf"
    run = cli(example, "monitor", "--as-of", "2022-07-01", "--pdf", str(target), "--json")
    assert run.exit_code == 0
    assert run.json()["as_of"] == "2022-07-01"  # stdout stays pure JSON
    assert f"wrote {target}" in run.stderr
    reader = PdfReader(target)
    assert reader.metadata.title == "Laporan Pemantauan Pelaksanaan Kerja Sama per 1 Juli 2022"
    pages = [flat(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    for expected in (
        "OMBUDSMAN REPUBLIK INDONESIA PERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
        "Jalan Polisi Militer Nomor 3, Kupang",
        # a laporan: pendahuluan (umum, maksud dan tujuan, ruang lingkup, dasar), isi,
        # kesimpulan dan saran, penutup
        "I. PENDAHULUAN A. Umum",
        "B. Maksud dan Tujuan",
        "C. Ruang Lingkup Laporan ini meliputi 2 (dua) kerja sama yang dipantau",
        "D. Dasar 1. Kesepakatan Bersama Nomor 30/ORI-MOU/XII/2021",
        "II. HASIL PEMANTAUAN",
        "III. KESIMPULAN DAN SARAN A. Kesimpulan 1. Keluaran yang dilaporkan selesai sebanyak 1 "
        "(satu) dari 13 (tiga belas) (7,7%). 2. Sebanyak 6 (enam) keluaran telah melewati batas "
        "waktu",
        "B. Saran 1. Terhadap 6 (enam) keluaran",
        "IV. PENUTUP",
        # agreements by title and both numbers, never by file id
        "Rencana Kerja Nomor 01/RK/PW24/II/2022 dan Nomor 119/BO/II/2022 tanggal 8 Februari 2022 tentang "
        "Perbaikan Pelayanan Publik di Lingkungan Pemerintah Provinsi Nusa Tenggara Timur Tahun 2022",
        # the summary in sentences, numbers in words (DOMAIN.md)
        "Kerja sama yang dipantau sebanyak 2 (dua) dan seluruhnya masih berlaku. Dari 13 (tiga "
        "belas) keluaran, 1 (satu) telah dilaporkan selesai (7,7%); 6 (enam) keluaran telah melewati batas "
        "waktu dan 1 (satu) keluaran mencapai batas waktunya dalam 30 (tiga puluh) hari ke depan.",
        "A. Capaian per Kerja Sama",
        "Berlaku",
        "1 dari 13",
        "31 Juli 2022",
        "B. Grafik Persentase Keluaran yang Dilaporkan Selesai",
        # every agreement named whole in the chart, wrapped, never cut ("...")
        "tanpa keluaran",
        "ada keluaran yang melewati batas waktu",
        "C. Kerja Sama yang Berakhir dalam 90 Hari",
        "Tidak ada kerja sama yang berakhir",
        "D. Keluaran yang Telah Melewati Batas Waktu menurut Penanggung Jawab",
        "Pemerintah Provinsi Nusa Tenggara Timur: 6 (enam) keluaran",
        "Bimbingan teknis penyusunan Standar Pelayanan",
        "30 April 2022",
        "62 hari",
        "belum ada laporan",
        "tanggung jawab bersama",
        "Kupang, 1 Juli 2022",
        "DARIUS BEDA DATON",
    ):
        assert expected in text, expected
    assert "…" not in text
    assert " selesai" not in text.replace("dilaporkan selesai", "").replace("Dilaporkan Selesai", "")
    for word in (
        "ntt-renja-2022",
        "ntt-mou-2021",
        "W2-D1",
        "jatuh tempo",
        "Jatuh tempo",
        "Belum dimulai",
        "terlambat",
    ):
        assert word not in text, word
    assert "Penetapan pejabat penghubung" not in text  # done: not overdue
    # page numbers: none on page 1, "- 2 -" at the top of page 2
    assert "- 1 -" not in pages[0] and pages[1].startswith("- 2 -")
    # the closing sentence and the signature share a page
    last = next(p for p in pages if "DARIUS BEDA DATON" in p)
    assert "Demikian laporan ini" in last
    # signed by the head himself: the laporan is not addressed to him ("menyampaikan kepada
    # Kepala Perwakilan ...", signed by that Kepala Perwakilan)
    assert (
        "Laporan ini disusun untuk menyampaikan keadaan pelaksanaan kerja sama Ombudsman "
        "Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur sampai dengan tanggal 1 "
        "Juli 2022, sebagai bahan pertimbangan tindak lanjut."
    ) in text
    assert "menyampaikan kepada" not in text
    # the joint items are coordinated with the partner, not asked of "the party responsible"
    # (the office owes them too)
    assert (
        "B. Saran 1. Terhadap 6 (enam) keluaran yang telah melewati batas waktu, bukti "
        "pelaksanaan 3 (tiga) keluaran yang menjadi tanggung jawab mitra kerja sama perlu "
        "diminta dan 3 (tiga) keluaran yang menjadi tanggung jawab bersama perlu "
        "dikoordinasikan pelaksanaannya dengan mitra kerja sama."
    ) in text


def test_pdf_report_with_many_agreements_paginates(example, cli, tmp_path):
    source = (example / "agreements" / f"{RENJA}.yaml").read_text(encoding="utf-8")
    for i in range(45):
        (example / "agreements" / f"renja-{i:02d}.yaml").write_text(
            source.replace(f"id: {RENJA}", f"id: renja-{i:02d}"), encoding="utf-8"
        )
    target = tmp_path / "besar.pdf"
    assert cli(example, "monitor", "--as-of", "2022-07-01", "--pdf", str(target)).exit_code == 0
    reader = PdfReader(target)
    assert len(reader.pages) > 5
    text = flat(pdf_text(target))
    assert "renja-44" not in text  # titles and numbers, not file ids
    assert flat(reader.pages[-1].extract_text()).startswith(f"- {len(reader.pages)} -")


def test_xlsx(example, cli, tmp_path):
    # A long grace period: the Renja, ended in 2022, is still chased (not lapsed) in 2026.
    with open(example / "docgen.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[letters]\ngrace_days = 3650\n")
    cli(example, "deliverable", "set", RENJA, "W4-D1", "--status", "done", "--on", "2022-03-20")
    target = tmp_path / "rekap.xlsx"
    run = cli(example, "monitor", "--as-of", "2026-11-23", "--xlsx", str(target))
    assert run.exit_code == 0 and f"wrote {target}" in run.stderr
    book = load_workbook(target)
    assert book.sheetnames == ["Info", "Kerja Sama", "Terlambat", "Segera Berakhir", "Untuk Ditutup"]
    info = dict(book["Info"].iter_rows(values_only=True))
    assert info["Keadaan per"] == dt.datetime(2026, 11, 23)
    assert (
        info["Keluaran dilaporkan selesai"],
        info["Jumlah keluaran"],
        info["Keluaran lewat batas waktu"],
    ) == (
        1,
        13,
        12,
    )
    # a data export: the ids beside the titles
    rows = list(book["Kerja Sama"].iter_rows(values_only=True))
    assert rows[0][:10] == (
        "ID",
        "Jenis",
        "Judul",
        "Nomor",
        "Tanggal",
        "Status",
        "Selesai",
        "Jumlah Keluaran",
        "Capaian (%)",
        "Lewat Batas Waktu",
    )
    renja = next(r for r in rows if r[0] == RENJA)
    assert renja[2].startswith("Rencana Kerja Perbaikan Pelayanan Publik")
    assert renja[4] == dt.datetime(2022, 2, 8)
    assert renja[5:10] == ("Berakhir", 1, 13, 7.7, 12)
    late = list(book["Terlambat"].iter_rows(values_only=True))
    assert late[0][:8] == (
        "ID Kerja Sama",
        "Kerja Sama",
        "ID Kegiatan",
        "Kegiatan",
        "ID Keluaran",
        "Keluaran",
        "Batas Waktu",
        "Lewat Batas Waktu (Hari)",
    )
    assert len(late) == 13 and "W4-D1" not in [r[4] for r in late]
    w1 = next(r for r in late if r[4] == "W1-D1")
    assert w1[1].startswith("Rencana Kerja Perbaikan") and w1[3].startswith("Koordinasi")
    assert w1[6] == dt.datetime(2022, 3, 31) and w1[7] == 1698 and w1[9] == "PARA PIHAK"
    assert w1[8] == "Belum ada laporan"
    assert book["Terlambat"].freeze_panes == "A2"
    expiring = list(book["Segera Berakhir"].iter_rows(values_only=True))
    assert expiring[1][0] == "ntt-mou-2021" and expiring[1][2:] == (dt.datetime(2026, 12, 19), 26)


@pytest.mark.parametrize("option", ["--pdf", "--xlsx"])
def test_unwritable_report_path_is_a_clear_error(example, cli, tmp_path, option):
    folder = tmp_path / "exists-as-folder"
    folder.mkdir()
    run = cli(example, "monitor", "--as-of", "2022-07-01", option, str(folder))
    assert run.exit_code == 1
    assert run.stderr.startswith(f"{option} {folder}: cannot write")
    assert "Traceback" not in run.stderr
    assert folder.is_dir() and not list(folder.iterdir()) and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("option", ["--pdf", "--xlsx"])
def test_report_replaces_an_old_one_atomically(example, cli, tmp_path, option):
    target = tmp_path / "out" / f"laporan.{option[2:]}"
    target.parent.mkdir()
    target.write_bytes(b"old")
    assert cli(example, "monitor", "--as-of", "2022-07-01", option, str(target)).exit_code == 0
    assert target.read_bytes()[:4] in (b"%PDF", b"PK\x03\x04")
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_report_path_relative_to_the_current_folder(example, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli(example, "monitor", "--as-of", "2022-07-01", "--xlsx", "rekap.xlsx").exit_code == 0
    assert (tmp_path / "rekap.xlsx").is_file() and not (example / "rekap.xlsx").exists()


def test_broken_files_are_skipped(example, cli):
    (example / "agreements" / "broken.yaml").write_text("id: broken\nkind: [\n", encoding="utf-8")
    run = cli(example, "monitor", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0
    assert {r["id"] for r in run.json()["agreements"]} == {"ntt-mou-2021", RENJA}
    assert "warning: agreements/broken.yaml: skipped, it has errors (run `docgen check`)" in run.stderr


def test_bad_as_of_is_a_usage_error(example, cli):
    run = cli(example, "monitor", "--as-of", "2022-13-01")
    assert run.exit_code == 2
    assert "Invalid value for '--as-of': '2022-13-01' is not a valid date" in run.stderr


def test_empty_workspace(workspace, cli, tmp_path):
    ws = workspace()
    data = cli(ws, "monitor", "--json").json()
    assert data["agreements"] == [] and data["overdue"] == [] and data["expiring"] == []
    target = tmp_path / "kosong.pdf"
    assert cli(ws, "monitor", "--pdf", str(target)).exit_code == 0
    text = flat(pdf_text(target))
    assert "Belum ada kerja sama yang dipantau." in text
    assert "Tidak ada keluaran yang melewati batas waktu." in text


def test_special_characters_in_titles(example, cli, tmp_path):
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Penetapan pejabat penghubung", 'Penetapan <pejabat> & "penghubung"'
        ),
        encoding="utf-8",
    )
    target = tmp_path / "r.pdf"
    assert cli(example, "monitor", "--as-of", "2022-07-01", "--pdf", str(target)).exit_code == 0
    assert 'Penetapan <pejabat> & "penghubung"' in flat(pdf_text(target))


# agreement terminate (docgen/terminations.py) as the monitor sees it


def test_terminate_changes_status_from_its_date(example, cli):
    run = cli(
        example,
        "agreement",
        "terminate",
        RENJA,
        "--on",
        "2022-09-01",
        "--reason",
        "  Digantikan Rencana Kerja 2023  ",
    )
    assert run.exit_code == 0 and "ntt-renja-2022: terminated on 1 September 2022" in run.stdout
    before = cli(example, "monitor", "--as-of", "2022-08-31", "--json").json()
    after = cli(example, "monitor", "--as-of", "2022-09-01", "--json").json()
    row = {r["id"]: r for r in before["agreements"]}[RENJA]
    assert row["status"] == "active" and row["overdue"] > 0
    row = {r["id"]: r for r in after["agreements"]}[RENJA]
    assert (row["status"], row["terminated_on"], row["overdue"]) == ("terminated", "2022-09-01", 0)
    assert all(r["agreement"] != RENJA for r in after["overdue"])
    from tests.conftest import tracker_rows

    (event,) = tracker_rows(example, "terminations")
    assert event["reason"] == "Digantikan Rencana Kerja 2023" and event["on"] == "2022-09-01"
    assert event["user"] and event["recorded_at"]


def _terminated_on(cli, example, as_of="2022-12-01"):
    rows = cli(example, "monitor", "--as-of", as_of, "--json").json()["agreements"]
    return {r["id"]: (r["status"], r["terminated_on"]) for r in rows}[RENJA]


def test_terminate_again_with_another_date_needs_correct(example, cli):
    from tests.conftest import tracker_rows

    assert (
        cli(
            example, "agreement", "terminate", RENJA, "--on", "2022-10-01", "--reason", "Reorganisasi"
        ).exit_code
        == 0
    )
    before = (example / "tracker.json").read_bytes()
    run = cli(example, "agreement", "terminate", RENJA, "--on", "2022-09-01", "--reason", "x")
    assert run.exit_code == 1
    assert run.stderr.strip() == (
        "ntt-renja-2022: already terminated on 2022-10-01; to record "
        "another date, give --correct (or --cancel to withdraw it)"
    )
    assert (example / "tracker.json").read_bytes() == before
    # the same date again: reported, nothing recorded
    same = cli(example, "agreement", "terminate", RENJA, "--on", "2022-10-01", "--reason", "x")
    assert same.exit_code == 0 and "already terminated on 1 Oktober 2022" in same.stdout
    assert (example / "tracker.json").read_bytes() == before
    run = cli(
        example,
        "agreement",
        "terminate",
        RENJA,
        "--on",
        "2022-09-01",
        "--correct",
        "--reason",
        "Tanggal surat pengakhiran salah ketik",
    )
    assert run.exit_code == 0, run.stderr
    assert "termination corrected from 1 Oktober 2022 to 1 September 2022" in run.stdout
    assert _terminated_on(cli, example) == ("terminated", "2022-09-01")
    assert _terminated_on(cli, example, "2022-09-15") == ("terminated", "2022-09-01")
    events = tracker_rows(example, "terminations")
    assert [(e["id"], e["action"], e["on"]) for e in events] == [
        ("1", "terminate", "2022-10-01"),
        ("2", "correct", "2022-09-01"),
    ]
    assert events[1]["replaces"] == "1"


def test_cancel_a_termination(example, cli):
    from tests.conftest import tracker_rows

    cli(example, "agreement", "terminate", RENJA, "--on", "2022-09-01", "--reason", "Reorganisasi")
    run = cli(example, "agreement", "terminate", RENJA, "--cancel", "--reason", "Dibatalkan")
    assert run.exit_code == 0, run.stderr
    assert "termination of 1 September 2022 cancelled" in run.stdout
    assert _terminated_on(cli, example) == ("expiring", None)
    assert [e["action"] for e in tracker_rows(example, "terminations")] == ["terminate", "cancel"]
    show = cli(example, "agreement", "show", RENJA, "--as-of", "2022-12-01", "--json").json()
    assert [(e["action"], e["reason"]) for e in show["terminations"]] == [
        ("terminate", "Reorganisasi"),
        ("cancel", "Dibatalkan"),
    ]
    text = cli(example, "agreement", "show", RENJA, "--as-of", "2022-12-01").stdout
    assert "terminated 2022-09-01: Reorganisasi" in text and "termination cancelled: Dibatalkan" in text
    # then it can be terminated again
    again = cli(example, "agreement", "terminate", RENJA, "--on", "2022-11-01", "--reason", "x")
    assert again.exit_code == 0 and _terminated_on(cli, example) == ("terminated", "2022-11-01")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([RENJA, "--cancel", "--reason", "x"], 1, "ntt-renja-2022: no termination in force to cancel"),
        (
            [RENJA, "--on", "2022-09-01", "--correct", "--reason", "x"],
            1,
            "ntt-renja-2022: no termination in force to correct",
        ),
        (
            [RENJA, "--on", "2023-01-01", "--reason", "x"],
            1,
            "--on: 2023-01-01 is after the term ended (2022-12-31)",
        ),
        ([RENJA, "--cancel", "--on", "2022-09-01", "--reason", "x"], 2, "--cancel takes only --reason"),
        ([RENJA, "--reason", "x"], 2, "give the termination date (or --cancel)"),
    ],
)
def test_terminate_refusals(example, cli, args, code, message):
    run = cli(example, "agreement", "terminate", *args)
    assert run.exit_code == code and message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not (example / "tracker.json").exists()


def test_a_draft_cannot_be_terminated(example, cli):
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("signed_on: 2022-02-08\n", ""), encoding="utf-8")
    run = cli(example, "agreement", "terminate", RENJA, "--on", "2022-09-01", "--reason", "x")
    assert run.exit_code == 1
    assert run.stderr.startswith("ntt-renja-2022: a draft (not signed) cannot be terminated")
    assert not (example / "tracker.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--on", "2022-09-01", "--reason", "x"], "nope: no such agreement"),
        (
            [RENJA, "--on", "2022-01-01", "--reason", "x"],
            "--on: 2022-01-01 is before the agreement was signed (2022-02-08)",
        ),
        ([RENJA, "--on", "2022-09-01", "--reason", "  "], "--reason: say why"),
    ],
)
def test_terminate_refusals_leave_the_tracker_alone(example, cli, args, message):
    cli(example, "agreement", "terminate", "ntt-mou-2021", "--on", "2024-01-01", "--reason", "x")
    before = (example / "tracker.json").read_bytes()
    run = cli(example, "agreement", "terminate", *args)
    assert run.exit_code == 1 and run.stderr.startswith(message), run.stderr
    assert (example / "tracker.json").read_bytes() == before


def test_terminate_requires_on_and_reason(example, cli):
    assert cli(example, "agreement", "terminate", RENJA, "--on", "2022-09-01").exit_code == 2
    assert cli(example, "agreement", "terminate", RENJA, "--reason", "x").exit_code == 2
    assert cli(example, "agreement", "terminate", RENJA, "--on", "1 Sept", "--reason", "x").exit_code == 2
    assert not (example / "tracker.json").exists()


def test_long_lists_print_as_aligned_text(example, cli, monkeypatch):
    import docgen.cli.common

    monkeypatch.setattr(docgen.cli.common, "RICH_ROWS", 3)
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "org: Pemerintah Provinsi Nusa", "org: Pemerintah [Provinsi] Nusa"
        ),
        encoding="utf-8",
    )
    out = cli(example, "monitor", "--as-of", "2022-07-01").stdout
    assert "Overdue, responsible: Pemerintah [Provinsi] Nusa Tenggara Timur (7)" in out
    lines = out.splitlines()
    header = lines.index(next(x for x in lines if x.startswith("agreement       id     title")))
    assert set(lines[header + 1]) == {"-", " "}
    assert re.match(
        r"ntt-renja-2022  W1-D1  Rapat koordinasi triwulan I \(with the other party\) "
        r"+2022-03-31 +92  no report yet$",
        lines[header + 2],
    )
    assert "┃" in out  # the short tables stay rich tables


def test_lapsed_items_are_listed_once_to_be_closed_in_the_report_and_workbook(example, cli, tmp_path):
    pdf, xlsx = tmp_path / "laporan.pdf", tmp_path / "laporan.xlsx"
    run = cli(example, "monitor", "--as-of", "2023-06-01", "--pdf", str(pdf), "--xlsx", str(xlsx), "--json")
    assert run.exit_code == 0, run.stderr
    report = run.json()
    assert report["summary"]["overdue"] == 0 and len(report["lapsed"]) == 13
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "13 (tiga belas) keluaran pada 1 (satu) kerja sama yang telah berakhir belum ada laporan" in text
    assert "E. Keluaran pada Kerja Sama yang Telah Berakhir, untuk Ditutup" in text
    assert "Rapat koordinasi triwulan I" in text
    sheet = load_workbook(xlsx)["Untuk Ditutup"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("ID Kerja Sama", "Kerja Sama", "ID Keluaran", "Keluaran")
    assert len(rows) == 14 and {r[0] for r in rows[1:]} == {"ntt-renja-2022"}
