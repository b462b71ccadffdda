"""What would leave a blank or a placeholder in a document that goes out. Pure.

`docgen check` warns about each, naming the field by its key as written in the agreement
file or in docgen.toml, before any letter is written (DOMAIN.md: a document citing an
agreement by blank numbers, or a mandate with its number or date left blank, is not
signable).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docgen.config import Config
from docgen.i18n import _
from docgen.models import Agreement

# "..." or a run of dots (or the ellipsis character) where a value belongs.
_DOTS = re.compile(r"\.{3,}|\u2026")
# "Nomor X" and "tanggal D" with a value that is not a dotted blank.
_NUMBER = re.compile(r"\bNomor\s+(?!\.\.\.|\u2026)[^\s,]*[A-Za-z0-9]", re.I)
_DATE = re.compile(r"\btanggal\s+(?!\.\.\.|\u2026)[^\s,]*[0-9]", re.I)
LETTERHEAD_FIELDS = ("postcode", "phone", "website", "email")
# SHA-256 of the neutral placeholder logo (scripts/make_placeholder_logo.py) that the
# example workspace ships: a letter carrying it is not the office's.
PLACEHOLDER_LOGO_SHA256 = "d490ca6d7f5ac901ca75cd8afe1603bc4dbe09f6ff4fc83fac3042e941400cf0"


def blank_numbers(agreement: Agreement) -> list[str]:
    """The keys of `numbers` a signed agreement lacks (`first`, `second`)."""
    if agreement.signed_on is None:
        return []
    return [
        role
        for role, value in (("first", agreement.numbers.first), ("second", agreement.numbers.second))
        if not value or _DOTS.search(value)
    ]


def agreement_blanks(agreement: Agreement) -> Iterator[tuple[str, str]]:
    """(field path, message) for every blank the agreement's documents would print."""
    missing = blank_numbers(agreement)
    if missing:
        yield (
            "numbers",
            _(
                "signed without numbers.{roles}: its documents and letters would cite it by a "
                "dotted blank; fill in both numbers (first: the office's, second: the "
                "other party's)"
            ).format(roles=" and numbers.".join(missing)),
        )
    for index, party in enumerate(agreement.parties):
        if not party.mandate:
            continue
        where = f"parties.{index}"
        if not party.signatory.nip:
            yield (
                f"{where}.signatory.nip",
                _(
                    "{name} signs under a mandate, as a civil servant: the signature block "
                    "needs the NIP (and rank)"
                ).format(name=party.signatory.name),
            )
        lacks = [
            word
            for word, pattern in ((_("number"), _NUMBER), (_("date"), _DATE))
            if not pattern.search(party.mandate) or _DOTS.search(party.mandate)
        ]
        if lacks:
            yield (
                f"{where}.mandate",
                _(
                    "the mandate lacks its {what}: an agreement, adendum or letter citing "
                    'it is not signable; write it as "Surat Kuasa ... Nomor X tanggal 3 Februari 2022"'
                ).format(what=_(" and ").join(lacks)),
            )


def config_blanks(config: Config, logo_sha256: str | None) -> Iterator[tuple[str, str]]:
    """(key in docgen.toml, message) for the letterhead's settings left blank (a missing
    `[certificates] verify_url` is app/check.py's verify_url_warnings)."""
    office = config.office
    for name in LETTERHEAD_FIELDS:
        if not getattr(office, name):
            yield (f"office.{name}", _("empty: the letterhead of every letter lacks it"))
    if logo_sha256 == PLACEHOLDER_LOGO_SHA256:
        yield (
            "office.logo",
            _("templates/{name} is docgen's placeholder logo: put the office's own image there").format(
                name=office.logo
            ),
        )
