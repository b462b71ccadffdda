"""QR codes for certificates: segno's public API, drawn as PDF operators.

`segno.make` encodes the payload (error level M, never a Micro QR code, the error level
never raised, so the symbol depends on the payload alone). The modules are drawn as one
filled path: each horizontal run of dark modules is one rectangle, in module units
under a single transformation.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno

# Every one of the eight data masks gives a valid symbol; segno's search for the best
# (scoring all eight, ISO/IEC 18004 7.8.3) costs more than the rest of a certificate.
# Mask 4 is the one segno most often picks for certificate payloads and rarely far from
# its best (benchmarks/bench_qr.py); tests/test_certificate_render.py decodes the codes.
MASK = 4


def qr_matrix(payload: str) -> Sequence[bytearray]:
    """The modules of the QR code of `payload`, row by row (1 = dark), without quiet zone."""
    return segno.make(payload, error="m", micro=False, boost_error=False, mask=MASK).matrix


def qr_ops(payload: str, x: float, y: float, size: float) -> str:
    """PDF operators drawing the QR code of `payload` with its lower-left corner at (x, y)
    points and `size` points wide: a white quiet zone, then every dark run of every row
    as one rectangle of one path, in module units under a single `cm` transformation."""
    matrix = qr_matrix(payload)
    n = len(matrix)
    quiet = 4  # modules of white around the code, as the standard requires
    s = size / n
    ops = [
        f"q 1 g {x - quiet * s:.3f} {y - quiet * s:.3f} {size + 2 * quiet * s:.3f} "
        f"{size + 2 * quiet * s:.3f} re f Q",
        f"q 0 g {s:.5f} 0 0 {-s:.5f} {x:.3f} {y + size:.3f} cm",
    ]
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
