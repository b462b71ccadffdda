"""One hierarchy of typed errors, turned into messages and exit code 1 at the CLI boundary."""

from __future__ import annotations


class DocgenError(Exception):
    """A user-facing error: the message is shown as is, without a traceback."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Several independent problems (e.g. every invalid field of every file).
        self.problems = problems or [message]


class WorkspaceError(DocgenError):
    """No workspace, or a workspace that cannot be used."""


class ConfigError(DocgenError):
    """docgen.toml is invalid."""


class AgreementError(DocgenError):
    """An agreement file is invalid or an agreement id is unknown."""


class NotFoundError(DocgenError):
    """Something named on the command line does not exist."""


class InputError(DocgenError):
    """A command-line value or input file is invalid."""


class FileChangedError(InputError):
    """A file docgen is rewriting was changed by someone else since docgen read it."""


class TemplateError(DocgenError):
    """A template cannot be loaded or rendered."""


class TrackerError(DocgenError):
    """The tracker (tracker.json, tracker-numbers/ and tracker-history/, or the PostgreSQL
    database) is corrupt, from a newer docgen, unreachable, refuses a write, or cannot be
    written."""


class NumberingError(DocgenError):
    """A number cannot be allocated or found."""


class VerificationError(DocgenError):
    """A certificate is not genuine or has been revoked."""


class ConversionError(DocgenError):
    """LibreOffice is missing or failed to convert a document."""
