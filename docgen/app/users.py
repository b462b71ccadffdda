"""Use cases of `docgen user` and the web face's sign-in: users with a role and an
argon2id hash of their password, kept in the tracker (the `users` table, per office).

A removed user keeps its record (who recorded what stays readable), without a hash: it
cannot sign in until it is added again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from docgen.domain.users import name_problem, password_problem, role_problem
from docgen.errors import InputError, NotFoundError
from docgen.i18n import _
from docgen.records import USERS, UserRecord
from docgen.state import open_tracker
from docgen.state.base import Session, current_user, now_text
from docgen.workspace import Workspace

TABLE = USERS
_hasher = PasswordHasher()  # argon2id with argon2-cffi's current parameters
# Checked when a name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY = _hasher.hash("docgen: no such user")


@dataclass(frozen=True)
class User:
    name: str
    role: str


def _check(name: str, role: str | None = None, password: str | None = None) -> None:
    problems = [
        p
        for p in (
            name_problem(name),
            role_problem(role) if role is not None else None,
            password_problem(password) if password is not None else None,
        )
        if p
    ]
    if problems:
        raise InputError(problems[0], problems=problems)


class UserInfo(TypedDict):
    """A user as `user list` and the web face show it (never its hash)."""

    name: str
    role: str | None
    active: bool
    created_at: str | None
    created_by: str | None
    password_changed_at: str | None


def _public(record: UserRecord) -> UserInfo:
    return {
        "name": record["name"],
        "role": record.get("role"),
        "active": bool(record.get("hash")),
        "created_at": record.get("created_at"),
        "created_by": record.get("created_by"),
        "password_changed_at": record.get("password_changed_at"),
    }


def add_user(ws: Workspace, name: str, role: str, password: str, *, by: str | None = None) -> UserInfo:
    """`user add`: a new user (or a removed one again) with a role and a password."""
    _check(name, role, password)
    digest = _hasher.hash(password)
    now = now_text()
    fields: UserRecord = {
        "name": name,
        "role": role,
        "hash": digest,
        "created_at": now,
        "created_by": by or current_user(),
        "password_changed_at": now,
    }

    def body(session: Session) -> UserRecord:
        found = session.record(TABLE, name)
        if found is not None and found.get("hash"):
            raise InputError(
                _("{name}: already a user (change the password with `docgen user passwd {name}`)").format(
                    name=name
                )
            )
        if found is not None:
            return session.update(TABLE, name, fields)
        session.insert(TABLE, [fields])
        return fields

    return _public(open_tracker(ws).transaction(body))


def list_users(ws: Workspace) -> list[UserInfo]:
    """`user list`: the active users, by name (never their hashes)."""
    with open_tracker(ws).read() as session:
        rows = session.records(TABLE)
    return sorted((_public(r) for r in rows if r.get("hash")), key=lambda r: r["name"])


def has_users(ws: Workspace) -> bool:
    with open_tracker(ws).read() as session:
        return any(r.get("hash") for r in session.records(TABLE))


def _active(session: Session, name: str) -> UserRecord:
    found = session.record(TABLE, name)
    if found is None or not found.get("hash"):
        raise NotFoundError(_("{name}: no such user (see `docgen user list`)").format(name=name))
    return found


def remove_user(ws: Workspace, name: str) -> UserInfo:
    """`user remove`: the user can no longer sign in; its name stays in the histories."""

    def body(session: Session) -> UserRecord:
        _active(session, name)
        return session.update(TABLE, name, {"hash": None, "removed_at": now_text()})

    return _public(open_tracker(ws).transaction(body))


def set_password(ws: Workspace, name: str, password: str) -> UserInfo:
    """`user passwd`: a new password for an existing user."""
    _check(name, password=password)
    digest = _hasher.hash(password)

    def body(session: Session) -> UserRecord:
        _active(session, name)
        return session.update(TABLE, name, {"hash": digest, "password_changed_at": now_text()})

    return _public(open_tracker(ws).transaction(body))


def authenticate(ws: Workspace, name: str, password: str) -> User | None:
    """The user signing in with this name and password, or None (unknown name, removed
    user or wrong password: the caller cannot tell them apart, nor can a timer)."""
    record = None
    if name_problem(name) is None and len(password) <= 1024:
        with open_tracker(ws).read() as session:
            record = session.record(TABLE, name)
    digest = record.get("hash") if record else None
    try:
        _hasher.verify(digest or _DUMMY, password[:1024])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not digest or record is None:
        return None
    return User(name, str(record.get("role")))


def user_role(ws: Workspace, name: str) -> str | None:
    """The current role of an active user (None once removed): a session checks it on
    every request, so that a removal or a new role applies at once."""
    with open_tracker(ws).read() as session:
        record = session.record(TABLE, name)
    return str(record.get("role")) if record and record.get("hash") else None
