"""The certificate layout file, `templates/sertifikat.toml`: its model and its checks.

The layout names the page, the border lines, an optional logo, the QR code and the text
blocks (Jinja text, font, size, position); units are millimetres from the page's
top-left corner, text sizes in points. The workspace's `templates/sertifikat.toml`
replaces the default shipped in the package. Reading a layout validates it completely:
unknown keys and fonts, missing or unreadable logo and font files, Jinja syntax,
unknown variables and filters, each one line naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen.context import Context, JSONObject
from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.indonesian import FILTERS
from docgen.render.environment import BoundedEnvironment
from docgen.validation import problems_from

LAYOUT_FILE = "sertifikat.toml"
MM = 72 / 25.4
PAGE_SIZES = {"A4": (210.0, 297.0), "F4": (215.0, 330.0), "Letter": (215.9, 279.4), "Legal": (215.9, 355.6)}
STANDARD_FONTS = frozenset(
    {
        "Times-Roman",
        "Times-Bold",
        "Times-Italic",
        "Times-BoldItalic",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-Oblique",
        "Helvetica-BoldOblique",
        "Courier",
        "Courier-Bold",
        "Courier-Oblique",
        "Courier-BoldOblique",
    }
)
# What a text block may use; `docgen check` flags any other name.
CONTEXT_KEYS = frozenset(
    {
        "number",
        "recipient",
        "unit",
        "score",
        "grade",
        "grade_label",
        "zone",
        "wording",
        "grade_text",
        "year",
        "event",
        "signed_on",
        "place",
        "office",
        "signatory",
        "checksum",
        "payload",
    }
)
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _color(value: str) -> str:
    if not _COLOR.match(value):
        raise ValueError(_('{value!r} is not a colour like "#1F3A68"').format(value=value))
    return value


Color = Annotated[str, AfterValidator(_color)]


class PageSpec(_Strict):
    size: Literal["A4", "F4", "Letter", "Legal"] = "A4"
    orientation: Literal["landscape", "portrait"] = "landscape"
    background: Color | None = None

    @property
    def mm(self) -> tuple[float, float]:
        short, long = PAGE_SIZES[self.size]
        return (long, short) if self.orientation == "landscape" else (short, long)


class FrameLine(_Strict):
    inset: float = Field(ge=0, description="mm from the page edge")
    width: float = Field(default=1.0, gt=0, le=30, description="points")
    color: Color = "#000000"


class Corners(_Strict):
    size: float = Field(default=8.0, gt=0, le=60, description="mm")
    color: Color = "#000000"
    inset: float | None = Field(default=None, ge=0, description="mm; default: the innermost line")


class BorderSpec(_Strict):
    lines: list[FrameLine] = Field(min_length=1)
    corners: Corners | None = None


class LogoSpec(_Strict):
    file: str = Field(min_length=1)
    y: float = Field(ge=0, description="mm from the top to the image's top edge")
    width: float = Field(gt=0, description="mm")
    x: float | None = Field(default=None, description="mm to the image's left edge; default centred")


class QRSpec(_Strict):
    x: float = Field(ge=0)
    y: float = Field(ge=0)
    size: float = Field(default=26.0, ge=10, le=120)
    caption: str = ""
    caption_font: str = "Helvetica"
    caption_size: float = Field(default=6.5, gt=0, le=24)
    color: Color = "#000000"


class RuleSpec(_Strict):
    """A horizontal ornamental line, e.g. under the title."""

    y: float = Field(ge=0)
    length: float = Field(gt=0, description="mm")
    x: float | None = Field(default=None, description="mm to its centre; default the page centre")
    width: float = Field(default=0.8, gt=0, le=20, description="points")
    color: Color = "#000000"


class TextBlock(_Strict):
    text: str
    font: str = "Times-Roman"
    size: float = Field(default=14.0, gt=0, le=200)
    align: Literal["center", "left", "right"] = "center"
    x: float | None = Field(default=None, description="mm: the centre (center), left or right edge")
    y: float | None = Field(default=None, ge=0, description="mm from the top to the first baseline")
    dy: float | None = Field(default=None, description="mm from the previous block's last baseline")
    width: float | None = Field(default=None, gt=0, description="mm to wrap lines at")
    leading: float = Field(default=1.25, ge=0.8, le=4)
    color: Color = "#000000"
    letter_spacing: float = Field(default=0.0, ge=0, le=40, description="points")
    underline: bool = False
    max_lines: int | None = Field(default=None, ge=1)
    min_size: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _position(self) -> TextBlock:
        if self.y is not None and self.dy is not None:
            raise ValueError(_("give y (from the top) or dy (below the previous block), not both"))
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError(_("min_size must not exceed size"))
        return self


class Layout(_Strict):
    page: PageSpec = Field(default_factory=PageSpec)
    fonts: dict[str, str] = Field(default_factory=dict)
    border: BorderSpec | None = None
    logo: LogoSpec | None = None
    rule: list[RuleSpec] = Field(default_factory=list)
    qr: QRSpec
    text: list[TextBlock] = Field(min_length=1)

    @model_validator(mode="after")
    def _fonts_known(self) -> Layout:
        for name in self.fonts:
            if name in STANDARD_FONTS or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", name):
                raise ValueError(
                    _(
                        "fonts.{name}: choose another name (letters, digits, - and _; not a "
                        "standard PDF font)"
                    ).format(name=name)
                )
        known = STANDARD_FONTS | set(self.fonts)
        for index, block in enumerate(self.text):
            if block.font not in known:
                raise ValueError(
                    _(
                        "text.{index}.font: unknown font {font!r} (a standard PDF font such as "
                        "Times-Roman, or one named in [fonts])"
                    ).format(index=index, font=block.font)
                )
        if self.qr.caption_font not in known:
            raise ValueError(
                _("qr.caption_font: unknown font {caption_font!r}").format(caption_font=self.qr.caption_font)
            )
        return self


@dataclass(frozen=True)
class LayoutSource:
    """Where the layout comes from: relative files (logo, TTF) are found beside it."""

    path: Path
    label: str

    @property
    def folder(self) -> Path:
        return self.path.parent


def default_layout_path() -> Path:
    return Path(str(resources.files("docgen") / "templates" / LAYOUT_FILE))


def layout_source(templates_dir: Path, label_of: Callable[[Path], str]) -> LayoutSource:
    """templates/sertifikat.toml of the workspace, else the default in the package."""
    own = templates_dir / LAYOUT_FILE
    if own.is_file():
        return LayoutSource(own, label_of(own))
    return LayoutSource(default_layout_path(), f"{LAYOUT_FILE} (default template)")


def _jinja() -> SandboxedEnvironment:
    # PDF text, not XML: no escaping; StrictUndefined so a typo is an error, not a blank.
    env = BoundedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters.update(FILTERS)
    return env


ENV = _jinja()


def validate_layout(raw: JSONObject, source: LayoutSource) -> Layout:
    """The layout read from `source` (its TOML as data: reading the file is the loader's
    job, docgen.app.layout), validated; every problem is a line naming the file
    (TemplateError). Fonts and the logo it names are checked beside the file."""
    label = source.label
    try:
        layout = Layout.model_validate(raw)
    except ValidationError as exc:
        lines = [str(p) for p in problems_from(exc, label)]
        raise TemplateError(lines[0], problems=lines) from exc
    problems = _file_problems(layout, source) + _jinja_problems(layout, label)
    if problems:
        raise TemplateError(problems[0], problems=problems)
    return layout


def _file_problems(layout: Layout, source: LayoutSource) -> list[str]:
    problems = []
    wanted = [(f"fonts.{name}", file) for name, file in layout.fonts.items()]
    if layout.logo:
        wanted.append(("logo.file", layout.logo.file))
    for where, file in wanted:
        if not (source.folder / file).resolve().is_relative_to(source.folder.resolve()):
            problems.append(
                _(
                    "{label}: {where}: {file!r} is outside the layout's folder; put the "
                    "file beside the layout"
                ).format(label=source.label, where=where, file=file)
            )
        elif not (source.folder / file).is_file():
            problems.append(
                _("{label}: {where}: no file {file!r} (paths are relative to the layout's folder)").format(
                    label=source.label, where=where, file=file
                )
            )
    if problems:
        return problems
    for name, file in layout.fonts.items():
        try:
            _register_font(name, source.folder / file)
        except Exception as exc:  # reportlab raises its own TTFError and plain errors
            problems.append(
                _("{label}: fonts.{name}: cannot use {file!r} as a TrueType font ({exc})").format(
                    label=source.label, name=name, file=file, exc=exc
                )
            )
    if layout.logo:
        try:
            _image(source.folder / layout.logo.file)
        except Exception as exc:
            problems.append(
                _("{label}: logo.file: cannot read image {file!r} ({exc})").format(
                    label=source.label, file=layout.logo.file, exc=exc
                )
            )
    return problems


def _templates(layout: Layout) -> list[tuple[str, str]]:
    found = [(f"text.{i}.text", block.text) for i, block in enumerate(layout.text)]
    if layout.qr.caption:
        found.append(("qr.caption", layout.qr.caption))
    return found


def _jinja_problems(layout: Layout, label: str) -> list[str]:
    problems = []
    for where, source in _templates(layout):
        try:
            ast = ENV.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(
                _("{label}: {where}: Jinja syntax error: {message}").format(
                    label=label, where=where, message=exc.message
                )
            )
            continue
        names = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
        try:  # the precise set (minus loop and set variables), when the template compiles
            names = meta.find_undeclared_variables(ast)
        except TemplateSyntaxError:
            pass  # an unknown filter or test, reported below
        for name in sorted(names - CONTEXT_KEYS):
            problems.append(
                _("{label}: {where}: unknown variable {name!r} (known: {items})").format(
                    label=label, where=where, name=name, items=", ".join(sorted(CONTEXT_KEYS))
                )
            )
        for flt in ast.find_all(nodes.Filter):
            if flt.name not in ENV.filters:
                problems.append(
                    _("{label}: {where}: unknown filter {name!r}").format(
                        label=label, where=where, name=flt.name
                    )
                )
        for test in ast.find_all(nodes.Test):
            if test.name not in ENV.tests:
                problems.append(
                    _("{label}: {where}: unknown test {name!r}").format(
                        label=label, where=where, name=test.name
                    )
                )
    if problems:
        return problems
    # Attributes (office.nmae) and filter misuse only show when rendering: use samples.
    for where, source in _templates(layout):
        for context in sample_contexts():
            try:
                ENV.from_string(source).render(context)
            except (UndefinedError, SecurityError, TemplateSyntaxError, TypeError, ValueError) as exc:
                problems.append(f"{label}: {where}: {str(exc).splitlines()[0]}")
                break
    return problems


def sample_contexts() -> list[Context]:
    """What `docgen check` renders the text blocks with: a full and a sparse certificate."""
    office: Context = {
        "name": "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur",
        "short": "Ombudsman RI Perwakilan NTT",
        "unit_code": "PW24",
        "city": "Kupang",
        "address": "Jl. Polisi Militer No. 3, Kupang",
    }
    full: Context = {
        "number": "0001/PHG/PW24/II/2023",
        "recipient": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Kupang",
        "unit": "Pemerintah Kota Kupang",
        "score": "91,40",
        "grade": "A",
        "grade_label": "Kualitas Tertinggi",
        "zone": "hijau",
        "grade_text": "Opini Kualitas Tertinggi (Kategori A, Zona Hijau)",
        "wording": "",
        "year": 2022,
        "event": "Penilaian Kepatuhan Standar Pelayanan Publik",
        "signed_on": date(2023, 2, 16),
        "place": "Kupang",
        "office": office,
        "signatory": {
            "name": "Darius Beda Daton",
            "title": "Kepala Perwakilan Ombudsman Republik Indonesia Provinsi Nusa Tenggara Timur",
            "nip": "196912311990031001",
            "heading": "OMBUDSMAN REPUBLIK INDONESIA\nPERWAKILAN PROVINSI NUSA TENGGARA TIMUR",
        },
        "checksum": "0123456789ABCDEF",
        "payload": "0001/PHG/PW24/II/2023 0123456789ABCDEF",
    }
    sparse = {
        **full,
        "wording": "atas partisipasi aktif sebagai mitra kerja sama dalam Tahun 2022",
        "unit": "",
        "grade_label": "",
        "zone": "",
        "office": {**office, "short": None, "address": None},
        "signatory": {**full["signatory"], "nip": None},
    }
    return [full, sparse]


# The fonts and images a layout names, loaded once per process.
_REGISTERED: dict[str, Path] = {}
_IMAGES: dict[Path, Any] = {}


def _register_font(name: str, path: Path) -> None:
    if _REGISTERED.get(name) == path:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(name, str(path)))
    _REGISTERED[name] = path


def _image(path: Path) -> Any:
    if path not in _IMAGES:
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(str(path))
        reader.getSize()  # fail now on a broken image
        _IMAGES[path] = reader
    return _IMAGES[path]
