"""QR codes of certificate payloads: segno's mask search against docgen's fixed mask.

    python benchmarks/bench_qr.py [--codes 1000]

Encodes N certificate payloads ("NUMBER CHECKSUM" and the verify-URL form) with
`segno.make(..., error="m", micro=False, boost_error=False)`, letting segno score all
eight masks, then with `mask=docgen.render.qr.MASK`; prints the time per code and how
often segno's own choice is each mask (why docgen fixes the one it fixes).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
from collections import Counter

import segno
from common import row, timed

from docgen.render.qr import MASK


def payloads(n: int) -> list[str]:
    out = []
    for i in range(1, n // 2 + 1):
        number = f"{i:04d}/PHG/PW24/II/2023"
        check = hmac.new(b"key", number.encode(), hashlib.sha256).hexdigest()[:16].upper()
        out += [f"{number} {check}", f"https://ombudsman.go.id/cek?n={number}&c={check}"]
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
    _, fixed = timed(lambda: encode(MASK))
    print(f"{n} QR codes of certificate payloads (versions {sorted({q.version for q in searched})}):")
    print(row("segno.make, mask search", n, "codes", search))
    print(row(f"segno.make, mask={MASK}", n, "codes", fixed, (n, search)))
    chosen = Counter(q.mask for q in searched)
    print("  segno's choice: " + ", ".join(f"mask {m}: {chosen[m]}" for m in range(8)))


if __name__ == "__main__":
    main()
