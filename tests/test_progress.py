"""Deliverable state as of a date and agreement progress: pure functions of the history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.domain.deliverable_state import DELIVERABLE_STATUSES, deliverable_states, latest_events, progress
from docgen.models import Agreement

D = date.fromisoformat


def agreement(
    aid: str = "renja-a",
    *,
    kind: str = "renja",
    signed_on: str | None = "2022-02-08",
    ends_on: str | None = "2022-12-31",
    items: list[tuple[str, str, list[tuple[str, str, str | None]]]] | None = None,
    second_kind: str = "pemda",
) -> Agreement:
    """A valid agreement model; `items` = [(work item id, responsible, [(id, due, evidence)])]."""
    if items is None:
        items = [("W1", "second", [("W1-D1", "2022-03-31", "notulen rapat"), ("W1-D2", "2022-06-30", None)])]
    data = {
        "id": aid,
        "kind": kind,
        "title": f"Rencana Kerja {aid}",
        "parent": "mou-a" if kind != "mou" else None,
        "signed_on": signed_on,
        "ends_on": ends_on,
        "parties": [
            {
                "role": "first",
                "org": "Ombudsman RI Perwakilan NTT",
                "kind": "ombudsman",
                "signatory": {"name": "Darius Beda Daton", "title": "Kepala Perwakilan"},
            },
            {
                "role": "second",
                "org": f"Pemda {aid}",
                "kind": second_kind,
                "signatory": {"name": "Flouri Rita Wuisan", "title": "Kepala Biro Organisasi"},
            },
        ],
        "work_items": [
            {
                "id": wid,
                "title": f"Kegiatan {wid}",
                "responsible": responsible,
                "deliverables": [
                    {"id": did, "title": f"Keluaran {did}", "due": due, **({"evidence": ev} if ev else {})}
                    for did, due, ev in ds
                ],
            }
            for wid, responsible, ds in items
        ],
    }
    return Agreement.model_validate({k: v for k, v in data.items() if v is not None})


def ev(deliverable: str, on: str, status: str) -> dict:
    return {
        "deliverable": deliverable,
        "on": on,
        "status": status,
        "note": None,
        "evidence": [],
        "user": "tester",
        "recorded_at": "2022-01-01T00:00:00+07:00",
    }


def states_by_id(a: Agreement, events: list[dict], as_of: str) -> dict[str, str]:
    return {s.deliverable.id: s.status for s in deliverable_states(a, events, D(as_of))}


def test_no_event_is_not_started():
    states = deliverable_states(agreement(), [], D("2022-07-01"))
    assert [(s.deliverable.id, s.status, s.updated_on, s.event) for s in states] == [
        ("W1-D1", "not_started", None, None),
        ("W1-D2", "not_started", None, None),
    ]


def test_last_event_on_or_before_the_date():
    events = [ev("W1-D1", "2022-03-01", "in_progress"), ev("W1-D1", "2022-03-30", "done")]
    a = agreement()
    assert states_by_id(a, events, "2022-02-28")["W1-D1"] == "not_started"
    assert states_by_id(a, events, "2022-03-01")["W1-D1"] == "in_progress"  # on the day counts
    assert states_by_id(a, events, "2022-03-29")["W1-D1"] == "in_progress"
    assert states_by_id(a, events, "2022-03-30")["W1-D1"] == "done"


def test_equal_dates_later_recorded_wins():
    events = [ev("W1-D1", "2022-04-15", "done"), ev("W1-D1", "2022-04-15", "blocked")]
    assert states_by_id(agreement(), events, "2022-05-01")["W1-D1"] == "blocked"
    assert states_by_id(agreement(), events[::-1], "2022-05-01")["W1-D1"] == "done"


def test_backdated_entry_does_not_hide_a_later_state():
    events = [ev("W1-D1", "2022-04-15", "done"), ev("W1-D1", "2022-02-20", "in_progress")]
    assert states_by_id(agreement(), events, "2022-05-01")["W1-D1"] == "done"
    assert states_by_id(agreement(), events, "2022-03-01")["W1-D1"] == "in_progress"


def test_events_of_unknown_deliverables_are_ignored():
    events = [ev("GONE-1", "2022-03-01", "done")]
    assert set(states_by_id(agreement(), events, "2022-07-01").values()) == {"not_started"}


def test_updated_on_and_event():
    e = ev("W1-D2", "2022-05-05", "in_progress")
    state = deliverable_states(agreement(), [e], D("2022-07-01"))[1]
    assert state.updated_on == D("2022-05-05") and state.event is e


@pytest.mark.parametrize(
    ("statuses", "done", "total", "percent"),
    [
        ([], 0, 0, None),
        (["done", "done"], 2, 2, 100.0),
        (["done", "dropped"], 1, 1, 100.0),
        (["dropped", "dropped"], 0, 0, None),  # nothing counts: percent is null, not 0
        (["done", "in_progress", "blocked"], 1, 3, 33.3),
        (["not_started"] * 3, 0, 3, 0.0),
        (["done", "done", "not_started"], 2, 3, 66.7),
    ],
)
def test_progress(statuses, done, total, percent):
    items = [("W1", "second", [(f"D{i}", "2022-03-31", None) for i in range(len(statuses))])]
    a = agreement(items=items) if statuses else agreement(kind="mou", items=[])
    events = [ev(f"D{i}", "2022-03-01", s) for i, s in enumerate(statuses)]
    result = progress(deliverable_states(a, events, D("2022-07-01")))
    assert (result.done, result.total, result.percent) == (done, total, percent)


@pytest.mark.parametrize(
    ("status", "due", "overdue", "due_soon", "days"),
    [
        ("not_started", "2022-06-30", True, False, 1),
        ("in_progress", "2022-07-01", False, True, 0),  # due today: not yet late
        ("blocked", "2022-07-31", False, True, 0),  # 30 days ahead: due soon
        ("not_started", "2022-08-01", False, False, 0),  # 31 days ahead: not yet
        ("done", "2022-03-31", False, False, 92),
        ("dropped", "2022-03-31", False, False, 92),
        ("dropped", "2022-07-10", False, False, 0),
        ("done", "2022-07-10", False, False, 0),
    ],
)
def test_overdue_and_due_soon(status, due, overdue, due_soon, days):
    a = agreement(items=[("W1", "second", [("X", due, None)])])
    events = [ev("X", "2022-02-10", status)] if status != "not_started" else []
    (state,) = deliverable_states(a, events, D("2022-07-01"))
    assert state.is_overdue(D("2022-07-01")) is overdue
    assert state.is_due_soon(D("2022-07-01")) is due_soon
    assert state.days_overdue(D("2022-07-01")) == days


DAYS = st.integers(min_value=0, max_value=60).map(lambda n: (date(2022, 3, 1) + timedelta(n)).isoformat())
EVENTS = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C"]), DAYS, st.sampled_from(DELIVERABLE_STATUSES)), max_size=30
)


@given(EVENTS, DAYS)
def test_latest_event_matches_the_definition(raw, as_of):
    events = [ev(d, on, s) for d, on, s in raw]
    latest = latest_events(events, D(as_of))
    for deliverable in "ABC":
        # Brute force: the highest (on, recording position) among events on or before as_of.
        candidates = [
            (e["on"], i) for i, e in enumerate(events) if e["deliverable"] == deliverable and e["on"] <= as_of
        ]
        if not candidates:
            assert deliverable not in latest
        else:
            assert latest[deliverable] is events[max(candidates)[1]]


@given(EVENTS, DAYS)
def test_progress_properties(raw, as_of):
    items = [("W1", "both", [(d, "2022-04-01", None) for d in "ABC"])]
    a = agreement(items=items)
    states = deliverable_states(a, [ev(d, on, s) for d, on, s in raw], D(as_of))
    result = progress(states)
    assert 0 <= result.done <= result.total <= 3
    assert result.total == sum(1 for s in states if s.status != "dropped")
    if result.total:
        assert 0 <= result.percent <= 100
    else:
        assert result.percent is None
