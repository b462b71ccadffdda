"""Find templates (the workspace's own before the defaults) and check them for `docgen check`."""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import meta, nodes
from lxml import etree

from docgen.agreements import Catalog
from docgen.config import Config
from docgen.errors import ConfigError, TemplateError
from docgen.render.docx import W_NS, PreparedTemplate, paragraph_excerpt
from docgen.render.environment import jinja_env
from docgen.workspace import Workspace

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LEFTOVER_RE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

Context = dict[str, Any]
# A sample-context factory gets the workspace config (None when docgen.toml is invalid)
# and returns one context or several variants to render the template with.
SampleFactory = Callable[[Config | None], Context | list[Context]]

# Template name (file stem) -> factory, or "module:function" imported when needed.
# Every .docx without an entry is an agreement template, checked with sample agreements.
SAMPLE_CONTEXTS: dict[str, SampleFactory | str] = {
    "surat-tindak-lanjut": "docgen.letters:sample_contexts",
}


def register_sample_context(name: str, factory: SampleFactory | str) -> None:
    """Declare the sample context `docgen check` renders template `name` (a file stem) with."""
    SAMPLE_CONTEXTS[name] = factory


def defaults_dir() -> Path:
    """The default template set shipped inside the package."""
    return Path(str(resources.files("docgen") / "templates"))


def template_path(ws: Workspace, name: str) -> Path:
    """templates/NAME.docx of the workspace, else the package's default of that name."""
    stem = name[:-5] if name.lower().endswith(".docx") else name
    if not NAME_RE.fullmatch(stem) or ".." in stem:
        raise TemplateError(f"template {name!r}: not a valid template name "
                            "(letters, digits, '.', '_' and '-' only)")
    own = ws.templates_dir / f"{stem}.docx"
    if own.is_file():
        return own
    default = defaults_dir() / f"{stem}.docx"
    if default.is_file():
        return default
    raise TemplateError(f"template {stem!r}: no templates/{stem}.docx in the workspace and no "
                        "default template of that name")


def template_label(ws: Workspace, path: Path) -> str:
    """How messages name a template: `templates/x.docx`, or `x.docx (default template)`."""
    try:
        path.resolve().relative_to(ws.root.resolve())
    except ValueError:
        return f"{path.name} (default template)"
    return ws.rel(path)


def _factory(name: str) -> SampleFactory:
    entry = SAMPLE_CONTEXTS.get(name)
    if entry is None:
        from docgen.render.samples import agreement_samples

        return lambda config: agreement_samples("mou" if name == "mou" else "renja", config)
    if isinstance(entry, str):
        module, _, attr = entry.partition(":")
        return getattr(importlib.import_module(module), attr)
    return entry


def sample_contexts(name: str, config: Config | None) -> list[Context]:
    contexts = _factory(name)(config)
    return contexts if isinstance(contexts, list) else [contexts]


def _paragraph_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False))
    return ["".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in root.iter(f"{{{W_NS}}}p")]


def _static_problems(template: PreparedTemplate, names: set[str]) -> list[str]:
    env = jinja_env()
    problems = []
    for source in template.sources.values():
        ast = env.parse(source)
        unknown = meta.find_undeclared_variables(ast) - names
        first_line = {}
        for node in ast.find_all(nodes.Name):
            if node.name in unknown:
                first_line.setdefault(node.name, node.lineno)
        for var in sorted(unknown):
            problems.append(f"{template.label}: {paragraph_excerpt(source, first_line.get(var))}unknown "
                            f"variable {var!r} (the context has no such value)")
        for node in ast.find_all(nodes.Filter):
            if node.name not in env.filters:
                problems.append(f"{template.label}: {paragraph_excerpt(source, node.lineno)}unknown filter "
                                f"{node.name!r}")
        for node in ast.find_all(nodes.Test):
            if node.name not in env.tests:
                problems.append(f"{template.label}: {paragraph_excerpt(source, node.lineno)}unknown test "
                                f"{node.name!r}")
    return problems


def check_docx_template(path: Path, sample_context: Context | list[Context], *,
                        label: str | None = None) -> list[str]:
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
                        problems.append(f"{template.label}: paragraph {shown!r}: a template tag "
                                        "is split across Word runs or mistyped and would print "
                                        "as text; retype the tag in one go")
    return list(dict.fromkeys(problems))


def workspace_templates(ws: Workspace) -> dict[str, Path]:
    """Every .docx template in use: the defaults, replaced by the workspace's own."""
    found = {p.stem: p for p in sorted(defaults_dir().glob("*.docx"))}
    if ws.templates_dir.is_dir():
        for path in sorted(ws.templates_dir.glob("*.docx")):
            if not path.name.startswith(("~$", ".")):  # Word's lock files, hidden files
                found[path.stem] = path
    return found


def check_templates(ws: Workspace, catalog: Catalog | None = None) -> list[str]:
    """`docgen check` lines for every template, and for agreements naming a missing one."""
    try:
        config: Config | None = ws.config
    except ConfigError:
        config = None
    problems: list[str] = []
    for name, path in workspace_templates(ws).items():
        label = template_label(ws, path)
        try:
            contexts = sample_contexts(name, config)
        except Exception as exc:  # a colleague's factory must not break `check`
            problems.append(f"{label}: cannot build the sample context to check it: {exc}")
            continue
        problems.extend(check_docx_template(path, contexts, label=label))
    if catalog is not None:
        for agreement_id, agreement in sorted(catalog.agreements.items()):
            try:
                template_path(ws, agreement.template_name)
            except TemplateError as exc:
                problems.append(f"agreements/{catalog.files[agreement_id].name}: template: {exc.message}")
    return problems
