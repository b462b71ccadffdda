"""The Indonesian words reports use for statuses (DOMAIN.md, "Monitoring reports").

The office knows a deliverable only through what it was told: without any report it is
"belum ada laporan" (not "belum dimulai"); dates owed are "batas waktu", never the finance
term "jatuh tempo".
"""

from __future__ import annotations

STATUS_LABELS = {
    "draft": "Draf",
    "pending": "Belum berlaku",
    "active": "Berlaku",
    "expiring": "Segera berakhir",
    "expired": "Berakhir",
    "terminated": "Diakhiri",
}
DELIVERABLE_LABELS = {
    "not_started": "belum ada laporan",
    "in_progress": "sedang berjalan",
    "done": "dilaporkan selesai",  # the office knows only what it was told
    "blocked": "terkendala",
    "dropped": "dibatalkan",
}


def in_sentence(title: str) -> str:
    """A title continued mid-sentence or as an item of a running list ("a. koordinasi
    ...;", "... mengenai perpanjangan jangka waktu"): its first letter in lower case,
    unless the first word is an acronym or a name ("SPBE ...", "SP4N-LAPOR! ...",
    "Inspektorat Daerah ..."), which stays as typed."""
    words = title.split(maxsplit=2)
    if not words:
        return title
    first = words[0]
    acronym = any(c.isupper() or c.isdigit() for c in first[1:])
    name = len(words) > 1 and words[1][:1].isupper()
    if acronym or name or not first[:1].isupper():
        return title
    return title[:1].lower() + title[1:]
