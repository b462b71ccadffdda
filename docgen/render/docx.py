"""Render .docx templates (docxtpl syntax) fast: prepare a template once, render many.

docxtpl's own loop (open the template with python-docx, patch its XML, compile the
Jinja source, render, re-serialise the whole package) repeats for every document
the work that depends only on the template. `PreparedTemplate.load` does that work
once: it patches the XML with docxtpl's own code (so templates behave exactly as in
docxtpl), compiles the Jinja source of each templated part, and keeps every other
zip member as ready-compressed bytes. `render` then runs the compiled templates and
appends the rendered parts to a copy of those bytes.

`render_many` spreads many documents over the CPU cores with a process pool, only
when there are enough of them for the pool's start-up to pay.
"""

from __future__ import annotations

import html
import io
import multiprocessing
import os
import re
import threading
import zipfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template, TemplateAssertionError
from jinja2 import TemplateError as JinjaTemplateError
from lxml import etree

from docgen.errors import DocgenError, TemplateError
from docgen.fsutil import atomic_path
from docgen.render.environment import jinja_env
from docgen.render.workers import exit_with_parent

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = R_NS + "/officeDocument"
# Parts of the main document that docxtpl renders besides the body.
RENDERED_RELS = {R_NS + "/header", R_NS + "/footer", R_NS + "/footnotes"}
CORE_PROPS = "docProps/core.xml"
# The core properties docxtpl renders through Jinja (dc:creator is docx's "author").
CORE_FIELDS = ("{http://purl.org/dc/elements/1.1/}creator", "{http://purl.org/dc/elements/1.1/}description",
               "{http://purl.org/dc/elements/1.1/}identifier", "{http://purl.org/dc/elements/1.1/}language",
               "{http://purl.org/dc/elements/1.1/}subject", "{http://purl.org/dc/elements/1.1/}title")
TAG_RE = re.compile(r"\{[{%#]")
_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
_BODY_START = re.compile(r"^<w:body\b[^>]*>")
_XMLNS = re.compile(r'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
POOL_MIN_JOBS = 24  # below this, a process pool's start-up costs more than it saves

# docxtpl's XML patching, table fixing and listing resolution, used as plain functions.
_DOCXTPL = DocxTemplate(io.BytesIO())


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


@dataclass
class _Part:
    """A zip member whose XML is a Jinja template."""

    name: str
    source: str
    template: Template
    kind: str  # "body", "part" (header, footer, footnotes)


@dataclass
class PreparedTemplate:
    """A .docx template prepared once: patched XML, compiled Jinja, other members as bytes."""

    path: Path
    label: str
    base: bytes  # a complete zip of the untouched members
    infos: dict[str, zipfile.ZipInfo]
    parts: list[_Part]
    envelope: tuple[str, str] = ("", "")  # document.xml around its <w:body>
    body_start: str = "<w:body>"
    root_ns: dict[str | None, str] = field(default_factory=dict)
    core: tuple[bytes, dict[str, Template]] | None = None

    @classmethod
    def load(cls, path: Path, label: str | None = None) -> PreparedTemplate:
        label = label or path.name
        try:
            with zipfile.ZipFile(path) as zf:
                infos = {i.filename: i for i in zf.infolist()}
                members = {name: zf.read(name) for name in infos}
        except FileNotFoundError as exc:
            raise TemplateError(f"{label}: not found") from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise TemplateError(f"{label}: not a .docx file ({exc})") from exc
        try:
            return cls._prepare(path, label, infos, members)
        except JinjaTemplateError as exc:
            kind = "" if isinstance(exc, TemplateAssertionError) else "Jinja syntax error: "
            where = paragraph_excerpt(getattr(exc, "source", "") or "", getattr(exc, "lineno", None))
            raise TemplateError(f"{label}: {kind}{where}{_error_message(exc)}") from exc
        except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
            raise TemplateError(f"{label}: not a valid Word document ({exc})") from exc

    @classmethod
    def _prepare(cls, path: Path, label: str, infos: dict[str, zipfile.ZipInfo],
                 members: dict[str, bytes]) -> PreparedTemplate:
        env = jinja_env()
        main = _main_part(members)
        parts: list[_Part] = []

        # The body: docxtpl patches the serialised <w:body>, one paragraph per line.
        root = _parse(members[main])
        body = root.find(f"{{{W_NS}}}body")
        if body is None:
            raise ValueError(f"{main} has no <w:body>")
        source = _DOCXTPL.patch_xml(etree.tostring(body, encoding="unicode"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        parts.append(_Part(main, source, _compile(env, source), "body"))
        sentinel = etree.Element("docgen-body")
        body.addprevious(sentinel)
        root.remove(body)
        head, _, tail = etree.tostring(root, encoding="unicode").partition("<docgen-body/>")
        if not tail:
            raise ValueError(f"{main}: cannot locate <w:body>")

        # Headers, footers and footnotes that hold template tags.
        for name in _related(members, main, RENDERED_RELS):
            text = members[name].decode("utf-8")
            if not TAG_RE.search(text):
                continue
            src = _DOCXTPL.patch_xml(etree.tostring(_parse(members[name]), encoding="unicode"))
            src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
            parts.append(_Part(name, src, _compile(env, src), "part"))

        core = None
        if CORE_PROPS in members and TAG_RE.search(members[CORE_PROPS].decode("utf-8", "replace")):
            core_root = _parse(members[CORE_PROPS])
            fields = {el.tag: env.from_string(el.text) for el in core_root
                      if el.tag in CORE_FIELDS and el.text and TAG_RE.search(el.text)}
            core = (members[CORE_PROPS], fields)

        rendered = {p.name for p in parts} | ({CORE_PROPS} if core else set())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, info in infos.items():
                if name not in rendered:
                    zf.writestr(_copy_info(info), members[name])
        return cls(path=path, label=label, base=buffer.getvalue(), infos=infos, parts=parts,
                   envelope=(XML_DECLARATION + head, tail), root_ns=dict(root.nsmap), core=core)

    @property
    def sources(self) -> dict[str, str]:
        """The Jinja source of each templated part (for `docgen check`)."""
        return {p.name: p.source for p in self.parts}

    def render(self, context: dict[str, Any]) -> bytes:
        """A complete .docx for `context`; a template error names the template."""
        outputs: dict[str, bytes] = {}
        for part in self.parts:
            xml = self._render_source(part, context)
            if part.kind == "body":
                outputs[part.name] = self._document(xml).encode("utf-8")
            else:
                outputs[part.name] = (XML_DECLARATION + xml).encode("utf-8")
        if self.core is not None:
            raw, fields = self.core
            root = _parse(raw)
            for el in root:
                if el.tag in fields:
                    # Escaped for XML by autoescape; lxml escapes the text itself.
                    el.text = html.unescape(self._call(fields[el.tag], context, "", "document properties: "))
            outputs[CORE_PROPS] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                 standalone=True)
        buffer = io.BytesIO(self.base)
        buffer.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
            for name, data in outputs.items():
                zf.writestr(_copy_info(self.infos[name]), data)
        return buffer.getvalue()

    def _call(self, template: Template, context: dict[str, Any], source: str, where: str = "") -> str:
        try:
            return template.render(context)
        except Exception as exc:  # anything raised while running the template is the template's
            lineno = getattr(exc, "lineno", None) or _template_lineno(exc.__traceback__)
            raise TemplateError(f"{self.label}: {where}{paragraph_excerpt(source, lineno)}"
                                f"{_error_message(exc)}") from exc

    def _render_source(self, part: _Part, context: dict[str, Any]) -> str:
        xml = self._call(part.template, context, part.source)
        # docxtpl's post-processing, in its order.
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if _LISTING_CHARS.search(xml):  # values holding \n, \t, \a or \f
            xml = _DOCXTPL.resolve_listing(xml)
        return xml

    def _document(self, body_xml: str) -> str:
        tree = _DOCXTPL.fix_tables(body_xml)  # parses (recovering, as docxtpl does)
        # docxtpl renumbers drawings from 1001 so that copies made by loops do not collide.
        for number, element in enumerate(tree.iter(f"{{{WP_NS}}}docPr"), 1001):
            element.set("id", str(number))
        body = etree.tostring(tree, encoding="unicode")
        # Drop the namespace declarations the document element already makes.
        match = _BODY_START.match(body)
        if match:
            start = _XMLNS.sub(lambda m: "" if self.root_ns.get(m.group(1)) == m.group(2) else m.group(0),
                               match.group(0))
            body = start + body[match.end():]
        head, tail = self.envelope
        return head + body + tail


def _parse(xml: bytes) -> etree._Element:
    # As python-docx parses (so templates behave as in docxtpl), and never resolving
    # entities: a template must not pull local files into a document.
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=True, resolve_entities=False))


def _compile(env: Any, source: str) -> Template:
    try:
        return env.from_string(source)
    except JinjaTemplateError as exc:
        exc.source = source  # type: ignore[attr-defined]  # for the paragraph excerpt
        raise


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    return copy


def _rels(members: dict[str, bytes], rels_name: str) -> list[tuple[str, str]]:
    if rels_name not in members:
        return []
    root = _parse(members[rels_name])
    return [(rel.get("Type", ""), rel.get("Target", "")) for rel in root
            if rel.tag == f"{{{PKG_REL_NS}}}Relationship" and rel.get("TargetMode") != "External"]


def _main_part(members: dict[str, bytes]) -> str:
    for rel_type, target in _rels(members, "_rels/.rels"):
        if rel_type == OFFICE_DOCUMENT:
            name = target.lstrip("/")
            if name in members:
                return name
    if "word/document.xml" in members:
        return "word/document.xml"
    raise ValueError("no main document part (word/document.xml)")


def _related(members: dict[str, bytes], part: str, types: set[str]) -> list[str]:
    folder, _, base = part.rpartition("/")
    names = []
    for rel_type, target in _rels(members, f"{folder}/_rels/{base}.rels"):
        if rel_type in types:
            name = target.lstrip("/") if target.startswith("/") else os.path.normpath(
                f"{folder}/{target}").replace(os.sep, "/")
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
        raise TemplateError(f"{label or path.name}: cannot read: {exc.strerror}") from exc
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


def write_docx(template: PreparedTemplate, context: dict[str, Any], out_path: Path) -> None:
    """Render and write atomically: a failure leaves any previous file as it was."""
    data = template.render(context)
    try:
        with atomic_path(out_path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise DocgenError(f"{out_path}: cannot write: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class RenderJob:
    template: Path
    context: dict[str, Any]
    out: Path
    label: str | None = None


def _run(job: RenderJob) -> str | None:
    try:
        write_docx(prepared(job.template, job.label), job.context, job.out)
    except DocgenError as exc:
        return exc.message
    return None


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork is the cheapest start and inherits the prepared templates, but forking a
    # process that runs other threads (the watcher's observer) can deadlock the child.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def render_many(jobs: Sequence[RenderJob], *, workers: int | None = None) -> list[str | None]:
    """Render and write every job; for each, None on success or its error line.

    One failing document never stops the others. With enough documents (and cores),
    a process pool renders them in parallel.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    # Prepare each template here once: errors show early, forked workers inherit the cache.
    for template, label in dict.fromkeys((job.template, job.label) for job in jobs):
        try:
            prepared(template, label)
        except DocgenError:
            pass  # reported per job by _run
    if workers < 2 or len(jobs) < POOL_MIN_JOBS:
        return [_run(job) for job in jobs]
    workers = min(workers, len(jobs) // (POOL_MIN_JOBS // 2))
    chunk = max(1, len(jobs) // (workers * 4))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                 initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            return list(pool.map(_run, jobs, chunksize=chunk))
    except (BrokenProcessPool, OSError):
        # A pool that cannot start or dies (no semaphores on this system, a killed worker):
        # slower, not wrong. Writes are atomic, so rendering a job twice is harmless.
        return [_run(job) for job in jobs]
