"""The interface language: every user-facing message goes through `_()` (gettext).

Messages are written in English in the code (the msgid); the catalogues under
docgen/locale/<lang>/LC_MESSAGES/docgen.po (managed with Babel: extract, update,
compile) translate them. Indonesian is the default interface language; English is
`--lang en`, `DOCGEN_LANG=en` or `[office] language = "en"`. JSON, exit codes and
the files docgen writes never depend on the language.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "docgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_language = DEFAULT_LANGUAGE
_translation: gettext.NullTranslations = gettext.NullTranslations()
_loaded = False


def set_language(language: str) -> None:
    """Choose the interface language (`id` or `en`); unknown codes fall back to the default."""
    global _language, _loaded
    _language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _loaded = False


def language() -> str:
    return _language


def _current() -> gettext.NullTranslations:
    global _translation, _loaded
    if not _loaded:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)
        _loaded = True
    return _translation


def _(message: str) -> str:
    """The message in the interface language (the English text when it has no translation)."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with `_()` where shown."""
    return message
