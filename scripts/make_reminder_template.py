"""Build the default reminder template, docgen/templates/surat-pemberitahuan.docx.

    python scripts/make_reminder_template.py [--out DIR]

A reminder (surat pemberitahuan) before deliverables fall due is a surat dinas of the
same form as the follow-up letter (DOMAIN.md, "Letters"): kop, place and date,
Nomor/Sifat/Lampiran/Hal, "Yth.", the opening, the table of items (No, Kegiatan,
Keluaran, Batas Waktu, Keterangan), the request, the liaison, the closing and the
signature. Its wording comes from `docgen.documents.reminder.reminder_context` (the
`letter.*` and `items` variables), so the layout is the follow-up letter's, built by
the same code; like the other scripts, the output is reproducible byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_letter_template import make  # noqa: E402
from make_templates import write_templates  # noqa: E402

NAME = "surat-pemberitahuan.docx"


def main(argv: list[str] | None = None) -> None:
    write_templates(__doc__.splitlines()[0], {NAME: make}, argv)


if __name__ == "__main__":
    main()
