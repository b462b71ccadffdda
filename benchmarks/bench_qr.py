"""QR codes of certificate payloads: segno (pure Python) against zxing-cpp, docgen's encoder.

    python benchmarks/bench_qr.py [--codes 1000]

Encodes N certificate payloads as docgen prints them since piagam are signed: "NUMBER
KEYID.SIGNATURE" (an Ed25519 proof, 95 characters) and the verify-URL form, error level
M, and gets each symbol's modules:
- segno.make with its own mask search (all eight masks scored), then with one fixed
  mask (what docgen did before its payloads carried a signature);
- docgen.render.qr.qr_matrix: zxing-cpp's create_barcode and to_image.
"""

from __future__ import annotations

import argparse
import base64
import hashlib

import segno
from common import row, timed

from docgen.render.qr import qr_matrix


def payloads(n: int) -> list[str]:
    out = []
    for i in range(1, n // 2 + 1):
        number = f"{i:04d}/PHG/PW24/II/2023"
        digest = hashlib.sha512(number.encode()).digest()  # as long as an Ed25519 signature
        proof = "AbCdEfGh." + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        out += [f"{number} {proof}", f"https://ombudsman.go.id/cek?n={number}&c={proof}"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1000)
    args = parser.parse_args()
    texts = payloads(args.codes)
    n = len(texts)

    def encode(mask: int | None) -> list[segno.QRCode]:
        return [segno.make(t, error="m", micro=False, boost_error=False, mask=mask) for t in texts]

    searched, search = timed(lambda: encode(None))
    _, fixed = timed(lambda: encode(4))
    _, ours = timed(lambda: [qr_matrix(t) for t in texts])
    print(f"{n} QR codes of signed certificate payloads (versions {sorted({q.version for q in searched})}):")
    print(row("segno.make, mask search", n, "codes", search))
    print(row("segno.make, mask=4", n, "codes", fixed, (n, search)))
    print(row("docgen qr_matrix (zxing-cpp)", n, "codes", ours, (n, search)))


if __name__ == "__main__":
    main()
