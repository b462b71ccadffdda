"""The interface language: every user-facing message goes through `_()` (gettext).

Messages are written in English in the code (the msgid); the catalogues under
docgen/locale/<lang>/LC_MESSAGES/docgen.po (managed with Babel: extract, update,
compile) translate them. Indonesian is the default interface language; English is
`--lang en`, `DOCGEN_LANG=en` or `[office] language = "en"` (in that order); the
system locale never decides it (many office PCs run an English Windows). JSON, exit
codes and the files docgen writes never depend on the language.

The package build compiles the catalogues (setup_build.py); a source checkout compiles
a missing or stale one on first use, with Babel.
"""

from __future__ import annotations

import gettext
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

DOMAIN = "docgen"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
ENV_VAR = "DOCGEN_LANG"

_language = DEFAULT_LANGUAGE
_translation: gettext.NullTranslations = gettext.NullTranslations()
_loaded = False


def set_language(language: str) -> None:
    """Choose the interface language (`id` or `en`); unknown codes fall back to the default."""
    global _language, _loaded
    language = language.strip().lower()
    _language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    _loaded = False


def language() -> str:
    return _language


def catalogue(lang: str) -> Path:
    """The source catalogue (.po) of one language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _current() -> gettext.NullTranslations:
    global _translation, _loaded
    if not _loaded:
        _translation = _load(_language)
        _loaded = True
    return _translation


def _load(lang: str) -> gettext.NullTranslations:
    po = catalogue(lang)
    mo = po.with_suffix(".mo")
    try:
        stale = po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime)
    except OSError:
        stale = False
    if stale:
        compiled = compile_catalogue(po, mo)
        if compiled is not None:
            return gettext.GNUTranslations(io.BytesIO(compiled))
    try:
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    except OSError:
        return gettext.NullTranslations()  # English: the msgids themselves


def compile_catalogue(po: Path, mo: Path) -> bytes | None:
    """Compile `po` with Babel and save it as `mo` (when the folder is writable); the
    compiled bytes, or None without Babel (a wheel ships its .mo files compiled)."""
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:
        return None
    with open(po, "rb") as fh:
        messages = read_po(fh, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    data = buffer.getvalue()
    tmp = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, mo)
    except OSError:  # a read-only installation: use it from memory
        tmp.unlink(missing_ok=True)
    return data


def _(message: str) -> str:
    """The message in the interface language (the English text when it has no translation)."""
    return _current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with `_()` where shown."""
    return message


def ordinal(name: str, position: int) -> str:
    """The `position`-th (counted from 1) element of the list `name`, as a person says it:
    "parties #2" / "pihak ke-2"."""
    return _("{name} #{n}").format(name=_(name) if name in LIST_NAMES else name, n=position)


# List fields a person knows by a word of their own ("pihak ke-2"); the others keep their key.
LIST_NAMES = {N_("parties")}


# Status words as a person reads them; the data (--json) keeps the codes. The codes are
# those of domain/ (DELIVERABLE_STATUSES, STATUSES, the roles of ROLE_LABELS), which this
# module, below domain/ in the layers, cannot import: tests/test_i18n.py checks that each
# table names exactly the codes of its list, in its order.
DELIVERABLE_STATUS_WORDS = {
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "blocked": N_("blocked"),
    "dropped": N_("dropped"),
}
AGREEMENT_STATUS_WORDS = {
    "draft": N_("draft"),
    "pending": N_("pending"),
    "active": N_("active"),
    "expiring": N_("expiring"),
    "expired": N_("expired"),
    "terminated": N_("terminated"),
}
ROLE_WORDS = {
    "first": N_("first party"),
    "second": N_("second party"),
    "both": N_("both parties"),
}
WORDS = {
    **DELIVERABLE_STATUS_WORDS,
    **AGREEMENT_STATUS_WORDS,
    **ROLE_WORDS,
    "followup": N_("follow-up"),
    "reminder": N_("reminder"),
    "letter": N_("letter"),
    "certificate": N_("certificate"),
    "agreement": N_("agreement"),
    "number": N_("number"),
    "void": N_("void"),
    "termination": N_("termination"),
    "deliverable": N_("deliverable"),
    "adendum": N_("adendum"),
}


def word(code: object) -> str:
    """A status, role or kind code in the interface language (unknown codes as they are)."""
    text = str(code)
    return _(WORDS[text]) if text in WORDS else text


def state_word(status: str) -> str:
    """A deliverable's state in a table: with no report, the office cannot say it has not
    started, only that nothing was reported (DOMAIN.md: "belum ada laporan")."""
    return _("no report yet") if status == "not_started" else word(status)


# --- choosing the language before the command line is built ---------------------------

_OFFICE = re.compile(r"^\s*\[\s*office\s*\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[")
_LANGUAGE_KEY = re.compile(r"""^\s*language\s*=\s*["']([A-Za-z_-]+)["']""")


def choose_language(
    argv: Sequence[str], environ: dict[str, str] | None = None, cwd: Path | None = None
) -> str:
    """`--lang X` in argv, else $DOCGEN_LANG, else the workspace's `[office] language`,
    else Indonesian. Cheap: runs before the command line is parsed."""
    environ = dict(os.environ) if environ is None else environ
    workspace: str | None = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg in ("--workspace", "-w") and i + 1 < len(args):
            workspace = args[i + 1]
        elif arg.startswith("--workspace="):
            workspace = arg.split("=", 1)[1]
    if environ.get(ENV_VAR):
        return environ[ENV_VAR]
    return _office_language(workspace or environ.get("DOCGEN_WORKSPACE"), cwd) or DEFAULT_LANGUAGE


def _office_language(workspace: str | None, cwd: Path | None) -> str | None:
    """`[office] language` of the workspace's docgen.toml, read by a line scan (the full
    TOML parse and validation come later, with the command)."""
    if workspace:
        candidates = [Path(workspace).expanduser() / "docgen.toml"]
    else:
        try:
            start = (cwd or Path.cwd()).resolve()
        except OSError:
            return None
        candidates = [folder / "docgen.toml" for folder in (start, *start.parents)]
    for path in candidates:
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as fh:
                text = fh.read(1 << 16)
        except OSError:
            continue
        in_office = False
        for line in text.splitlines():
            if _TABLE.match(line):
                in_office = bool(_OFFICE.match(line))
            elif in_office and (match := _LANGUAGE_KEY.match(line)):
                return match.group(1)
        return None
    return None
