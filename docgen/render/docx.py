"""Render .docx templates: docxtpl's result, with the per-template work done once.

A declared fork (STYLE.md 16) of docxtpl's render pipeline, following docxtpl 0.20
(0.20.2 when recorded; pyproject.toml pins docxtpl>=0.20,<0.21) and python-docx 1.1-1.2
(python-docx>=1.1.2,<1.3). The upstream code it follows, whose sources' digests are in
`UPSTREAM` (tests/test_forks.py fails when an installed version differs):

- `docxtpl.template.DocxTemplate.render`: the order of the steps (body: build_xml,
  fix_tables, fix_docpr_ids, map_tree; headers and footers: build_headers_footers_xml,
  map_headers_footers_xml; render_properties; render_footnotes);
- `DocxTemplate.build_xml`, `build_headers_footers_xml`, `get_headers_footers`,
  `map_tree`, `map_headers_footers_xml`, `fix_docpr_ids`, `render_xml_part` (rebuilt
  here: `_compiled`, `PreparedTemplate._xml`, `_main_part_xml`) and `render_properties`;
- `DocxTemplate.patch_xml`, `fix_tables`, `resolve_listing`: called as they are
  (tests/private_api.toml lists them);
- `DocxTemplate.save` (python-docx writes the package), and python-docx's
  `docx.opc.oxml.serialize_part_xml` (`_serialised`).

`DocxTemplate(path).render(context, env, autoescape=True)` + `save` repeats, for every
document, work that depends on the template alone: python-docx opens the package,
docxtpl patches the XML of the body and of every header and footer into Jinja source,
Jinja compiles it, python-docx serialises every part again. `PreparedTemplate.load`
does that once, with docxtpl's own methods (`patch_xml`, then per document
`resolve_listing` and `fix_tables`, in docxtpl's order), and keeps the untouched zip
members as they are. tests/test_docx_oracle.py checks, for every shipped template and
generated contexts, that every rendered part (word/document.xml, headers, footers,
docProps/core.xml) is byte-identical to plain docxtpl's.

Plain docxtpl renders instead (`render_docxtpl`) when the prepared path would not be
docxtpl's result: a context holding docxtpl objects (InlineImage and Subdoc belong to
the DocxTemplate they were made with; RichText, RichTextParagraph, Listing), a
template with footnotes (docxtpl renders them once per section) or without a core
properties part (python-docx invents one, dated now).

Two choices differ from docxtpl's defaults, on both paths alike:

- docxtpl turns ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in the rendered XML into ``{{``,
  ``}}``, ``{%`` and ``%}`` (so a template can print a literal tag), in values too: a
  name typed as ``{_{`` would print as ``{{``. The environment here escapes the ``_``
  of those sequences in values as an XML character reference, so a value prints as
  the user typed it; the same sequences in the template's own text keep docxtpl's
  meaning.
- Document properties (title, subject, author, comments, identifier, language):
  docxtpl renders them with the XML-escaping environment, then python-docx escapes
  them again ("A & B" would read "A &amp; B"), and python-docx refuses more than 255
  characters. Here they render unescaped and are cut to 255 characters.
"""

from __future__ import annotations

import copy
import io
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

import docx
from docxtpl import DocxTemplate, InlineImage, Listing, RichText, RichTextParagraph
from jinja2 import Template, TemplateAssertionError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from docgen.context import Context
from docgen.errors import DocgenError, TemplateError
from docgen.fsutil import atomic_path
from docgen.i18n import _
from docgen.render.environment import jinja_env

try:  # docxtpl leaves Subdoc out when docxcompose is missing
    from docxtpl import Subdoc
except ImportError:  # pragma: no cover
    Subdoc = InlineImage

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = R_NS + "/officeDocument"
CORE_PROPERTIES_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# The headers and footers of the main document, which docxtpl renders besides the body.
RENDERED_RELS = {R_NS + "/header", R_NS + "/footer"}
# The document properties docxtpl renders, as python-docx names them, and their elements.
_DC = "{http://purl.org/dc/elements/1.1/}"
CORE_PROPERTIES = {
    "author": _DC + "creator",
    "comments": _DC + "description",
    "identifier": _DC + "identifier",
    "language": _DC + "language",
    "subject": _DC + "subject",
    "title": _DC + "title",
}
PROPERTY_LIMIT = 255  # characters, as python-docx enforces
DOCXTPL_TYPES = (InlineImage, Subdoc, RichText, RichTextParagraph, Listing)
_NEW_PARAGRAPH = re.compile(r"<w:p([ >])")
_JOINED_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_LISTING_CHARS = ("\n", "\t", "\a", "\f")
_LISTING_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", flags=re.DOTALL)  # resolve_listing's
# An underscore docxtpl would take for part of {_{, }_}, {_% or %_}.
_DOCXTPL_UNDERSCORE = re.compile(r"(?<=[{}%])_|_(?=[{}%])")
# As python-docx parses (so templates behave as in docxtpl), never resolving entities:
# a template must not pull local files into a document.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

# The upstream code this fork follows: qualified name -> sha256 of inspect.getsource()
# (its first 16 hex digits).
UPSTREAM = {
    "docxtpl.template.DocxTemplate.render": "6ea018943e2fe4ab",
    "docxtpl.template.DocxTemplate.build_xml": "210792ef9e97b524",
    "docxtpl.template.DocxTemplate.build_headers_footers_xml": "ab0cb4a4c1587483",
    "docxtpl.template.DocxTemplate.get_headers_footers": "76198a38d79c4b60",
    "docxtpl.template.DocxTemplate.map_tree": "d01401c73b6e2fb6",
    "docxtpl.template.DocxTemplate.map_headers_footers_xml": "9737c6b04fb77448",
    "docxtpl.template.DocxTemplate.fix_docpr_ids": "3a606189fb525cb9",
    "docxtpl.template.DocxTemplate.render_xml_part": "b762e42956e6709c",
    "docxtpl.template.DocxTemplate.render_properties": "41396f7eb8af1c43",
    "docxtpl.template.DocxTemplate.patch_xml": "59341311e906ccb2",
    "docxtpl.template.DocxTemplate.fix_tables": "da467aabccf452e4",
    "docxtpl.template.DocxTemplate.resolve_listing": "20441608d64f33fd",
    "docxtpl.template.DocxTemplate.save": "39f64a3b0c2eefce",
    "docx.opc.oxml.serialize_part_xml": "5125e634e015de78",
}

# docxtpl's XML patching, table fixing and listing resolution, used as plain functions.
_DOCXTPL = DocxTemplate(io.BytesIO())


def _docx_finalize(value: Any) -> Any:
    if value is None:  # an optional field left out prints as nothing, never as "None"
        return ""
    if isinstance(value, str) and "_" in value and _DOCXTPL_UNDERSCORE.search(value):
        xml = value if isinstance(value, Markup) else escape(value)
        return Markup(_DOCXTPL_UNDERSCORE.sub("&#95;", str(xml)))
    return value


@cache
def docx_env() -> SandboxedEnvironment:
    """docgen's environment (sandboxed, autoescaping, its filters) for the XML of a .docx,
    printing docxtpl's escape sequences in values literally."""
    return jinja_env().overlay(finalize=_docx_finalize)


@cache
def properties_env() -> SandboxedEnvironment:
    """The environment of document properties: plain text (python-docx escapes it)."""
    return jinja_env().overlay(autoescape=False)


def _template_lineno(tb: TracebackType | None) -> int | None:
    """The line of the Jinja source a runtime error comes from (Jinja rewrites tracebacks)."""
    lineno = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def paragraph_excerpt(source: str, lineno: int | None) -> str:
    """The text of the paragraph at `lineno` (one paragraph per line in docxtpl's source)."""
    if not lineno:
        return ""
    lines = source.splitlines()
    if not 1 <= lineno <= len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()
    if len(text) > 70:
        text = text[:67] + "..."
    return f"paragraph {text!r}: " if text else ""


def _error_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    unknown = re.fullmatch(r"No (filter|test) named '([^']*)'\.?(.*)", message.strip())
    if unknown:
        message = f"unknown {unknown.group(1)} {unknown.group(2)!r}"
    if type(exc).__name__ == "SecurityError":
        message = f"blocked by the sandbox: {message}"
    return message.strip().splitlines()[0]


def _docxtpl_objects(context: Any) -> list[Any]:
    """The docxtpl objects (InlineImage, RichText...) anywhere in a context."""
    found, stack = [], [context]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind in _LEAVES:
            continue
        if kind is dict or isinstance(value, dict):
            stack.extend(value.values())
        elif kind is list or isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, DOCXTPL_TYPES):
            found.append(value)
    return found


_LEAVES = frozenset({str, int, float, bool, type(None), date, datetime})


@dataclass
class _Part:
    """A templated XML part: its name, docxtpl's Jinja source of it, compiled."""

    name: str
    source: str
    template: Template


@dataclass
class PreparedTemplate:
    """A .docx template prepared once: Jinja compiled, untouched members ready to copy."""

    path: Path
    label: str
    parts: list[_Part]  # the body first, then every header and footer
    plain: str = ""  # why plain docxtpl renders this template ("" if it does not need to)
    base: bytes = b""  # a zip of the members no render changes
    infos: dict[str, zipfile.ZipInfo] | None = None
    root: Any = None  # the main part's document element, its body a placeholder at `body_index`
    body_index: int = 0
    core: tuple[str, bytes, dict[str, Template]] | None = None  # name, core.xml, property templates

    @classmethod
    def load(cls, path: Path, label: str | None = None) -> PreparedTemplate:
        label = label or path.name
        try:
            with zipfile.ZipFile(path) as zf:
                infos = {i.filename: i for i in zf.infolist()}
                members = {name: zf.read(name) for name in infos}
        except FileNotFoundError as exc:
            raise TemplateError(_("{label}: not found").format(label=label)) from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise TemplateError(_("{label}: not a .docx file ({exc})").format(label=label, exc=exc)) from exc
        try:
            return cls._prepare(path, label, infos, members)
        except JinjaTemplateError as exc:
            kind = "" if isinstance(exc, TemplateAssertionError) else "Jinja syntax error: "
            where = paragraph_excerpt(getattr(exc, "source", "") or "", getattr(exc, "lineno", None))
            raise TemplateError(f"{label}: {kind}{where}{_error_message(exc)}") from exc
        except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
            raise TemplateError(
                _("{label}: not a valid Word document ({exc})").format(label=label, exc=exc)
            ) from exc

    @classmethod
    def _prepare(
        cls, path: Path, label: str, infos: dict[str, zipfile.ZipInfo], members: dict[str, bytes]
    ) -> PreparedTemplate:
        main = _main_part(members)
        root = etree.fromstring(members[main], _PARSER)
        body = root.find(f"{{{W_NS}}}body")
        if body is None:
            raise ValueError(_("{main} has no <w:body>").format(main=main))
        parts = [_compiled(main, etree.tostring(body, encoding="unicode"))]
        for name in _related(members, main, RENDERED_RELS):
            parts.append(
                _compiled(name, etree.tostring(etree.fromstring(members[name], _PARSER), encoding="unicode"))
            )
        core_name = _core_part(members)
        plain = (
            "footnotes"
            if FOOTNOTES_TYPE in _content_types(members)
            else "no document properties part"
            if core_name is None
            else ""
        )
        template = cls(path=path, label=label, parts=parts, plain=plain)
        if plain or core_name is None:
            return template
        template.core = (core_name, *_blank_properties(path, core_name))
        body_index = root.index(body)
        root.replace(body, etree.Element("body"))
        rendered = {p.name for p in parts} | {core_name}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, info in infos.items():
                if name not in rendered:
                    zf.writestr(_copy_info(info), members[name])
        template.base, template.infos = buffer.getvalue(), infos
        template.root, template.body_index = root, body_index
        return template

    @property
    def sources(self) -> dict[str, str]:
        """The Jinja source of each templated part (for `docgen check`)."""
        return {p.name: p.source for p in self.parts}

    def render(self, context: Context) -> bytes:
        """A complete .docx for `context`; a template error names the template."""
        if self.plain or _docxtpl_objects(context):
            return render_docxtpl(self.path, context, self.label)
        assert self.infos is not None and self.core is not None
        body, *others = self.parts
        outputs = {body.name: self._main_part_xml(self._xml(body, context))}
        for part in others:
            xml = self._xml(part, context)
            try:  # docxtpl hands the XML to python-docx, which parses and writes it again
                element = etree.fromstring(xml.encode("utf-8"), _PARSER)
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    _("{label}: {name}: rendered XML is invalid ({exc})").format(
                        label=self.label, name=part.name, exc=exc
                    )
                ) from exc
            outputs[part.name] = _serialised(element)
        name, core_xml, fields = self.core
        core = etree.fromstring(core_xml, _PARSER)
        for tag, template in fields.items():
            text = self._call(template, context, "", "document properties: ")[:PROPERTY_LIMIT]
            try:
                core.find(tag).text = text
            except ValueError as exc:  # a character XML cannot hold
                raise TemplateError(
                    _("{label}: document properties: {exc}").format(label=self.label, exc=exc)
                ) from exc
        outputs[name] = _serialised(core)
        buffer = io.BytesIO(self.base)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
            for member, data in outputs.items():
                zf.writestr(_copy_info(self.infos[member]), data)
        return buffer.getvalue()

    def _call(self, template: Template, context: Context, source: str, where: str = "") -> str:
        try:
            return template.render(context)
        except Exception as exc:  # anything raised while running the template is the template's
            lineno = getattr(exc, "lineno", None) or _template_lineno(exc.__traceback__)
            raise TemplateError(
                f"{self.label}: {where}{paragraph_excerpt(source, lineno)}{_error_message(exc)}"
            ) from exc

    def _xml(self, part: _Part, context: Context) -> str:
        """docxtpl's render_xml_part on a compiled template: render, then its post-processing."""
        xml = self._call(part.template, context, part.source)
        xml = _JOINED_PARAGRAPH.sub(r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(char in xml for char in _LISTING_CHARS):  # else resolve_listing changes nothing
            xml = _resolve_listing(xml)
        return xml

    def _main_part_xml(self, body_xml: str) -> bytes:
        """The main part around a rendered body, as docxtpl and python-docx write it."""
        try:
            tree = _DOCXTPL.fix_tables(body_xml)  # parses, recovering, as docxtpl does
        except Exception as exc:
            raise TemplateError(
                _("{label}: the rendered document is not valid XML ({exc})").format(label=self.label, exc=exc)
            ) from exc
        # docxtpl renumbers drawings from 1001 so that copies made by loops do not collide.
        for number, element in enumerate(tree.iter(f"{{{WP_NS}}}docPr"), 1001):
            element.attrib["id"] = str(number)
        root = copy.deepcopy(self.root)
        root.replace(root[self.body_index], tree)
        return _serialised(root)


def _resolve_listing(xml: str) -> str:
    """docxtpl's `resolve_listing`, run on the paragraphs that hold a listing character
    (a value's line break or tab) only. It rewrites each paragraph its regex matches on
    its own (`<w:p ...>...</w:p>`, through the first `</w:p>`) and changes nothing in one
    without such a character, so calling it on each such match alone, matched with the
    same regex, gives the same XML: 0.3 ms instead of 3 for a Renja of a few hundred
    paragraphs (tests/test_docx_oracle.py compares the output with docxtpl's)."""

    def paragraph(match: re.Match[str]) -> str:
        text = match.group(0)
        return _DOCXTPL.resolve_listing(text) if any(c in text for c in _LISTING_CHARS) else text

    return _LISTING_PARAGRAPH.sub(paragraph, xml)


def render_docxtpl(path: Path, context: Context, label: str | None = None) -> bytes:
    """Plain docxtpl: `DocxTemplate(path).render(context, docx_env(), autoescape=True)`,
    saved, with the document properties rendered as this module's docstring says.

    InlineImage and Subdoc objects belong to the DocxTemplate they were made with: that
    one renders, then."""
    label = label or path.name
    bound = {id(o.tpl): o.tpl for o in _docxtpl_objects(context) if isinstance(o, InlineImage | Subdoc)}
    if len(bound) > 1:
        raise TemplateError(
            _("{label}: the context's images and subdocuments belong to different templates").format(
                label=label
            )
        )
    template = next(iter(bound.values())) if bound else DocxTemplate(path)
    try:
        document = template.get_docx()
        properties = document.core_properties
        sources = {name: getattr(properties, name) for name in CORE_PROPERTIES}
        for name in sources:  # docxtpl would render them XML-escaped, python-docx escape them again
            setattr(properties, name, "")
        template.render(context, docx_env(), autoescape=True)
        for name, source in sources.items():
            setattr(properties, name, properties_env().from_string(source).render(context)[:PROPERTY_LIMIT])
        buffer = io.BytesIO()
        template.save(buffer)
    except Exception as exc:  # Jinja's, docxtpl's and python-docx's errors alike
        raise TemplateError(f"{label}: {_error_message(exc)}") from exc
    return buffer.getvalue()


def _compiled(name: str, xml: str) -> _Part:
    """docxtpl's Jinja source of a part (patched XML, one paragraph per line), compiled."""
    source = _NEW_PARAGRAPH.sub(r"\n<w:p\1", _DOCXTPL.patch_xml(xml))
    try:
        return _Part(name, source, docx_env().from_string(source))
    except JinjaTemplateError as exc:
        exc.source = source  # type: ignore[attr-defined]  # for the paragraph excerpt
        raise


def _blank_properties(path: Path, name: str) -> tuple[bytes, dict[str, Template]]:
    """The core properties part as python-docx writes it after docxtpl set the six
    properties (here blank: each render fills them in), and their templates."""
    document = docx.Document(str(path))
    properties = document.core_properties
    templates = {}
    for prop, tag in CORE_PROPERTIES.items():
        templates[tag] = properties_env().from_string(getattr(properties, prop))
        setattr(properties, prop, "")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return zf.read(name), templates


def _serialised(element: Any) -> bytes:
    # python-docx's serialize_part_xml.
    return etree.tostring(element, encoding="UTF-8", standalone=True)


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copied = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copied.compress_type = zipfile.ZIP_DEFLATED
    copied.external_attr = info.external_attr
    return copied


def _rels(members: dict[str, bytes], rels_name: str) -> list[tuple[str, str]]:
    if rels_name not in members:
        return []
    root = etree.fromstring(members[rels_name], _PARSER)
    return [
        (rel.get("Type", ""), rel.get("Target", ""))
        for rel in root
        if rel.tag == f"{{{PKG_REL_NS}}}Relationship" and rel.get("TargetMode") != "External"
    ]


def _main_part(members: dict[str, bytes]) -> str:
    for rel_type, target in _rels(members, "_rels/.rels"):
        if rel_type == OFFICE_DOCUMENT:
            name = target.lstrip("/")
            if name in members:
                return name
    if "word/document.xml" in members:
        return "word/document.xml"
    raise ValueError(_("no main document part (word/document.xml)"))


def _core_part(members: dict[str, bytes]) -> str | None:
    for rel_type, target in _rels(members, "_rels/.rels"):
        if rel_type == CORE_PROPERTIES_REL and target.lstrip("/") in members:
            return target.lstrip("/")
    return None


def _content_types(members: dict[str, bytes]) -> set[str]:
    if "[Content_Types].xml" not in members:
        return set()
    root = etree.fromstring(members["[Content_Types].xml"], _PARSER)
    return {el.get("ContentType", "") for el in root.iter(f"{{{CT_NS}}}Override")}


def _related(members: dict[str, bytes], part: str, types: set[str]) -> list[str]:
    folder, _skip, base = part.rpartition("/")
    names = []
    for rel_type, target in _rels(members, f"{folder}/_rels/{base}.rels"):
        if rel_type in types:
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else os.path.normpath(f"{folder}/{target}").replace(os.sep, "/")
            )
            if name in members and name not in names:
                names.append(name)
    return names


# Prepared templates by path, reused while the file is unchanged (cheap repeated builds).
_CACHE: dict[tuple[str, str], tuple[tuple[int, int], PreparedTemplate]] = {}
_CACHE_LOCK = threading.Lock()


def prepared(path: Path, label: str | None = None) -> PreparedTemplate:
    """`PreparedTemplate.load(path)`, cached by path and (mtime, size)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(
            _("{label}: cannot read: {reason}").format(label=label or path.name, reason=exc.strerror or exc)
        ) from exc
    key = (str(path.resolve()), label or path.name)
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    template = PreparedTemplate.load(path, label)
    with _CACHE_LOCK:
        _CACHE[key] = (stamp, template)
    return template


def write_docx(template: PreparedTemplate, context: Context, out_path: Path) -> None:
    """Render and write atomically: a failure leaves any previous file as it was."""
    data = template.render(context)
    try:
        with atomic_path(out_path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise DocgenError(
            _("{out_path}: cannot write: {reason}").format(out_path=out_path, reason=exc.strerror or exc)
        ) from exc


@dataclass(frozen=True)
class RenderJob:
    template: Path
    context: Context
    out: Path
    label: str | None = None


def render_many(jobs: Sequence[RenderJob]) -> list[str | None]:
    """Render and write every job; for each, None on success or its error line.

    One failing document never stops the others; each template is prepared once.
    """
    results: list[str | None] = []
    templates: dict[tuple[Path, str | None], PreparedTemplate] = {}
    for job in jobs:
        try:
            key = (job.template, job.label)
            if key not in templates:
                templates[key] = prepared(job.template, job.label)
            write_docx(templates[key], job.context, job.out)
        except DocgenError as exc:
            results.append(exc.message)
        else:
            results.append(None)
    return results
