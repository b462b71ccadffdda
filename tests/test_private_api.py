"""Public APIs only (STYLE.md 13), as an allow-list: tests/private_api.toml lists the public
surface of each library docgen uses and every use of a name beginning with `_`, of a module
that is not part of a library's documented API, or of an undocumented attribute; a use that
is not listed fails here, naming the file, the line and the name."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "docgen"
ALLOW_LIST = Path(__file__).with_name("private_api.toml")


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return top not in sys.stdlib_module_names and top not in ("docgen", "__future__")


def reached(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every third-party name the code reaches: its imports, and the
    attribute chains rooted at an imported name or at a name assigned from one
    ("docxtpl.DocxTemplate().patch_xml")."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _third_party(alias.name):
                    found.append((node.lineno, alias.name))
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _third_party(node.module):
                for alias in node.names:
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def resolve(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return bound.get(node.id)
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = resolve(node.func)
            return f"{base}()" if base else None
        return None

    for _ in range(2):  # names assigned from third-party calls, and from those names
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call | ast.Attribute)
                and all(isinstance(t, ast.Name) for t in node.targets)
            ):
                value = resolve(node.value)
                if value:
                    for target in node.targets:
                        bound.setdefault(target.id, value)  # type: ignore[attr-defined]
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(parents.get(node), ast.Attribute):
            name = resolve(node)
            if name:
                found.append((node.lineno, name))
    return found


def _private_part(name: str) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in name.replace("()", "").split("."))


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith((prefix + ".", prefix + "("))


@dataclass(frozen=True)
class AllowList:
    public: dict[str, str]
    private: list[dict[str, object]]

    @classmethod
    def read(cls, path: Path = ALLOW_LIST) -> AllowList:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(data.get("public", {}), data.get("private", []))

    def problem(self, file: str, name: str) -> str | None:
        """Why `name`, used in `file`, is not allowed; None when it is."""
        for use in self.private:
            if _under(name, str(use["name"])):
                where = use["where"]
                assert isinstance(where, list)
                return None if file in where else f"{name}: a listed private use, but not in {file}"
        if _private_part(name):
            return f"{name}: a private name, not in tests/private_api.toml"
        for entry in self.public:
            if entry.endswith(".*") and _under(name, entry[:-2]):
                return None
            if name in (entry, entry + "()"):
                return None
        return f"{name}: not a documented API listed in tests/private_api.toml"


def violations(source: str, file: str, allow: AllowList) -> list[str]:
    return [
        f"{file}:{line}: {problem}"
        for line, name in reached(source)
        if (problem := allow.problem(file, name)) is not None
    ]


def test_docgen_uses_only_public_or_listed_library_names():
    allow = AllowList.read()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        file = path.relative_to(ROOT).as_posix()
        found += violations(path.read_text(encoding="utf-8"), file, allow)
    assert not found, "\n".join(found)


def test_every_private_use_says_why_and_is_pinned_in_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = {re.sub(r"\s", "", r) for r in pyproject["project"]["dependencies"]}
    allow = AllowList.read()
    for use in allow.private:
        assert len(str(use.get("why", ""))) > 40, use["name"]
        assert re.sub(r"\s", "", str(use["pin"])) in pins, use["name"]
        # a listed file that no longer uses the name is a stale entry
        for file in use["where"]:  # type: ignore[attr-defined]
            source = (ROOT / file).read_text(encoding="utf-8")
            assert any(_under(n, str(use["name"])) for _, n in reached(source)), (use["name"], file)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        # a module that is not a documented API
        ("from jinja2.lexer import Lexer\n", "jinja2.lexer.Lexer: not a documented API"),
        ("import zxingcpp.zxingcpp\n", "zxingcpp.zxingcpp: not a documented API"),
        ("from reportlab import rl_config\n", "reportlab.rl_config: not a documented API"),
        # a name beginning with `_`, through an instance
        (
            "from reportlab.pdfgen.canvas import Canvas\nc = Canvas('x.pdf')\nc._doc.info = 1\n",
            "reportlab.pdfgen.canvas.Canvas()._doc.info: a private name",
        ),
        ("import typer\ntyper._click\n", "typer._click: a private name"),
        # an undocumented attribute of a documented object
        (
            "from reportlab.pdfbase import pdfmetrics\npdfmetrics.getFont('x').face.charWidths\n",
            "getFont().face.charWidths: not a documented API",
        ),
        # a listed private use, in a file the list does not name
        (
            "from docxtpl import DocxTemplate\nDocxTemplate('a.docx').patch_xml('')\n",
            "patch_xml: a listed private use, but not in docgen/render/other.py",
        ),
        ("from jinja2.compiler import CodeGenerator\n", "jinja2.compiler.CodeGenerator: a listed private"),
    ],
)
def test_a_planted_private_use_fails(snippet, expected):
    found = violations(snippet, "docgen/render/other.py", AllowList.read())
    assert len(found) == 1 and expected in found[0], found


def test_public_uses_pass():
    snippet = (
        "import zxingcpp\nq = zxingcpp.create_barcode(b'x', zxingcpp.BarcodeFormat.QRCode)\n"
        "q.to_image(scale=1)\nfrom pydantic import BaseModel\n"
    )
    assert violations(snippet, "docgen/render/qr.py", AllowList.read()) == []
