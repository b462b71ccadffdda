"""The declared forks (STYLE.md 16) follow upstream code at a recorded version: each fork
module's UPSTREAM maps the qualified name of every upstream function it follows to the
sha256 of its source (its first 16 hex digits). When an installed library differs, this
test fails and names the functions: read the upstream change, adapt the fork, then
record the new digests (`python -m tests.test_forks` prints them)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from types import ModuleType

import pytest

from docgen.render import docx, jinja_fork

FORKS: dict[str, ModuleType] = {"render/docx.py": docx, "render/jinja_fork.py": jinja_fork}


def upstream_object(qualified: str) -> object:
    """`jinja2.compiler.CodeGenerator.visit_For` -> the function (longest importable module)."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = inspect.getattr_static(found, name) if inspect.isclass(found) else getattr(found, name)
        return found.fget if isinstance(found, property) else found
    raise LookupError(qualified)


def digest(qualified: str) -> str:
    """The first 16 hex digits of the sha256 of the function's source."""
    return hashlib.sha256(inspect.getsource(upstream_object(qualified)).encode("utf-8")).hexdigest()[:16]


def changed(upstream: dict[str, str]) -> list[str]:
    """The followed functions whose installed source differs from the recorded one."""
    return [name for name, recorded in upstream.items() if digest(name) != recorded]


@pytest.mark.parametrize("fork", FORKS)
def test_the_upstream_code_a_fork_follows_is_unchanged(fork):
    module = FORKS[fork]
    assert module.UPSTREAM, f"{fork} names no upstream code"
    moved = changed(module.UPSTREAM)
    assert not moved, f"{fork}: upstream changed, re-read and adapt: {', '.join(moved)}"


@pytest.mark.parametrize("fork", FORKS)
def test_a_fork_header_names_its_upstream_code_and_version(fork):
    header = FORKS[fork].__doc__ or ""
    assert "declared fork" in header
    for name in FORKS[fork].UPSTREAM:
        assert name.rsplit(".", 2)[-2] in header, name  # the class or module it belongs to


def test_a_changed_upstream_function_is_caught():
    """An upgrade that changes a followed function: its recorded digest no longer matches
    (here, the digest recorded for one function stands against another's source)."""
    first, second = list(jinja_fork.UPSTREAM)[:2]
    planted = {first: jinja_fork.UPSTREAM[second], second: jinja_fork.UPSTREAM[second]}
    assert changed(planted) == [first]


if __name__ == "__main__":
    for fork, module in FORKS.items():
        print(f"# {fork}")
        for name in module.UPSTREAM:
            print(f'    "{name}": "{digest(name)}",')
