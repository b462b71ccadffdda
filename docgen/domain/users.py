"""Web users: their roles, what each role may do, valid names and passwords. Pure."""

from __future__ import annotations

import re

from docgen.i18n import _

ROLES = ("viewer", "editor", "admin")  # each may do what the ones before it may
# action -> the least role that may do it
ACTIONS = {
    "read": "viewer",  # every page
    "record": "editor",  # deliverable updates and retractions, letters, issuing certificates
    "admin": "admin",  # revoking certificates, the verification log
}
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte of "password" is an attack
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def may(role: str, action: str) -> bool:
    """Whether `role` may do `action` (an unknown role or action may do nothing)."""
    if role not in ROLES or action not in ACTIONS:
        return False
    return ROLES.index(role) >= ROLES.index(ACTIONS[action])


def name_problem(name: str) -> str | None:
    if not _NAME.match(name):
        return _(
            "{name!r}: a user name is 1 to 40 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        ).format(name=name)
    return None


def role_problem(role: str) -> str | None:
    if role not in ROLES:
        return _("--role: {role!r} is not one of {roles}").format(role=role, roles=", ".join(ROLES))
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return _("the password is too short: at least {n} characters").format(n=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("the password is too long: at most {n} characters").format(n=MAX_PASSWORD)
    if password != password.strip() or any(ord(c) < 32 for c in password):
        return _("the password starts or ends with spaces or holds control characters")
    return None
