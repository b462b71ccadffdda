"""Write the example workspace's neutral placeholder logo, templates/logo.png.

    python scripts/make_placeholder_logo.py [--out FILE]

A ring and the word LOGO, never an institution's emblem: an office puts its own image
in templates/ and names it in docgen.toml (`[office] logo`). The same drawing is the
placeholder picture in the letter templates (make_templates.placeholder_logo).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import placeholder_logo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "templates" / "logo.png"
    parser.add_argument("--out", type=Path, default=default, help=f"output file (default: {default})")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(placeholder_logo())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
