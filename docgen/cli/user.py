"""`docgen user add|list|remove|passwd`: the web face's users."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from docgen.cli.common import Json, command_group, emit_json, info, print_table, say, workspace
from docgen.domain.users import ROLES
from docgen.errors import InputError
from docgen.i18n import _

Role = Enum("Role", {r: r for r in ROLES}, type=str)  # type: ignore[misc]

user_app = command_group("Web users (`docgen serve`): add, list, remove, change a password.")

Name = Annotated[str, typer.Argument(metavar="NAME", help="The user name.")]


def read_password() -> str:
    """The password: prompted twice without echo on a terminal; else the first line of
    standard input, and a second line, when there is one, must repeat it."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(_("Password: "))
        second = getpass.getpass(_("Repeat the password: "))
    else:
        lines = sys.stdin.read(1 << 16).splitlines()
        if not lines:
            raise InputError(_("no password on standard input (give it as its first line)"))
        first = lines[0]
        second = lines[1] if len(lines) > 1 else first
    if first != second:
        raise InputError(_("the two passwords differ; nothing was changed"))
    return first


@user_app.command("add")
def add(
    ctx: typer.Context,
    name: Name,
    role: Annotated[Role, typer.Option("--role", help="What the user may do.")],
    json: Json = False,
) -> None:
    """Add a web user; the password is prompted (or read from standard input).

    Viewers read every page; editors also record deliverables, write letters and issue
    certificates; admins also revoke certificates and see the verification log.

    \b
    Example:
      docgen user add rina --role editor
    """
    from docgen.app.users import add_user

    ws = workspace(ctx)
    result = add_user(ws, name, role.value, read_password())
    if json:
        emit_json(result)
        return
    say(_("{name}: added ({role})").format(name=result["name"], role=result["role"]))


@user_app.command("list")
def list_(ctx: typer.Context, json: Json = False) -> None:
    """The web users and their roles.

    \b
    Example:
      docgen user list
    """
    from docgen.app.users import list_users

    rows = list_users(workspace(ctx))
    if json:
        emit_json(rows)
        return
    print_table(
        _("Web users"),
        [_("name"), _("role"), _("added"), _("password changed")],
        [[r["name"], r["role"], r["created_at"] or "", r["password_changed_at"] or ""] for r in rows],
    )
    if not rows:
        info(_("no users yet: add one with `docgen user add NAME --role admin`"))


@user_app.command("remove")
def remove(ctx: typer.Context, name: Name) -> None:
    """Remove a web user: it can no longer sign in (its name stays in the histories).

    \b
    Example:
      docgen user remove rina
    """
    from docgen.app.users import remove_user

    remove_user(workspace(ctx), name)
    say(_("{name}: removed").format(name=name))


@user_app.command("passwd")
def passwd(ctx: typer.Context, name: Name) -> None:
    """Set a new password for a web user (prompted, or read from standard input).

    \b
    Example:
      docgen user passwd rina
    """
    from docgen.app.users import set_password

    ws = workspace(ctx)
    set_password(ws, name, read_password())
    say(_("{name}: password changed").format(name=name))
