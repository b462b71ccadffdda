"""Find templates (the workspace's own before the defaults) and check them for `docgen check`."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from jinja2 import meta, nodes
from lxml import etree

from docgen.context import Context
from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.render.docx import W_NS, PreparedTemplate, paragraph_excerpt
from docgen.render.environment import jinja_env
from docgen.safepath import source_problem

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LEFTOVER_RE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


def defaults_dir() -> Path:
    """The default template set shipped inside the package."""
    return Path(str(resources.files("docgen") / "templates"))


def template_path(templates_dir: Path, name: str) -> Path:
    """templates/NAME.docx of the workspace, else the package's default of that name."""
    stem = name[:-5] if name.lower().endswith(".docx") else name
    if not NAME_RE.fullmatch(stem) or ".." in stem:
        raise TemplateError(
            _("template {name!r}: not a valid template name (letters, digits, '.', '_' and '-' only)").format(
                name=name
            )
        )
    own = templates_dir / f"{stem}.docx"
    if os.path.lexists(own):
        # The workspace's own, read only if it stays inside the workspace and cannot block.
        problem = source_problem(templates_dir.parent, own)
        if problem is not None:
            raise TemplateError(_("templates/{stem}.docx: {problem}").format(stem=stem, problem=problem))
        return own
    default = defaults_dir() / f"{stem}.docx"
    if default.is_file():
        return default
    raise TemplateError(
        _(
            "template {stem!r}: no templates/{stem}.docx in the workspace and no "
            "default template of that name"
        ).format(stem=stem)
    )


def template_label(path: Path, label_of: Callable[[Path], str]) -> str:
    """How messages name a template: `templates/x.docx`, or `x.docx (default template)`."""
    if path.parent == defaults_dir():
        return f"{path.name} (default template)"
    return label_of(path)


def _paragraph_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    return ["".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in root.iter(f"{{{W_NS}}}p")]


def _static_problems(template: PreparedTemplate, names: set[str]) -> list[str]:
    env = jinja_env()
    problems = []
    for source in template.sources.values():
        ast = env.parse(source)
        unknown = meta.find_undeclared_variables(ast) - names
        first_line: dict[str, int] = {}
        for node in ast.find_all(nodes.Name):
            if node.name in unknown:
                first_line.setdefault(node.name, node.lineno)
        for var in sorted(unknown):
            problems.append(
                _(
                    "{label}: {paragraph_excerpt}unknown variable {var!r} (the context has no such value)"
                ).format(
                    label=template.label,
                    paragraph_excerpt=paragraph_excerpt(source, first_line.get(var)),
                    var=var,
                )
            )
        for flt in ast.find_all(nodes.Filter):
            if flt.name not in env.filters:
                problems.append(
                    _("{label}: {paragraph_excerpt}unknown filter {name!r}").format(
                        label=template.label,
                        paragraph_excerpt=paragraph_excerpt(source, flt.lineno),
                        name=flt.name,
                    )
                )
        for test in ast.find_all(nodes.Test):
            if test.name not in env.tests:
                problems.append(
                    _("{label}: {paragraph_excerpt}unknown test {name!r}").format(
                        label=template.label,
                        paragraph_excerpt=paragraph_excerpt(source, test.lineno),
                        name=test.name,
                    )
                )
    return problems


def check_docx_template(
    path: Path, sample_context: Context | list[Context], *, label: str | None = None
) -> list[str]:
    """Problem lines of one .docx template, each naming it: a Jinja syntax error, a variable
    or filter the context does not provide, a tag split across Word runs that docxtpl
    cannot repair (it would print as text)."""
    try:
        template = PreparedTemplate.load(path, label or path.name)
    except TemplateError as exc:
        return [exc.message]
    contexts = sample_context if isinstance(sample_context, list) else [sample_context]
    names = set().union(*(c.keys() for c in contexts)) if contexts else set()
    problems = _static_problems(template, names)
    if problems:
        return list(dict.fromkeys(problems))
    for context in contexts:
        try:
            data = template.render(context)
        except TemplateError as exc:
            problems.append(exc.message)
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in template.sources:
                for text in _paragraph_texts(zf.read(name)):
                    if LEFTOVER_RE.search(text):
                        shown = text if len(text) <= 70 else text[:67] + "..."
                        problems.append(
                            _(
                                "{label}: paragraph {shown!r}: a template tag is split across Word runs"
                                " or mistyped and would print as text; retype the tag in one go"
                            ).format(label=template.label, shown=shown)
                        )
    return list(dict.fromkeys(problems))


def templates_in_use(templates_dir: Path) -> dict[str, Path]:
    """Every .docx template in use: the defaults, replaced by the workspace's own."""
    found = {p.stem: p for p in sorted(defaults_dir().glob("*.docx"))}
    if templates_dir.is_dir():
        for path in sorted(templates_dir.glob("*.docx")):
            if not path.name.startswith(("~$", ".")):  # Word's lock files, hidden files
                found[path.stem] = path
    return found


def template_problem(templates_dir: Path, path: Path) -> str | None:
    """Why a template in use cannot be read (a link out of the workspace, a FIFO...)."""
    if path.parent != templates_dir:
        return None  # a default shipped in the package
    problem = source_problem(templates_dir.parent, path)
    return None if problem is None else f"templates/{path.name}: {problem}"
