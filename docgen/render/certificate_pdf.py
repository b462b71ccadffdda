"""The Piagam Penghargaan as PDF (reportlab), drawn from a layout (certificate_layout.py).

Everything is drawn through reportlab's public canvas API: text as text objects
(`beginText`, `setFont`, `textOut`; the PDF standard fonts unless the layout names a
TTF), the frame, the rules and the QR code as literal path operators (`addLiteral`;
they name no font or other resource).
A certificate is prepared once (texts rendered, lines fitted, QR encoded) and painted
on two canvases: its own file and the combined print file. Before anything is drawn,
`overflow` says whether a certificate's text fits the layout: a block that needs more
lines than it may have, a word wider than its line, or text running into another block,
the QR code or the logo.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import meta

from docgen import __version__
from docgen.errors import TemplateError
from docgen.render.certificate_layout import (
    ENV,
    MM,
    STANDARD_FONTS,
    BorderSpec,
    Layout,
    LayoutSource,
    TextBlock,
    _image,
    _register_font,
    layout_source,
    sample_contexts,
)
from docgen.render.qr import qr_ops

__all__ = [
    "CertificateRenderer",
    "Job",
    "LayoutSource",
    "Overflow",
    "layout_source",
    "render_certificates",
    "safe_name",
    "sample_problems",
]


@functools.cache
def _rgb(hex_color: str) -> tuple[float, float, float]:
    return tuple(int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


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
    width: float = 0.0  # points


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
        self.paragraphs = [
            (words, [_unit_width(w, font) for w in words], [len(w) for w in words])
            for words in (p.split() for p in text.split("\n"))
            if words
        ]

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


@dataclass(frozen=True)
class _Fitted:
    lines: list[str]
    size: float
    problem: str | None  # why the text does not fit even at the block's min_size


@dataclass(frozen=True)
class _Placed:
    index: int  # the block's place in the layout
    block: TextBlock
    lines: list[TextLine]
    problem: str | None


@dataclass(frozen=True)
class Overflow:
    """Why a certificate's text does not fit its layout: the variables the block at fault
    prints (recipient, unit...) and what is wrong."""

    variables: frozenset[str]
    reason: str


_MARGIN = 0.5  # points: boxes that only touch do not overlap
_SEPARATOR = "\x1e"  # ASCII record separator: a control character, refused in every input


@functools.cache
def _ascent_descent(font: str, size: float) -> tuple[float, float]:
    from reportlab.pdfbase.pdfmetrics import getAscentDescent

    ascent, descent = getAscentDescent(font, size)
    return ascent, descent


def _box(line: TextLine) -> tuple[float, float, float, float]:
    """The line's ink box (bottom, top, left, right) in points."""
    ascent, descent = _ascent_descent(line.font, line.size)
    return (line.y + descent, line.y + ascent, line.x, line.x + line.width)


class CertificateRenderer:
    """One layout, ready to draw many certificates (templates compiled once)."""

    def __init__(self, layout: Layout, source: LayoutSource) -> None:
        self.layout = layout
        self.source = source
        self.page_w, self.page_h = (v * MM for v in layout.page.mm)
        self.blocks = [(block, ENV.from_string(block.text)) for block in layout.text]
        # All blocks as one template, rendered once per certificate (a render's set-up costs
        # more than these few words); separated by a character no input may hold.
        self.all_blocks = ENV.from_string(_SEPARATOR.join(block.text for block in layout.text))
        # The variables each block prints, to name the one that does not fit.
        self.block_variables = [
            frozenset(meta.find_undeclared_variables(ENV.parse(block.text))) for block in layout.text
        ]
        self.caption = ENV.from_string(layout.qr.caption) if layout.qr.caption else None
        for name, file in layout.fonts.items():
            _register_font(name, source.folder / file)
        self.logo = _image(source.folder / layout.logo.file) if layout.logo else None
        self._lines_cache: dict[tuple[int, str], _Fitted] = {}

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
                ops.append(
                    f"q {r:.3f} {g:.3f} {b:.3f} RG {line.width:.2f} w {i:.2f} {i:.2f} "
                    f"{w - 2 * i:.2f} {h - 2 * i:.2f} re S Q"
                )
            if border.corners:
                ops.append(self._corner_ops(border))
        for rule in self.layout.rule:
            r, g, b = _rgb(rule.color)
            cx = rule.x * MM if rule.x is not None else w / 2
            y = h - rule.y * MM
            half = rule.length * MM / 2
            # A rule that tapers: a thin line with a small diamond in its middle.
            d = max(rule.width * 2.2, 2.0)
            ops.append(
                f"q {r:.3f} {g:.3f} {b:.3f} RG {r:.3f} {g:.3f} {b:.3f} rg {rule.width:.2f} w "
                f"{cx - half:.2f} {y:.2f} m {cx - d * 1.6:.2f} {y:.2f} l S "
                f"{cx + d * 1.6:.2f} {y:.2f} m {cx + half:.2f} {y:.2f} l S "
                f"{cx:.2f} {y + d:.2f} m {cx + d:.2f} {y:.2f} l {cx:.2f} {y - d:.2f} l "
                f"{cx - d:.2f} {y:.2f} l f Q"
            )
        return "\n".join(ops)

    def _corner_ops(self, border: BorderSpec) -> str:
        corners = border.corners
        assert corners is not None
        inset = (corners.inset if corners.inset is not None else max(li.inset for li in border.lines)) * MM
        size = corners.size * MM
        r, g, b = _rgb(corners.color)
        w, h = self.page_w, self.page_h
        ops = [f"q {r:.3f} {g:.3f} {b:.3f} rg {r:.3f} {g:.3f} {b:.3f} RG"]
        for cx, cy, sx, sy in (
            (inset, inset, 1, 1),
            (w - inset, inset, -1, 1),
            (inset, h - inset, 1, -1),
            (w - inset, h - inset, -1, -1),
        ):
            # An L-shaped bracket along the frame and a diamond at the corner.
            t = size * 0.16
            ops.append(
                f"{cx:.2f} {cy:.2f} m {cx + sx * size:.2f} {cy:.2f} l "
                f"{cx + sx * size:.2f} {cy + sy * t:.2f} l {cx + sx * t:.2f} {cy + sy * t:.2f} l "
                f"{cx + sx * t:.2f} {cy + sy * size:.2f} l {cx:.2f} {cy + sy * size:.2f} l f"
            )
            dx, dy = cx + sx * size * 0.42, cy + sy * size * 0.42
            d = size * 0.17
            ops.append(
                f"{dx:.2f} {dy + d:.2f} m {dx + d:.2f} {dy:.2f} l {dx:.2f} {dy - d:.2f} l "
                f"{dx - d:.2f} {dy:.2f} l f"
            )
        ops.append("Q")
        return "\n".join(ops)

    def _block_lines(self, index: int, block: TextBlock, text: str) -> _Fitted:
        key = (index, text)
        cached = self._lines_cache.get(key)
        if cached is None:
            if len(self._lines_cache) > 4096:
                self._lines_cache.clear()
            cached = self._lines_cache[key] = self._fit(block, text)
        return cached

    def _fit(self, block: TextBlock, text: str) -> _Fitted:
        """The block's lines and size: shrunk (down to `min_size`) until they are no more
        than `max_lines` and none is wider than `width`; `problem` says why it still does
        not fit at the smallest size allowed."""
        width = (block.width * MM) if block.width else self.page_w - 2 * 30 * MM
        size = block.size
        words = _Words(text, block.font, block.letter_spacing)
        smallest = block.min_size or block.size

        def overflow(lines: list[str], at: float) -> str | None:
            if block.max_lines and len(lines) > block.max_lines:
                return f"needs {len(lines)} lines at {at:g} pt, the layout allows {block.max_lines}"
            widest = max(self._width(line, block.font, at, block.letter_spacing) for line in lines)
            if block.width and widest > width + 0.5:
                return (
                    f"a line is {widest / MM:.0f} mm wide at {at:g} pt, the layout allows {block.width:g} mm"
                )
            return None

        lines = words.wrap(size, width)
        while overflow(lines, size) and size - 0.5 >= smallest:
            size -= 0.5
            lines = words.wrap(size, width)
        problem = overflow(lines, size)
        if block.align == "center" and len(lines) > 1 and "\n" not in text and problem is None:
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
        return _Fitted(lines, size, problem)

    @staticmethod
    def _width(line: str, font: str, size: float, spacing: float) -> float:
        return _unit_width(line, font) * size + spacing * max(len(line) - 1, 0)

    def _placed(self, context: dict[str, Any]) -> list[_Placed]:
        """Every text block that prints something, its lines fitted and placed."""
        placed = []
        last = None  # the previous block's last baseline, in points from the top
        texts = self.all_blocks.render(context).split(_SEPARATOR)
        if len(texts) != len(self.blocks):  # a block printed the separator itself
            texts = [template.render(context) for _, template in self.blocks]
        for index, ((block, _), raw) in enumerate(zip(self.blocks, texts, strict=True)):
            text = raw.strip()
            if not text:
                continue
            fitted = self._block_lines(index, block, text)
            step = fitted.size * block.leading
            if block.y is not None:
                top = block.y * MM
            elif block.dy is not None and last is not None:
                top = last + block.dy * MM
            else:
                top = (last if last is not None else 0) + step
            x = block.x * MM if block.x is not None else self.page_w / 2
            lines = [
                self._line(
                    block.font,
                    fitted.size,
                    block.color,
                    x,
                    self.page_h - (top + number * step),
                    line,
                    block.letter_spacing,
                    block.align,
                    block.underline,
                )
                for number, line in enumerate(fitted.lines)
            ]
            placed.append(_Placed(index, block, lines, fitted.problem))
            last = top + (len(fitted.lines) - 1) * step
        return placed

    def _caption_lines(self, context: dict[str, Any]) -> list[TextLine]:
        q = self.layout.qr
        if self.caption is None:
            return []
        cx = (q.x + q.size / 2) * MM
        y = self.page_h - (q.y + q.size) * MM - q.caption_size * 1.9
        return [
            self._line(
                q.caption_font,
                q.caption_size,
                q.color,
                cx,
                y - number * q.caption_size * 1.25,
                line.strip(),
                0.0,
                "center",
                False,
            )
            for number, line in enumerate(self.caption.render(context).strip().split("\n"))
            if line.strip()
        ]

    def overflow(self, context: dict[str, Any]) -> Overflow | None:
        """Why this certificate's text does not fit the layout, or None: a block needing
        more lines (or wider ones) than it may have even at its `min_size`, or a line
        running into a line of another block, the QR code or the logo. The block at fault
        (the later one) is named with the variables it prints."""
        placed = self._placed(context)
        for p in placed:
            if p.problem is not None:
                return Overflow(self.block_variables[p.index], p.problem)
        # (bottom, top, left, right, owner): owner is a block's index, or a name.
        boxes: list[tuple[float, float, float, float, int | str]] = [
            (*_box(line), p.index) for p in placed for line in p.lines
        ]
        q = self.layout.qr
        quiet = q.size * MM * 4 / 29  # the quiet zone of a small QR code, about 4 modules
        boxes.append(
            (
                self.page_h - (q.y + q.size) * MM - quiet,
                self.page_h - q.y * MM + quiet,
                q.x * MM - quiet,
                (q.x + q.size) * MM + quiet,
                "the QR code",
            )
        )
        boxes += [(*_box(line), "the QR caption") for line in self._caption_lines(context)]
        if self.logo is not None and self.layout.logo is not None:
            left, bottom, right, top = self._logo_box()
            boxes.append((bottom, top, left, right, "the logo"))
        boxes.sort(key=lambda b: b[0])
        for i, (_, top, left, right, owner) in enumerate(boxes):
            for other in boxes[i + 1 :]:
                if other[0] >= top - _MARGIN:
                    break  # sorted by bottom: no later box reaches down into this one
                if (
                    other[4] != owner
                    and (isinstance(owner, int) or isinstance(other[4], int))
                    and min(right, other[3]) - max(left, other[2]) > _MARGIN
                ):
                    return self._collision(owner, other[4])
        return None

    def _collision(self, a: int | str, b: int | str) -> Overflow:
        blocks = sorted(x for x in (a, b) if isinstance(x, int))
        later = blocks[-1]
        other = next(x for x in (a, b) if x != later)
        name = self._name(other) if isinstance(other, int) else other
        return Overflow(self.block_variables[later], f"{self._name(later)} runs into {name}")

    def _name(self, index: int) -> str:
        names = sorted(self.block_variables[index])
        text = self.layout.text[index].text
        return f"the text of {', '.join(names)}" if names else f"the text {text[:30]!r}"

    def _logo_box(self) -> tuple[float, float, float, float]:
        logo = self.layout.logo
        assert logo is not None and self.logo is not None
        iw, ih = self.logo.getSize()
        w = logo.width * MM
        h = w * ih / iw
        x = logo.x * MM if logo.x is not None else (self.page_w - w) / 2
        top = self.page_h - logo.y * MM
        return (x, top - h, x + w, top)

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
        for placed in self._placed(context):
            items.extend(placed.lines)
        q = self.layout.qr
        size = q.size * MM
        items.append(Ops(qr_ops(str(context["payload"]), q.x * MM, self.page_h - q.y * MM - size, size)))
        items.extend(self._caption_lines(context))
        return _grouped(items)

    def _line(
        self,
        font: str,
        size: float,
        color: str,
        x: float,
        y: float,
        line: str,
        spacing: float,
        align: str,
        underline: bool,
    ) -> TextLine:
        width = self._width(line, font, size, spacing)
        left = {"center": x - width / 2, "right": x - width}.get(align, x)
        r, g, b = rgb = _rgb(color)
        rule = ""
        if underline:
            thickness = max(size * 0.05, 0.5)
            rule = (
                f"q {r:.3f} {g:.3f} {b:.3f} RG {thickness:.2f} w {left:.2f} {y - size * 0.14:.2f} m "
                f"{left + width:.2f} {y - size * 0.14:.2f} l S Q"
            )
        return TextLine(font, size, rgb, left, y, line, spacing, rule, width)

    def paint(self, canvas: Any, items: list[Item]) -> None:
        """Paint a prepared page on the canvas's current page."""
        for item in items:
            if isinstance(item, Ops):
                canvas.addLiteral(item.code)
            elif isinstance(item, Text):
                _draw_text(canvas, item)
            elif self.logo is not None and self.layout.logo is not None:
                left, bottom, right, top = self._logo_box()
                canvas.drawImage(self.logo, left, bottom, right - left, top - bottom, mask="auto")

    def new_canvas(
        self,
        target: Any,
        *,
        title: str,
        subject: str = "",
        keywords: str = "",
        author: str = "",
        on: date | None = None,
    ) -> Any:
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
        canvas = self.new_canvas(
            None,
            title=f"Piagam Penghargaan {context['number']}",
            subject=str(context["recipient"]),
            keywords=str(context["payload"]),
            author=str(context["office"].get("name") or ""),
            on=context.get("signed_on"),
        )
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


def sample_problems(renderer: CertificateRenderer) -> list[str]:
    """`docgen check` lines for a layout: the sample certificates must fit and draw."""
    source = renderer.source
    try:
        for context in sample_contexts():
            overflow = renderer.overflow(context)
            if overflow is not None:  # a layout too tight for an ordinary certificate
                return [f"{source.label}: a sample certificate does not fit: {overflow.reason}"]
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


def render_certificates(
    renderer: CertificateRenderer,
    jobs: Sequence[Job],
    combined: Path | None,
    *,
    combined_title: str = "Piagam Penghargaan",
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None = None,
) -> list[str]:
    """Write every job's PDF and, if `combined` is given, one file with a page per job.

    Returns the sha256 of each job's file, in order ("" for a job without a file). Files
    are written to the paths given, as they are: the caller chooses temporary paths and
    puts them in place (fsutil.atomic_paths).
    """
    source = renderer.source
    try:
        return _render(renderer, jobs, combined, combined_title, progress)
    except TemplateError:
        raise
    except OSError as exc:
        raise TemplateError(f"cannot write a certificate: {exc}") from exc
    except Exception as exc:
        raise TemplateError(
            f"{source.label}: cannot draw a certificate: {type(exc).__name__}: {exc}"
        ) from exc


def _render(
    renderer: CertificateRenderer,
    jobs: Sequence[Job],
    combined: Path | None,
    title: str,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None,
) -> list[str]:
    canvas = None
    if combined is not None and jobs:
        first = jobs[0].context
        canvas = renderer.new_canvas(
            str(combined),
            title=title,
            author=str(first["office"].get("name") or ""),
            on=first.get("signed_on"),
        )
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
