"""Append-only corrections of the deliverable history: retraction events and repeated updates."""

from __future__ import annotations

from tests.conftest import tracker_history

RENJA = "ntt-renja-2022"


def set_(cli, ws, did, *args):
    run = cli(ws, "deliverable", "set", RENJA, did, *args)
    assert run.exit_code == 0, run.stderr
    return run


def test_retract_hides_a_mistaken_event_and_history_keeps_both(example, cli):
    set_(cli, example, "W4-D1", "--status", "in_progress", "--on", "2022-03-01")
    set_(cli, example, "W4-D1", "--status", "done", "--on", "2022-03-20")  # a mistake
    row = cli(example, "deliverable", "list", RENJA, "--as-of", "2022-07-01", "--json").json()
    assert {r["id"]: r["status"] for r in row}["W4-D1"] == "done"
    run = cli(
        example,
        "deliverable",
        "retract",
        RENJA,
        "W4-D1",
        "2",
        "--reason",
        "Dicatat untuk keluaran yang salah",
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("ntt-renja-2022 W4-D1: event 2 (done on 20 Maret 2022) retracted by event 3")
    # the state falls back to the event before; the item is overdue again
    rows = {
        r["id"]: r
        for r in cli(example, "deliverable", "list", RENJA, "--as-of", "2022-07-01", "--json").json()
    }
    assert (rows["W4-D1"]["status"], rows["W4-D1"]["overdue"]) == ("in_progress", True)
    monitor = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
    assert "W4-D1" in [r["id"] for r in monitor["overdue"]]
    # history (and --json) shows every event, each with its id
    events = cli(example, "deliverable", "history", RENJA, "W4-D1", "--json").json()
    assert [e["id"] for e in events][:2] == ["1", "2"] and len(events) == 3
    hidden = next(e for e in events if e["id"] == "2")
    retraction = next(e for e in events if e["id"] == "3")
    assert hidden["retracted_by"] == "3" and hidden["status"] == "done"
    assert (retraction["kind"], retraction["retracts"], retraction["reason"]) == (
        "retraction",
        "2",
        "Dicatat untuk keluaran yang salah",
    )
    assert retraction["user"] and retraction["recorded_at"]
    table = cli(example, "deliverable", "history", RENJA, "W4-D1").stdout
    assert "done (retracted by 3)" in table and "retracts event 2" in table
    # nothing was removed from the tracker
    assert [e["id"] for e in tracker_history(example, RENJA)] == ["1", "2", "3"]


def test_retract_refusals_change_nothing(example, cli):
    set_(cli, example, "W4-D1", "--status", "done", "--on", "2022-03-20")
    set_(cli, example, "W4-D2", "--status", "done", "--on", "2022-07-20")
    cli(example, "deliverable", "retract", RENJA, "W4-D2", "2", "--reason", "x")
    history = example / "tracker-history" / f"{RENJA}.json"
    before = history.read_bytes()
    cases = [
        (["W4-D1", "9", "--reason", "x"], "ntt-renja-2022 W4-D1: no event '9' (its events: 1; see"),
        (["W4-D1", "2", "--reason", "x"], "ntt-renja-2022 W4-D1: event 2 is about W4-D2, not W4-D1"),
        (["W4-D2", "2", "--reason", "x"], "ntt-renja-2022 W4-D2: event 2 is already retracted (by event 3)"),
        (["W4-D2", "3", "--reason", "x"], "ntt-renja-2022 W4-D2: event 3 is itself a retraction"),
        (["W4-D1", "1", "--reason", "  "], "--reason: say why the event is retracted"),
        (["W9-D9", "1", "--reason", "x"], "ntt-renja-2022 W9-D9: no such deliverable"),
    ]
    for args, message in cases:
        run = cli(example, "deliverable", "retract", RENJA, *args)
        assert run.exit_code == 1 and run.stderr.startswith(message), (args, run.stderr)
    assert cli(example, "deliverable", "retract", RENJA, "W4-D1", "1").exit_code == 2
    assert history.read_bytes() == before


def test_the_same_update_twice_is_reported_not_recorded(example, cli, tmp_path):
    proof = tmp_path / "sk.pdf"
    proof.write_bytes(b"%PDF sk")
    args = ["--status", "done", "--on", "2022-03-20", "--note", "SK Gubernur", "--evidence", str(proof)]
    set_(cli, example, "W4-D1", *args)
    history = example / "tracker-history" / f"{RENJA}.json"
    before = history.read_bytes()
    again = set_(cli, example, "W4-D1", *args)
    assert again.stdout.strip() == (
        "ntt-renja-2022 W4-D1: already recorded as event 1 (done on 20 Maret 2022); nothing recorded"
    )
    assert history.read_bytes() == before
    assert len(list((example / "agreements" / RENJA / "evidence").iterdir())) == 1
    # any difference is a new event: another note, another date, other evidence, no evidence
    set_(
        cli,
        example,
        "W4-D1",
        "--status",
        "done",
        "--on",
        "2022-03-20",
        "--note",
        "SK Gubernur",
        "--evidence",
        str(proof),
        "--evidence",
        str(proof),
    )
    set_(cli, example, "W4-D1", "--status", "done", "--on", "2022-03-20", "--note", "SK Gubernur")
    set_(cli, example, "W4-D1", "--status", "done", "--on", "2022-03-21", "--note", "SK Gubernur")
    assert len(tracker_history(example, RENJA)) == 4
