"""The Python API of docgen.deliverables: batches, evidence copies, names that cannot escape."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.agreements import load_catalog
from docgen.app.deliverables import Update, record_updates, set_status
from docgen.app.evidence import evidence_name, numbered
from docgen.errors import DocgenError, InputError, NotFoundError, TrackerError
from docgen.workspace import Workspace
from tests.conftest import tracker_history

RENJA = "ntt-renja-2022"
D = date.fromisoformat


@pytest.fixture
def ws(example) -> Workspace:
    return Workspace(example)


def agreements(ws: Workspace):
    return load_catalog(ws).agreements


def test_batch_is_one_transaction_in_order(ws):
    ids = [d.id for d in agreements(ws)[RENJA].deliverables]
    updates = [
        Update(RENJA, did, status, D("2022-03-01")) for did in ids for status in ("in_progress", "done")
    ]
    result = record_updates(ws, updates, agreements(ws))
    assert len(result.events) == 26
    stored = tracker_history(ws.root, RENJA)
    assert [(e["deliverable"], e["status"]) for e in stored] == [(u.deliverable, u.status) for u in updates]
    assert {e["recorded_at"] for e in stored} == {result.events[0]["recorded_at"]}


def test_batch_over_several_agreements(ws, example):
    mou = (example / "agreements" / f"{RENJA}.yaml").read_text(encoding="utf-8")
    (example / "agreements" / "renja-b.yaml").write_text(
        mou.replace(f"id: {RENJA}", "id: renja-b"), encoding="utf-8"
    )
    updates = [
        Update(aid, "W1-D1", "done", D(on))
        for aid, on in ((RENJA, "2022-03-30"), ("renja-b", "2022-03-30"), (RENJA, "2022-03-31"))
    ]
    record_updates(ws, updates, agreements(ws))
    history = tracker_history(ws.root)
    assert list(history) == [RENJA, "renja-b"]
    assert len(history[RENJA]) == 2 and len(history["renja-b"]) == 1


def test_an_identical_update_is_reported_not_recorded(ws):
    first = record_updates(ws, [Update(RENJA, "W1-D1", "done", D("2022-03-30"), "rapat")], agreements(ws))
    assert [e["id"] for e in first.events] == ["1"] and not first.unchanged
    # the same update twice in one batch, then again in the next: recorded once
    again = record_updates(
        ws,
        [
            Update(RENJA, "W1-D1", "done", D("2022-03-30"), " rapat "),
            Update(RENJA, "W1-D1", "done", D("2022-03-30"), "rapat"),
        ],
        agreements(ws),
    )
    assert not again.events and [e["id"] for e in again.unchanged] == ["1", "1"]
    # any difference (here the note) is a new event
    other = record_updates(
        ws, [Update(RENJA, "W1-D1", "done", D("2022-03-30"), "rapat pleno")], agreements(ws)
    )
    assert [e["id"] for e in other.events] == ["2"]
    assert len(tracker_history(ws.root, RENJA)) == 2


def test_one_bad_update_stops_the_whole_batch(ws):
    updates = [
        Update(RENJA, "W1-D1", "done", D("2022-03-30")),
        Update(RENJA, "NOPE", "done", D("2022-03-30")),
        Update("ghost", "W1-D1", "done", D("2022-03-30")),
        Update(RENJA, "W1-D2", "finished", D("2022-03-30")),
    ]
    with pytest.raises(DocgenError) as info:
        record_updates(ws, updates, agreements(ws))
    assert info.value.problems == [
        "ntt-renja-2022 NOPE: no such deliverable in agreements/ntt-renja-2022.yaml (deliverables: "
        "W1-D1, W1-D2, W1-D3, W2-D1, W2-D2, W2-D3, W3-D1, W4-D1, W4-D2, W5-D1, W6-D1, W6-D2, W7-D1)",
        "ghost: no such agreement (no agreements/ghost.yaml)",
        "ntt-renja-2022 W1-D2: --status: 'finished' is not one of not_started, in_progress, done, "
        "blocked, dropped",
    ]
    assert isinstance(info.value, InputError)
    assert not (ws.root / "tracker-history").exists()


def test_unknown_ids_only_is_not_found(ws):
    with pytest.raises(NotFoundError):
        record_updates(ws, [Update("ghost", "X", "done", D("2022-03-30"))], agreements(ws))


def test_note_is_trimmed_and_empty_is_none(ws):
    a = agreements(ws)[RENJA]
    assert set_status(ws, a.id, "W1-D1", "done", D("2022-03-30"), "  rapat  ").events[0]["note"] == "rapat"
    assert set_status(ws, a.id, "W1-D1", "done", D("2022-03-30"), "   ").events[0]["note"] is None


def test_evidence_sha256_and_copy(ws, tmp_path):
    src = tmp_path / "foto desk.jpg"
    src.write_bytes(bytes(range(256)) * 5000)
    result = set_status(ws, RENJA, "W6-D1", "done", D("2022-05-30"), None, [src])
    (evidence,) = result.events[0]["evidence"]
    assert evidence["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert (ws.root / evidence["file"]).read_bytes() == src.read_bytes()
    assert not list((ws.root / "agreements" / RENJA / "evidence").glob(".*"))  # no temp left


def test_two_sources_with_one_name_in_one_batch(ws, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "sk.pdf").write_bytes(b"a")
    (tmp_path / "b" / "sk.pdf").write_bytes(b"b")
    result = set_status(
        ws,
        RENJA,
        "W4-D1",
        "done",
        D("2022-03-30"),
        None,
        [tmp_path / "a" / "sk.pdf", tmp_path / "b" / "sk.pdf"],
    )
    files = [e["file"] for e in result.events[0]["evidence"]]
    assert files == [f"agreements/{RENJA}/evidence/sk.pdf", f"agreements/{RENJA}/evidence/sk (2).pdf"]
    assert [(ws.root / f).read_bytes() for f in files] == [b"a", b"b"]


def test_failed_commit_leaves_no_evidence_behind(ws, tmp_path):
    history = ws.root / "tracker-history" / f"{RENJA}.json"
    history.parent.mkdir()
    history.write_bytes(b"{not json")
    src = tmp_path / "notulen.pdf"
    src.write_bytes(b"pdf")
    with pytest.raises(TrackerError, match="corrupt tracker file"):
        set_status(ws, RENJA, "W1-D1", "done", D("2022-03-30"), None, [src])
    folder = ws.root / "agreements" / RENJA / "evidence"
    assert not folder.exists() or not list(folder.iterdir())
    assert history.read_bytes() == b"{not json"


def test_existing_evidence_is_never_overwritten(ws, tmp_path):
    folder = ws.root / "agreements" / RENJA / "evidence"
    folder.mkdir(parents=True)
    (folder / "laporan.pdf").write_bytes(b"put there by hand")
    src = tmp_path / "laporan.pdf"
    src.write_bytes(b"new")
    result = set_status(ws, RENJA, "W4-D2", "done", D("2022-07-30"), None, [src])
    assert result.events[0]["evidence"][0]["file"].endswith("/laporan (2).pdf")
    assert (folder / "laporan.pdf").read_bytes() == b"put there by hand"


def test_evidence_already_in_the_folder_is_reused(ws):
    folder = ws.root / "agreements" / RENJA / "evidence"
    folder.mkdir(parents=True)
    (folder / "laporan.pdf").write_bytes(b"report")
    result = set_status(ws, RENJA, "W4-D2", "done", D("2022-07-30"), None, [folder / "laporan.pdf"])
    assert result.events[0]["evidence"][0]["file"] == f"agreements/{RENJA}/evidence/laporan.pdf"
    assert [p.name for p in folder.iterdir()] == ["laporan.pdf"]


def test_warnings_are_returned_not_printed(ws, capsys):
    result = set_status(ws, RENJA, "W1-D1", "done", D("2022-03-30"))
    assert result.warnings == [
        "ntt-renja-2022 W1-D1: marked done without evidence (expected: "
        "notulen rapat); add it with --evidence FILE"
    ]
    assert capsys.readouterr() == ("", "")


def test_events_are_plain_json(ws):
    set_status(ws, RENJA, "W1-D1", "blocked", D("2022-03-30"), "menunggu SK")
    raw = json.loads((ws.root / "tracker-history" / f"{RENJA}.json").read_text(encoding="utf-8"))
    assert raw["history"]["1"]["on"] == "2022-03-30"
    assert raw["history"]["1"]["note"] == "menunggu SK"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("notulen rapat.pdf", "notulen rapat.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("..", "evidence"),
        (".bashrc", "bashrc"),
        ("CON.pdf", "CON-file.pdf"),
        ("lpt1", "lpt1-file"),
        ("Foto Désk Pengaduan.JPG", "Foto Desk Pengaduan.JPG"),
        ("laporan: final?.docx", "laporan-final.docx"),
        ("file. ", "file"),
        ("   ", "evidence"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_evidence_name(name, safe):
    assert evidence_name(name) == safe


@given(st.text(max_size=200))
def test_evidence_name_can_never_escape(name):
    safe = evidence_name(name)
    assert safe and len(safe) <= 121
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".") and not safe.endswith((".", " "))
    assert safe not in (".", "..")
    folder = Path("/ws/agreements/x/evidence")
    assert (folder / safe).resolve().parent == folder
    assert safe.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}


def test_numbered():
    assert [numbered("bukti.pdf", n) for n in (1, 2, 10)] == ["bukti.pdf", "bukti (2).pdf", "bukti (10).pdf"]
    assert numbered("README", 2) == "README (2)"


def test_both_warnings_for_one_update(ws):
    result = set_status(ws, RENJA, "W1-D3", "done", D("2999-09-30"))
    assert [w.split(": ", 1)[1][:28] for w in result.warnings] == [
        "marked done without evidence",
        "recorded on 2999-09-30, a fu",
    ]


def test_evidence_given_earlier_in_the_same_batch_counts(ws, tmp_path):
    (tmp_path / "notulen.pdf").write_bytes(b"n")
    updates = [
        Update(RENJA, "W1-D1", "in_progress", D("2022-03-01"), None, (tmp_path / "notulen.pdf",)),
        Update(RENJA, "W1-D1", "done", D("2022-03-30")),
    ]
    assert record_updates(ws, updates, agreements(ws)).warnings == []
