"""QR codes for certificates: zxing-cpp's public API, drawn as PDF operators.

`zxingcpp.create_barcode` encodes the payload (error level M, never a Micro QR code; the
symbol depends on the payload alone). zxing-cpp is C++: a certificate's payload, its
number and an Ed25519 proof of about 120 characters (a version 7 symbol), takes it about
1 ms where a pure-Python encoder takes 6 to 7, more than the rest of a certificate
(benchmarks/bench_qr.py). The modules are drawn as one filled path: each horizontal run
of dark modules is one rectangle, in module units under a single transformation.
"""

from __future__ import annotations

from collections.abc import Sequence

import zxingcpp

# A module of zxing-cpp's image is one byte, 0 where dark: as docgen's rows, 1 where dark.
_DARK = bytes([1] + [0] * 255)


def qr_matrix(payload: str) -> Sequence[bytes]:
    """The modules of the QR code of `payload`, row by row (1 = dark), without quiet zone."""
    # The UTF-8 bytes, in byte mode without ECI: what a phone reads as text (docgen's
    # payloads are ASCII: the number is quoted, the proof base64url).
    code = zxingcpp.create_barcode(payload.encode("utf-8"), zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    n = int(image.shape[0])
    # The buffer protocol (numpy.asarray(image) in its README), which its stub leaves out.
    data = bytes(image).translate(_DARK)  # type: ignore[call-overload]  # n rows of n bytes
    return [data[i * n : (i + 1) * n] for i in range(n)]


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
