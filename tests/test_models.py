"""Unit tests of the agreement model rules and the derived status."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from docgen.domain.status import agreement_status
from docgen.models import Agreement, add_months
from tests.test_check import MOU, RENJA


def mou(**changes) -> Agreement:
    data = yaml.safe_load(MOU)
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return Agreement.model_validate(data)


def test_end_date_from_duration():
    assert mou().end_date == date(2026, 12, 19)
    assert mou(duration_months=None, ends_on="2022-12-31").end_date == date(2022, 12, 31)
    assert mou(duration_months=None).end_date is None


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2022, 1, 31), 1, date(2022, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2021, 12, 20), 60, date(2026, 12, 20)),
        (date(2022, 11, 15), 2, date(2023, 1, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@given(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)), st.integers(min_value=1, max_value=120)
)
def test_add_months_properties(start, months):
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day <= start.day


@pytest.mark.parametrize(
    ("as_of", "terminated", "expected"),
    [
        (date(2021, 12, 19), None, "pending"),
        (date(2021, 12, 20), None, "active"),
        (date(2026, 9, 19), None, "active"),  # 91 days left
        (date(2026, 9, 20), None, "expiring"),  # 90 days left
        (date(2026, 12, 19), None, "expiring"),  # the last day is within the term
        (date(2026, 12, 20), None, "expired"),
        (date(2023, 1, 1), date(2023, 1, 1), "terminated"),
        (date(2022, 12, 31), date(2023, 1, 1), "active"),
    ],
)
def test_status(as_of, terminated, expected):
    assert agreement_status(mou(), as_of, terminated) == expected


def test_draft_and_open_ended():
    assert agreement_status(mou(signed_on=None), date(2030, 1, 1)) == "draft"
    assert agreement_status(mou(duration_months=None), date(2090, 1, 1)) == "active"


def test_deliverables_flattened():
    data = yaml.safe_load(RENJA)
    agreement = Agreement.model_validate(data)
    assert [d.id for d in agreement.deliverables] == ["W1-D1", "W1-D2"]
    assert agreement.template_name == "renja"


def test_catalog_only_parses_what_is_asked(workspace):
    from docgen.agreements import load_catalog
    from docgen.workspace import Workspace

    broken = "id: broken\nkind: [\n"
    ws = Workspace(
        workspace(
            {"agreements/mou-a.yaml": MOU, "agreements/renja-a.yaml": RENJA, "agreements/broken.yaml": broken}
        )
    )
    catalog = load_catalog(ws, only=["renja-a"])
    assert set(catalog.files) == {"mou-a", "renja-a", "broken"}
    assert set(catalog.agreements) == {"renja-a", "mou-a"}  # and its parent, for the checks
    assert catalog.problems == []
    full = load_catalog(ws)
    assert [p.file for p in full.problems] == ["agreements/broken.yaml"]
