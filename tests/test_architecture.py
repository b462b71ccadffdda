"""The layers' import rules (STYLE.md): checked on the AST of every module of the package.

- cli/ parses, calls one use case, prints: it never opens the tracker, loads the catalog
  or renders (no state, agreements, render, documents);
- render/ receives contexts: it never imports loading, state or use cases;
- domain/ and documents/ are pure: no I/O layers;
- state/ knows nothing of use cases, rendering or the command line;
- nothing imports a module by a string (importlib), which would hide a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "docgen"
LOADING = (
    "docgen.agreements",
    "docgen.catalog_cache",
    "docgen.workspace",
    "docgen.results",
    "docgen.workplan_xlsx",
    "docgen.yaml_edit",
)

FORBIDDEN = {
    "docgen.cli": (
        "docgen.state",
        "docgen.render",
        "docgen.documents",
        "docgen.agreements",
        "docgen.catalog_cache",
        "docgen.results",
        "docgen.workplan_xlsx",
        "docgen.yaml_edit",
    ),
    "docgen.render": ("docgen.app", "docgen.cli", "docgen.state", "docgen.documents", *LOADING),
    "docgen.domain": (
        "docgen.app",
        "docgen.cli",
        "docgen.state",
        "docgen.render",
        "docgen.documents",
        *LOADING,
    ),
    "docgen.documents": ("docgen.app", "docgen.cli", "docgen.state", "docgen.render", *LOADING),
    "docgen.state": ("docgen.app", "docgen.cli", "docgen.render", "docgen.documents"),
    "docgen.app": ("docgen.cli",),
}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append((name, path))
    return found


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m for m, _ in modules()])
def test_layer_imports(name, path):
    rules = [(layer, banned) for layer, banned in FORBIDDEN.items() if _inside(name, layer)]
    wrong = [
        f"{path.name}:{line}: {name} imports {target}"
        for line, target in imports(path)
        for layer, banned in rules
        for bad in banned
        if _inside(target, bad) and not _inside(target, layer)
    ]
    assert not wrong


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m for m, _ in modules()])
def test_no_import_by_string(name, path):
    assert not [t for _, t in imports(path) if t == "importlib.import_module"]
    assert "import_module(" not in path.read_text(encoding="utf-8")


# Private internals of segno and reportlab that benchmark-driven code once reached into.
PRIVATE = re.compile(r"segno\.encoder|\._doc\b|rl_config")


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m for m, _ in modules()])
def test_public_library_apis_only(name, path):
    assert not PRIVATE.findall(path.read_text(encoding="utf-8"))
