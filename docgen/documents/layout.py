"""Where a title or a name may break across lines. Pure (font metrics only).

A title block or a signature block never breaks inside a name: "OMBUDSMAN REPUBLIK
INDONESIA / PERWAKILAN PROVINSI NUSA TENGGARA TIMUR", "GUBERNUR / NUSA TENGGARA TIMUR,"
(DOMAIN.md). Documents get such texts as lists of lines, broken only before the word that
starts a name ("Perwakilan", "Provinsi", "Sekretariat" ...) or after a job that heads one
("Gubernur", "Ketua" ...), and only when the text does not fit its column.
"""

from __future__ import annotations

from itertools import combinations

from reportlab.pdfbase.pdfmetrics import stringWidth  # Helvetica: Arial's metrics

BREAK_BEFORE = frozenset(
    {"perwakilan", "ombudsman", "provinsi", "kabupaten", "kota", "sekretariat", "pemerintah", "dinas", "biro"}
)
BREAK_AFTER = frozenset({"gubernur", "bupati", "ketua", "rektor", "walikota"})
NEVER_AFTER = frozenset({"kepala", "wakil", "wali", "plt", "plh"})  # "Kepala Biro", "Wali Kota"
CELL_PADDING_CM = 0.4


def width_cm(text: str, size: float = 12, bold: bool = True) -> float:
    return float(stringWidth(text, "Helvetica-Bold" if bold else "Helvetica", size)) / 72 * 2.54


def _breaks(words: list[str]) -> list[int]:
    points = []
    for i in range(1, len(words)):
        word, before = words[i].casefold().strip(",."), words[i - 1].casefold().strip(",.")
        if before in NEVER_AFTER:
            continue
        after_wali_kota = before == "kota" and i >= 2 and words[i - 2].casefold() == "wali"
        if word in BREAK_BEFORE or before in BREAK_AFTER or after_wali_kota:
            points.append(i)
    return points


def name_lines(text: str, column_cm: float, size: float = 12, bold: bool = True) -> list[str]:
    """`text` as the fewest lines that fit `column_cm`, broken only between names; the
    most even such split. Text that cannot fit however it is broken is broken at every
    such point (the word processor wraps what is still too long)."""
    text = " ".join(text.split())
    room = column_cm - CELL_PADDING_CM
    if not text or width_cm(text, size, bold) <= room:
        return [text] if text else []
    words = text.split(" ")
    points = _breaks(words)
    for count in range(1, len(points) + 1):
        best: tuple[float, list[str]] | None = None
        for chosen in combinations(points, count):
            edges = [0, *chosen, len(words)]
            lines = [" ".join(words[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
            widest = max(width_cm(line, size, bold) for line in lines)
            if widest <= room and (best is None or widest < best[0]):
                best = (widest, lines)
        if best is not None:
            return best[1]
    edges = [0, *points, len(words)]
    return [" ".join(words[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
