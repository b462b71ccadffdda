"""The one Jinja environment every template renders in: sandboxed, escaped, Indonesian filters."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from docgen.indonesian import FILTERS


def _finalize(value: Any) -> Any:
    # An optional field left out (a NIP, an address) prints as nothing, never as "None".
    return "" if value is None else value


@functools.cache
def jinja_env() -> SandboxedEnvironment:
    """The configured environment, shared by every renderer and by `docgen check`.

    - sandboxed: a template cannot reach Python internals (``__class__``, ``mro``...);
    - autoescape: every value is escaped for XML, so ``&``, ``<``, ``>`` and quotes in
      names and titles give a valid document that shows them (docxtpl's autoescape);
    - StrictUndefined: a misspelt variable is an error naming the template, not a blank
      in a document someone signs.
    """
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters.update(FILTERS)
    return env
