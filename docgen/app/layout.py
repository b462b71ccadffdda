"""The certificate layout of a workspace: read its TOML file, hand render/ a validated layout.

render/ never reads a TOML file (import-linter contract "render takes a validated layout"):
this module reads templates/sertifikat.toml (or the default in the package), validates it
with `render.certificate_layout.validate_layout` and keeps one renderer per layout file
while the file is unchanged.
"""

from __future__ import annotations

from pathlib import Path

from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.render.certificate_layout import Layout, LayoutSource, validate_layout
from docgen.render.certificate_pdf import CertificateRenderer, sample_problems
from docgen.tomlfile import read_toml

_RENDERERS: dict[tuple[Path, int, int], CertificateRenderer] = {}


def read_layout(source: LayoutSource) -> Layout:
    """The validated layout of `source`; every problem is a line naming the file (TemplateError)."""
    return validate_layout(read_toml(source.path, source.label, TemplateError), source)


def renderer_for(source: LayoutSource) -> CertificateRenderer:
    """The renderer of a layout file, cached while the file is unchanged."""
    stat = source.path.stat()
    key = (source.path, stat.st_mtime_ns, stat.st_size)
    if key not in _RENDERERS:
        _RENDERERS.clear()
        _RENDERERS[key] = CertificateRenderer(read_layout(source), source)
    return _RENDERERS[key]


def check_layout(source: LayoutSource) -> list[str]:
    """`docgen check` lines for the certificate layout, each naming the file."""
    try:
        renderer = CertificateRenderer(read_layout(source), source)
    except TemplateError as exc:
        return exc.problems
    except Exception as exc:  # reportlab's own errors, e.g. a font file it cannot use
        return [
            _("{label}: cannot draw a sample certificate: {value}").format(
                label=source.label, value=str(exc).splitlines()[0]
            )
        ]
    return sample_problems(renderer)
