"""Fitting a certificate's text to its layout: measured, wrapped, shrunk, placed, checked.

The first half of drawing a Piagam Penghargaan (the second, painting the page, is
certificate_pdf.py). `CertificateFitter` renders a layout's text blocks for one
certificate, breaks them into lines at the size that fits (down to a block's
`min_size`, a centred name balanced over its lines), places the lines on the page and
says whether the text fits (`overflow`): a block that needs more lines, or wider ones,
than it may have, or text running into another block, the QR code or the logo. Widths
come from reportlab's font metrics (no kerning), measured once per word.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property

from jinja2 import meta

from docgen.context import Context
from docgen.i18n import _
from docgen.render.certificate_layout import (
    ENV,
    MM,
    STANDARD_FONTS,
    Layout,
    LayoutSource,
    TextBlock,
    _image,
    _register_font,
)


@functools.cache
def _rgb(hex_color: str) -> tuple[float, float, float]:
    return tuple(int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


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


class CertificateFitter:
    """One layout, ready to fit many certificates' text (templates compiled once)."""

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
                return _("needs {n} lines at {at:g} pt, the layout allows {max_lines}").format(
                    n=len(lines), at=at, max_lines=block.max_lines
                )
            widest = max(self._width(line, block.font, at, block.letter_spacing) for line in lines)
            if block.width and widest > width + 0.5:
                return _("a line is {value:.0f} mm wide at {at:g} pt, the layout allows {width:g} mm").format(
                    value=widest / MM, at=at, width=block.width
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
            for _skip in range(10):
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

    def _placed(self, context: Context) -> list[_Placed]:
        """Every text block that prints something, its lines fitted and placed."""
        placed = []
        last = None  # the previous block's last baseline, in points from the top
        texts = self.all_blocks.render(context).split(_SEPARATOR)
        if len(texts) != len(self.blocks):  # a block printed the separator itself
            texts = [template.render(context) for _, template in self.blocks]
        for index, ((block, _skip), raw) in enumerate(zip(self.blocks, texts, strict=True)):
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

    def _caption_lines(self, context: Context) -> list[TextLine]:
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

    def overflow(self, context: Context) -> Overflow | None:
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
        for i, (_skip, top, left, right, owner) in enumerate(boxes):
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
        return Overflow(
            self.block_variables[later],
            _("{name} runs into {name2}").format(name=self._name(later), name2=name),
        )

    def _name(self, index: int) -> str:
        names = sorted(self.block_variables[index])
        text = self.layout.text[index].text
        return (
            _("the text of {items}").format(items=", ".join(names))
            if names
            else _("the text {value!r}").format(value=text[:30])
        )

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
