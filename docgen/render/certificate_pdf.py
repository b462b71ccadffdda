"""The Piagam Penghargaan as PDF (reportlab), laid out by `templates/sertifikat.toml`.

The layout file names the page, the border lines, an optional logo, the QR code and the
text blocks (Jinja text, font, size, position); units are millimetres from the page's
top-left corner, text sizes in points. The workspace's `templates/sertifikat.toml`
replaces the default shipped in the package.

Everything is drawn through reportlab's public canvas API: text as text objects
(`beginText`, `setFont`, `textOut`; the PDF standard fonts unless the layout names a
TTF), the frame, the rules and the QR code as literal path operators (`addLiteral`;
they name no font or other resource).
A certificate is prepared once (texts rendered, lines fitted, QR encoded) and painted
on two canvases: its own file and the combined print file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from docgen import __version__
from docgen.errors import TemplateError
from docgen.indonesian import FILTERS
from docgen.render.environment import BoundedEnvironment
from docgen.render.qr import qr_ops
from docgen.validation import problems_from, read_toml

LAYOUT_FILE = "sertifikat.toml"
MM = 72 / 25.4
PAGE_SIZES = {"A4": (210.0, 297.0), "F4": (215.0, 330.0), "Letter": (215.9, 279.4),
              "Legal": (215.9, 355.6)}
STANDARD_FONTS = frozenset({
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
})
# What a text block may use; `docgen check` flags any other name.
CONTEXT_KEYS = frozenset({
    "number", "recipient", "unit", "score", "grade", "grade_label", "zone", "grade_text",
    "year", "event", "signed_on", "place", "office", "signatory", "checksum", "payload",
})
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


# --- the layout file ------------------------------------------------------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _color(value: str) -> str:
    if not _COLOR.match(value):
        raise ValueError(f"{value!r} is not a colour like \"#1F3A68\"")
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
            raise ValueError("give y (from the top) or dy (below the previous block), not both")
        if self.min_size is not None and self.min_size > self.size:
            raise ValueError("min_size must not exceed size")
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
                raise ValueError(f"fonts.{name}: choose another name (letters, digits, - and _; "
                                 "not a standard PDF font)")
        known = STANDARD_FONTS | set(self.fonts)
        for index, block in enumerate(self.text):
            if block.font not in known:
                raise ValueError(f"text.{index}.font: unknown font {block.font!r} (a standard PDF "
                                 "font such as Times-Roman, or one named in [fonts])")
        if self.qr.caption_font not in known:
            raise ValueError(f"qr.caption_font: unknown font {self.qr.caption_font!r}")
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
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                             finalize=lambda v: "" if v is None else v)
    env.filters.update(FILTERS)
    return env


ENV = _jinja()


def read_layout(source: LayoutSource) -> Layout:
    """The validated layout; every problem is a line naming the file (TemplateError)."""
    label = source.label
    raw = read_toml(source.path, label, TemplateError)
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
            problems.append(f"{source.label}: {where}: {file!r} is outside the layout's folder; "
                            "put the file beside the layout")
        elif not (source.folder / file).is_file():
            problems.append(f"{source.label}: {where}: no file {file!r} (paths are relative to "
                            f"the layout's folder)")
    if problems:
        return problems
    for name, file in layout.fonts.items():
        try:
            _register_font(name, source.folder / file)
        except Exception as exc:  # reportlab raises its own TTFError and plain errors
            problems.append(f"{source.label}: fonts.{name}: cannot use {file!r} as a TrueType font "
                            f"({exc})")
    if layout.logo:
        try:
            _image(source.folder / layout.logo.file)
        except Exception as exc:
            problems.append(f"{source.label}: logo.file: cannot read image {layout.logo.file!r} ({exc})")
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
            problems.append(f"{label}: {where}: Jinja syntax error: {exc.message}")
            continue
        names = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
        try:  # the precise set (minus loop and set variables), when the template compiles
            names = meta.find_undeclared_variables(ast)
        except TemplateSyntaxError:
            pass  # an unknown filter or test, reported below
        for name in sorted(names - CONTEXT_KEYS):
            problems.append(f"{label}: {where}: unknown variable {name!r} (known: "
                            f"{', '.join(sorted(CONTEXT_KEYS))})")
        for node in ast.find_all(nodes.Filter):
            if node.name not in ENV.filters:
                problems.append(f"{label}: {where}: unknown filter {node.name!r}")
        for node in ast.find_all(nodes.Test):
            if node.name not in ENV.tests:
                problems.append(f"{label}: {where}: unknown test {node.name!r}")
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


def sample_contexts() -> list[dict[str, Any]]:
    """What `docgen check` renders the text blocks with: a full and a sparse certificate."""
    office = {"name": "Ombudsman Republik Indonesia Perwakilan Provinsi Nusa Tenggara Timur",
              "short": "Ombudsman RI Perwakilan NTT", "unit_code": "PW24", "city": "Kupang",
              "address": "Jl. Polisi Militer No. 3, Kupang"}
    full = {
        "number": "0001/PHG/PW24/2022", "recipient": "Dinas Penanaman Modal dan Pelayanan Terpadu "
        "Satu Pintu Kota Kupang", "unit": "Pemerintah Kota Kupang", "score": "91,40",
        "grade": "A", "grade_label": "Kualitas Tertinggi", "zone": "hijau",
        "grade_text": "Kategori A — Kualitas Tertinggi (Zona Hijau)", "year": 2022,
        "event": "Penilaian Kepatuhan Standar Pelayanan Publik", "signed_on": date(2023, 2, 16),
        "place": "Kupang", "office": office,
        "signatory": {"name": "Darius Beda Daton", "title": "Kepala Perwakilan Ombudsman Republik "
                      "Indonesia Provinsi Nusa Tenggara Timur", "nip": "196912311990031001"},
        "checksum": "0123456789ABCDEF", "payload": "0001/PHG/PW24/2022 0123456789ABCDEF",
    }
    sparse = {**full, "unit": "", "grade_label": "", "zone": "",
              "office": {**office, "short": None, "address": None},
              "signatory": {**full["signatory"], "nip": None}}
    return [full, sparse]


# --- drawing --------------------------------------------------------------------------

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


def _rgb(hex_color: str) -> tuple[float, float, float]:
    return tuple(int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


@dataclass(frozen=True)
class Ops:
    """Literal PDF path operators, using no font or other resource (frame, rules, QR)."""

    code: str


@dataclass(frozen=True)
class TextLine:
    """One line of text, its left end at (x, y) on the baseline; `rule`: the operators
    drawing its underline, if any."""

    font: str
    size: float
    rgb: tuple[float, float, float]
    x: float
    y: float
    text: str
    spacing: float
    rule: str = ""


@dataclass(frozen=True)
class Text:
    """Consecutive lines, drawn as one text object."""

    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class LogoItem:
    """The layout's logo image."""


Item = Ops | Text | LogoItem
_WIDTHS: dict[tuple[str, str], float] = {}


def _ttf_chars(font: str) -> set[int] | dict[int, int]:
    from reportlab.pdfbase import pdfmetrics

    try:
        return pdfmetrics.getFont(font).face.charToGlyph
    except (KeyError, AttributeError):
        return set()


def _winansi(char: str) -> bool:
    try:
        char.encode("cp1252")  # the standard fonts' WinAnsiEncoding
    except UnicodeEncodeError:
        return False
    return True


def _unit_width(word: str, font: str) -> float:
    """The width of `word` at size 1 (widths scale with the size), measured once."""
    key = (word, font)
    width = _WIDTHS.get(key)
    if width is None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if len(_WIDTHS) > 50_000:
            _WIDTHS.clear()
        width = _WIDTHS[key] = stringWidth(word, font, 1000) / 1000
    return width


class _Words:
    """A text's paragraphs as words, each measured once, for greedy line breaking at any
    size and width (widths add up word by word: reportlab does no kerning)."""

    def __init__(self, text: str, font: str, spacing: float) -> None:
        self.spacing = spacing
        self.space = _unit_width(" ", font)
        self.paragraphs = [(words, [_unit_width(w, font) for w in words], [len(w) for w in words])
                           for words in (p.split() for p in text.split("\n")) if words]

    def wrap(self, size: float, width: float) -> list[str]:
        spacing = self.spacing
        space = self.space * size + spacing
        lines: list[str] = []
        for words, units, lengths in self.paragraphs:
            widths = [u * size + spacing * n for u, n in zip(units, lengths, strict=True)]
            current, used = [words[0]], widths[0] - spacing
            for word, w in zip(words[1:], widths[1:], strict=True):
                if used + space + w <= width:
                    current.append(word)
                    used += space + w
                else:
                    lines.append(" ".join(current))
                    current, used = [word], w - spacing
            lines.append(" ".join(current))
        return lines


class CertificateRenderer:
    """One layout, ready to draw many certificates (templates compiled once)."""

    def __init__(self, layout: Layout, source: LayoutSource) -> None:
        self.layout = layout
        self.source = source
        self.page_w, self.page_h = (v * MM for v in layout.page.mm)
        self.blocks = [(block, ENV.from_string(block.text)) for block in layout.text]
        self.caption = ENV.from_string(layout.qr.caption) if layout.qr.caption else None
        for name, file in layout.fonts.items():
            _register_font(name, source.folder / file)
        self.logo = _image(source.folder / layout.logo.file) if layout.logo else None
        self._lines_cache: dict[tuple[int, str], tuple[list[str], float]] = {}

    # Static parts: the same on every page.
    @cached_property
    def _frame_ops(self) -> str:
        ops = []
        w, h = self.page_w, self.page_h
        if self.layout.page.background:
            r, g, b = _rgb(self.layout.page.background)
            ops.append(f"q {r:.3f} {g:.3f} {b:.3f} rg 0 0 {w:.2f} {h:.2f} re f Q")
        border = self.layout.border
        if border:
            for line in border.lines:
                r, g, b = _rgb(line.color)
                i = line.inset * MM
                ops.append(f"q {r:.3f} {g:.3f} {b:.3f} RG {line.width:.2f} w {i:.2f} {i:.2f} "
                           f"{w - 2 * i:.2f} {h - 2 * i:.2f} re S Q")
            if border.corners:
                ops.append(self._corner_ops(border))
        for rule in self.layout.rule:
            r, g, b = _rgb(rule.color)
            cx = rule.x * MM if rule.x is not None else w / 2
            y = h - rule.y * MM
            half = rule.length * MM / 2
            # A rule that tapers: a thin line with a small diamond in its middle.
            d = max(rule.width * 2.2, 2.0)
            ops.append(f"q {r:.3f} {g:.3f} {b:.3f} RG {r:.3f} {g:.3f} {b:.3f} rg {rule.width:.2f} w "
                       f"{cx - half:.2f} {y:.2f} m {cx - d * 1.6:.2f} {y:.2f} l S "
                       f"{cx + d * 1.6:.2f} {y:.2f} m {cx + half:.2f} {y:.2f} l S "
                       f"{cx:.2f} {y + d:.2f} m {cx + d:.2f} {y:.2f} l {cx:.2f} {y - d:.2f} l "
                       f"{cx - d:.2f} {y:.2f} l f Q")
        return "\n".join(ops)

    def _corner_ops(self, border: BorderSpec) -> str:
        corners = border.corners
        assert corners is not None
        inset = (corners.inset if corners.inset is not None else max(li.inset for li in border.lines)) * MM
        size = corners.size * MM
        r, g, b = _rgb(corners.color)
        w, h = self.page_w, self.page_h
        ops = [f"q {r:.3f} {g:.3f} {b:.3f} rg {r:.3f} {g:.3f} {b:.3f} RG"]
        for cx, cy, sx, sy in ((inset, inset, 1, 1), (w - inset, inset, -1, 1),
                               (inset, h - inset, 1, -1), (w - inset, h - inset, -1, -1)):
            # An L-shaped bracket along the frame and a diamond at the corner.
            t = size * 0.16
            ops.append(f"{cx:.2f} {cy:.2f} m {cx + sx * size:.2f} {cy:.2f} l "
                       f"{cx + sx * size:.2f} {cy + sy * t:.2f} l {cx + sx * t:.2f} {cy + sy * t:.2f} l "
                       f"{cx + sx * t:.2f} {cy + sy * size:.2f} l {cx:.2f} {cy + sy * size:.2f} l f")
            dx, dy = cx + sx * size * 0.42, cy + sy * size * 0.42
            d = size * 0.17
            ops.append(f"{dx:.2f} {dy + d:.2f} m {dx + d:.2f} {dy:.2f} l {dx:.2f} {dy - d:.2f} l "
                       f"{dx - d:.2f} {dy:.2f} l f")
        ops.append("Q")
        return "\n".join(ops)

    def _block_lines(self, index: int, block: TextBlock, text: str) -> tuple[list[str], float]:
        key = (index, text)
        cached = self._lines_cache.get(key)
        if cached is None:
            if len(self._lines_cache) > 4096:
                self._lines_cache.clear()
            cached = self._lines_cache[key] = self._fit(block, text)
        return cached

    def _fit(self, block: TextBlock, text: str) -> tuple[list[str], float]:
        width = (block.width * MM) if block.width else self.page_w - 2 * 30 * MM
        size = block.size
        words = _Words(text, block.font, block.letter_spacing)
        lines = words.wrap(size, width)
        if block.max_lines and block.min_size:
            while len(lines) > block.max_lines and size - 0.5 >= block.min_size:
                size -= 0.5
                lines = words.wrap(size, width)
        if block.align == "center" and len(lines) > 1 and "\n" not in text:
            # Balance a centred paragraph: the narrowest width giving as few lines, so a
            # name breaks into two even lines instead of a full one and a stub.
            low, high = width / len(lines), width
            for _ in range(10):
                mid = (low + high) / 2
                if len(words.wrap(size, mid)) > len(lines):
                    low = mid
                else:
                    high = mid
            lines = words.wrap(size, high)
        return lines, size

    @cached_property
    def printed(self) -> frozenset[str]:
        """The variables the text blocks print (verify checks these on the page)."""
        names: set[str] = set()
        for block in self.layout.text:
            names |= meta.find_undeclared_variables(ENV.parse(block.text))
        return frozenset(names)

    def unprintable(self, variable: str, value: str) -> str:
        """The characters of `value` that a font of a block printing `variable` cannot
        show (they would print as boxes): "" when all can be printed."""
        fonts = {block.font for block in self.layout.text if variable in block.text}
        missing = []
        for char in dict.fromkeys(value):
            for font in fonts:
                if font in STANDARD_FONTS:
                    if not _winansi(char):
                        missing.append(char)
                        break
                elif ord(char) not in _ttf_chars(font):
                    missing.append(char)
                    break
        return "".join(missing)

    def prepare(self, context: dict[str, Any]) -> list[Item]:
        """Everything one certificate's page draws, ready to paint on any canvas made by
        `new_canvas`. Preparing is the costly part (Jinja, line fitting, the QR code);
        painting is a few canvas calls, so a certificate is prepared once for its own
        file and the combined file."""
        items: list[Ops | TextLine | LogoItem] = [Ops(self._frame_ops)]
        if self.logo is not None:
            items.append(LogoItem())
        last = None  # the previous block's last baseline, in points from the top
        for index, (block, template) in enumerate(self.blocks):
            text = template.render(context).strip()
            if not text:
                continue
            lines, size = self._block_lines(index, block, text)
            step = size * block.leading
            if block.y is not None:
                top = block.y * MM
            elif block.dy is not None and last is not None:
                top = last + block.dy * MM
            else:
                top = (last if last is not None else 0) + step
            x = block.x * MM if block.x is not None else self.page_w / 2
            for number, line in enumerate(lines):
                y = self.page_h - (top + number * step)
                items.append(self._line(block.font, size, block.color, x, y, line, block.letter_spacing,
                                        block.align, block.underline))
            last = top + (len(lines) - 1) * step
        q = self.layout.qr
        size = q.size * MM
        items.append(Ops(qr_ops(str(context["payload"]), q.x * MM, self.page_h - q.y * MM - size, size)))
        if self.caption is not None:
            cx = (q.x + q.size / 2) * MM
            y = self.page_h - (q.y + q.size) * MM - q.caption_size * 1.9
            for number, line in enumerate(self.caption.render(context).strip().split("\n")):
                if line.strip():
                    items.append(self._line(q.caption_font, q.caption_size, q.color, cx,
                                            y - number * q.caption_size * 1.25, line.strip(), 0.0,
                                            "center", False))
        return _grouped(items)

    def _line(self, font: str, size: float, color: str, x: float, y: float, line: str,
              spacing: float, align: str, underline: bool) -> TextLine:
        width = _unit_width(line, font) * size + spacing * max(len(line) - 1, 0)
        left = {"center": x - width / 2, "right": x - width}.get(align, x)
        r, g, b = rgb = _rgb(color)
        rule = ""
        if underline:
            thickness = max(size * 0.05, 0.5)
            rule = (f"q {r:.3f} {g:.3f} {b:.3f} RG {thickness:.2f} w {left:.2f} {y - size * 0.14:.2f} m "
                    f"{left + width:.2f} {y - size * 0.14:.2f} l S Q")
        return TextLine(font, size, rgb, left, y, line, spacing, rule)

    def paint(self, canvas: Any, items: list[Item]) -> None:
        """Paint a prepared page on the canvas's current page."""
        for item in items:
            if isinstance(item, Ops):
                canvas.addLiteral(item.code)
            elif isinstance(item, Text):
                _draw_text(canvas, item)
            elif self.logo is not None and self.layout.logo is not None:
                logo = self.layout.logo
                iw, ih = self.logo.getSize()
                w = logo.width * MM
                h = w * ih / iw
                x = logo.x * MM if logo.x is not None else (self.page_w - w) / 2
                canvas.drawImage(self.logo, x, self.page_h - logo.y * MM - h, w, h, mask="auto")

    def new_canvas(self, target: Any, *, title: str, subject: str = "", keywords: str = "",
                   author: str = "", on: date | None = None) -> Any:
        from reportlab.pdfgen.canvas import Canvas

        # invariant: the same certificate renders to the same bytes (its sha256 is recorded);
        # the document date is then the date of signing, not 2000-01-01.
        # pageCompression=0: reportlab follows zlib with an ASCII85 pass, in pure Python
        # unless rl_accel is installed, which only a process-wide setting turns off; the
        # page streams (a few kilobytes of operators) stay uncompressed instead.
        canvas = Canvas(target, pagesize=(self.page_w, self.page_h), invariant=1, pageCompression=0)
        canvas.setTitle(title)
        canvas.setSubject(subject)
        canvas.setKeywords(keywords)
        canvas.setAuthor(author)
        canvas.setCreator(f"docgen {__version__}")
        if on is not None:
            stamp = f"D:{on:%Y%m%d}000000"
            canvas.setDateFormatter(lambda *_: stamp)
        return canvas

    def single(self, context: dict[str, Any], items: list[Item]) -> bytes:
        """One certificate as a PDF file's bytes, its QR payload in the keywords."""
        canvas = self.new_canvas(None, title=f"Piagam Penghargaan {context['number']}",
                                 subject=str(context["recipient"]), keywords=str(context["payload"]),
                                 author=str(context["office"].get("name") or ""),
                                 on=context.get("signed_on"))
        self.paint(canvas, items)
        canvas.showPage()
        return canvas.getpdfdata()


def _grouped(items: list[Ops | TextLine | LogoItem]) -> list[Item]:
    """Consecutive operators as one `Ops`, consecutive lines as one `Text`, in drawing order."""
    out: list[Item] = []
    for item in items:
        last = out[-1] if out else None
        if isinstance(item, TextLine):
            if isinstance(last, Text):
                out[-1] = Text((*last.lines, item))
            else:
                out.append(Text((item,)))
        elif isinstance(item, Ops) and isinstance(last, Ops):
            out[-1] = Ops(f"{last.code}\n{item.code}")
        else:
            out.append(item)
    return out


def _draw_text(canvas: Any, text: Text) -> None:
    """The lines as one text object, changing font, colour and spacing only when they
    change; inside q/Q, since a text object's colour outlives it."""
    obj = canvas.beginText()
    font: tuple[str, float] | None = None
    rgb: tuple[float, float, float] | None = None
    spacing = 0.0
    for line in text.lines:
        if (line.font, line.size) != font:
            font = (line.font, line.size)
            obj.setFont(line.font, line.size)
        if line.rgb != rgb:
            rgb = line.rgb
            obj.setFillColorRGB(*rgb)
        if line.spacing != spacing:
            spacing = line.spacing
            obj.setCharSpace(spacing)
        obj.setTextOrigin(line.x, line.y)
        obj.textOut(line.text)
    canvas.saveState()
    canvas.drawText(obj)
    canvas.restoreState()
    rules = "\n".join(line.rule for line in text.lines if line.rule)
    if rules:
        canvas.addLiteral(rules)


_RENDERERS: dict[tuple[Path, int, int], CertificateRenderer] = {}


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
        for context in sample_contexts():
            renderer.single(context, renderer.prepare(context))
    except TemplateError as exc:
        return exc.problems
    except Exception as exc:  # reportlab's own errors, e.g. a character a font lacks
        return [f"{source.label}: cannot draw a sample certificate: {str(exc).splitlines()[0]}"]
    return []


# --- many certificates ------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    """One certificate: its context and the (temporary) file to write it to, or None when
    it only needs a page in the combined file (its own file is already in place)."""

    context: dict[str, Any]
    path: Path | None


def _write(renderer: CertificateRenderer, job: Job) -> tuple[str, list[Item]]:
    items = renderer.prepare(job.context)
    if job.path is None:
        return "", items
    data = renderer.single(job.context, items)
    with open(job.path, "wb") as fh:
        fh.write(data)
    return hashlib.sha256(data).hexdigest(), items


def render_certificates(source: LayoutSource, jobs: Sequence[Job], combined: Path | None, *,
                        combined_title: str = "Piagam Penghargaan",
                        progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None
                        ) -> list[str]:
    """Write every job's PDF and, if `combined` is given, one file with a page per job.

    Returns the sha256 of each job's file, in order ("" for a job without a file). Files
    are written to the paths given (temporary ones: the caller renames them once the
    registry is committed).
    """
    renderer = renderer_for(source)
    try:
        return _render(renderer, jobs, combined, combined_title, progress)
    except TemplateError:
        raise
    except OSError as exc:
        raise TemplateError(f"cannot write a certificate: {exc}") from exc
    except Exception as exc:
        raise TemplateError(f"{source.label}: cannot draw a certificate: {type(exc).__name__}: "
                            f"{exc}") from exc


def _render(renderer: CertificateRenderer, jobs: Sequence[Job], combined: Path | None, title: str,
            progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None) -> list[str]:
    canvas = None
    if combined is not None and jobs:
        first = jobs[0].context
        canvas = renderer.new_canvas(str(combined), title=title,
                                     author=str(first["office"].get("name") or ""),
                                     on=first.get("signed_on"))
    shas = []
    stream: Iterable[Job] = jobs
    if progress is not None:
        stream = progress(stream, len(jobs), "Piagam")
    for job in stream:
        sha, items = _write(renderer, job)
        shas.append(sha)
        if canvas is not None:
            renderer.paint(canvas, items)
            canvas.showPage()
    if canvas is not None:
        canvas.save()
    return shas


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name part any OS accepts: ASCII letters, digits and '-'."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return slug[:limit].rstrip("-") or "x"
