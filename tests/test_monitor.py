"""The monitoring logic as pure functions of (agreements, history, terminations, as_of): no I/O."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.domain.deliverable_state import DELIVERABLE_STATUSES
from docgen.domain.monitor import build_report as report_of_views
from docgen.domain.monitor import overdue_by_party
from docgen.domain.obligations import owes, views
from tests.test_progress import agreement, ev

D = date.fromisoformat
AS_OF = D("2022-07-01")


def build_report(agreements, histories, terminated, as_of):
    return report_of_views(views(agreements, histories, terminated, as_of), as_of.isoformat())


RENJA_ITEMS = [
    (
        "W1",
        "both",
        [
            ("W1-D1", "2022-03-31", "notulen rapat"),
            ("W1-D2", "2022-06-30", "notulen"),
            ("W1-D3", "2022-09-30", None),
        ],
    ),
    ("W2", "second", [("W2-D1", "2022-04-30", None), ("W2-D2", "2022-07-15", None)]),
    ("W3", "first", [("W3-D1", "2022-05-31", None), ("W3-D2", "2022-07-31", None)]),
]


def renja(aid: str = "renja-a", **kw) -> object:
    return agreement(aid, items=RENJA_ITEMS, **kw)


def test_per_agreement_row():
    events = [
        ev("W1-D1", "2022-03-30", "done"),
        ev("W2-D1", "2022-05-01", "dropped"),
        ev("W3-D1", "2022-05-01", "in_progress"),
    ]
    report = build_report([renja()], {"renja-a": events}, {}, AS_OF)
    (row,) = report["agreements"]
    assert row == {
        "id": "renja-a",
        "kind": "renja",
        "title": "Rencana Kerja renja-a",
        "status": "active",
        "numbers": [],
        "signed_on": "2022-02-08",
        "parties": ["Ombudsman RI Perwakilan NTT", "Pemda renja-a"],
        "done": 1,
        "total": 6,
        "percent": 16.7,
        "overdue": 2,  # W1-D2 (due 30 June), W3-D1 (in progress, due 31 May)
        "due_soon": 2,  # W2-D2 (15 July) and W3-D2 (31 July = as_of + 30)
        "next_due": "2022-07-15",
        "ends_on": "2022-12-31",
        "terminated_on": None,
        "lapsed": 0,
        "amendments": 0,
        "renews": None,
        "renewed_by": [],
    }
    assert report["as_of"] == "2022-07-01"


def test_overdue_list():
    report = build_report([renja()], {}, {}, AS_OF)
    assert [(r["id"], r["days_overdue"]) for r in report["overdue"]] == [
        ("W1-D1", 92),
        ("W2-D1", 62),
        ("W3-D1", 31),
        ("W1-D2", 1),
    ]
    first = report["overdue"][0]
    assert first == {
        "agreement": "renja-a",
        "work_item": "W1",
        "id": "W1-D1",
        "agreement_title": "Rencana Kerja renja-a",
        "work_item_title": "Kegiatan W1",
        "title": "Keluaran W1-D1",
        "due": "2022-03-31",
        "responsible": "both",
        "parties": ["Ombudsman RI Perwakilan NTT", "Pemda renja-a"],
        "status": "not_started",
        "days_overdue": 92,
        "evidence": "notulen rapat",
    }


def test_overdue_by_party_lists_shared_items_under_each_party():
    report = build_report([renja()], {}, {}, AS_OF)
    groups = dict(overdue_by_party(report))
    assert [r["id"] for r in groups["Pemda renja-a"]] == ["W1-D1", "W2-D1", "W1-D2"]
    assert [r["id"] for r in groups["Ombudsman RI Perwakilan NTT"]] == ["W1-D1", "W3-D1", "W1-D2"]
    # most items first, then by name
    assert [org for org, _ in overdue_by_party(report)] == ["Ombudsman RI Perwakilan NTT", "Pemda renja-a"]


def test_overdue_groups_across_agreements_by_organisation():
    a, b = renja("renja-a"), renja("renja-b")
    report = build_report([b, a], {}, {}, AS_OF)
    groups = dict(overdue_by_party(report))
    assert {r["agreement"] for r in groups["Ombudsman RI Perwakilan NTT"]} == {"renja-a", "renja-b"}
    assert {r["agreement"] for r in groups["Pemda renja-b"]} == {"renja-b"}
    assert [r["id"] for r in report["agreements"]] == ["renja-a", "renja-b"]  # sorted by id


def test_nothing_overdue():
    events = [ev(d, "2022-03-01", "done") for _, _, ds in RENJA_ITEMS for d, _, _ in ds]
    report = build_report([renja()], {"renja-a": events}, {}, AS_OF)
    assert report["overdue"] == [] and overdue_by_party(report) == []
    row = report["agreements"][0]
    assert (row["done"], row["total"], row["percent"], row["next_due"]) == (7, 7, 100.0, None)


@pytest.mark.parametrize(
    ("ends_on", "status", "days_left"),
    [
        ("2022-07-01", "expiring", 0),
        ("2022-09-29", "expiring", 90),
        ("2022-09-30", "active", None),
        ("2022-06-30", "expired", None),
    ],
)
def test_expiring_within_90_days(ends_on, status, days_left):
    a = agreement("mou-b", kind="mou", items=[], signed_on="2021-07-01", ends_on=ends_on)
    report = build_report([a], {}, {}, AS_OF)
    assert report["agreements"][0]["status"] == status
    if days_left is None:
        assert report["expiring"] == []
    else:
        assert report["expiring"] == [
            {
                "id": "mou-b",
                "title": "Rencana Kerja mou-b",
                "ends_on": ends_on,
                "days_left": days_left,
                "renewed_by": [],
            }
        ]


def test_expiring_sorted_by_days_left():
    early = agreement("z-mou", kind="mou", items=[], signed_on="2021-01-01", ends_on="2022-07-10")
    late = agreement("a-mou", kind="mou", items=[], signed_on="2021-01-01", ends_on="2022-08-10")
    assert [e["id"] for e in build_report([late, early], {}, {}, AS_OF)["expiring"]] == ["z-mou", "a-mou"]


def test_open_ended_agreement_never_expires():
    a = agreement("mou-c", kind="mou", items=[], ends_on=None)
    report = build_report([a], {}, {}, AS_OF)
    assert report["agreements"][0]["ends_on"] is None and report["expiring"] == []


def test_terminated_agreement_owes_nothing_from_its_termination():
    a = renja()
    before = build_report([a], {}, {"renja-a": D("2022-08-01")}, AS_OF)
    assert before["agreements"][0]["status"] == "active" and len(before["overdue"]) == 4
    after = build_report([a], {}, {"renja-a": D("2022-06-01")}, AS_OF)
    row = after["agreements"][0]
    assert row["status"] == "terminated" and row["terminated_on"] == "2022-06-01"
    assert (row["overdue"], row["due_soon"], row["next_due"]) == (0, 0, None)
    assert after["overdue"] == []
    assert (row["done"], row["total"]) == (0, 7)  # progress is still shown


def test_terminated_agreement_is_not_expiring():
    a = agreement("mou-d", kind="mou", items=[], signed_on="2021-07-01", ends_on="2022-07-20")
    report = build_report([a], {}, {"mou-d": D("2022-06-15")}, AS_OF)
    assert report["expiring"] == [] and report["agreements"][0]["status"] == "terminated"


@pytest.mark.parametrize(("signed_on", "status"), [(None, "draft"), ("2022-08-01", "pending")])
def test_unsigned_agreement_owes_nothing_yet(signed_on, status):
    report = build_report([renja(signed_on=signed_on)], {}, {}, AS_OF)
    row = report["agreements"][0]
    assert row["status"] == status and row["overdue"] == 0 and report["overdue"] == []


def test_expired_agreement_still_shows_what_was_never_delivered():
    # within [letters] grace_days (30) of its end (2022-12-31), still overdue
    report = build_report([renja()], {}, {}, D("2023-01-30"))
    assert report["agreements"][0]["status"] == "expired"
    assert len(report["overdue"]) == 7 and report["agreements"][0]["due_soon"] == 0
    assert report["lapsed"] == [] and report["agreements"][0]["lapsed"] == 0


def test_long_expired_agreement_lapses_instead_of_growing_overdue():
    events = {"renja-a": [ev("W1-D1", "2022-03-30", "done")]}
    for as_of in ("2023-02-01", "2026-11-23"):
        report = build_report([renja()], events, {}, D(as_of))
        row = report["agreements"][0]
        assert (row["status"], row["overdue"], row["due_soon"], row["next_due"]) == ("expired", 0, 0, None)
        assert report["overdue"] == [] and row["lapsed"] == 6
        # listed once each (not per party, as overdue items are), with when the agreement ended
        assert len(report["lapsed"]) == 6 and len({r["id"] for r in report["lapsed"]}) == 6
        assert {r["ended_on"] for r in report["lapsed"]} == {"2022-12-31"}
        assert report["summary"]["lapsed"] == 6 and report["summary"]["overdue"] == 0


def test_terminated_agreement_lapses_after_the_grace_period():
    terminated = {"renja-a": D("2022-06-01")}
    within = build_report([renja()], {}, terminated, D("2022-07-01"))
    assert within["lapsed"] == [] and within["overdue"] == []
    after = build_report([renja()], {}, terminated, D("2022-07-02"))
    assert [r["agreement_status"] for r in after["lapsed"]] == ["terminated"] * 7


def test_history_of_other_agreements_is_ignored():
    report = build_report([renja()], {"other": [ev("W1-D1", "2022-03-01", "done")]}, {}, AS_OF)
    assert report["agreements"][0]["done"] == 0


def test_summary():
    mou = agreement("mou-a", kind="mou", items=[], signed_on="2021-12-20", ends_on="2022-08-01")
    report = build_report([renja(), mou], {"renja-a": [ev("W1-D1", "2022-03-01", "done")]}, {}, AS_OF)
    assert report["summary"] == {
        "agreements": 2,
        "by_status": {"active": 1, "expiring": 1},
        "done": 1,
        "total": 7,
        "percent": 14.3,
        "overdue": 3,
        "due_soon": 2,
        "expiring": 1,
        "lapsed": 0,
    }


def test_empty_workspace():
    report = build_report([], {}, {}, AS_OF)
    assert report == {
        "as_of": "2022-07-01",
        "agreements": [],
        "overdue": [],
        "due_soon": [],
        "expiring": [],
        "lapsed": [],
        "summary": {
            "agreements": 0,
            "by_status": {},
            "done": 0,
            "total": 0,
            "percent": None,
            "overdue": 0,
            "due_soon": 0,
            "expiring": 0,
            "lapsed": 0,
        },
    }


def test_owes():
    assert [s for s in ("draft", "pending", "active", "expiring", "expired", "terminated") if owes(s)] == [
        "active",
        "expiring",
        "expired",
    ]


HISTORIES = st.lists(
    st.tuples(
        st.sampled_from([d for _, _, ds in RENJA_ITEMS for d, _, _ in ds]),
        st.integers(0, 300).map(lambda n: (date(2022, 2, 1) + timedelta(n)).isoformat()),
        st.sampled_from(DELIVERABLE_STATUSES),
    ),
    max_size=25,
)


@settings(max_examples=60)
@given(HISTORIES, st.integers(0, 400).map(lambda n: date(2022, 1, 1) + timedelta(n)))
def test_report_is_consistent(raw, as_of):
    report = build_report([renja()], {"renja-a": [ev(*x) for x in raw]}, {}, as_of)
    json.dumps(report)  # plain JSON data
    (row,) = report["agreements"]
    for key in ("done", "total", "overdue", "due_soon"):
        assert type(row[key]) is int
    assert row["overdue"] == len(report["overdue"])
    # done, overdue and due soon are disjoint sets of the deliverables that count
    assert row["done"] + row["overdue"] + row["due_soon"] <= row["total"]
    assert all(r["days_overdue"] > 0 and r["due"] < as_of.isoformat() for r in report["overdue"])
    assert all(r["status"] not in ("done", "dropped") for r in report["overdue"])
    if row["next_due"] is not None:
        assert row["next_due"] >= as_of.isoformat()
    assert report["summary"]["overdue"] == len(report["overdue"])
