"""Write docs/cli.md, the command reference, from the Typer app itself.

    python scripts/make_cli_reference.py [--check]

Every command's usage, help text and options come from the code (what `--help` shows),
so the reference cannot drift: tests/test_docs.py fails when docs/cli.md differs from
what this script writes (run it again after changing a command).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = ROOT / "docs" / "cli.md"
HEADER = """\
# Command reference

Generated from the code by `python scripts/make_cli_reference.py`; do not edit by hand.
Every command also answers `--help`. Global options come before the command:
`docgen [--workspace DIR] [--verbose] COMMAND ...`. Exit codes: 0 success (warnings
included), 1 an error docgen reports in one line per problem (invalid data, not found,
verification failed), 2 wrong usage of the command line itself.
"""


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
    if getattr(param, "is_flag", False):
        return ""
    metavar = param.metavar or param.name.upper()
    return metavar


def _option_row(param: Any) -> str:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    metavar = _metavar(param)
    if metavar:
        names += f" `{metavar}`"
    help_text = " ".join((param.help or "").split())
    if getattr(param, "multiple", False):
        help_text += " (repeatable)"
    if param.required:
        help_text += " (required)"
    return f"| {names} | {_cell(help_text)} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _usage(name: str, command: Any) -> str:
    parts = [name]
    if any(p.param_type_name == "option" for p in command.params):
        parts.append("[OPTIONS]")
    for p in command.params:
        if p.param_type_name == "argument":
            metavar = p.metavar or p.name.upper()
            parts.append(metavar if p.required else f"[{metavar}]" if not metavar.startswith("[")
                         else metavar)
    if hasattr(command, "list_commands"):
        parts.append("COMMAND")
    return " ".join(parts)


def _help_markdown(text: str) -> str:
    """Help text as Markdown: the indented example lines after "Example:" in a code block."""
    out: list[str] = []
    in_example = False
    for line in text.replace("\b\n", "").splitlines():
        if line.strip() in ("Example:", "Examples:"):
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
        lines += ["| argument | meaning |", "|---|---|"]
        lines += [f"| `{p.metavar or p.name.upper()}` | {_cell(' '.join((p.help or '').split()))} |"
                  for p in arguments]
        lines.append("")
    options = [p for p in command.params if p.param_type_name == "option"]
    if options:
        lines += ["| option | meaning |", "|---|---|", *(_option_row(p) for p in options), ""]
    if hasattr(command, "list_commands"):
        import typer

        names = command.list_commands(typer.Context(command))
        lines += ["Commands: " + ", ".join(f"`{n}`" for n in names), ""]
    return "\n".join(lines)


def render() -> str:
    import typer.main

    from docgen.cli import app

    root = typer.main.get_command(app)
    parts = [HEADER, section("docgen", root).replace("## docgen\n", "## Global options\n", 1)]
    parts += [section(name, command) for name, command in commands(root)]
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python scripts/make_cli_reference.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
