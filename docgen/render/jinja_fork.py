"""A declared fork (STYLE.md 16): what docgen's Jinja environment takes from Jinja's
internals, in one module. It follows Jinja2 3.1 (3.1.6 when recorded; pyproject.toml pins
Jinja2>=3.1.4,<3.2):

- `jinja2.compiler.CodeGenerator.visit_Template` and `visit_For`: `GuardedCodeGenerator`
  rewrites every `for` loop's iterable into a call of the global named `LOOP_GUARD` before
  the template is compiled, so a loop counts its iterations (render/environment.py's
  budget); `visit_Template` also binds `concat = environment.concat` in the compiled module.
- `jinja2.compiler.CodeGenerator.visit_Concat`: `~` compiles to one expression, which is
  wrapped in `environment.checked_size(...)`.
- `jinja2.environment.Template.render`, `jinja2.runtime.BlockReference.__call__` and
  `BlockReference.super`, `CodeGenerator.return_buffer_contents`: the output of a render,
  a block and a macro is joined by `environment.concat`, which BoundedEnvironment replaces
  with a joining that caps the size (render/environment.py `_concat`).
- `jinja2.utils.Namespace` (`__init__`, `__getattribute__`, `__setitem__`): the class
  behind the `namespace()` global; `guarded_namespace` checks every value set on one.

`UPSTREAM` holds the sha256 of the source of each of those functions as recorded;
tests/test_forks.py fails when the installed Jinja2's differ. Then read the upstream
change, adapt this module (and render/environment.py), and record the new digests
(`python -m tests.test_forks` prints them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.utils import Namespace

LOOP_GUARD = "docgen_loop_guard_"  # the global every `for` loop's iterable passes through

# The upstream code this fork follows: qualified name -> sha256 of inspect.getsource()
# (its first 16 hex digits).
UPSTREAM = {
    "jinja2.compiler.CodeGenerator.visit_Template": "c43af1aeb714bab1",
    "jinja2.compiler.CodeGenerator.visit_For": "d4f9a74e3bdffca6",
    "jinja2.compiler.CodeGenerator.visit_Concat": "be4721533d19611d",
    "jinja2.compiler.CodeGenerator.return_buffer_contents": "c7ff72b4914027be",
    "jinja2.environment.Template.render": "c33dd2c3a2936cc0",
    "jinja2.runtime.BlockReference.__call__": "88b177e75bdd9e99",
    "jinja2.runtime.BlockReference.super": "396d330445746cb8",
    "jinja2.utils.Namespace.__init__": "462f3c194978ba84",
    "jinja2.utils.Namespace.__getattribute__": "d030bca6b1ae299b",
    "jinja2.utils.Namespace.__setitem__": "690660f129a3bc7b",
}


class GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every `for` loop's iterable passed through the loop
    guard and every `~` result checked for size (`environment.checked_size`)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in list(node.find_all(nodes.For)):
            loop.iter = nodes.Call(
                nodes.Name(LOOP_GUARD, "load", lineno=loop.lineno),
                [loop.iter],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
        super().visit_Template(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")


def guarded_namespace(check: Callable[[Any, str], Any]) -> type[Namespace]:
    """The `namespace()` class whose every attribute set passes `check(value, what)` first.
    (A Namespace hides its own attributes from templates, so the check is a closure.)"""

    class GuardedNamespace(Namespace):
        def __setitem__(self, name: str, value: Any) -> None:
            super().__setitem__(name, check(value, f"namespace attribute {name!r}"))

    return GuardedNamespace
