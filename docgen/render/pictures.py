"""Pictures a configuration supplies (the office's logo) put into rendered .docx files.

A template holds a placeholder picture with a known name (`wp:docPr/@name`, e.g. the
kop's LOGO_PICTURE); after rendering, its image part is replaced by the configured image,
fitted into the placeholder's box with its proportions kept. The template itself stays
an ordinary .docx a user can open and edit: nothing in it but a picture.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.context import Context
from docgen.errors import DocgenError, TemplateError
from docgen.fsutil import atomic_path
from docgen.i18n import _

if TYPE_CHECKING:
    from docgen.render.docx import PreparedTemplate

LOGO_PICTURE = "docgen-logo"  # the kop's logo placeholder in the letter templates
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = "word/document.xml"
FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".bmp": "BMP"}


def image_size(data: bytes, label: str) -> tuple[int, int]:
    """(width, height) in pixels; an unreadable image is an error naming `label`."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.size
    except UnidentifiedImageError as exc:
        raise TemplateError(_("{label}: not an image (use a PNG or JPEG file)").format(label=label)) from exc
    except (OSError, ValueError) as exc:
        raise TemplateError(_("{label}: a damaged image ({exc})").format(label=label, exc=exc)) from exc


def _encoded(data: bytes, extension: str) -> bytes:
    """The image in the format the placeholder's part name promises."""
    from PIL import Image

    wanted = FORMATS.get(extension.lower(), "PNG")
    with Image.open(io.BytesIO(data)) as image:
        if image.format == wanted:
            return data
        converted = image.convert("RGB" if wanted == "JPEG" else "RGBA")
        out = io.BytesIO()
        converted.save(out, format=wanted)
        return out.getvalue()


def replace_pictures(data: bytes, pictures: Mapping[str, tuple[bytes, str]]) -> bytes:
    """The .docx `data` with each named placeholder picture showing its new image.

    `pictures` maps a placeholder's name to (image bytes, label for messages). A name the
    document does not hold (a template without a logo) changes nothing.
    """
    if not pictures:
        return data
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {info.filename: (info, zf.read(info.filename)) for info in zf.infolist()}
    root = etree.fromstring(members[MAIN][1], etree.XMLParser(resolve_entities=False))
    rels_name = "word/_rels/document.xml.rels"
    rels = etree.fromstring(members[rels_name][1], etree.XMLParser(resolve_entities=False))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels if rel.tag == f"{{{PKG_REL_NS}}}Relationship"
    }
    replaced: dict[str, bytes] = {}
    for doc_pr in root.iter(f"{{{WP_NS}}}docPr"):
        wanted = pictures.get(doc_pr.get("name", ""))
        if wanted is None:
            continue
        image, label = wanted
        width, height = image_size(image, label)
        drawing = doc_pr.getparent()
        extent = drawing.find(f"{{{WP_NS}}}extent")
        blip = drawing.find(f".//{{{A_NS}}}blip")
        if extent is None or blip is None:
            continue
        target = targets.get(blip.get(f"{{{R_NS}}}embed", ""))
        if not target:
            continue
        part = posixpath.normpath(posixpath.join("word", target))
        if part not in members:
            continue
        box_w, box_h = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
        scale = min(box_w / width, box_h / height)
        cx, cy = str(max(1, int(width * scale))), str(max(1, int(height * scale)))
        extent.set("cx", cx)
        extent.set("cy", cy)
        for ext in drawing.iter(f"{{{A_NS}}}ext"):
            if ext.get("cx") is not None:
                ext.set("cx", cx)
                ext.set("cy", cy)
        replaced[part] = _encoded(image, posixpath.splitext(part)[1])
    if not replaced:
        return data
    replaced[MAIN] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, (info, content) in members.items():
            dst.writestr(info, replaced.get(name, content))
    return out.getvalue()


def write_docx_with_pictures(
    template: PreparedTemplate,
    context: Context,
    out_path: Path,
    pictures: Mapping[str, tuple[bytes, str]],
) -> None:
    """Render, put the pictures in, write atomically (a failure leaves the old file)."""
    data = replace_pictures(template.render(context), pictures)
    try:
        with atomic_path(out_path) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise DocgenError(
            _("{out_path}: cannot write: {reason}").format(out_path=out_path, reason=exc.strerror or exc)
        ) from exc
