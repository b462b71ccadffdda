"""How titles read inside a sentence of a document (DOMAIN.md).

The words reports use for the statuses are defined with the statuses themselves:
domain.status.STATUS_LABELS, domain.deliverable_state.DELIVERABLE_LABELS.
"""

from __future__ import annotations


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
