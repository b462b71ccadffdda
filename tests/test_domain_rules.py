"""Each rule defined once in domain/ (issue 19), tested where it is defined: the reply-by
date, who a letter is copied to, the next event id, the status lists and their words,
the grade of a result row and the idempotency of certificates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from docgen.domain.certificates import certificate_key, conflicts, duplicates, in_force
from docgen.domain.deliverable_state import (
    DELIVERABLE_LABELS,
    DELIVERABLE_STATUSES,
    deliverable_states,
    next_event_id,
    status_problem,
)
from docgen.domain.grading import builtin_scheme, grade_row
from docgen.domain.letters import Planned, reply_by, reply_deadline
from docgen.domain.status import STATUS_LABELS, STATUSES
from docgen.models import Agreement
from docgen.records import CertificateRecord, LetterRecord


def test_the_reply_deadline_is_the_letter_date_plus_reply_days():
    assert reply_deadline(date(2022, 7, 1), 14) == date(2022, 7, 15)
    recorded: LetterRecord = {
        "number": "B/1",
        "agreement": "a",
        "party": "second",
        "on": "2022-07-01",
        "items": ["W1-D1"],
        "seq": 1,
        "year": 2022,
        "file": "x.docx",
    }
    assert reply_by(recorded, 14) == "2022-07-15"  # docgen 0.1 recorded none: the same rule
    assert reply_by({**recorded, "reply_by": "2022-07-20"}, 14) == "2022-07-20"


AGREEMENT = """
id: ntt-renja-2022
kind: renja
title: Rencana Kerja
parent: ntt-mou-2021
signed_on: 2022-01-10
duration_months: 12
parties:
  - {role: first, kind: ombudsman, org: Ombudsman RI, signatory: {name: A, title: Kepala}}
  - {role: second, kind: pemda, org: Pemda, signatory: {name: B, title: Gubernur}, superior: Menteri}
work_items:
  - id: W1
    title: Sosialisasi
    responsible: second
    deliverables:
      - {id: W1-D1, title: Laporan, due: 2022-03-01}
"""


def test_a_second_letter_is_copied_to_the_superior_a_first_is_not():
    agreement = Agreement.model_validate(yaml.safe_load(AGREEMENT))
    states = deliverable_states(agreement, [], date(2022, 7, 1))
    first = Planned(agreement, agreement.second, states, [], None)
    assert not first.needs_superior and first.copied_to == []
    earlier: LetterRecord = {
        "number": "B/1",
        "agreement": agreement.id,
        "party": "second",
        "on": "2022-04-01",
        "items": ["W1-D1"],
        "seq": 1,
        "year": 2022,
        "file": "x.docx",
    }
    second = Planned(agreement, agreement.second, states, [earlier], None)
    assert second.ordinal == 2 and second.needs_superior and second.copied_to == ["Menteri"]
    no_superior = agreement.second.model_copy(update={"superior": None})
    assert Planned(agreement, no_superior, states, [earlier], None).copied_to == []


def test_the_next_event_id_follows_the_highest_numbered_one():
    assert next_event_id([]) == 1
    assert next_event_id(["1", "2", "7"]) == 8
    assert next_event_id([None, "x", 3, "03"]) == 4  # legacy and odd ids are skipped or read as numbers


def test_every_status_has_its_word_in_the_same_table():
    assert DELIVERABLE_STATUSES == tuple(DELIVERABLE_LABELS) and DELIVERABLE_LABELS["not_started"]
    assert STATUSES == tuple(STATUS_LABELS) and all(STATUS_LABELS.values())
    assert status_problem("done") is None
    assert "not_started" in (status_problem("finished") or "")


@pytest.mark.parametrize(
    ("score", "predikat", "grade", "problem", "differs"),
    [
        ("90", None, "A", False, None),  # the grade of the score
        ("90", "b", "B", False, "A"),  # the predikat wins, and the difference is reported
        ("90", "Kategori A", "A", False, None),
        ("90", "Z", None, True, None),  # not a grade of the scheme: an error row
    ],
)
def test_a_row_is_graded_by_its_predikat_else_by_its_score(score, predikat, grade, problem, differs):
    graded = grade_row(builtin_scheme(2022), Decimal(score), predikat)
    assert (graded.grade.grade if graded.grade else None) == grade
    assert (graded.problem is not None) == problem
    assert (graded.differs.grade if graded.differs else None) == differs


def _certificate(**fields) -> CertificateRecord:
    record: CertificateRecord = {
        "number": "1/PHG",
        "key": "dinas sosial",
        "recipient": "Dinas Sosial",
        "year": 2022,
        "event": "Penilaian Kepatuhan",
        "score": 91.4,
        "score_text": "91,40",
        "grade": "A",
        "issued_on": "2023-02-16",
        "file": "x.pdf",
    }
    return {**record, **fields}  # type: ignore[typeddict-item]


def test_one_certificate_in_force_per_recipient_year_and_event():
    key = certificate_key("  DINAS   Sosial ", 2022, "penilaian  kepatuhan")
    assert key == ("dinas sosial", 2022, "penilaian kepatuhan")
    live, revoked = _certificate(), _certificate(number="0/PHG", revoked=True)
    assert in_force([revoked, live]) == {key: live}
    assert not conflicts(live, Decimal("91.40"), "A")  # the same figures: found, not re-issued
    assert conflicts(live, Decimal("91.41"), "A") and conflicts(live, Decimal("91.4"), "B")


def test_a_recipient_named_twice_in_a_results_file_is_found():
    rows = [(2, "Dinas Sosial"), (3, "Dinas Kesehatan"), (4, "dinas  sosial")]
    assert duplicates(rows) == {2: [2, 4], 4: [2, 4]}
