"""Letters over their life: escalation only after the reply deadline, voiding, the list,
re-rendering byte for byte, no letters for agreements ended long ago, reminders."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import CONFIG, tracker_rows
from tests.test_check import MOU, RENJA
from tests.test_letters import text_of

SUPERIOR = RENJA.replace(
    "    signatory: {name: Flouri Rita Wuisan, title: Kepala Biro Organisasi}",
    "    signatory: {name: Flouri Rita Wuisan, title: Kepala Biro Organisasi}\n"
    "    superior: Sekretaris Daerah Provinsi Nusa Tenggara Timur",
)


@pytest.fixture
def ws(workspace):
    return workspace({"agreements/mou-a.yaml": MOU, "agreements/renja-a.yaml": SUPERIOR})


def followup(cli, ws, as_of, *more):
    run = cli(ws, "letter", "followup", "renja-a", "--as-of", as_of, "--json", *more)
    assert run.exit_code == 0, run.stderr
    return run.json()


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_second_letter_before_the_reply_deadline(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    assert (first["number"], first["reply_by"]) == ("B/001/PW24/KM.01/IV/2022", "2022-04-29")
    # the same day with --again: a new letter, but no "Surat Kedua" escalating the first
    again = followup(cli, ws, "2022-04-15", "--again")[0]
    assert again["new"] and (again["ordinal"], again["cites"]) == (1, [])
    assert "Surat Kedua" not in text_of(ws / again["file"])
    # within the deadline (the day itself included): the letter in force is reported
    for day in ("2022-04-20", "2022-04-29"):
        (row,) = followup(cli, ws, day)
        assert (row["new"], row["in_force"], row["number"]) == (False, True, again["number"])
    table = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-04-20").stdout
    assert "in force  B/002/PW24/KM.01/IV/2022" in table and "reply due by 29 April 2022" in table
    # after it: the next letter escalates, citing both earlier ones (both were issued)
    second = followup(cli, ws, "2022-04-30")[0]
    assert second["new"] and second["ordinal"] == 3
    assert second["cites"] == [first["number"], again["number"]]
    assert len(tracker_rows(ws, "numbers")) == 3


def test_a_third_letter_cites_every_earlier_one(ws, cli):
    numbers = [followup(cli, ws, day)[0]["number"] for day in ("2022-04-15", "2022-05-01", "2022-05-20")]
    third = cli(ws, "letter", "show", numbers[2], "--json").json()
    assert (third["ordinal"], third["cites"]) == (3, numbers[:2])
    text = text_of(ws / third["file"])
    assert numbers[:2] == ["B/001/PW24/KM.01/IV/2022", "B/002/PW24/KM.01/V/2022"]
    assert (
        "Menindaklanjuti surat kami Nomor B/001/PW24/KM.01/IV/2022 tanggal 15 April 2022 hal "
        "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022 dan Nomor B/002/PW24/KM.01/V/2022 "
        "tanggal 1 Mei 2022 hal Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022 (Surat "
        "Kedua), dengan ini"
    ) in text
    assert "(Surat Ketiga)" in text and "Tembusan:\nSekretaris Daerah" in text


def test_a_voided_letter_is_not_cited_not_counted_and_its_items_are_owed_again(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    run = cli(ws, "letter", "void", first["number"], "--reason", "Salah alamat, tidak dikirim")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"void  {first['number']}  (Salah alamat, tidak dikirim)")
    # not in force, not "existing": the same day gives a new first letter for the same items
    replacement = followup(cli, ws, "2022-04-15")[0]
    assert replacement["new"] and replacement["number"] == "B/002/PW24/KM.01/IV/2022"
    assert (replacement["ordinal"], replacement["cites"]) == (1, [])
    assert replacement["items"] == first["items"]
    later = followup(cli, ws, "2022-05-01")[0]
    assert later["cites"] == [replacement["number"]] and first["number"] not in text_of(ws / later["file"])
    listed = cli(ws, "letter", "list", "--json").json()
    assert [(r["number"], r["void"], r["void_reason"]) for r in listed] == [
        (first["number"], True, "Salah alamat, tidak dikirim"),
        (replacement["number"], False, None),
        (later["number"], False, None),
    ]
    registry = {r["number"]: r for r in cli(ws, "number", "list", "--json").json()}
    assert registry[first["number"]]["void"] is True


def test_number_void_on_a_letter_voids_the_letter(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    assert cli(ws, "number", "void", first["number"], "--reason", "dobel").exit_code == 0
    (letter,) = tracker_rows(ws, "letters")
    assert (letter["void"], letter["void_reason"]) == (True, "dobel")
    assert followup(cli, ws, "2022-04-16")[0]["new"]  # not in force any more


def test_letter_void_refusals(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    cli(ws, "number", "next", "certificate", "--on", "2022-04-15")
    before = (ws / "tracker.json").read_bytes()
    for args, message in (
        (["B/999/X", "--reason", "x"], "B/999/X: no such letter"),
        ([first["number"], "--reason", " "], "--reason: say why"),
        (["0001/PHG/PW24/2022", "--reason", "x"], "0001/PHG/PW24/2022: no such letter"),
    ):
        run = cli(ws, "letter", "void", *args)
        assert run.exit_code == 1 and run.stderr.startswith(message), run.stderr
    assert (ws / "tracker.json").read_bytes() == before
    assert cli(ws, "letter", "void", first["number"], "--reason", "x").exit_code == 0
    again = cli(ws, "letter", "void", first["number"], "--reason", "x")
    assert again.exit_code == 1 and "already void" in again.stderr


def test_render_recreates_the_same_bytes_whatever_changed_since(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    path = ws / first["file"]
    digest = sha(path)
    # outputs/ deleted, then docgen.toml and the agreement edited: the letter is what was sent
    path.unlink()
    (ws / "docgen.toml").write_text(
        CONFIG.replace("Jl. Polisi Militer No. 3", "Jl. Baru No. 9"), encoding="utf-8"
    )
    renja = ws / "agreements" / "renja-a.yaml"
    renja.write_text(
        renja.read_text(encoding="utf-8").replace("Koordinasi", "Koordinasi baru"), encoding="utf-8"
    )
    listed = cli(ws, "letter", "list").stdout
    assert "file missing" in listed
    run = cli(ws, "letter", "render", first["number"])
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"wrote      {first['number']}  {first['file']}")
    assert sha(path) == digest
    again = cli(ws, "letter", "render", first["number"])
    assert again.stdout.startswith("unchanged")
    assert cli(ws, "letter", "render", "B/404/X").exit_code == 1


def test_followup_recreates_a_deleted_existing_letter(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    path = ws / first["file"]
    digest = sha(path)
    path.unlink()
    (row,) = followup(cli, ws, "2022-04-15")
    assert (row["new"], row["rendered"], row["number"]) == (False, True, first["number"])
    assert sha(path) == digest


def test_show_and_list(ws, cli):
    first = followup(cli, ws, "2022-04-15")[0]
    shown = cli(ws, "letter", "show", first["number"], "--json").json()
    assert shown["hal"] == "Tindak Lanjut Pelaksanaan Rencana Kerja Tahun 2022"
    assert shown["addressee"] == "Kepala Biro Organisasi" and shown["file_exists"] is True
    assert [i["id"] for i in shown["items_detail"]] == ["W1-D1"]
    text = cli(ws, "letter", "show", first["number"]).stdout
    assert "reply by   29 April 2022" in text and "W1-D1  Rapat koordinasi triwulan I" in text
    assert cli(ws, "letter", "list", "--year", "2021", "--json").json() == []
    assert cli(ws, "letter", "show", "nope").exit_code == 1


def test_no_letters_for_agreements_ended_long_ago(example, cli):
    # the example Renja ended on 31 December 2022: within 30 days, still chased...
    run = cli(example, "letter", "followup", "--all", "--as-of", "2023-01-30", "--json")
    assert [r["agreement"] for r in run.json()] == ["ntt-renja-2022"]
    # ...later, no letter, and monitor shows its open items as lapsed, each once
    late = cli(example, "letter", "followup", "--all", "--as-of", "2026-11-23", "--json")
    assert late.exit_code == 0 and late.json() == []
    report = cli(example, "monitor", "--as-of", "2026-11-23", "--json").json()
    row = {r["id"]: r for r in report["agreements"]}["ntt-renja-2022"]
    assert (row["status"], row["overdue"], row["lapsed"]) == ("expired", 0, 13)
    assert report["overdue"] == [] and len(report["lapsed"]) == 13
    table = cli(example, "monitor", "--as-of", "2026-11-23").stdout
    assert "Lapsed: open items of agreements that ended long ago (13)" in table
    assert "overdue 1" not in table
    listing = cli(example, "deliverable", "list", "--as-of", "2026-11-23").stdout
    assert "no report yet (lapsed)" in listing and "overdue" not in listing


def test_grace_days_is_configurable(example, cli):
    with open(example / "docgen.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[letters]\ngrace_days = 0\n")
    assert cli(example, "letter", "followup", "--all", "--as-of", "2023-01-01", "--json").json() == []
    assert cli(example, "letter", "followup", "--all", "--as-of", "2022-12-31", "--json").json() != []


def test_backdated_letter_number_is_a_warning(ws, cli):
    followup(cli, ws, "2022-05-01")
    run = cli(ws, "letter", "followup", "renja-a", "--as-of", "2022-04-15", "--json")
    assert run.exit_code == 0
    assert (
        "warning: letter numbers: the next number is dated 2022-04-15, before "
        "B/001/PW24/KM.01/V/2022 of 2022-05-01: the number is backdated"
    ) in run.stderr
    number = cli(ws, "number", "next", "letter", "--on", "2022-03-01")
    assert number.exit_code == 0 and "is backdated" in number.stderr
    later = cli(ws, "number", "next", "letter", "--on", "2022-06-01")
    assert "warning" not in later.stderr


# --- reminders --------------------------------------------------------------------------------


def test_reminder_for_items_due_soon(ws, cli):
    run = cli(ws, "letter", "reminder", "--as-of", "2022-03-20", "--json")
    assert run.exit_code == 0, run.stderr
    (row,) = run.json()
    assert (row["type"], row["number"], row["items"], row["new"]) == (
        "reminder",
        "B/001/PW24/KM.01/III/2022",
        ["W1-D1"],
        True,
    )
    text = text_of(ws / row["file"])
    assert "Pemberitahuan Batas Waktu Pelaksanaan Rencana Kerja Tahun 2022" in text
    assert "Yth.\tKepala Biro Organisasi" in text and "31 Maret 2022" in text
    assert "Koordinasi\n" in text and "(tanggung jawab bersama)" not in text
    assert "tanggung jawab bersama; batas waktu 11 (sebelas) hari lagi" in text
    assert "1 (satu) keluaran yang menjadi tanggung jawab bersama yang akan mencapai batas" in text
    assert "terlambat" not in text
    # the same day, or later within the window: not reminded again
    again = cli(ws, "letter", "reminder", "renja-a", "--as-of", "2022-03-25", "--json").json()
    assert [(r["number"], r["new"]) for r in again] == [(row["number"], False)]
    # a wider window adds the items not yet reminded of
    wider = cli(ws, "letter", "reminder", "--as-of", "2022-03-25", "--days", "100", "--json").json()
    assert [(r["items"], r["new"]) for r in wider] == [(["W1-D2"], True)]
    # reminders do not make follow-up letters second letters
    late = followup(cli, ws, "2022-04-15")[0]
    assert late["ordinal"] == 1
    listed = cli(ws, "letter", "list", "--json").json()
    assert [r["type"] for r in listed] == ["reminder", "reminder", "followup"]
    # and re-render byte for byte like any letter
    digest = sha(ws / row["file"])
    (ws / row["file"]).unlink()
    assert cli(ws, "letter", "render", row["number"]).exit_code == 0
    assert sha(ws / row["file"]) == digest


def test_reminder_nothing_due(ws, cli):
    run = cli(ws, "letter", "reminder", "--as-of", "2022-01-01")
    assert run.exit_code == 0 and "no deliverable of any counterpart is due within 14 days" in run.stderr
    assert cli(ws, "letter", "reminder", "--days", "-1").exit_code == 2
    assert cli(ws, "letter", "reminder", "nope").exit_code == 1
    assert not (ws / "tracker.json").exists()


def test_check_validates_the_reminder_template(ws, cli):
    from docx import Document as Doc

    from docgen.render.templates import defaults_dir

    doc = Doc(str(defaults_dir() / "surat-pemberitahuan.docx"))
    doc.add_paragraph("{{ letter.salah }}")
    doc.save(str(ws / "templates" / "surat-pemberitahuan.docx"))
    run = cli(ws, "check", "--as-of", "2022-03-01")
    assert run.exit_code == 1 and "templates/surat-pemberitahuan.docx" in run.stderr
