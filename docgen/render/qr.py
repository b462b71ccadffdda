"""QR codes for certificates: segno's own symbol, with a faster mask choice, as PDF operators.

segno picks the best of 8 masks by scoring each masked symbol module by module, which is
most of the 34-50 ms a certificate's QR code costs through reportlab's widget. Here the
symbol is encoded once, the masks are scored with integer and string operations, and the
chosen symbol is drawn as one filled path of module runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _Grid:
    """What a QR version's mask evaluation needs, computed once per version (as segno's
    encoder does): the data region, the function patterns and the 8 mask patterns."""

    n: int
    region: tuple[int, ...]      # per row: bits of the encoding region (MSB = column 0)
    function: tuple[int, ...]    # per row: dark function-pattern modules, reserved areas light
    masks: tuple[tuple[int, ...], ...]  # per mask, per row: the mask's bits within the region
    mask_cols: tuple[tuple[int, ...], ...]  # the same per column (MSB = row 0)


_GRIDS: dict[int, _Grid] = {}


def _grid(n: int) -> _Grid:
    grid = _GRIDS.get(n)
    if grid is None:
        from segno import encoder

        fm = encoder.make_matrix(n, n)
        encoder.add_finder_patterns(fm, n, n)
        encoder.add_alignment_patterns(fm, n, n)
        # segno's evaluation copies the matrix before format information is written, so
        # the reserved format area (which holds the dark module) is still light there.
        function = tuple(sum(1 << (n - 1 - j) for j in range(n) if fm[i][j] == 1) for i in range(n))
        fm[-8][8] = 0x1
        region = tuple(sum(1 << (n - 1 - j) for j in range(n) if fm[i][j] > 1) for i in range(n))
        masks = tuple(
            tuple(sum(1 << (n - 1 - j) for j in range(n) if region[i] >> (n - 1 - j) & 1 and pattern(i, j))
                  for i in range(n))
            for pattern in encoder.get_data_mask_functions(False))
        grid = _GRIDS[n] = _Grid(n, region, function, masks, tuple(_transpose(m, n) for m in masks))
    return grid


def _transpose(rows: Sequence[int], n: int) -> tuple[int, ...]:
    text = [format(r, f"0{n}b") for r in rows]
    return tuple(int("".join(c), 2) for c in zip(*text, strict=True))


def _penalty(rows: list[int], cols: list[int], n: int) -> int:
    """ISO/IEC 18004 7.8.3 penalty of one masked symbol, exactly as segno's mask_scores
    computes it, on rows as integers and on all rows and columns as one string ("2"
    between lines) searched at C speed."""
    width = f"0{n}b"
    lines = "2".join([format(r, width) for r in rows] + [format(c, width) for c in cols])
    runs = _LIGHT_RUNS.findall(lines) + _DARK_RUNS.findall(lines)
    n1 = sum(map(len, runs)) - 2 * len(runs)
    full = (1 << n) - 1
    n2 = 0
    for a, b in zip(rows, rows[1:], strict=False):
        dark = a & b
        light = ~a & ~b & full
        n2 += (dark & dark >> 1).bit_count() + (light & light >> 1).bit_count()
    n3 = 0
    stride = n + 1
    idx = lines.find("1011101")
    while idx != -1:
        start = idx - idx % stride
        pos = idx - start
        line = lines[start:start + n]
        offset = pos + 7
        if pos in (0, n - 7) or "1" not in line[max(pos - 4, 0):pos] \
                or "1" not in line[offset:offset + 4]:
            n3 += 40
        else:
            offset = pos + 4
        idx = lines.find("1011101", start + offset)
    dark_modules = sum(r.bit_count() for r in rows)
    n4 = 10 * int(abs(float(dark_modules) / (n ** 2) * 100 - 50) / 5)
    return n1 + 3 * n2 + n3 + n4


_LIGHT_RUNS = re.compile("0{5,}")
_DARK_RUNS = re.compile("1{5,}")
_TO_TEXT = bytes.maketrans(b"\x00\x01", b"01")
_TO_BITS = bytes.maketrans(b"01", b"\x00\x01")


def qr_matrix(payload: str) -> tuple[bytearray, ...]:
    """The QR code of `payload` (error level M), the very symbol segno.make gives, in
    about a third of its time: segno encodes it once with mask 0, the data are unmasked
    and the 8 masks scored here with integer and string operations instead of segno's
    module-by-module loops; the best mask's format information is then written by segno."""
    from segno import encoder

    code = encoder.encode(payload, error="m", mask=0, micro=False, boost_error=False)
    n = len(code.matrix)
    try:
        grid = _grid(n)
        final = [int(bytes(row).translate(_TO_TEXT), 2) for row in code.matrix]
        base = [(f ^ m0) & r | fn & ~r for f, m0, r, fn in
                zip(final, grid.masks[0], grid.region, grid.function, strict=True)]
        base_cols = _transpose(base, n)
        best, best_score = 0, None
        for number, (mask, mask_cols) in enumerate(zip(grid.masks, grid.mask_cols, strict=True)):
            score = _penalty([b ^ m for b, m in zip(base, mask, strict=True)],
                             [b ^ m for b, m in zip(base_cols, mask_cols, strict=True)], n)
            if best_score is None or score < best_score:
                best, best_score = number, score
        rows = [b ^ m for b, m in zip(base, grid.masks[best], strict=True)]
        matrix = tuple(bytearray(format(r, f"0{n}b").encode().translate(_TO_BITS)) for r in rows)
        encoder.add_format_info(matrix, code.version, code.error, best)
        encoder.add_version_info(matrix, code.version)
        return matrix
    except Exception:  # a segno whose internals moved: its own (slower) mask selection
        return tuple(encoder.encode(payload, error="m", micro=False, boost_error=False).matrix)


def qr_ops(payload: str, x: float, y: float, size: float) -> str:
    """PDF operators drawing the QR code of `payload` with its lower-left corner at (x, y)
    points and `size` points wide: a white quiet zone, then every dark run of every row
    as one rectangle of one path, in module units under a single `cm` transformation."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    quiet = 4  # modules of white around the code, as the standard requires
    s = size / n
    ops = [f"q 1 g {x - quiet * s:.3f} {y - quiet * s:.3f} {size + 2 * quiet * s:.3f} "
           f"{size + 2 * quiet * s:.3f} re f Q",
           f"q {s:.5f} 0 0 {-s:.5f} {x:.3f} {y + size:.3f} cm"]
    append = ops.append
    for r, row in enumerate(matrix):
        line = bytes(row)
        start = line.find(1)
        while start >= 0:
            end = line.find(0, start)
            if end < 0:
                end = n
            append(f"{start} {r} {end - start} 1 re")
            start = line.find(1, end)
    append("f Q")
    return "\n".join(ops)
