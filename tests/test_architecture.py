"""The layers' import rules (STYLE.md 14) are import-linter contracts in pyproject.toml
([tool.importlinter]), run by a bare `lint-imports` at the repository root (.ci/run). These
tests run it on the package as it is, and on a copy with one planted violation of each kind
to show that every contract catches what it is for (relative imports, imports inside
functions, a re-export through docgen.app, a top-level module given no layer).

What import-linter cannot see is checked here: a module imported by a string
(`importlib.import_module`, `__import__`) hides a dependency and is refused outright; and a
name that cli/ or web/ takes from a use-case module must be defined there, not imported into
it (the contracts let the faces reach `docgen.app.*`, so `from docgen.app.common import
Session` would carry state/ into the command line unseen).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_private_api import docgen_imports, import_base, resolve

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "docgen"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    command = (
        [str(LINT_IMPORTS)] if LINT_IMPORTS.exists() else [shutil.which("lint-imports") or "lint-imports"]
    )
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run(
        [*command, "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# (lines to add, per file; the contract it breaks; a module its report names)
PLANTED = {
    "relative-import-in-a-function": (
        {"cli/number.py": "def _planted():\n    from ..state import base\n"},
        "cli",
        "docgen.state.base",
    ),
    "re-export-through-docgen.app": (
        {
            "app/__init__.py": "from docgen.render import docx as docx\n",
            "cli/number.py": "from docgen.app import docx\n",
        },
        "cli",
        "docgen.render.docx",
    ),
    "render-reads-toml": ({"render/qr.py": "import tomllib\n"}, "render", "tomllib"),
    "render-loads-the-workspace": (
        {"render/pictures.py": "from .. import workspace\n"},
        "render",
        "docgen.workspace",
    ),
    "domain-reads-files": (
        {"domain/status.py": "from docgen import safepath\n"},
        "pure-core",
        "docgen.safepath",
    ),
    "config-model-reads-toml": (
        {"config.py": "from docgen.tomlfile import read_toml\n"},
        "pure-core",
        "docgen.tomlfile",
    ),
    "documents-runs-a-program": (
        {"documents/report.py": "import subprocess\n"},
        "pure-core-io",
        "subprocess",
    ),
    "domain-uses-pathlib": ({"domain/grading.py": "from pathlib import Path\n"}, "pure-core-io", "pathlib"),
    "domain-imports-documents": (
        {"domain/status.py": "from docgen.documents import report\n"},
        "domain",
        "docgen.documents.report",
    ),
    "state-imports-a-use-case": (
        {"state/base.py": "from docgen.app import common\n"},
        "state",
        "docgen.app.common",
    ),
    "app-imports-a-face": ({"app/numbers.py": "from docgen.cli import common\n"}, "app", "docgen.cli.common"),
    "a-model-imports-a-rule": (
        {"models.py": "from docgen.domain import status\n"},
        "layers",
        "docgen.domain.status",
    ),
    "a-module-without-a-layer": (
        {"unplaced.py": '"""A new top-level module."""\n'},
        "layers",
        "docgen.unplaced",
    ),
}


def _heading(contract: str) -> str:
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    return " ".join(next(c["name"] for c in contracts if c["id"] == contract).split())


@pytest.mark.parametrize("plant", PLANTED, ids=list(PLANTED))
def test_a_planted_violation_breaks_its_contract(tmp_path, plant):
    lines, contract, names = PLANTED[plant]
    shutil.copytree(PACKAGE, tmp_path / "docgen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for file, line in lines.items():
        path = tmp_path / "docgen" / file
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(before + "\n" + line, encoding="utf-8")
    result = lint_imports(tmp_path)
    report = " ".join(result.stdout.split())
    assert result.returncode != 0, result.stdout
    assert f"{_heading(contract)} BROKEN" in report
    assert names in report.partition("Broken contracts")[2]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def string_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "importlib":
            found += [f"from importlib import {a.name}" for a in node.names if a.name == "import_module"]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.append(f"{name}()")
    return found


@pytest.mark.parametrize(("name", "path"), modules(), ids=[m for m, _ in modules()])
def test_no_import_by_string(name, path):
    assert not string_imports(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "snippet",
    [
        "import importlib\nimportlib.import_module('docgen.state')\n",
        "from importlib import import_module\n",
        "__import__('docgen.state')\n",
    ],
)
def test_a_planted_string_import_is_refused(snippet):
    assert string_imports(snippet)


def test_the_command_line_starts_without_the_use_cases():
    """Start-up time (benchmarks/bench_startup.py): building the command line imports no
    use case, no agreement model and no monitoring report; a type that a CLI module
    names only in annotations is imported under TYPE_CHECKING."""
    code = "import sys, docgen.cli; print(' '.join(m for m in sys.modules if m.startswith('docgen.')))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loaded = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    heavy = [m for m in loaded if m.startswith(("docgen.app", "docgen.models", "docgen.agreements"))]
    assert "docgen.cli" in loaded and not heavy and "docgen.domain.monitor" not in loaded


# --- names the faces take from the use cases ----------------------------------------------

FACES = ("cli", "web")


def _module_file(package: Path, module: str) -> Path | None:
    path = package.parent.joinpath(*module.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def defined_names(path: Path) -> set[str]:
    """The names a module defines itself at its top level (under if/try too): functions,
    classes and assignments; not what it imports."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(stmt.name)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
            elif isinstance(stmt, ast.If | ast.Try | ast.With):
                for block in ("body", "orelse", "finalbody"):
                    visit(getattr(stmt, block, []))
                for handler in getattr(stmt, "handlers", []):
                    visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return names


def _use_case(module: str) -> bool:
    return module == "docgen.app" or module.startswith("docgen.app.")


def names_not_defined_in_use_cases(package: Path = PACKAGE) -> list[str]:
    """`file:line: ...` for every name a module of cli/ or web/ takes from a use-case module
    (`from docgen.app.x import name`, relative or inside a function too, or `x.name` after
    `from docgen.app import x` or `import docgen.app.x`) that the use-case module does not
    define itself: a re-export through app/ that the contracts' ignore rules let pass."""
    found: list[str] = []
    defined: dict[str, set[str]] = {}

    def check(file: str, line: int, module: str, name: str) -> None:
        if _module_file(package, f"{module}.{name}"):
            return  # a use-case module, taken from its package
        path = _module_file(package, module)
        if path is None:
            found.append(f"{file}:{line}: {module}: no such use-case module")
            return
        if module not in defined:
            defined[module] = defined_names(path)
        if name == "*" or name not in defined[module]:
            found.append(f"{file}:{line}: {name} is not defined in {module}, only imported into it")

    faces = [path for face in FACES for path in sorted((package / face).rglob("*.py"))]
    for path in faces:
        file = path.relative_to(package.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = docgen_imports(tree, file, lambda module: _module_file(package, module) is not None)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _use_case(base := import_base(node, file)):
                for alias in node.names:
                    check(file, node.lineno, base, alias.name)
            elif isinstance(node, ast.Attribute):
                base = resolve(node.value, modules)
                if base and _use_case(base) and _module_file(package, base):
                    check(file, node.lineno, base, node.attr)
    return found


def test_the_faces_take_from_the_use_cases_only_what_they_define():
    assert not names_not_defined_in_use_cases(), "\n".join(names_not_defined_in_use_cases())


# (lines to add, per file; what the report names)
REEXPORTS = {
    "a-state-class-through-app.common": (
        {"cli/number.py": "from docgen.app.common import Session\n"},
        "docgen/cli/number.py:{line}: Session is not defined in docgen.app.common",
    ),
    "a-state-function-through-app.common": (
        {"web/app.py": "from docgen.app.common import open_tracker\n"},
        "docgen/web/app.py:{line}: open_tracker is not defined in docgen.app.common",
    ),
    "relative-inside-a-function": (
        {"cli/number.py": "def _planted():\n    from ..app.common import Session\n"},
        "docgen/cli/number.py:{line}: Session is not defined in docgen.app.common",
    ),
    "through-a-module-attribute": (
        {"web/app.py": "from docgen.app import common as common_app\ncommon_app.open_tracker\n"},
        "docgen/web/app.py:{line}: open_tracker is not defined in docgen.app.common",
    ),
    "through-a-dotted-import": (
        {"cli/number.py": "import docgen.app.common\ndocgen.app.common.Session\n"},
        "docgen/cli/number.py:{line}: Session is not defined in docgen.app.common",
    ),
    "through-the-app-package": (
        {
            "app/__init__.py": "from docgen.state import open_tracker\n",
            "web/app.py": "from docgen import app\napp.open_tracker\n",
        },
        "docgen/web/app.py:{line}: open_tracker is not defined in docgen.app,",
    ),
}


@pytest.mark.parametrize("plant", REEXPORTS, ids=list(REEXPORTS))
def test_a_planted_reexport_through_a_use_case_fails(tmp_path, plant):
    lines, expected = REEXPORTS[plant]
    shutil.copytree(PACKAGE, tmp_path / "docgen", ignore=shutil.ignore_patterns("__pycache__"))
    last = 0
    for file, added in lines.items():
        path = tmp_path / "docgen" / file
        before = path.read_text(encoding="utf-8")
        path.write_text(before + "\n" + added, encoding="utf-8")
        last = len(before.splitlines()) + 1 + added.count("\n")  # the last line planted
    found = names_not_defined_in_use_cases(tmp_path / "docgen")
    assert len(found) == 1 and found[0].startswith(expected.format(line=last)), found
