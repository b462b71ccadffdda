"""Public APIs only (STYLE.md 13), as an allow-list: tests/private_api.toml lists the public
surface of each library docgen uses and every use of a name beginning with `_`, of a module
that is not part of a library's documented API, or of an undocumented attribute; a use that
is not listed fails here, naming the file, the line and the name.

Two walks over the AST of every module: `reached` follows each third-party import, and each
name assigned from one, into the dotted names the code reaches; `private_values` finds every
`x._name` (and `getattr(x, "_name")`) whatever `x` is (a parameter, a container, a value
returned by anything) whose `_name` docgen does not define itself (`DocgenNames`)."""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "docgen"
ALLOW_LIST = Path(__file__).with_name("private_api.toml")
ATTRIBUTE_CALLS = ("getattr", "hasattr", "setattr", "delattr")


def _third_party(module: str) -> bool:
    top = module.split(".")[0]
    return top not in sys.stdlib_module_names and top not in ("docgen", "__future__")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _bindings(tree: ast.AST, keep: Callable[[str], bool]) -> dict[str, str]:
    """Local name -> dotted module or object, for the imports whose module `keep` accepts."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if keep(alias.name):
                    local = alias.asname or alias.name.split(".")[0]
                    bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and keep(node.module):
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def reached(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every third-party name the code reaches: its imports, and the
    attribute chains rooted at an imported name or at a name assigned from one
    ("docxtpl.DocxTemplate().patch_xml")."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _third_party(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _third_party(node.module):
                found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    bound = _third_party_names(tree)
    parents = _parents(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(parents.get(node), ast.Attribute):
            name = resolve(node, bound)
            if name:
                found.append((node.lineno, name))
        elif isinstance(node, ast.Call) and _attribute_call(node) in ATTRIBUTE_CALLS:
            target, attribute = _attribute_call_args(node)
            base = resolve(target, bound) if target is not None else None
            if base and attribute:
                found.append((node.lineno, f"{base}.{attribute}"))
    return found


def resolve(node: ast.AST, bound: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        base = resolve(node.value, bound)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        if _attribute_call(node) == "getattr":  # getattr(yaml, "CSafeLoader", ...)
            target, name = _attribute_call_args(node)
            base = resolve(target, bound) if target is not None else None
            return f"{base}.{name}" if base and name else None
        base = resolve(node.func, bound)
        return f"{base}()" if base else None
    return None


def _third_party_names(tree: ast.AST) -> dict[str, str]:
    """Local name -> third-party dotted name: the imports, and the names assigned from them."""
    bound = _bindings(tree, _third_party)
    for _ in range(2):  # names assigned from third-party calls, and from those names
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call | ast.Attribute)
                and all(isinstance(t, ast.Name) for t in node.targets)
            ):
                value = resolve(node.value, bound)
                if value:
                    for target in node.targets:
                        bound.setdefault(target.id, value)  # type: ignore[attr-defined]
    return bound


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


# --- the private names docgen defines ---------------------------------------------------


def module_name(file: str) -> str:
    """The dotted name of a module's file (a package's __init__: the package's)."""
    parts = Path(file).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _statements(body: list[ast.stmt]):
    """The statements of a module or class body, those under if/try/with included."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _statements(handler.body)


def _names_bound_by(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [stmt.name]
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    targets = {
        ast.Assign: lambda s: s.targets,
        ast.AnnAssign: lambda s: [s.target],
        ast.AugAssign: lambda s: [s.target],
        ast.For: lambda s: [s.target],
    }
    for kind, of in targets.items():
        if isinstance(stmt, kind):
            return [n.id for t in of(stmt) for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def _own_object(node: ast.AST) -> bool:
    """`self`, `cls` or `type(self)`: an attribute set on one is docgen's own."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "type"
        and len(node.args) == 1
        and _own_object(node.args[0])
    )


@dataclass(frozen=True)
class DocgenNames:
    """What docgen defines itself: `members`, the names its classes and their instances
    have (methods, nested classes, class-level assignments and annotations, dataclass,
    NamedTuple and TypedDict fields, `__slots__`, `self._x = ...` and `setattr(self, "_x",
    ...)`), and `modules`, each module's module-level names (functions, classes,
    assignments, imports, `global` names), reachable as `module._name`.

    A parameter or local variable is no attribute of anything: `def f(_doc): ...` does
    not make `canvas._doc` docgen's."""

    members: frozenset[str]
    modules: dict[str, frozenset[str]]

    @classmethod
    def of(cls, sources: dict[str, str]) -> DocgenNames:
        members: set[str] = set()
        modules: dict[str, frozenset[str]] = {}
        for file, source in sources.items():
            tree = ast.parse(source)
            top = {n for stmt in _statements(tree.body) for n in _names_bound_by(stmt)}
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    for stmt in _statements(node.body):
                        members.update(_names_bound_by(stmt))
                        if isinstance(stmt, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id == "__slots__" for t in stmt.targets
                        ):
                            members.update(
                                c.value
                                for c in ast.walk(stmt.value)
                                if isinstance(c, ast.Constant) and isinstance(c.value, str)
                            )
                elif isinstance(node, ast.Global):
                    top.update(node.names)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                    if _own_object(node.value):
                        members.add(node.attr)
                elif isinstance(node, ast.Call) and _attribute_call(node) in ("setattr", "__setattr__"):
                    target, name = _attribute_call_args(node)
                    if name and _own_object(target):
                        members.add(name)
            modules[module_name(file)] = frozenset(top)
        return cls(frozenset(members), modules)

    def defines(self, module: str | None, name: str) -> bool:
        """`name` as an attribute of an object (module None) or of the docgen `module`."""
        if module is None:
            return name in self.members
        return name in self.modules.get(module, ()) or f"{module}.{name}" in self.modules


def package_sources(package: Path = PACKAGE) -> dict[str, str]:
    return {
        path.relative_to(package.parent).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(package.rglob("*.py"))
    }


@functools.cache
def docgen_names() -> DocgenNames:
    return DocgenNames.of(package_sources())


def _attribute_call(node: ast.Call) -> str | None:
    """Which of getattr(x, name...), hasattr, setattr, delattr, object.__setattr__(x, name...)
    or object.__getattribute__ `node` calls, if any."""
    func = node.func
    if isinstance(func, ast.Name) and func.id in ATTRIBUTE_CALLS:
        return func.id
    if isinstance(func, ast.Attribute) and func.attr in ("__setattr__", "__getattribute__"):
        return func.attr
    return None


def _attribute_call_args(node: ast.Call) -> tuple[ast.AST | None, str | None]:
    if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
        return node.args[0], node.args[1].value
    return None, None


def import_base(node: ast.ImportFrom, file: str) -> str:
    """The module a `from ... import` in `file` takes from, a relative one resolved."""
    if not node.level:
        return node.module or ""
    module = module_name(file)
    package = (module if file.endswith("__init__.py") else module.rpartition(".")[0]).split(".")
    return ".".join([*package[: len(package) - (node.level - 1)], *([node.module] if node.module else [])])


def docgen_imports(tree: ast.AST, file: str, is_module: Callable[[str], bool]) -> dict[str, str]:
    """Local name -> docgen module, for the imports of docgen modules (relative ones too):
    `import docgen.app.x` binds `docgen`, `from docgen.app import x as y` binds `y`."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "docgen":
                    bound[alias.asname or "docgen"] = alias.name if alias.asname else "docgen"
        elif isinstance(node, ast.ImportFrom):
            base = import_base(node, file)
            for alias in node.names:
                if base.split(".")[0] == "docgen" and is_module(f"{base}.{alias.name}"):
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def _shown(node: ast.AST, bound: dict[str, str]) -> str:
    """An expression as the report names it: imported names resolved, calls as `()`."""
    if isinstance(node, ast.Name):
        return bound.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        return f"{_shown(node.value, bound)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_shown(node.func, bound)}()"
    if isinstance(node, ast.Subscript):
        return f"{_shown(node.value, bound)}[]"
    return "(...)"


def private_values(source: str, file: str, names: DocgenNames | None = None) -> list[tuple[int, str]]:
    """(line, name) of every `x._name`, `getattr(x, "_name")` (hasattr, setattr, delattr)
    whose `_name` docgen does not define (DocgenNames), on any `x`: a parameter, a value
    returned by a call, an element of a container, a module of the standard library.
    The chains `reached` resolves to a third-party name are left to it."""
    names = names or docgen_names()
    tree = ast.parse(source)
    third_party = _third_party_names(tree)
    shown_as = {**_bindings(tree, lambda m: m.split(".")[0] != "docgen"), **third_party}
    docgen = docgen_imports(tree, file, names.modules.__contains__)

    def docgen_module(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return docgen.get(node.id)
        if isinstance(node, ast.Attribute):
            base = docgen_module(node.value)
            dotted = f"{base}.{node.attr}" if base else None
            return dotted if dotted in names.modules else None
        return None

    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            target, name = node.value, node.attr
            if resolve(node, third_party):
                continue
        elif isinstance(node, ast.Call) and _attribute_call(node):
            target, name = _attribute_call_args(node)
            if target is not None and resolve(target, third_party):
                continue
        else:
            continue
        if target is None or name is None or not _private(name):
            continue
        # on a module of the standard library (or what it returns), docgen's names do not count
        library = _root(target) in shown_as
        if library or not names.defines(docgen_module(target), name):
            found.append((node.lineno, f"{_shown(target, shown_as)}.{name}"))
    return found


def _root(node: ast.AST) -> str | None:
    """The name an expression starts from: `os` for `os.path.x`, `make` for `make()[0]`."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def uses(source: str, file: str, names: DocgenNames | None = None) -> list[tuple[int, str]]:
    return sorted(reached(source) + private_values(source, file, names))


# --- the allow-list -----------------------------------------------------------------------


def _private_part(name: str) -> bool:
    return any(_private(p) for p in name.replace("()", "").replace("[]", "").split("."))


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith((prefix + ".", prefix + "("))


@functools.cache
def _is_module(name: str) -> bool:
    if not re.fullmatch(r"[\w.]+", name):
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def module_of(name: str) -> str:
    """The deepest module `name` is reached through: "typer.main" for
    "typer.main.get_group", "docx" for "docx.Document().save"."""
    parts = name.split(".")
    module = parts[0]
    for part in parts[1:]:
        if not _is_module(f"{module}.{part}"):
            break
        module = f"{module}.{part}"
    return module


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
        spanned = None
        for entry in self.public:
            if name in (entry, entry + "()"):
                return None
            if entry.endswith(".*") and _under(name, entry[:-2]):
                # "X.*" covers what X's own documentation covers: a name reached through a
                # module below X is covered only by an entry for that module
                module = module_of(name)
                if _under(entry[:-2], module):
                    return None
                spanned = f"{name}: under {entry}, but through the module {module}, not listed"
        return (spanned or f"{name}: not a documented API") + " in tests/private_api.toml"


def violations(source: str, file: str, allow: AllowList, names: DocgenNames | None = None) -> list[str]:
    return [
        f"{file}:{line}: {problem}"
        for line, name in uses(source, file, names)
        if (problem := allow.problem(file, name)) is not None
    ]


def test_docgen_uses_only_public_or_listed_library_names():
    allow = AllowList.read()
    found = []
    for file, source in package_sources().items():
        found += violations(source, file, allow)
    assert not found, "\n".join(found)


def test_every_private_use_says_why_and_is_pinned_in_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # the standard library's are pinned by the Python versions docgen supports
    pins = {re.sub(r"\s", "", r) for r in [*project["dependencies"], f"python{project['requires-python']}"]}
    allow = AllowList.read()
    for use in allow.private:
        assert len(str(use.get("why", ""))) > 40, use["name"]
        assert re.sub(r"\s", "", str(use["pin"])) in pins, use["name"]
        # a listed file that no longer uses the name is a stale entry
        for file in use["where"]:  # type: ignore[attr-defined]
            source = (ROOT / file).read_text(encoding="utf-8")
            assert any(_under(n, str(use["name"])) for _, n in uses(source, file)), (use["name"], file)


def test_every_wildcard_is_used():
    """A [public] "X.*" that no module reaches any longer is stale: it would let a later use
    of anything in X pass unexamined."""
    reached_names = {name for file, source in package_sources().items() for _, name in uses(source, file)}
    wildcards = [entry[:-2] for entry in AllowList.read().public if entry.endswith(".*")]
    stale = [w for w in wildcards if not any(_under(name, w) for name in reached_names)]
    assert not stale, stale


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        # a module that is not a documented API
        ("from jinja2.lexer import Lexer\n", "jinja2.lexer.Lexer: not a documented API"),
        ("import zxingcpp.zxingcpp\n", "zxingcpp.zxingcpp: not a documented API"),
        ("from reportlab import rl_config\n", "reportlab.rl_config: not a documented API"),
        # a module under a wildcard's package that the wildcard's documentation does not cover
        ("from typer.main import get_group\n", "typer.main.get_group: a listed private use, but not"),
        (
            "from uvicorn.protocols import utils\n",
            "uvicorn.protocols.utils: under uvicorn.*, but through the module uvicorn.protocols.utils",
        ),
        ("import typer\ntyper.main.get_command_from_info\n", "get_command_from_info: a listed private use"),
        # getattr() with a string, on a library's name
        ("import yaml\ngetattr(yaml, 'CLoader', None)\n", "yaml.CLoader: not a documented API"),
        ("import typer\ngetattr(typer, '_click')\n", "typer._click: a private name"),
        # a name beginning with `_`, through an instance
        (
            "from reportlab.pdfgen.canvas import Canvas\nc = Canvas('x.pdf')\nc._doc.info = 1\n",
            "reportlab.pdfgen.canvas.Canvas()._doc.info: a private name",
        ),
        ("import typer\ntyper._click\n", "typer._click: a private name"),
        # ... through a value: a parameter, a call's result, a container, getattr()
        (
            "from reportlab.pdfgen.canvas import Canvas as _Canvas\n"
            "def f(canvas: _Canvas):\n    return canvas._doc\n",
            "canvas._doc: a private name",
        ),
        ("def f(request):\n    return request.app._planted_private\n", "request.app._planted_private: a"),
        ("def f(request):\n    return request.state._state\n", "request.state._state: a private name"),
        ("def f(make):\n    return make()._doc\n", "make()._doc: a private name"),
        ("def f(pages):\n    return pages[0]._doc\n", "pages[]._doc: a private name"),
        ("def f(canvas):\n    return getattr(canvas, '_doc', None)\n", "canvas._doc: a private name"),
        ("def f(canvas):\n    setattr(canvas, '_doc', None)\n", "canvas._doc: a private name"),
        ("import sys\nsys._getframe()\n", "sys._getframe: a private name"),
        ("import os\nos._commit\n", "os._commit: a private name"),  # docgen's _commit is a method
        # a docgen name is docgen's only as what it is: a module's function is no attribute
        # of an object, a parameter is no attribute at all
        ("def f(request):\n    return request.state._verbose\n", "request.state._verbose: a private"),
        ("def f(canvas, _doc):\n    return canvas._doc\n", "canvas._doc: a private name"),
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


def _plant(file: str, lines: str) -> list[str]:
    """The violations of docgen with `lines` added to `file`, the names docgen defines
    taken from the planted tree."""
    sources = package_sources()
    sources[file] += "\n" + lines
    return violations(sources[file], file, AllowList.read(), DocgenNames.of(sources))


@pytest.mark.parametrize(
    ("file", "lines", "expected"),
    [
        (
            "docgen/render/report_pdf.py",
            "from reportlab.pdfgen.canvas import Canvas as _Canvas\n"
            "def f(canvas: _Canvas):\n    return canvas._doc\n",
            "canvas._doc: a private name",
        ),
        ("docgen/web/app.py", "def f(request):\n    return request.app._planted_private\n", "app._planted"),
        ("docgen/web/app.py", "def f(request):\n    return request.state._state\n", "request.state._state"),
    ],
)
def test_a_private_use_planted_in_docgen_fails_naming_file_and_line(file, lines, expected):
    found = _plant(file, lines)
    line = len(package_sources()[file].splitlines()) + 1 + lines.count("\n")  # the last line planted
    assert len(found) == 1 and found[0].startswith(f"{file}:{line}: ") and expected in found[0], found


@pytest.mark.parametrize(
    "snippet",
    [
        # docgen's own: methods and class attributes, self._x, __slots__, setattr(self, ...)
        "class A:\n    _n = 1\n    def _m(self): return self._n + A._n\n    def f(self, a): return a._m()\n",
        "class A:\n    def __init__(self): self._seen = 1\n    def f(self, other): return other._seen\n",
        "class A:\n    __slots__ = ('_x',)\n    def f(self, other): return other._x\n",
        "class A:\n    def __init__(self): setattr(self, '_y', 1)\n    def f(self): return self._y\n",
        "class A:\n    def f(self): return type(self)._z\n    def g(self): type(self)._z = 1\n",
        "from dataclasses import dataclass\n@dataclass\nclass A:\n    _w: int\ndef f(a): return a._w\n",
        # a dunder is the language's, not a library's
        "def f(x):\n    return x.__class__.__name__, x.__dict__\n",
    ],
)
def test_docgens_own_private_names_pass(snippet):
    file = "docgen/render/planted.py"
    sources = {**package_sources(), file: snippet}
    assert violations(snippet, file, AllowList.read(), DocgenNames.of(sources)) == []


def test_a_docgen_modules_private_name_passes_only_through_that_module():
    sources = {
        **package_sources(),
        "docgen/render/planted.py": "_helper = 1\n",
        "docgen/app/planted.py": (
            "from docgen.render import planted\nfrom ..render import planted as same\n"
            "import docgen.render.planted\n"
            "planted._helper, same._helper, docgen.render.planted._helper\n"
        ),
    }
    names = DocgenNames.of(sources)
    allow = AllowList.read()
    assert violations(sources["docgen/app/planted.py"], "docgen/app/planted.py", allow, names) == []
    other = "def f(x):\n    return x._helper\n"
    assert len(violations(other, "docgen/app/other.py", allow, names)) == 1


def test_public_uses_pass():
    snippet = (
        "import zxingcpp\nq = zxingcpp.create_barcode(b'x', zxingcpp.BarcodeFormat.QRCode)\n"
        "q.to_image(scale=1)\nfrom pydantic import BaseModel\n"
        "def f(request):\n    return request.state.form, getattr(request.state, 'form', None)\n"
    )
    assert violations(snippet, "docgen/render/qr.py", AllowList.read()) == []
