"""The prepared .docx renderer against plain docxtpl, part by part, byte for byte.

For every shipped template (and one using docxtpl's table, run and merge tags) and for
generated contexts, every rendered part of `PreparedTemplate.render` must equal what
`DocxTemplate(path).render(context, env, autoescape=True)` + `save` writes; the
document properties as docgen writes them (unescaped, at most 255 characters: see
docgen/render/docx.py), which is docxtpl's own output whenever docxtpl's escaping does
not change them. Contexts holding docxtpl objects, templates with footnotes or without
core properties are rendered by plain docxtpl; that is checked too.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.documents.samples import template_samples as sample_contexts
from docgen.errors import TemplateError
from docgen.render.docx import CORE_PROPERTIES, PreparedTemplate, docx_env, prepared, render_docxtpl
from docgen.render.environment import jinja_env
from docgen.render.templates import defaults_dir

SHIPPED = sorted(defaults_dir().glob("*.docx"))
# What users type that XML, docxtpl or Jinja could take for something else.
SPECIAL = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "\n",
    "\t",
    "\r",
    "{_{",
    "}_}",
    "{_%",
    "%_}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "&amp;",
    "]]>",
    "<w:t>",
    " ",
    "  ",
    "_",
]
# docxtpl's paragraph and page breaks, and characters XML cannot hold (both renderers must fail).
RARE = ["\a", "\f", "\x0b", "\ufffe"]
TEXT = st.lists(
    st.one_of(
        st.sampled_from(SPECIAL * 8 + RARE),
        st.text(st.characters(min_codepoint=32, exclude_categories=("Cs",)), max_size=12),
    ),
    max_size=8,
).map("".join)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def docxtpl_output(path: Path, context: dict[str, Any], env: Any = None) -> dict[str, bytes]:
    """Plain docxtpl, exactly as its documentation shows, with docgen's environment."""
    template = DocxTemplate(path)
    template.render(context, env or docx_env(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return parts(buffer.getvalue())


def outcome(render: Any) -> dict[str, bytes] | str:
    try:
        return parts(render())
    except TemplateError:
        return "error"


def leaves(value: Any, path: tuple = ()) -> list[tuple]:
    """The paths of every string in a context."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaves(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaves(item, (*path, index))]
    return [path] if isinstance(value, str) else []


def replaced(context: Any, changes: dict[tuple, str]) -> Any:
    def walk(value: Any, path: tuple) -> Any:
        if path in changes:
            return changes[path]
        if isinstance(value, dict):
            return {key: walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*path, index)) for index, item in enumerate(value)]
        return value

    return walk(context, ())


@st.composite
def contexts(draw: Any, samples: list[dict[str, Any]]) -> dict[str, Any]:
    """A sample context with some of its strings replaced by arbitrary text."""
    base = draw(st.sampled_from(samples))
    paths = leaves(base)
    changes = draw(st.dictionaries(st.sampled_from(paths), TEXT, max_size=12))
    return replaced(base, changes)


def escaping_changes(value: str) -> bool:
    """Would docxtpl's XML-escaped rendering of a property differ from docgen's?"""
    return bool(re.search(r"[<>&\"']|(?<=[{}%])_|_(?=[{}%])", value)) or len(value) > 255


def assert_oracle(path: Path, context: dict[str, Any]) -> str:
    """Compare the three renderings; "error" when all of them failed, else "ok"."""
    template = prepared(path)
    assert not template.plain
    fast = outcome(lambda: template.render(context))
    plain = outcome(lambda: render_docxtpl(path, context))
    assert (fast == "error") == (plain == "error")
    if fast == "error":
        return "error"
    rendered = [*template.sources, template.core[0]]
    for name in rendered:
        assert fast[name] == plain[name], name
    try:
        raw = docxtpl_output(path, context)
    except ValueError:  # python-docx refuses a property over 255 characters; docgen cuts it
        raw = None
    for name in template.sources:
        assert raw is None or plain[name] == raw[name], name
    core = etree.fromstring(plain[template.core[0]])
    values = [core.findtext(tag) or "" for tag in CORE_PROPERTIES.values()]
    if raw is not None and not any(escaping_changes(value) for value in values):
        assert plain[template.core[0]] == raw[template.core[0]]
    return "ok"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_samples_render_exactly_as_docxtpl(path):
    for context in sample_contexts(path.stem, None):
        assert_oracle(path, context)
        assert (
            parts(PreparedTemplate.load(path).render(context))["docProps/core.xml"]
            == docxtpl_output(path, context)["docProps/core.xml"]
        )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_generated_contexts_render_exactly_as_docxtpl(path):
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(contexts(sample_contexts(path.stem, None)))
    def check(context):
        seen.append(assert_oracle(path, context))

    seen: list[str] = []
    check()
    assert seen.count("ok") >= len(seen) / 2  # most generated contexts render


def feature_template(folder: Path) -> Path:
    """A template using docxtpl's tags beyond {{ }}: paragraph and run tags, table rows
    and cells, merged and coloured cells, a literal {_{ }_}, pictures in a loop (docxtpl
    renumbers them), a header and a title."""
    from PIL import Image

    Image.new("RGB", (8, 8), (0, 90, 160)).save(folder / "pic.png")
    document = docx.Document()
    document.add_picture(str(folder / "pic.png"), width=Mm(5))
    document.add_paragraph("Judul {{ title }} dan {_{ literal }_}")
    document.add_paragraph("{%p if items %}")
    document.add_paragraph("Ada {{ items | length }} butir:")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for x in items %}")
    document.add_paragraph("Butir {{ x.name }} ({{r x.code }})")
    document.add_picture(str(folder / "pic.png"), width=Mm(5))
    document.add_paragraph("{%p endfor %}")
    table = document.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["No", "Nama {% colspan 2 %}", ""], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["{%tr for x in items %}", "", ""], strict=True):
        cell.text = text
    row = table.add_row().cells
    row[0].text = "{{ loop.index }} {% vm %}"
    row[1].text = "{% cellbg x.color %}{{ x.name }}"
    row[2].text = "{{ x.code }}"
    for cell in table.add_row().cells:
        cell.text = "{%tr endfor %}"
    document.sections[0].header.paragraphs[0].text = "Kop {{ title }}"
    document.sections[0].footer.paragraphs[0].text = "Halaman tanpa tag"
    document.core_properties.title = "Dokumen {{ title }}"
    document.core_properties.subject = "tanpa tag"
    path = folder / "fitur.docx"
    document.save(path)
    return path


FEATURES = st.fixed_dictionaries(
    {
        "title": TEXT,
        "items": st.lists(
            st.fixed_dictionaries(
                {"name": TEXT, "code": TEXT, "color": st.sampled_from(["FF0000", "00FF00", "auto"])}
            ),
            max_size=4,
        ),
    }
)


def test_docxtpl_tags_render_exactly_as_docxtpl(tmp_path):
    path = feature_template(tmp_path)

    @settings(max_examples=25, deadline=None)
    @given(FEATURES)
    def check(context):
        seen.append(assert_oracle(path, context))

    seen: list[str] = []
    check()
    assert seen.count("ok") >= len(seen) / 2


def test_docxtpl_escape_sequences_in_values_print_as_typed(tmp_path):
    path = feature_template(tmp_path)
    context = {"title": "{_{ a }_} {_% b %_}", "items": []}
    expected = "Judul {_{ a }_} {_% b %_} dan {{ literal }}"  # the template's own {_{ is docxtpl's
    fast = docx.Document(io.BytesIO(PreparedTemplate.load(path).render(context)))
    plain = docx.Document(io.BytesIO(render_docxtpl(path, context)))
    for document in (fast, plain):
        assert document.paragraphs[1].text == expected
        assert document.sections[0].header.paragraphs[0].text == "Kop {_{ a }_} {_% b %_}"
        assert document.core_properties.title == "Dokumen {_{ a }_} {_% b %_}"
    # docxtpl with a plain escaping environment turns the value's sequences into tags.
    raw = docxtpl_output(path, context, jinja_env())["word/document.xml"].decode()
    assert "Judul {{ a }} {% b %} dan {{ literal }}" in raw


def test_document_properties_are_escaped_once_and_cut_to_255(tmp_path):
    path = feature_template(tmp_path)
    for title in ['A & B <C> "D"', "x" * 300]:
        context = {"title": title, "items": []}
        for data in (PreparedTemplate.load(path).render(context), render_docxtpl(path, context)):
            assert docx.Document(io.BytesIO(data)).core_properties.title == f"Dokumen {title}"[:255]


def test_a_context_with_docxtpl_objects_is_rendered_by_docxtpl(tmp_path):
    from PIL import Image

    path = tmp_path / "gambar.docx"
    document = docx.Document()
    document.add_paragraph("Logo: {{ logo }}")
    document.add_paragraph("Nama: {{r name }}")
    document.save(path)
    Image.new("RGB", (20, 20), (200, 0, 0)).save(tmp_path / "logo.png")
    template = PreparedTemplate.load(path)
    assert not template.plain
    bound = DocxTemplate(path)  # an InlineImage belongs to the DocxTemplate it was made with
    context = {
        "logo": InlineImage(bound, str(tmp_path / "logo.png"), width=Mm(10)),
        "name": RichText("Tebal", bold=True),
    }
    out = parts(template.render(context))
    assert any(name.startswith("word/media/") for name in out)
    xml = out["word/document.xml"].decode()
    assert "<w:drawing>" in xml and "<w:b/>" in xml and "Tebal" in xml
    # RichText alone: the same bytes as plain docxtpl.
    rich = {"logo": "", "name": RichText("Tebal", bold=True)}
    xml = parts(template.render(rich))["word/document.xml"]
    assert xml == docxtpl_output(path, rich)["word/document.xml"]


def _rezip(
    source: Path,
    target: Path,
    drop: set[str] = frozenset(),
    add: dict[str, bytes] | None = None,
    edit: dict[str, Any] | None = None,
) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for name in zin.namelist():
            if name not in drop:
                data = zin.read(name)
                if edit and name in edit:
                    data = edit[name](data)
                zout.writestr(name, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return target


def test_templates_the_prepared_path_does_not_cover_are_rendered_by_docxtpl(tmp_path):
    path = feature_template(tmp_path)
    context = {"title": "Uji & Coba", "items": [{"name": "a", "code": "1", "color": "auto"}]}

    no_core = _rezip(
        path,
        tmp_path / "tanpa-core.docx",
        drop={"docProps/core.xml"},
        edit={"_rels/.rels": lambda d: re.sub(rb"<Relationship [^>]*core-properties[^>]*/>", b"", d)},
    )
    template = PreparedTemplate.load(no_core)
    assert template.plain == "no document properties part"
    assert "Judul Uji &amp; Coba" in parts(template.render(context))["word/document.xml"].decode()

    footnotes = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:footnote w:id="1"><w:p><w:r><w:t>Catatan {{ title }}</w:t></w:r></w:p></w:footnote>'
        b"</w:footnotes>"
    )
    with_notes = _rezip(
        path,
        tmp_path / "catatan.docx",
        add={"word/footnotes.xml": footnotes},
        edit={
            "[Content_Types].xml": lambda d: d.replace(
                b"</Types>",
                b'<Override PartName="/word/footnotes.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.'
                b'wordprocessingml.footnotes+xml"/></Types>',
            ),
            "word/_rels/document.xml.rels": lambda d: d.replace(
                b"</Relationships>",
                (
                    b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>'
                ),
            ),
        },
    )
    template = PreparedTemplate.load(with_notes)
    assert template.plain == "footnotes"
    out = parts(template.render(context))
    assert b"Catatan Uji &amp; Coba" in out["word/footnotes.xml"]
    assert out["word/document.xml"] == docxtpl_output(with_notes, context)["word/document.xml"]
