"""Typed values built field by field from the models (the signed terms, `agreement show`)
say what the models' own JSON dumps say, in the same order; the verification log is read
typed; and a key typo in a reader of a record or of a use case's result is a mypy error."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from docgen.domain.obligations import views
from docgen.domain.overview import details
from docgen.domain.signed_terms import SIGNATORY_FIELDS, TERM_FIELDS, fingerprint, terms_of
from docgen.models import Agreement
from tests.full_workspace import MOU, RENJA
from tests.test_records import planted_mypy

AMENDED = (
    RENJA.replace("    kind: ombudsman\n", "    kind: ombudsman\n    register: pusat\n", 1)
    + """\
template: renja-lama
amendments:
  - number: 09/KB/PW24/XII/2022
    number_second: BO/9/2022
    "on": 2022-12-15
    title: Perpanjangan jangka waktu dan tambahan keluaran
    ends_on: 2023-06-30
    work_items:
      - id: W1
        deliverables:
          - {id: W1-D2, title: Rapat koordinasi triwulan III, due: 2023-05-31}
  - title: Perubahan penanggung jawab
    duration_months: 24
"""
)


def model(text: str) -> Agreement:
    return Agreement.model_validate(yaml.safe_load(text))


@pytest.mark.parametrize("text", [MOU, RENJA, AMENDED])
def test_the_signed_terms_are_what_the_model_dumps(text):
    agreement = model(text)
    data = agreement.model_dump(mode="json")
    expected = {key: data[key] for key in TERM_FIELDS}
    expected["parties"] = [
        {
            **{key: p[key] for key in ("role", "org", "kind", "unit")},
            "signatory": {key: p["signatory"][key] for key in SIGNATORY_FIELDS},
        }
        for p in data["parties"]
    ]
    expected["work_items"] = data["work_items"]
    terms = terms_of(agreement)
    assert terms == expected and list(terms) == list(expected)
    assert fingerprint(terms) == fingerprint(expected)  # the signatures already recorded


@pytest.mark.parametrize("as_of", [date(2022, 7, 1), date(2023, 1, 10)])
def test_agreement_show_is_what_the_model_dumps(as_of):
    agreement = model(AMENDED)
    view = views([agreement], {}, {}, as_of)[0]
    shown = details(view, [])
    a = view.agreement  # as amended on `as_of`
    dump = a.model_dump(mode="json", exclude={"work_items"})
    assert list(shown)[: len(dump)] == list(dump)
    assert {k: shown[k] for k in dump if k not in ("ends_on", "parties", "amendments")} == {
        k: v for k, v in dump.items() if k not in ("ends_on", "parties", "amendments")
    }
    assert shown["ends_on"] == (a.end_date.isoformat() if a.end_date else None)
    assert shown["parties"] == [{**p.model_dump(mode="json"), "role_name": p.role_name} for p in a.parties]
    assert [list(p) for p in shown["parties"]] == [
        [*p.model_dump(mode="json"), "role_name"] for p in a.parties
    ]
    assert shown["parties"][0]["register_name"] == "pusat"
    amendments = [
        {
            **am.model_dump(mode="json", exclude={"work_items"}),
            "in_force": am.on is not None and am.on <= as_of,
            "work_items": [wi.id for wi in am.work_items],
        }
        for am in agreement.amendments
    ]
    assert shown["amendments"] == amendments
    assert [list(am) for am in shown["amendments"]] == [list(am) for am in amendments]


def test_a_verification_log_line_not_shaped_as_docgen_writes_one_is_left_out(workspace):
    from docgen.state import open_tracker
    from docgen.workspace import find_workspace

    tracker = open_tracker(find_workspace(workspace()))
    entry = {
        "at": "2024-01-02T03:04:05+00:00",
        "number": "0001/X",
        "outcome": "genuine",
        "address": "1.2.3.4",
    }
    tracker.log_verification(entry)
    with open(tracker.root / "tracker-verifications.jsonl", "a", encoding="utf-8") as log:
        log.write('{"at": "2024-01-02", "number": 7}\n["not", "an", "entry"]\n{"cut": ')
    assert tracker.verification_log(10) == [entry]


TYPO = """
from datetime import date

from docgen.app.agreements import show_agreement
from docgen.records import SIGNATURES
from docgen.state.base import Session
from docgen.workspace import Workspace


def signed_title(session: Session) -> list[str]:
    return [r["terms"]["titel"] for r in session.records(SIGNATURES)]


def statuses(ws: Workspace) -> list[str]:
    return [d["stauts"] for d in show_agreement(ws, "x", date.today())["deliverables"]]
"""


def test_a_key_typo_in_a_reader_of_a_result_is_a_mypy_error(tmp_path):
    result = planted_mypy(tmp_path, TYPO)
    assert result.returncode == 1, result.stdout
    assert 'TypedDict "SignedTerms" has no key "titel"' in result.stdout
    assert 'TypedDict "DeliverableRow" has no key "stauts"' in result.stdout
