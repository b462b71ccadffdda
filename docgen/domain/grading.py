"""Grading schemes of the compliance assessment (Penilaian Kepatuhan), per year.

Built in (DOMAIN.md): the three zones Hijau / Kuning / Merah for years up to 2021 and
the categories A–E from 2022 on. `[grading.YEAR]` in docgen.toml replaces the scheme of
that year. Boundaries are compared as Decimals, so 88,00 is an A and 87,99 a B.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docgen.config import Config
from docgen.domain.certificates import fold
from docgen.errors import InputError
from docgen.i18n import _

FIRST_CATEGORY_YEAR = 2022
_PREFIXES = ("zona ", "kategori ", "predikat ", "kualifikasi ")


@dataclass(frozen=True)
class Grade:
    grade: str  # "A", "Hijau"
    min: Decimal  # the lowest score of the grade
    label: str = ""  # "Kualitas Tertinggi", "Kepatuhan Tinggi"
    zone: str = ""  # "hijau", "kuning", "merah"
    rank: int = 0  # 0 is the best grade of its scheme

    @property
    def is_zone(self) -> bool:
        """A grade that is itself a zone (the schemes up to 2021)."""
        return bool(self.zone) and self.zone.casefold() == self.grade.casefold()

    @property
    def text(self) -> str:
        """How a certificate names it after "atas capaian" (DOMAIN.md): from 2022 "Opini
        Kualitas Tertinggi (Kategori A, Zona Hijau)", up to 2021 "Predikat Kepatuhan
        Tinggi (Zona Hijau)"."""
        zone = self.zone.title()
        if self.is_zone:
            return f"Predikat {self.label} (Zona {zone})" if self.label else f"Zona {zone}"
        inner = ", ".join([f"Kategori {self.grade}"] + ([f"Zona {zone}"] if zone else []))
        return f"Opini {self.label} ({inner})" if self.label else inner


@dataclass(frozen=True)
class Scheme:
    year: int
    grades: tuple[Grade, ...]
    source: str  # "built-in" or "docgen.toml [grading.2022]"
    wording: str = ""  # `[grading.YEAR] wording`: "Opini {label} (Kategori {grade}, Zona {zone})"

    def text(self, grade: Grade) -> str:
        """The grade as the certificate says it: the scheme's wording, else the built-in."""
        if not self.wording:
            return grade.text
        return self.wording.format(grade=grade.grade, label=grade.label, zone=grade.zone.title())

    @property
    def names(self) -> str:
        return ", ".join(g.grade for g in self.grades)

    def grade_of(self, score: Decimal) -> Grade:
        """The first (highest) grade whose minimum the score reaches."""
        for grade in self.grades:
            if score >= grade.min:
                return grade
        return self.grades[-1]  # unreachable for 0..100: the last grade starts at 0

    def find(self, text: str) -> Grade | None:
        """The grade named by `text`, in any case: "A", "a", "Kategori A", "Hijau",
        "Zona Hijau", or its label ("Kualitas Tertinggi"). None if it names none."""
        wanted = fold(text)
        for prefix in _PREFIXES:
            if wanted.startswith(prefix):
                wanted = wanted[len(prefix) :].strip()
        for grade in self.grades:
            if fold(grade.grade) == wanted:
                return grade
        # "A — Kualitas Tertinggi", "A (Kualitas Tertinggi)": the grade before the label.
        for sep in (" — ", " – ", " - ", " ("):
            head = wanted.split(sep, 1)[0].strip()
            if head != wanted:
                for grade in self.grades:
                    if fold(grade.grade) == head:
                        return grade
        by_label = [g for g in self.grades if g.label and fold(g.label) == wanted]
        if len(by_label) == 1:
            return by_label[0]
        by_zone = [g for g in self.grades if g.zone and fold(g.zone) == wanted]
        return by_zone[0] if len(by_zone) == 1 else None

    def minimum(self, text: str) -> Grade:
        """The grade `--min-grade` names. A zone of a scheme with several grades per zone
        (`hijau` in 2022) means the lowest grade of that zone (B)."""
        grade = self.find(text)
        if grade is None:
            wanted = fold(text)
            for prefix in _PREFIXES:
                wanted = wanted.removeprefix(prefix)
            zone = [g for g in self.grades if g.zone and fold(g.zone) == wanted.strip()]
            if zone:
                return zone[-1]
            raise InputError(
                _(
                    "--min-grade: {text!r} is not a grade of the {year} scheme (use one of "
                    "{names}{zones_hint})"
                ).format(text=text, year=self.year, names=self.names, zones_hint=self._zones_hint())
            )
        return grade

    def default_minimum(self) -> Grade:
        """Without --min-grade: green-zone providers receive certificates (DOMAIN.md), so
        the lowest grade of zone hijau; the top grade when the scheme has no zones."""
        green = [g for g in self.grades if g.zone.casefold() == "hijau"]
        return green[-1] if green else self.grades[0]

    def _zones_hint(self) -> str:
        zones = list(dict.fromkeys(g.zone for g in self.grades if g.zone and not g.is_zone))
        return f", or a zone: {', '.join(zones)}" if zones else ""


@dataclass(frozen=True)
class Graded:
    """The grade a result row gets: its `predikat` when it names one of the scheme's grades
    (the assessment's own decision), else the grade of its score. `problem` is why the
    row gets none (an unknown predikat); `differs` the computed grade, when a predikat
    overrides a different one (a warning, not an error)."""

    grade: Grade | None
    problem: str | None = None
    differs: Grade | None = None


def grade_row(scheme: Scheme, score: Decimal, predikat: str | None) -> Graded:
    """The grading rule of certificates (DOMAIN.md): the predikat given wins over the
    grade of the score; a predikat that is no grade of the year's scheme is an error."""
    computed = scheme.grade_of(score)
    if not predikat:
        return Graded(computed)
    given = scheme.find(predikat)
    if given is None:
        return Graded(
            None,
            problem=_(
                "predikat: {predikat!r} is not a grade of the {year} scheme (use one of {names})"
            ).format(predikat=predikat, year=scheme.year, names=scheme.names),
        )
    return Graded(given, differs=computed if given != computed else None)


def _scheme(year: int, rows: list[tuple[str, str, str, str]], source: str, wording: str = "") -> Scheme:
    grades = tuple(
        Grade(name, Decimal(low), label, zone, rank) for rank, (name, low, label, zone) in enumerate(rows)
    )
    return Scheme(year, grades, source, wording)


ZONES = [
    ("Hijau", "81", "Kepatuhan Tinggi", "hijau"),
    ("Kuning", "51", "Kepatuhan Sedang", "kuning"),
    ("Merah", "0", "Kepatuhan Rendah", "merah"),
]
CATEGORIES = [
    ("A", "88", "Kualitas Tertinggi", "hijau"),
    ("B", "78", "Kualitas Tinggi", "hijau"),
    ("C", "57", "Kualitas Sedang", "kuning"),
    ("D", "26", "Kualitas Rendah", "merah"),
    ("E", "0", "Kualitas Terendah", "merah"),
]


def builtin_scheme(year: int) -> Scheme:
    rows = ZONES if year < FIRST_CATEGORY_YEAR else CATEGORIES
    return _scheme(year, rows, "built-in")


def scheme_for(config: Config, year: int) -> Scheme:
    """The grading scheme of an assessment year: docgen.toml's, else the built-in one."""
    configured = config.grading.get(str(year))
    if configured is None:
        return builtin_scheme(year)
    # repr() of the float is its shortest exact text: 88.0 -> Decimal("88.0"), never 87.999...
    rows = [(g.grade, repr(g.min), g.label, g.zone) for g in configured.grades]
    return _scheme(year, rows, f"docgen.toml [grading.{year}]", configured.wording)
