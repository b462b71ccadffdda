"""Keep the message catalogues current with Babel: extract every msgid from the code (and
the web pages' templates, babel.cfg), merge them into each docgen/locale/<lang>/LC_MESSAGES/
docgen.po, and list what still needs a translator.

    python scripts/catalogue.py            # extract + update every .po, list what is missing
    python scripts/catalogue.py --check    # exit 1 if a msgid lacks a translation (CI)

The same steps by hand: `pybabel extract -F babel.cfg -o docgen/locale/docgen.pot .`, then
`pybabel update -i docgen/locale/docgen.pot -d docgen/locale -D docgen`. The .mo files are
compiled by the package build (setup_build.py), or by docgen on first use in a checkout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "docgen" / "locale"
TRANSLATED = ("id",)  # English is the msgids themselves


def cli_help() -> list[tuple[str, str]]:
    """(help text, where) of every command and parameter: help texts are plain English in
    the code (docgen/cli/labels.py translates them when shown), so they are collected
    from the command line itself rather than by Babel's extractor."""
    import typer
    import typer.main

    sys.path.insert(0, str(ROOT))
    from docgen.cli import app

    found: list[tuple[str, str]] = []

    def walk(command: object, name: str) -> None:
        ctx = typer.Context(command)  # type: ignore[arg-type]
        for obj in (command, *command.params):  # type: ignore[attr-defined]
            if obj.help:
                found.append((obj.help, name))
        if hasattr(command, "list_commands"):
            for sub in command.list_commands(ctx):
                walk(command.get_command(ctx, sub), f"{name} {sub}")

    walk(typer.main.get_command(app), "docgen")
    return found


def extract() -> Catalog:
    """Every msgid in the code and templates (babel.cfg), and the help texts of the command
    line, as a template catalogue."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(ROOT / "babel.cfg"))
    template = Catalog(project="docgen", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for text, command in cli_help():
        template.add(text, None, [(command, 0)], auto_comments=["help text"])
    return template


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "docgen.po"


def read(lang: str) -> Catalog:
    with open(po_path(lang), "rb") as fh:
        return read_po(fh, locale=lang, domain="docgen")


def problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What keeps `catalog` from being complete: missing, empty or fuzzy entries."""
    found = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        if entry is None:
            found.append(f"missing: {_key(message)}")
        elif entry.fuzzy:
            found.append(f"fuzzy: {_key(message)}")
        elif not _translated(entry):
            found.append(f"untranslated: {_key(message)}")
    return found


def _translated(entry: Message) -> bool:
    strings = entry.string if isinstance(entry.string, (list, tuple)) else [entry.string]
    return all(s and s.strip() for s in strings)


def _key(message: Message) -> str:
    return repr(message.id if isinstance(message.id, str) else message.id[0])


def update(template: Catalog, lang: str) -> Catalog:
    catalog = read(lang)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with open(po_path(lang), "wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True, width=0, omit_header=False)
    return catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if incomplete")
    args = parser.parse_args(argv)
    template = extract()
    status = 0
    for lang in TRANSLATED:
        catalog = read(lang) if args.check else update(template, lang)
        missing = problems(template, catalog)
        for line in missing:
            print(f"{po_path(lang).relative_to(ROOT)}: {line}")
        status = status or int(bool(missing))
    return status


if __name__ == "__main__":
    sys.exit(main())
