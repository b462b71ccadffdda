"""`docgen letter followup`: who gets a letter, what it says, numbering and escalation."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from tests.conftest import CONFIG
from tests.test_check import MOU, RENJA

NTT = "ntt-renja-2022"


def text_of(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_example_letters_of_1_july_2022(example, cli):
    cli(example, "deliverable", "set", NTT, "W4-D1", "--status", "done", "--on", "2022-03-25")
    cli(example, "deliverable", "set", NTT, "W3-D1", "--status", "in_progress", "--on", "2022-05-01")
    run = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0, run.stderr
    rows = run.json()
    # the MoU has no deliverables; the office (kind ombudsman) gets no letter
    assert len(rows) == 1
    row = rows[0]
    assert row["number"] == "B/001/PW24/KM.01/VII/2022"
    assert (row["agreement"], row["party"], row["new"]) == (NTT, "second", True)
    assert row["org"] == "Pemerintah Provinsi Nusa Tenggara Timur"  # the legal party
    assert row["unit"] == "Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur"
    assert row["file"] == "outputs/letters/2022/001-ntt-renja-2022-pihak-kedua.docx"
    # W1/W2 are `both`: they count for the counterpart; W4-D1 is done
    assert row["items"] == ["W1-D1", "W1-D2", "W2-D1", "W3-D1", "W5-D1", "W6-D1"]
    text = text_of(example / row["file"])
    assert "Nomor\n:\nB/001/PW24/KM.01/VII/2022\nSifat\n:\nBiasa\nLampiran\n:\n-\nHal" in text
    assert "Hal\n:\nTindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022\n" in text
    assert "Kupang, 1 Juli 2022" in text
    assert (
        "Yth.\tKepala Biro Organisasi Sekretariat Daerah Provinsi Nusa Tenggara Timur\n"
        "Jalan El Tari Nomor 52\nKupang\n"
    ) in text
    assert "Kepada Yth" not in text
    assert (
        "Sehubungan dengan pelaksanaan Rencana Kerja Nomor 01/RK/PW24/II/2022 dan Nomor "
        "119/BO/II/2022 tanggal 8 Februari 2022 tentang Perbaikan Pelayanan Publik di "
        "Lingkungan Pemerintah Provinsi Nusa Tenggara Timur Tahun 2022,"
    ) in text
    assert "tentang tentang" not in text
    assert (
        "terdapat 6 (enam) keluaran yang telah melewati batas waktunya dan belum kami terima "
        "bukti pelaksanaannya, yaitu 3 (tiga) keluaran yang menjadi tanggung jawab Pemerintah "
        "Provinsi Nusa Tenggara Timur dan 3 (tiga) keluaran yang menjadi tanggung jawab bersama, "
        "sebagai berikut:"
    ) in text
    # responsibility is the legal party's, never its unit's
    assert "tanggung jawab Biro" not in text
    assert "tanggung jawab bersama yang telah melewati" not in text
    assert "Penetapan pejabat penghubung" not in text  # done
    assert "Penunjukan administrator SP4N-LAPOR! pada setiap OPD" in text
    assert "31 Maret 2022" in text
    # periods in words; "tanggung jawab bersama" in the Keterangan column
    assert (
        "tanggung jawab bersama; belum ada bukti pelaksanaan (melewati batas waktu 92 "
        "(sembilan puluh dua) hari)"
    ) in text
    # W3-D1 was reported in progress: described as such
    assert (
        "sedang dalam proses; bukti penyelesaian belum kami terima (melewati batas waktu 31 "
        "(tiga puluh satu) hari)"
    ) in text
    assert "belum dilaksanakan" not in text and "terlambat" not in text and "lewat " not in text
    assert "(tanggung jawab bersama)" not in text
    # the rows carry the agreement's own item numbers (W3 is the third work item), no ids
    doc = Document(str(example / row["file"]))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "No")
    numbers = [r.cells[0].text for r in table.rows[1:]]
    assert list(dict.fromkeys(numbers)) == ["1.", "2.", "3.", "5.", "6."]
    assert "W1" not in text and "W3-D1" not in text
    assert "paling lambat tanggal 15 Juli 2022" in text  # reply_days = 14
    assert (
        "Demikian kami sampaikan. Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."
    ) in text
    assert "DARIUS BEDA DATON" in text  # one form of the signer's name: capitals
    assert "Tembusan" not in text and "Arsip" not in text
    logbook = cli(example, "number", "list", "--kind", "letter", "--json").json()
    assert [r["number"] for r in logbook] == ["B/001/PW24/KM.01/VII/2022"]
    assert logbook[0]["ref"] == {"letter": NTT, "party": "second"}


def test_example_second_letter_marks_what_it_did_not_follow_up(example, cli):
    """1 August 2022, after the reply deadline of the letter of 1 July: the second letter
    follows up the seven items of the first, and adds W4-D2 (due 31 July), which no earlier
    letter named: its note says it is new, so the letter does not pretend to escalate it.
    The count's predicate holds of all the items, not of the joint ones only."""
    cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01")
    (row,) = cli(example, "letter", "followup", "--all", "--as-of", "2022-08-01", "--json").json()
    assert row["ordinal"] == 2 and "W4-D2" in row["items"] and len(row["items"]) == 8
    text = " ".join(text_of(example / row["file"]).split())
    assert (
        "sampai dengan tanggal 1 Agustus 2022 bukti pelaksanaan 8 (delapan) keluaran dalam "
        "Rencana Kerja Nomor 01/RK/PW24/II/2022 dan Nomor 119/BO/II/2022 tanggal 8 Februari 2022 "
        "tentang Perbaikan Pelayanan Publik di Lingkungan Pemerintah Provinsi Nusa Tenggara "
        "Timur Tahun 2022 belum kami terima, yaitu 5 (lima) keluaran yang menjadi tanggung "
        "jawab Pemerintah Provinsi Nusa Tenggara Timur dan 3 (tiga) "
        "keluaran yang menjadi tanggung jawab bersama, sebagai berikut:"
    ) in text
    assert (
        "Laporan tindak lanjut pengaduan semester I 31 Juli 2022 belum ada bukti pelaksanaan "
        "(melewati batas waktu 1 (satu) hari); baru disampaikan dalam surat ini"
    ) in text
    assert text.count("baru disampaikan dalam surat ini") == 1  # the other seven were followed up
    assert "(melewati batas waktu 123 (seratus dua puluh tiga) hari)" in text


def test_example_reminder_counts_all_items_due(example, cli):
    (row,) = cli(example, "letter", "reminder", "--as-of", "2022-03-20", "--json").json()
    text = " ".join(text_of(example / row["file"]).split())
    assert (
        "sampai dengan tanggal 31 Maret 2022 terdapat 2 (dua) keluaran yang akan mencapai batas "
        "waktunya, yaitu 1 (satu) keluaran yang menjadi tanggung jawab Pemerintah Provinsi "
        "Nusa Tenggara Timur dan 1 (satu) keluaran yang menjadi "
        "tanggung jawab bersama, sebagai berikut:"
    ) in text
    assert "tanggung jawab bersama yang akan mencapai" not in text


def test_same_day_is_reported_not_reissued(example, cli):
    first = cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01", "--json").json()
    again = cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01", "--json").json()
    assert again[0]["new"] is False and again[0]["number"] == first[0]["number"]
    forced = cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01", "--again", "--json").json()
    assert forced[0]["new"] is True and forced[0]["number"] == "B/002/PW24/KM.01/VII/2022"
    assert len(cli(example, "number", "list", "--json").json()) == 2


def test_a_run_that_issues_nothing_still_removes_what_a_killed_run_left(example, cli):
    # A followup killed before its commit leaves its letter as a pending file no journal
    # entry names (state/journal.py); the next followup removes it even when every letter
    # is already in force and it writes none (tests/crash.py runs exactly that).
    first = cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01", "--json").json()
    folder = example / "outputs" / "letters" / "2022"
    orphan = folder / ".002-killed.docx.99999x0badf00d.docgen-pending"
    orphan.write_bytes(b"a letter whose number was never committed")
    again = cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01", "--json").json()
    assert again[0]["new"] is False and again[0]["number"] == first[0]["number"]
    assert not orphan.exists()


def test_second_letter_escalates(workspace, cli):
    renja = RENJA.replace(
        "    signatory: {name: Flouri Rita Wuisan, title: Kepala Biro Organisasi}",
        "    address: Jl. El Tari No. 52, Kupang\n"
        "    signatory: {name: Flouri Rita Wuisan, title: Kepala Biro Organisasi}\n"
        "    superior: Sekretaris Daerah Provinsi Nusa Tenggara Timur",
    )
    config = CONFIG + '\n[letters]\ncontact = {name = "Yosua", phone = "0380-123", email = ""}\n'
    ws = workspace({"agreements/mou-a.yaml": MOU, "agreements/renja-a.yaml": renja}, config=config)
    first = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-04-15", "--json").json()[0]
    assert first["items"] == ["W1-D1"]
    text = text_of(ws / first["file"])
    assert "Jl. El Tari No. 52\nKupang" in text  # street, then the city; as typed
    assert "Saudara dapat menghubungi Yosua (telepon 0380-123)." in text
    second = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-07-20", "--json").json()[0]
    assert second["items"] == ["W1-D1", "W1-D2"]
    assert second["number"] == "B/002/PW24/KM.01/VII/2022"
    assert (second["ordinal"], second["cites"]) == (2, [first["number"]])
    text = text_of(ws / second["file"])
    assert "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022 (Surat Kedua)" in text
    assert (
        f"Menindaklanjuti surat kami Nomor {first['number']} tanggal 15 April 2022 hal "
        "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022, dengan ini kami sampaikan bahwa "
        "sampai dengan tanggal 20 Juli 2022 bukti pelaksanaan 2 (dua) keluaran yang menjadi "
        "tanggung jawab bersama dalam Rencana Kerja Nomor"
    ) in text
    assert "surat kedua" in text
    assert "Tembusan:\nSekretaris Daerah Provinsi Nusa Tenggara Timur" in text


def test_nothing_overdue_no_letter(example, cli):
    run = cli(example, "letter", "followup", "--all", "--as-of", "2022-03-01", "--json")
    assert run.exit_code == 0 and run.json() == []
    assert not (example / "tracker.json").exists()


def test_bad_input_allocates_nothing(example, cli):
    cli(example, "letter", "followup", NTT, "--as-of", "2022-07-01")
    before = (example / "tracker.json").read_bytes()
    cases = [
        (["nope", "--as-of", "2022-08-01"], 1, "nope: no such agreement"),
        ([NTT, "--as-of", "2022-02-30"], 2, "Invalid value for '--as-of': '2022-02-30'"),
        (["--as-of", "2022-08-01"], 1, "name the agreements to write letters for, or pass --all"),
        ([NTT, "--all", "--as-of", "2022-08-01"], 1, "give agreement ids or --all, not both"),
    ]
    for args, code, message in cases:
        run = cli(example, "letter", "followup", *args)
        assert run.exit_code == code, args
        assert message in run.stderr, (args, run.stderr)
    assert (example / "tracker.json").read_bytes() == before


def test_failing_template_takes_no_number(example, cli):
    (example / "templates" / "surat-tindak-lanjut.docx").write_bytes(b"not a docx")
    run = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    assert "surat-tindak-lanjut.docx" in run.stderr and "Traceback" not in run.stderr
    assert not list((example / "outputs").rglob("*.docx"))
    assert not (example / "tracker.json").exists()


def test_check_validates_the_letter_template(example, cli):
    assert cli(example, "check", "--as-of", "2022-07-01").exit_code == 0
    from docgen.render.templates import template_path
    from docgen.workspace import Workspace

    default = template_path(Workspace(example).templates_dir, "surat-tindak-lanjut")
    from docx import Document as Doc

    doc = Doc(str(default))
    doc.add_paragraph("{{ letter.nomor_salah }}")
    doc.save(str(example / "templates" / "surat-tindak-lanjut.docx"))
    run = cli(example, "check", "--as-of", "2022-07-01")
    assert run.exit_code == 1
    assert "surat-tindak-lanjut.docx" in run.stderr and "nomor_salah" in run.stderr


def test_terminated_agreement_gets_no_letter(example, cli):
    assert (
        cli(
            example, "agreement", "terminate", NTT, "--on", "2022-06-01", "--reason", "Reorganisasi"
        ).exit_code
        == 0
    )
    run = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0 and run.json() == []
    show = cli(example, "agreement", "show", NTT, "--as-of", "2022-07-01", "--json").json()
    assert show["status"] == "terminated" and show["overdue"] == 0
