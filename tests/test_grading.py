"""Grading schemes per year (DOMAIN.md), their boundaries and how grades are named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.config import Config
from docgen.domain.grading import builtin_scheme, scheme_for
from docgen.errors import InputError
from tests.conftest import CONFIG

OFFICE = {
    "name": "Ombudsman RI Perwakilan NTT",
    "unit_code": "PW24",
    "city": "Kupang",
    "head": {"name": "Darius Beda Daton", "title": "Kepala Perwakilan"},
}


def config(grading: dict | None = None) -> Config:
    return Config.model_validate({"office": OFFICE, "grading": grading or {}})


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "A"),
        ("90.54", "A"),
        ("88.00", "A"),
        ("87.99", "B"),
        ("78.00", "B"),
        ("77.99", "C"),
        ("58.99", "C"),
        ("58.03", "C"),
        ("57.00", "C"),
        ("56.99", "D"),
        ("26.00", "D"),
        ("25.99", "E"),
        ("0", "E"),
    ],
)
def test_categories_from_2022(score, grade):
    for year in (2022, 2023, 2024, 2030):
        assert builtin_scheme(year).grade_of(Decimal(score)).grade == grade


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("100", "Hijau"),
        ("81.00", "Hijau"),
        ("80.99", "Kuning"),
        ("51.00", "Kuning"),
        ("50.99", "Merah"),
        ("0", "Merah"),
    ],
)
def test_zones_up_to_2021(score, grade):
    for year in (2015, 2019, 2021):
        assert builtin_scheme(year).grade_of(Decimal(score)).grade == grade


def test_config_overrides_one_year_only():
    cfg = config(
        {
            "2022": {
                "grades": [
                    {"grade": "A", "min": 90.0, "label": "Istimewa", "zone": "hijau"},
                    {"grade": "B", "min": 0.0, "label": "Biasa", "zone": "kuning"},
                ]
            }
        }
    )
    scheme = scheme_for(cfg, 2022)
    assert scheme.source == "docgen.toml [grading.2022]"
    assert scheme.grade_of(Decimal("89.99")).grade == "B"
    assert scheme.grade_of(Decimal("90.00")).grade == "A"
    assert scheme_for(cfg, 2023).grade_of(Decimal("89.99")).grade == "A"  # built-in
    assert scheme_for(cfg, 2021).grade_of(Decimal("89.99")).grade == "Hijau"


def test_float_minimums_are_exact():
    # 78.1 as a float is 78.0999...; the boundary must still be 78,10.
    cfg = config({"2022": {"grades": [{"grade": "A", "min": 78.1}, {"grade": "B", "min": 0.0}]}})
    scheme = scheme_for(cfg, 2022)
    assert scheme.grade_of(Decimal("78.10")).grade == "A"
    assert scheme.grade_of(Decimal("78.09")).grade == "B"


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("B", "B"),
        ("b", "B"),
        (" Kategori b ", "B"),
        ("kualitas tinggi", "B"),
        ("A — Kualitas Tertinggi", "A"),
        ("A (Kualitas Tertinggi)", "A"),
        ("kuning", "C"),
    ],
)
def test_find_a_grade_of_2022(text, grade):
    assert builtin_scheme(2022).find(text).grade == grade


def test_find_rejects_an_ambiguous_zone_and_nonsense():
    scheme = builtin_scheme(2022)
    assert scheme.find("hijau") is None  # A and B are both green
    assert scheme.find("F") is None
    assert scheme.find("") is None


@pytest.mark.parametrize(
    ("year", "text", "grade"),
    [
        (2022, "B", "B"),
        (2022, "hijau", "B"),
        (2022, "Hijau", "B"),
        (2022, "zona merah", "E"),
        (2022, "a", "A"),
        (2021, "Hijau", "Hijau"),
        (2021, "hijau", "Hijau"),
        (2021, "ZONA KUNING", "Kuning"),
    ],
)
def test_min_grade_in_any_case(year, text, grade):
    assert builtin_scheme(year).minimum(text).grade == grade


def test_unknown_min_grade_names_the_choices():
    with pytest.raises(InputError) as exc:
        builtin_scheme(2022).minimum("Hijau Tua")
    assert "--min-grade" in exc.value.message
    assert "A, B, C, D, E" in exc.value.message
    with pytest.raises(InputError) as exc:
        builtin_scheme(2021).minimum("B")
    assert "Hijau, Kuning, Merah" in exc.value.message


def test_default_minimum_is_the_lowest_green_grade():
    assert builtin_scheme(2022).default_minimum().grade == "B"
    assert builtin_scheme(2021).default_minimum().grade == "Hijau"
    cfg = config({"2022": {"grades": [{"grade": "Emas", "min": 90.0}, {"grade": "Perak", "min": 0.0}]}})
    assert scheme_for(cfg, 2022).default_minimum().grade == "Emas"


def test_grade_text_as_printed():
    """DOMAIN.md: "atas capaian Opini Kualitas Tinggi (Kategori B, Zona Hijau)" from 2022,
    "atas capaian Predikat Kepatuhan Tinggi (Zona Hijau)" up to 2021."""
    scheme = builtin_scheme(2022)
    assert scheme.text(scheme.find("A")) == "Opini Kualitas Tertinggi (Kategori A, Zona Hijau)"
    assert scheme.text(scheme.find("B")) == "Opini Kualitas Tinggi (Kategori B, Zona Hijau)"
    assert scheme.text(scheme.find("D")) == "Opini Kualitas Rendah (Kategori D, Zona Merah)"
    old = builtin_scheme(2021)
    assert old.text(old.find("Hijau")) == "Predikat Kepatuhan Tinggi (Zona Hijau)"
    assert old.text(old.find("Kuning")) == "Predikat Kepatuhan Sedang (Zona Kuning)"


def test_grade_wording_is_configurable():
    config = Config.model_validate(
        {
            "office": OFFICE,
            "grading": {
                "2023": {
                    "wording": "Predikat {label} ({grade}, zona {zone})",
                    "grades": [
                        {"grade": "A", "min": 80, "label": "Sangat Baik", "zone": "hijau"},
                        {"grade": "B", "min": 0, "label": "Baik", "zone": "kuning"},
                    ],
                }
            },
        }
    )
    scheme = scheme_for(config, 2023)
    assert scheme.text(scheme.find("A")) == "Predikat Sangat Baik (A, zona Hijau)"
    with pytest.raises(ValueError, match="unknown field {nilai}"):
        Config.model_validate(
            {
                "office": OFFICE,
                "grading": {"2023": {"wording": "{nilai}", "grades": [{"grade": "A", "min": 0}]}},
            }
        )


@given(st.integers(min_value=0, max_value=10000), st.sampled_from([2019, 2022]))
def test_every_score_gets_the_grade_of_its_band(hundredths, year):
    score = Decimal(hundredths).scaleb(-2)
    scheme = builtin_scheme(year)
    grade = scheme.grade_of(score)
    assert score >= grade.min
    if grade.rank > 0:
        assert score < scheme.grades[grade.rank - 1].min


def test_a_grading_key_that_is_not_a_year_is_a_config_error(workspace, cli):
    config = CONFIG + '\n[grading.abc]\ngrades = [{ grade = "A", min = 0.0 }]\n'
    run = cli(workspace(config=config), "check")
    assert run.exit_code == 1
    assert "docgen.toml: grading: [grading.abc]: the key must be a year such as 2022" in run.stderr
