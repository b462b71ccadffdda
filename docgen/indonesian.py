"""Indonesian words for numbers, dates and money, as used in official documents.

Every public function here is also a Jinja filter (see ``FILTERS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from docgen.i18n import _

DOTS = "............."

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

_DIGITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SCALES = ("", "ribu", "juta", "miliar", "triliun", "kuadriliun")
_LIMIT = 1000 ** len(_SCALES)  # 10^18: the next word (kuintiliun) is not in common use

# "81.54", "81,54", or grouped the Indonesian way: "1.500.000,00". A lone dot
# ("1.500") is a decimal point: only a comma or a second dot marks grouping.
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]+)?|[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?)")
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _to_decimal(x: Any) -> Decimal:
    # bool is an int subclass: True would silently become "satu".
    if isinstance(x, bool) or not isinstance(x, int | float | Decimal | str):
        raise ValueError(_("{x!r} is not a number").format(x=x))
    if isinstance(x, str):
        s = x.strip()
        if not _NUMBER_RE.fullmatch(s):
            raise ValueError(_("{x!r} is not a number (expected e.g. 81.54 or 81,54)").format(x=x))
        if "," in s or s.count(".") > 1:
            s = s.replace(".", "").replace(",", ".")
        return Decimal(s)
    # repr() of a float is the shortest string that round-trips: 0.1 -> "0.1".
    d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    if not d.is_finite():
        raise ValueError(_("{x!r} is not a finite number").format(x=x))
    return d


def _below_thousand(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_DIGITS[hundreds], "ratus"]
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif 12 <= rest <= 19:
        words += [_DIGITS[rest - 10], "belas"]
    elif rest >= 20:
        tens, ones = divmod(rest, 10)
        words += [_DIGITS[tens], "puluh"] + ([_DIGITS[ones]] if ones else [])
    elif rest:
        words.append(_DIGITS[rest])
    return words


def _integer_words(n: int) -> str:
    if n == 0:
        return "nol"
    if n >= _LIMIT:
        raise ValueError(_("{n} is too large to spell (the limit is {value})").format(n=n, value=_LIMIT - 1))
    words: list[str] = []
    for power in range(len(_SCALES) - 1, -1, -1):
        group = n // 1000**power % 1000
        if not group:
            continue
        # A thousands group of exactly one is "seribu", also inside larger numbers
        # (1.001.000 is "satu juta seribu").
        if power == 1 and group == 1:
            words.append("seribu")
        else:
            words += _below_thousand(group) + ([_SCALES[power]] if power else [])
    return " ".join(words)


def terbilang(n: int | float | Decimal | str) -> str:
    """Spell a number: 2022 -> "dua ribu dua puluh dua", 81.54 -> "... koma lima empat".

    Digits after the decimal separator are read one by one; trailing zeros are
    dropped, so 81.0 and 81.50 read like 81 and 81.5.
    """
    d = _to_decimal(n)
    whole, _skip, fraction = format(abs(d), "f").partition(".")
    fraction = fraction.rstrip("0")
    words = _integer_words(int(whole))
    if fraction:
        words += " koma " + " ".join(_DIGITS[int(c)] for c in fraction)
    return f"minus {words}" if d < 0 and words != "nol" else words


def parse_date(s: str) -> date:
    """Parse a strict ISO date (YYYY-MM-DD)."""
    match = _ISO_DATE_RE.fullmatch(s.strip()) if isinstance(s, str) else None
    if not match:
        raise ValueError(_("{s!r} is not a date in YYYY-MM-DD form").format(s=s))
    return valid_date(*map(int, match.groups()), shown=s)


def valid_date(year: int, month: int, day: int, *, shown: str) -> date:
    """The date, or a ValueError saying (in the interface language) what is wrong with it."""
    try:
        return date(year, month, day)
    except ValueError:
        pass
    if not 1 <= month <= 12:
        problem = _("there is no month {month}").format(month=month)
    elif not 1 <= year <= 9999:
        problem = _("there is no year {year}").format(year=year)
    else:
        import calendar  # only on this error: a light start for every command

        days = calendar.monthrange(year, month)[1]
        problem = _("{month} {year} has {days} days").format(month=BULAN[month - 1], year=year, days=days)
    raise ValueError(_("{s!r} is not a valid date ({problem})").format(s=shown, problem=problem))


def _to_date(d: date | str) -> date:
    if isinstance(d, date):
        return d
    if isinstance(d, str):
        return parse_date(d)
    raise ValueError(_("{d!r} is not a date").format(d=d))


def tanggal(d: date | str | None) -> str:
    """Short date: "8 Februari 2022". None or "" gives "" (a blank to fill in)."""
    if d is None or d == "":
        return ""
    d = _to_date(d)
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def hari(d: date | str | None) -> str:
    """Day name: "Selasa". None or "" gives ""."""
    return "" if d is None or d == "" else HARI[_to_date(d).weekday()]


def bulan(d: date | str | None) -> str:
    """Month name: "Februari". None or "" gives ""."""
    return "" if d is None or d == "" else BULAN[_to_date(d).month - 1]


def bulan_romawi(x: date | int | str) -> str:
    """Roman month, as in letter numbers: a date or a month number 1..12 -> "I".."XII"."""
    if isinstance(x, date):
        return ROMAWI[x.month - 1]
    if isinstance(x, str) and _ISO_DATE_RE.fullmatch(x.strip()):
        return ROMAWI[parse_date(x).month - 1]
    if isinstance(x, str) and x.strip().isascii() and x.strip().isdigit():
        x = int(x)
    if isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 12:
        return ROMAWI[x - 1]
    raise ValueError(_("{x!r} is not a date or a month number from 1 to 12").format(x=x))


def tanggal_terbilang(d: date | str | None) -> str:
    """The date as the opening of an agreement spells it:
    "Selasa, tanggal delapan, bulan Februari, tahun dua ribu dua puluh dua (08-02-2022)".

    None or "" (not yet signed) gives the same phrase with dotted blanks.
    """
    if d is None or d == "":
        return f"{DOTS}, tanggal {DOTS}, bulan {DOTS}, tahun {DOTS} (..-..-....)"
    d = _to_date(d)
    return (
        f"{hari(d)}, tanggal {terbilang(d.day)}, bulan {bulan(d)}, tahun {terbilang(d.year)} ({d:%d-%m-%Y})"
    )


def kalimat_pembuka(d: date | str | None, place: str | None = None) -> str:
    """The opening sentence of an agreement; blanks are dotted in an unsigned draft."""
    return (
        f"Pada hari ini, {tanggal_terbilang(d)}, bertempat di {place or DOTS}, "
        "kami yang bertanda tangan di bawah ini:"
    )


def _round(x: int | float | Decimal | str, decimals: int) -> Decimal:
    """Round half up (not float's half-to-even): 2.675 -> 2.68."""
    d = _to_decimal(x)
    # Enough precision that quantize never fails on a large amount.
    with localcontext(prec=max(28, d.adjusted() + decimals + 2)):
        return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def angka(x: int | float | Decimal | str, decimals: int = 2) -> str:
    """Indonesian decimal notation, rounding half up: 1234.5 -> "1.234,50"."""
    if decimals < 0:
        raise ValueError(_("decimals must be 0 or more, not {decimals}").format(decimals=decimals))
    q = _round(x, decimals)
    if q == 0:
        q = abs(q)  # no "-0,00"
    return f"{q:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def bilangan(n: int) -> str:
    """A count in figures and words, as official writing gives it: 7 -> "7 (tujuh)"."""
    return f"{int(n)} ({terbilang(int(n))})"


def rupiah(x: int | float | Decimal | str) -> str:
    """Money: "Rp1.500.000,00"; negative amounts "-Rp1.000,00"."""
    text = angka(x, 2)
    return f"-Rp{text[1:]}" if text.startswith("-") else f"Rp{text}"


def rupiah_terbilang(x: int | float | Decimal | str) -> str:
    """Money in words: "satu juta lima ratus ribu rupiah"; cents are read as "sen"."""
    q = _round(x, 2)
    whole, cents = divmod(int(abs(q) * 100), 100)
    words = f"{terbilang(whole)} rupiah"
    if cents:
        words += f" {terbilang(cents)} sen"
    return f"minus {words}" if q < 0 else words


FILTERS: dict[str, Callable[..., str]] = {
    "tanggal": tanggal,
    "hari": hari,
    "bulan": bulan,
    "terbilang": terbilang,
    "tanggal_terbilang": tanggal_terbilang,
    "bulan_romawi": bulan_romawi,
    "rupiah": rupiah,
    "rupiah_terbilang": rupiah_terbilang,
    "angka": angka,
    "bilangan": bilangan,
    "kalimat_pembuka": kalimat_pembuka,
}
