"""`docgen deliverable set|list|history`, end to end on real files and a real tracker."""

from __future__ import annotations

import hashlib
import json

import pytest

import docgen.state.file

RENJA = "ntt-renja-2022"


def history_file(ws):
    return ws / "tracker-history" / f"{RENJA}.json"


def test_set_with_evidence_and_history(example, cli, tmp_path):
    proof = tmp_path / "Notulen Rapat TW I.pdf"
    proof.write_bytes(b"%PDF-1.4 notulen")
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
        "--note",
        "Rapat di Kupang",
        "--evidence",
        str(proof),
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("ntt-renja-2022 W1-D1: done on 30 Maret 2022, event 1")
    assert "warning" not in run.stderr
    copied = example / "agreements" / RENJA / "evidence" / "Notulen Rapat TW I.pdf"
    assert copied.read_bytes() == proof.read_bytes()

    events = cli(example, "deliverable", "history", RENJA, "W1-D1", "--json").json()
    assert len(events) == 1
    event = events[0]
    assert (event["agreement"], event["deliverable"], event["on"], event["status"], event["note"]) == (
        RENJA,
        "W1-D1",
        "2022-03-30",
        "done",
        "Rapat di Kupang",
    )
    assert event["evidence"] == [
        {
            "file": f"agreements/{RENJA}/evidence/Notulen Rapat TW I.pdf",
            "sha256": hashlib.sha256(b"%PDF-1.4 notulen").hexdigest(),
            "original": "Notulen Rapat TW I.pdf",
        }
    ]
    assert event["user"] and event["recorded_at"].startswith("20")

    table = cli(example, "deliverable", "history", RENJA, "W1-D1")
    assert "Rapat di Kupang" in table.stdout and "Notulen Rapat TW I.pdf" in table.stdout


def test_history_file_holds_iso_dates_and_the_event_shape(example, cli):
    assert (
        cli(
            example, "deliverable", "set", RENJA, "W4-D1", "--status", "in_progress", "--on", "2022-03-01"
        ).exit_code
        == 0
    )
    data = json.loads(history_file(example).read_text(encoding="utf-8"))
    (event,) = data["history"].values()
    assert set(event) == {"id", "deliverable", "on", "status", "note", "evidence", "user", "recorded_at"}
    assert event["on"] == "2022-03-01" and event["note"] is None and event["evidence"] == []
    assert data["_meta"]["1"]["schema"] == docgen.state.file.SCHEMA
    assert not (example / "tracker.json").exists()  # an update rewrites only its history file


def test_on_defaults_to_today(example, cli):
    from datetime import date

    assert cli(example, "deliverable", "set", RENJA, "W5-D1", "--status", "done").exit_code == 0
    (event,) = cli(example, "deliverable", "history", RENJA, "W5-D1", "--json").json()
    assert event["on"] == date.today().isoformat()


def test_evidence_name_collision_never_overwrites(example, cli, tmp_path):
    folder = example / "agreements" / RENJA / "evidence"
    sources = []
    for i, content in enumerate((b"one", b"two", b"three")):
        path = tmp_path / str(i) / "bukti.pdf"
        path.parent.mkdir()
        path.write_bytes(content)
        sources.append(path)
    for path in sources:
        assert (
            cli(
                example,
                "deliverable",
                "set",
                RENJA,
                "W4-D1",
                "--status",
                "in_progress",
                "--evidence",
                str(path),
                "--on",
                "2022-03-01",
            ).exit_code
            == 0
        )
    assert (folder / "bukti.pdf").read_bytes() == b"one"
    assert (folder / "bukti (2).pdf").read_bytes() == b"two"
    assert (folder / "bukti (3).pdf").read_bytes() == b"three"
    # The same file again is the same evidence: reused, not copied a fourth time.
    assert (
        cli(
            example,
            "deliverable",
            "set",
            RENJA,
            "W4-D1",
            "--status",
            "done",
            "--evidence",
            str(sources[1]),
            "--on",
            "2022-03-20",
        ).exit_code
        == 0
    )
    assert sorted(p.name for p in folder.iterdir()) == ["bukti (2).pdf", "bukti (3).pdf", "bukti.pdf"]
    events = cli(example, "deliverable", "history", RENJA, "W4-D1", "--json").json()
    assert [e["evidence"][0]["file"].rsplit("/", 1)[1] for e in events] == [
        "bukti.pdf",
        "bukti (2).pdf",
        "bukti (3).pdf",
        "bukti (2).pdf",
    ]


def test_hostile_evidence_names_stay_in_the_evidence_folder(example, cli, tmp_path):
    odd = tmp_path / "..CON .pdf"
    odd.write_bytes(b"x")
    hidden = tmp_path / ".htaccess"
    hidden.write_bytes(b"y")
    run = cli(
        example,
        "deliverable",
        "set",
        RENJA,
        "W4-D1",
        "--status",
        "in_progress",
        "--evidence",
        str(odd),
        "--evidence",
        str(hidden),
        "--on",
        "2022-03-01",
    )
    assert run.exit_code == 0, run.stderr
    folder = example / "agreements" / RENJA / "evidence"
    assert sorted(p.name for p in folder.iterdir()) == ["CON-file.pdf", "htaccess"]


def test_several_evidence_files(example, cli, tmp_path):
    files = []
    for name in ("daftar hadir.pdf", "materi.pptx"):
        (tmp_path / name).write_bytes(name.encode())
        files += ["--evidence", str(tmp_path / name)]
    assert (
        cli(
            example, "deliverable", "set", RENJA, "W2-D1", "--status", "done", *files, "--on", "2022-04-29"
        ).exit_code
        == 0
    )
    (event,) = cli(example, "deliverable", "history", RENJA, "W2-D1", "--json").json()
    assert [e["original"] for e in event["evidence"]] == ["daftar hadir.pdf", "materi.pptx"]


def test_history_is_append_only_and_state_is_as_of(example, cli):
    for on, status in (("2022-03-01", "in_progress"), ("2022-04-15", "done"), ("2022-04-15", "blocked")):
        assert (
            cli(example, "deliverable", "set", RENJA, "W2-D1", "--status", status, "--on", on).exit_code == 0
        )
    before = json.loads(history_file(example).read_bytes())["history"]
    # a late entry about an earlier date does not hide the later state
    assert (
        cli(
            example, "deliverable", "set", RENJA, "W2-D1", "--status", "not_started", "--on", "2022-02-20"
        ).exit_code
        == 0
    )
    after = json.loads(history_file(example).read_bytes())["history"]
    assert list(after) == ["1", "2", "3", "4"]
    assert {k: after[k] for k in before} == before  # appended: earlier events unchanged
    events = cli(example, "deliverable", "history", RENJA, "W2-D1", "--json").json()
    assert [(e["on"], e["status"]) for e in events] == [
        ("2022-02-20", "not_started"),
        ("2022-03-01", "in_progress"),
        ("2022-04-15", "done"),
        ("2022-04-15", "blocked"),
    ]

    def state(as_of: str) -> str:
        rows = cli(example, "deliverable", "list", RENJA, "--as-of", as_of, "--json").json()
        return next(r["status"] for r in rows if r["id"] == "W2-D1")

    assert state("2022-02-19") == "not_started"
    assert state("2022-03-10") == "in_progress"
    assert state("2022-04-15") == "blocked"  # same date: the later recorded wins


def test_done_without_expected_evidence_warns(example, cli, tmp_path):
    run = cli(example, "deliverable", "set", RENJA, "W1-D2", "--status", "done", "--on", "2022-06-30")
    assert run.exit_code == 0
    assert (
        "warning: ntt-renja-2022 W1-D2: marked done without evidence (expected: notulen "
        "rapat); add it with --evidence FILE"
    ) in run.stderr
    # a deliverable that names no evidence: no warning
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(path.read_text().replace(", evidence: nota dinas penugasan}", "}"))
    run = cli(example, "deliverable", "set", RENJA, "W5-D1", "--status", "done", "--on", "2022-06-01")
    assert "warning" not in run.stderr
    # evidence given with an earlier update counts
    (tmp_path / "sk.pdf").write_bytes(b"sk")
    cli(
        example,
        "deliverable",
        "set",
        RENJA,
        "W4-D1",
        "--status",
        "in_progress",
        "--on",
        "2022-03-01",
        "--evidence",
        str(tmp_path / "sk.pdf"),
    )
    run = cli(example, "deliverable", "set", RENJA, "W4-D1", "--status", "done", "--on", "2022-03-02")
    assert run.exit_code == 0 and "warning" not in run.stderr


def test_future_date_warns(example, cli):
    run = cli(example, "deliverable", "set", RENJA, "W5-D1", "--status", "in_progress", "--on", "2999-01-01")
    assert run.exit_code == 0
    assert "warning: ntt-renja-2022 W5-D1: recorded on 2999-01-01, a future date" in run.stderr


def test_any_agreement_status_accepts_updates(example, cli):
    cli(example, "agreement", "terminate", RENJA, "--on", "2022-05-01", "--reason", "dicabut")
    run = cli(example, "deliverable", "set", RENJA, "W7-D1", "--status", "dropped", "--on", "2022-05-02")
    assert run.exit_code == 0, run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "W1-D1", "--status", "done"], "nope: no such agreement (no agreements/nope.yaml)"),
        (
            [RENJA, "W9-D9", "--status", "done"],
            "ntt-renja-2022 W9-D9: no such deliverable in agreements/ntt-renja-2022.yaml "
            "(deliverables: W1-D1, W1-D2",
        ),
        (
            [RENJA, "W1-D1", "--status", "done", "--evidence", "{proof}", "--evidence", "{tmp}/missing.pdf"],
            "ntt-renja-2022 W1-D1: --evidence {tmp}/missing.pdf: no such file",
        ),
        (
            [RENJA, "W1-D1", "--status", "done", "--evidence", "{tmp}"],
            "ntt-renja-2022 W1-D1: --evidence {tmp}: not a file",
        ),
    ],
)
def test_bad_input_changes_nothing(example, cli, tmp_path, args, message):
    assert cli(example, "deliverable", "set", RENJA, "W1-D2", "--status", "done").exit_code == 0
    before = history_file(example).read_bytes()
    proof = tmp_path / "ok.pdf"
    proof.write_bytes(b"x")
    args = [a.format(proof=proof, tmp=tmp_path) for a in args]
    run = cli(example, "deliverable", "set", *args)
    assert run.exit_code == 1, args
    assert (
        run.stderr.splitlines()[0] == message.format(tmp=tmp_path)
        or message.format(tmp=tmp_path) in run.stderr.splitlines()[0]
    ), run.stderr
    assert "Traceback" not in run.stderr
    assert history_file(example).read_bytes() == before
    assert not (example / "agreements" / RENJA / "evidence").exists()


def test_every_problem_at_once(example, cli, tmp_path):
    run = cli(
        example,
        "deliverable",
        "set",
        RENJA,
        "W9",
        "--status",
        "done",
        "--evidence",
        str(tmp_path / "a.pdf"),
        "--evidence",
        str(tmp_path / "b.pdf"),
    )
    assert run.exit_code == 1
    assert len(run.stderr.splitlines()) == 3


def test_bad_status_is_a_usage_error(example, cli):
    run = cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "finished")
    assert run.exit_code == 2
    assert "finished" in run.stderr and "not_started" in run.stderr
    assert not history_file(example).exists()


def test_broken_agreement_file_is_refused(example, cli):
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("due: 2022-03-31", "due: 2022-03-32", 1), encoding="utf-8"
    )
    run = cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "done")
    assert run.exit_code == 1
    assert "agreements/ntt-renja-2022.yaml" in run.stderr and "2022-03-32" in run.stderr
    assert not history_file(example).exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2022-02-30", "Invalid value for '--on': '2022-02-30' is not a valid date"),
        ("30/03/2022", "Invalid value for '--on': '30/03/2022' is not a date in YYYY-MM-DD form"),
    ],
)
def test_malformed_date_is_a_usage_error(example, cli, on, message):
    run = cli(example, "deliverable", "set", RENJA, "W1-D1", "--status", "done", "--on", on)
    assert run.exit_code == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert not history_file(example).exists()


def test_list_filters(example, cli):
    cli(example, "deliverable", "set", RENJA, "W4-D1", "--status", "done", "--on", "2022-03-20")
    cli(example, "deliverable", "set", RENJA, "W3-D1", "--status", "dropped", "--on", "2022-05-01")
    overdue = cli(example, "deliverable", "list", "--overdue", "--as-of", "2022-07-01", "--json").json()
    assert [r["id"] for r in overdue] == ["W1-D1", "W1-D2", "W2-D1", "W5-D1", "W6-D1"]
    assert [r["days_overdue"] for r in overdue] == [92, 1, 62, 1, 31]
    done = cli(example, "deliverable", "list", "--status", "done", "--as-of", "2022-07-01", "--json").json()
    assert [(r["agreement"], r["id"], r["updated_on"]) for r in done] == [(RENJA, "W4-D1", "2022-03-20")]
    assert set(done[0]) >= {"agreement", "id", "title", "due", "responsible", "status", "updated_on"}
    everything = cli(example, "deliverable", "list", "--as-of", "2022-07-01", "--json").json()
    assert len(everything) == 13 and {r["agreement"] for r in everything} == {RENJA}
    assert everything[0] == {
        "agreement": RENJA,
        "work_item": "W1",
        "id": "W1-D1",
        "title": "Rapat koordinasi triwulan I",
        "due": "2022-03-31",
        "responsible": "both",
        "status": "not_started",
        "updated_on": None,
        "overdue": True,
        "lapsed": False,
        "days_overdue": 92,
        "evidence": [],
    }
    table = cli(example, "deliverable", "list", RENJA, "--as-of", "2022-07-01")
    assert "Penetapan pejabat penghubung" in table.stdout and "overdue 92 d" in table.stdout
    assert (
        cli(example, "deliverable", "list", "--status", "blocked", "--as-of", "2022-07-01").stderr
        == "no deliverables match\n"
    )


def test_list_of_a_terminated_agreement_has_nothing_overdue(example, cli):
    cli(example, "agreement", "terminate", RENJA, "--on", "2022-06-01", "--reason", "dicabut")
    rows = cli(example, "deliverable", "list", "--overdue", "--as-of", "2022-07-01", "--json").json()
    assert rows == []
    rows = cli(example, "deliverable", "list", "--overdue", "--as-of", "2022-05-31", "--json").json()
    assert [r["id"] for r in rows] == ["W1-D1", "W2-D1", "W4-D1"]


def test_list_unknown_agreement_and_broken_files(example, cli):
    run = cli(example, "deliverable", "list", "nope")
    assert run.exit_code == 1 and run.stderr == "nope: no such agreement (no agreements/nope.yaml)\n"
    (example / "agreements" / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    run = cli(example, "deliverable", "list", "--as-of", "2022-07-01", "--json")
    assert run.exit_code == 0 and len(run.json()) == 13
    assert "warning: agreements/broken.yaml: skipped, it has errors" in run.stderr


def test_history_errors_and_empty(example, cli):
    run = cli(example, "deliverable", "history", RENJA, "W9")
    assert run.exit_code == 1 and run.stderr.startswith(
        "ntt-renja-2022 W9: no such deliverable in agreements/ntt-renja-2022.yaml"
    )
    assert cli(example, "deliverable", "history", "nope", "W1").exit_code == 1
    run = cli(example, "deliverable", "history", RENJA, "W1-D1", "--json")
    assert run.exit_code == 0 and run.json() == []
    run = cli(example, "deliverable", "history", RENJA, "W1-D1")
    assert "no report recorded yet" in run.stderr and run.stdout == ""


def test_history_of_a_deliverable_removed_from_the_file(example, cli):
    cli(example, "deliverable", "set", RENJA, "W7-D1", "--status", "in_progress", "--on", "2022-05-01")
    path = example / "agreements" / f"{RENJA}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: W7")
    path.write_text(text[:start], encoding="utf-8")
    events = cli(example, "deliverable", "history", RENJA, "W7-D1", "--json").json()
    assert [e["status"] for e in events] == ["in_progress"]  # the record outlives the plan
