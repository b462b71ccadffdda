"""Write docs/cli.md (English) and docs/cli.id.md (Bahasa Indonesia), the command
reference, from the Typer app itself.

    python scripts/make_cli_reference.py [--check]

Every command's usage, help text and options come from the code (what `--help` shows,
in each interface language), so the reference cannot drift: tests/test_docs.py fails
when either file differs from what this script writes (run it again after changing a
command or its translation).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"en": ROOT / "docs" / "cli.md", "id": ROOT / "docs" / "cli.id.md"}
TARGET = TARGETS["en"]
HEADERS = {
    "en": """\
# Command reference

Generated from the code by `python scripts/make_cli_reference.py`; do not edit by hand.
In Bahasa Indonesia: [cli.id.md](cli.id.md) (what docgen shows by default; `--lang en`
gives this English). Every command also answers `--help`. Global options come before the
command: `docgen [--workspace DIR] [--lang id|en] [--verbose] COMMAND ...`. Exit codes:
0 success (warnings included), 1 an error docgen reports in one line per problem
(invalid data, not found, verification failed), 2 wrong usage of the command line itself.
""",
    "id": """\
# Rujukan perintah

Dibuat dari kode oleh `python scripts/make_cli_reference.py`; jangan diubah dengan tangan.
Dalam bahasa Inggris: [cli.md](cli.md) (`--lang en`). Setiap perintah juga menjawab
`--help`. Opsi umum ditulis sebelum perintah:
`docgen [--workspace FOLDER] [--lang id|en] [--verbose] PERINTAH ...`. Kode keluar:
0 berhasil (termasuk bila ada peringatan), 1 kesalahan yang dilaporkan docgen, satu baris
per masalah (data tidak sah, tidak ditemukan, verifikasi gagal), 2 salah memakai baris
perintah itu sendiri.
""",
}
WORDS = {
    "en": {"argument": "argument", "option": "option", "meaning": "meaning", "repeatable": "repeatable",
           "required": "required", "Commands": "Commands", "Global options": "Global options"},
    "id": {"argument": "argumen", "option": "opsi", "meaning": "arti", "repeatable": "boleh berulang",
           "required": "wajib", "Commands": "Perintah", "Global options": "Opsi umum"},
}
EXAMPLE = ("Example:", "Examples:", "Contoh:")


def commands(group: Any, prefix: str = "docgen") -> list[tuple[str, Any]]:
    """(full name, command) for every command, depth first, in the order help lists them
    (groups that are built on demand included)."""
    import typer

    ctx = typer.Context(group, info_name=prefix)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        full = f"{prefix} {name}"
        found.append((full, command))
        if hasattr(command, "list_commands"):
            found.extend(commands(command, full))
    return found


def _metavar(param: Any) -> str:
    from docgen.cli.labels import metavars

    if getattr(param, "is_flag", False):
        return ""
    return metavars(param.metavar or param.name.upper())


def _word(key: str) -> str:
    from docgen.i18n import language

    return WORDS[language()][key]


def _option_row(param: Any) -> str:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    metavar = _metavar(param)
    if metavar:
        names += f" `{metavar}`"
    help_text = " ".join((param.help or "").split())
    if getattr(param, "multiple", False):
        help_text += f" ({_word('repeatable')})"
    if param.required:
        help_text += f" ({_word('required')})"
    return f"| {_cell(names)} | {_cell(help_text)} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _usage(name: str, command: Any) -> str:
    from docgen.cli.labels import metavars

    parts = [name]
    if any(p.param_type_name == "option" for p in command.params):
        parts.append(metavars("[OPTIONS]"))
    for p in command.params:
        if p.param_type_name == "argument":
            metavar = metavars(p.metavar or p.name.upper())
            parts.append(metavar if p.required else f"[{metavar}]" if not metavar.startswith("[")
                         else metavar)
    if hasattr(command, "list_commands"):
        parts.append(metavars("COMMAND"))
    return " ".join(parts)


def _help_markdown(text: str) -> str:
    """Help text as Markdown: the indented example lines after "Example:" in a code block."""
    out: list[str] = []
    in_example = False
    for line in text.replace("\b\n", "").splitlines():
        if line.strip() in EXAMPLE:
            out += [line.strip(), "", "```sh"]
            in_example = True
        elif in_example and line.startswith("  "):
            out.append(line.strip())
        else:
            if in_example:
                out += ["```"]
                in_example = False
            out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out).replace("\n\n\n", "\n\n").strip()


def section(name: str, command: Any) -> str:
    level = "##" if name.count(" ") == 1 else "###"
    lines = [f"{level} {name}", "", "```", _usage(name, command), "```", ""]
    text = (command.help or "").strip()
    if text:
        lines += [_help_markdown(text), ""]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if arguments:
        from docgen.cli.labels import metavars

        lines += [f"| {_word('argument')} | {_word('meaning')} |", "|---|---|"]
        lines += [f"| `{metavars(p.metavar or p.name.upper())}` | {_cell(' '.join((p.help or '').split()))} |"
                  for p in arguments]
        lines.append("")
    options = [p for p in command.params if p.param_type_name == "option"]
    if options:
        lines += [f"| {_word('option')} | {_word('meaning')} |", "|---|---|"]
        lines += [*(_option_row(p) for p in options), ""]
    if hasattr(command, "list_commands"):
        import typer

        names = command.list_commands(typer.Context(command))
        lines += [f"{_word('Commands')}: " + ", ".join(f"`{n}`" for n in names), ""]
    return "\n".join(lines)


def render(lang: str = "en") -> str:
    """The reference in one interface language (`en`: docs/cli.md, `id`: docs/cli.id.md)."""
    import typer.main

    from docgen.cli import app
    from docgen.cli.labels import localize_tree
    from docgen.i18n import language, set_language

    before = language()
    set_language(lang)
    try:
        root = typer.main.get_command(app)
        localize_tree(root)
        top = section("docgen", root).replace("## docgen\n", f"## {_word('Global options')}\n", 1)
        parts = [HEADERS[lang], top]
        parts += [section(name, command) for name, command in commands(root)]
        return "\n".join(parts).rstrip() + "\n"
    finally:
        set_language(before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args(argv)
    status = 0
    for lang, target in TARGETS.items():
        text = render(lang)
        if args.check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                print(f"{target.relative_to(ROOT)} is stale: run python scripts/make_cli_reference.py")
                status = 1
            continue
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
