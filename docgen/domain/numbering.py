"""The text of an official number: `B/001/PW24/KM.01/II/2022` from a configured format."""

from __future__ import annotations

from datetime import date

from docgen.config import NUMBER_KINDS, Config
from docgen.errors import NumberingError
from docgen.i18n import _
from docgen.indonesian import bulan_romawi


def format_number(
    config: Config,
    kind: str,
    seq: int,
    on: date,
    year: int | None = None,
    *,
    assessment_year: int | None = None,
) -> str:
    """The number text of `kind` for sequence `seq`, dated `on`.

    `{year}` and `{month_roman}` are those of the document's date, like every outgoing
    document (a piagam dated 16 February 2023 carries 2023); `year` overrides the year of
    `on` for old records. A certificate's `{assessment_year}` is the year it rewards.
    """
    if kind not in NUMBER_KINDS:
        raise NumberingError(
            _("unknown number kind {kind!r} (use {items})").format(kind=kind, items=", ".join(NUMBER_KINDS))
        )
    fmt: str = getattr(config.numbering, kind)
    fields: dict[str, int | str] = {
        "seq": seq,
        "year": year if year is not None else on.year,
        "month": on.month,
        "month_roman": bulan_romawi(on.month),
        "day": on.day,
        "unit_code": config.office.unit_code,
    }
    if kind == "certificate":
        fields["assessment_year"] = assessment_year if assessment_year is not None else fields["year"]
    return fmt.format(**fields)
