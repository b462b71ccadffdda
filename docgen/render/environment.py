"""The one Jinja environment every template renders in: sandboxed, escaped, bounded,
with the Indonesian filters.

Templates are files users edit (and may receive from anyone), so rendering one must end,
and end small. Jinja's sandbox already stops `range()` at 100,000 items and any reach
into Python internals; `BoundedEnvironment` adds, per render:

- every `for` loop counts its iterations against one budget and a deadline (nested
  loops over `range(100000)` end in a second, not in a day);
- `*`, `**`, `%`, `+` and `~`, filters and method calls refuse to make a value larger
  than MAX_VALUE characters or items (`'x' * 3000000000`, `'x'|center(3000000000)`,
  a namespace that doubles a string in a loop), checking before they allocate;
- the rendered text is capped at MAX_OUTPUT characters.

Each refusal is a SecurityError, which the renderers report as the template's error.
The loop guard, the `~` check and the namespace hook into Jinja's compiler and runtime:
that part is the declared fork render/jinja_fork.py; everything here is Jinja's public API
(sandbox hooks `call`, `call_binop`, `intercepted_binops`; filters; globals), except
`concat`, which the fork's header describes.
"""

from __future__ import annotations

import contextvars
import functools
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from docgen.i18n import _
from docgen.indonesian import FILTERS
from docgen.render.jinja_fork import LOOP_GUARD, GuardedCodeGenerator, guarded_namespace

MAX_ITERATIONS = 1_000_000  # loop iterations per render (a work plan needs thousands)
MAX_SECONDS = 10.0  # per render (a large work plan renders in milliseconds)
MAX_VALUE = 5_000_000  # characters or items of any value a template computes
MAX_OUTPUT = 20_000_000  # characters of one rendered part (document.xml, a header...)
# Numbers in a %-format or str.format spec ("%3000000000d", "{:>3000000000}").
_FORMAT_WIDTH = re.compile(r"[0-9]{5,}")


class _Budget:
    def __init__(self) -> None:
        self.iterations = MAX_ITERATIONS
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        self.iterations -= 1
        if self.iterations < 0:
            raise SecurityError(
                _("the template loops more than {max_iterations:,} times").format(
                    max_iterations=MAX_ITERATIONS
                )
            )
        if not self.iterations % 4096 and time.monotonic() > self.deadline:
            raise SecurityError(
                _("the template takes longer than {max_seconds:.0f} s to render").format(
                    max_seconds=MAX_SECONDS
                )
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("docgen_budget", default=None)


def _too_large(what: str) -> SecurityError:
    return SecurityError(
        _("{what} would be larger than {max_value:,} characters").format(what=what, max_value=MAX_VALUE)
    )


def _size(value: Any) -> int:
    return len(value) if isinstance(value, Sized) and not isinstance(value, dict | range) else 0


def _check_size(value: Any, what: str = "a value") -> Any:
    if _size(value) > MAX_VALUE:
        raise _too_large(what)
    return value


def _check_args(args: Iterable[Any], what: str, *, specs: bool = False) -> None:
    """Refuse an integer argument or format width that would make a huge value (`specs`:
    every text argument may be a format spec, as in "{0:{1}}".format(1, ">3000000000"))."""
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_VALUE:
            raise _too_large(what)
        if isinstance(arg, str) and _FORMAT_WIDTH.search(arg) and (specs or "%" in arg or "{" in arg):
            widths = [int(n) for n in _FORMAT_WIDTH.findall(arg)]
            if max(widths) > MAX_VALUE:
                raise _too_large(what)


def _check_join(items: Any, separator: Any = "") -> None:
    """A join of many references to one big string is big: add up before joining."""
    if isinstance(items, list | tuple):
        total = sum(_size(x) if isinstance(x, str) else 20 for x in items)
        total += _size(separator) * max(len(items) - 1, 0)
        if total > MAX_VALUE:
            raise _too_large("the joined text")


def _loop_guard(iterable: Any) -> Iterator[Any]:
    budget = _BUDGET.get()
    if budget is None:  # rendering outside Template.render (generate, stream): a fresh budget
        budget = _Budget()
    for item in iterable:
        budget.tick()
        yield item


def _concat(parts: Iterable[str]) -> str:
    """The rendered output (and that of macros and blocks), capped; the outermost call
    starts the render's budget."""
    budget = _BUDGET.get()
    token = _BUDGET.set(_Budget()) if budget is None else None
    try:
        out, size = [], 0
        for part in parts:
            size += len(part)
            if size > MAX_OUTPUT:
                raise SecurityError(
                    _("the template's output is larger than {max_output:,} characters").format(
                        max_output=MAX_OUTPUT
                    )
                )
            out.append(part)
        return "".join(out)
    finally:
        if token is not None:
            _BUDGET.reset(token)


# Filters whose numeric arguments set the size of their result.
_AMPLIFYING = frozenset({"center", "indent", "wordwrap", "truncate", "format", "batch", "slice"})


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [*args, *kwargs.values()]
        what = f"the result of the {name} filter"
        if name in _AMPLIFYING:
            _check_args(values, what)
        elif name == "join":
            texts = [a for a in values if isinstance(a, list | tuple | str)]
            if texts and isinstance(texts[0], list | tuple):
                _check_join(texts[0], texts[1] if len(texts) > 1 else "")
        elif name == "replace":
            texts = [a for a in values if isinstance(a, str)]
            if len(texts) >= 3:
                text, old, new = texts[:3]
                if (len(text) // max(len(old), 1) + 1) * len(new) > MAX_VALUE:
                    raise _too_large(what)
        return _check_size(function(*args, **kwargs), what)

    return bounded


def _binop(op: str, left: Any, right: Any) -> Any:
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if _size(seq) and isinstance(times, int) and _size(seq) * times > MAX_VALUE:
                raise _too_large("a repeated text")
    elif op == "**" and isinstance(left, int | float) and isinstance(right, int | float):
        bits = left.bit_length() if isinstance(left, int) else 64
        if abs(left) > 1 and abs(right) * bits > 1_000_000:
            raise _too_large("a power")
    elif op == "%" and isinstance(left, str):
        _check_args([left], "a formatted text")
        _check_args(right if isinstance(right, tuple) else [right], "a formatted text")
    elif op == "+" and _size(left) + _size(right) > MAX_VALUE:
        raise _too_large("a joined value")
    return _check_size(_OPERATORS[op](left, right))


_OPERATORS = {
    "*": operator.mul,
    "**": operator.pow,
    "%": operator.mod,
    "+": operator.add,
    "-": operator.sub,
    "/": operator.truediv,
    "//": operator.floordiv,
}


# `namespace()`, whose attributes cannot grow past MAX_VALUE (a loop doubling one).
_BoundedNamespace = guarded_namespace(_check_size)


class BoundedEnvironment(SandboxedEnvironment):
    """A SandboxedEnvironment whose renders end in bounded time and size (module doc)."""

    code_generator_class = GuardedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    concat = staticmethod(_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals[LOOP_GUARD] = _loop_guard
        self.globals["namespace"] = _BoundedNamespace
        self.globals.pop("lipsum", None)  # lipsum(3000000000) loops in Python, unguarded
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

    @staticmethod
    def checked_size(value: Any) -> Any:
        return _check_size(value, "a joined text")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        return _binop(operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        # The sandbox wraps str.format; the method itself tells whose it is.
        method = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str | bytes | list | tuple):
            name = getattr(method, "__name__", "a method")
            _check_args(
                [*args, *kwargs.values()], f"the result of {name}()", specs=name in ("format", "format_map")
            )
            if name == "join" and args:
                _check_join(args[0], owner)
            if name in ("format", "format_map") and isinstance(owner, str):
                _check_args([owner], f"the result of {name}()")
        else:
            for arg in (*args, *kwargs.values()):  # macros: arguments were checked on the way
                _check_size(arg, "an argument")
        return _check_size(
            SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs), "the result of a call"
        )


def _finalize(value: Any) -> Any:
    # An optional field left out (a NIP, an address) prints as nothing, never as "None".
    # (docxtpl's escapes in values are kept as typed by render.docx's own finalize.)
    return "" if value is None else value


@functools.cache
def jinja_env() -> SandboxedEnvironment:
    """The configured environment, shared by every renderer and by `docgen check`.

    - sandboxed and bounded: a template cannot reach Python internals (``__class__``,
      ``mro``...) and cannot run forever or fill the memory;
    - autoescape: every value is escaped for XML, so ``&``, ``<``, ``>`` and quotes in
      names and titles give a valid document that shows them (docxtpl's autoescape);
    - StrictUndefined: a misspelt variable is an error naming the template, not a blank
      in a document someone signs.
    """
    env = BoundedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters.update(FILTERS)
    return env
