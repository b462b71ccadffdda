"""Derived status of an agreement as of a date: never typed, always computed."""

from __future__ import annotations

from datetime import date

from docgen.models import Agreement

EXPIRING_DAYS = 90
# Every status an agreement can have, and the word the laporan and the workbook use for it
# (DOMAIN.md, "Monitoring reports"): one table, so that a status cannot lack its word.
# The interface's word for each (i18n.AGREEMENT_STATUS_WORDS) is checked against this list
# by tests/test_i18n.py.
STATUS_LABELS = {
    "draft": "Draf",
    "pending": "Belum berlaku",
    "active": "Berlaku",
    "expiring": "Segera berakhir",
    "expired": "Berakhir",
    "terminated": "Diakhiri",
}
STATUSES = tuple(STATUS_LABELS)


def days_left(agreement: Agreement, as_of: date) -> int | None:
    end = agreement.end_date
    return None if end is None else (end - as_of).days


def agreement_status(agreement: Agreement, as_of: date, terminated_on: date | None = None) -> str:
    """draft, pending, active, expiring (0-90 days left), expired or terminated, as of `as_of`."""
    if terminated_on is not None and terminated_on <= as_of:
        return "terminated"
    if agreement.signed_on is None:
        return "draft"
    if agreement.signed_on > as_of:
        return "pending"
    left = days_left(agreement, as_of)
    if left is None:
        return "active"
    if left < 0:
        return "expired"
    return "expiring" if left <= EXPIRING_DAYS else "active"
