"""The Piagam Penghargaan as PDF (reportlab), painted from a layout (certificate_layout.py).

Everything is drawn through reportlab's public canvas API: text as text objects
(`beginText`, `setFont`, `textOut`; the PDF standard fonts unless the layout names a
TTF), the frame, the rules and the QR code as literal path operators (`addLiteral`;
they name no font or other resource).
A certificate is prepared once (texts rendered, lines fitted and placed by
certificate_fit.py, QR encoded) and painted on two canvases: its own file and the
combined print file. Fitting (does the text fit? where does each line go?) is
certificate_fit.py; this module paints what it placed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from docgen import __version__
from docgen.context import Context
from docgen.errors import TemplateError
from docgen.i18n import _
from docgen.render import fork
from docgen.render.certificate_fit import CertificateFitter, Overflow, TextLine, _rgb
from docgen.render.certificate_layout import (
    MM,
    BorderSpec,
    LayoutSource,
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
    "overflows",
    "render_certificates",
    "safe_name",
    "sample_problems",
]


@dataclass(frozen=True)
class Ops:
    """Literal PDF path operators, using no font or other resource (frame, rules, QR)."""

    code: str


@dataclass(frozen=True)
class Text:
    """Consecutive lines, drawn as one text object."""

    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class LogoItem:
    """The layout's logo image."""


Item = Ops | Text | LogoItem


class CertificateRenderer(CertificateFitter):
    """One layout, ready to draw many certificates: fitted by CertificateFitter, painted here."""

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

    def prepare(self, context: Context) -> list[Item]:
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
        # pageCompression=0: the page streams (about 10 KB of operators, most of them the QR
        # code's) stay uncompressed: compressed (zlib, then reportlab's ASCII85 pass, which
        # only a process-wide setting turns off) a print file of 1,000 is 3.7 MB instead of
        # 9.7 MB, and issuing them takes 8% longer (benchmarks/README.md).
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

    def single(self, context: Context, items: list[Item]) -> bytes:
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
                return [
                    _("{label}: a sample certificate does not fit: {reason}").format(
                        label=source.label, reason=overflow.reason
                    )
                ]
            renderer.single(context, renderer.prepare(context))
    except TemplateError as exc:
        return exc.problems
    except Exception as exc:  # reportlab's own errors, e.g. a character a font lacks
        return [
            _("{label}: cannot draw a sample certificate: {value}").format(
                label=source.label, value=str(exc).splitlines()[0]
            )
        ]
    return []


@dataclass(frozen=True)
class Job:
    """One certificate: its context and the (temporary) file to write it to, or None when
    it only needs a page in the combined file (its own file is already in place)."""

    context: Context
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
        raise TemplateError(_("cannot write a certificate: {exc}").format(exc=exc)) from exc
    except Exception as exc:
        raise TemplateError(
            _("{label}: cannot draw a certificate: {name}: {exc}").format(
                label=source.label, name=type(exc).__name__, exc=exc
            )
        ) from exc


# Below this many certificates a second process costs more than it saves.
FORK_FROM = 64


def _render(
    renderer: CertificateRenderer,
    jobs: Sequence[Job],
    combined: Path | None,
    title: str,
    progress: Callable[[Iterable[Any], int, str], Iterable[Any]] | None,
) -> list[str]:
    """Each job's file and the combined file's pages. A batch of FORK_FROM or more is
    shared with a second process (render/fork.py): this process prepares and writes
    certificates from the first, the child from the last, until they meet; the child
    also paints the combined file, from the pages this process prepared (passed to it
    through a pipe) and its own, so that no page is prepared twice."""
    order: Iterable[int] = range(len(jobs))
    if progress is not None:
        order = progress(order, len(jobs), _("Certificates"))
    return fork.map_items(
        lambda job: _write(renderer, job),
        jobs,
        sink=(lambda: _Pages(renderer, jobs, combined, title)) if combined is not None else None,
        order=order,
        fork_from=FORK_FROM,
        warm=lambda: renderer.prepare(jobs[0].context),  # fonts, templates, imports
    )


class _Pages:
    """The combined print file: a page per certificate, in order (a fork.Sink)."""

    def __init__(
        self, renderer: CertificateRenderer, jobs: Sequence[Job], combined: Path, title: str
    ) -> None:
        self.renderer = renderer
        self.canvas = None
        if jobs:
            first = jobs[0].context
            self.canvas = renderer.new_canvas(
                str(combined),
                title=title,
                author=str(first["office"].get("name") or ""),
                on=first.get("signed_on"),
            )

    def take(self, items: list[Item]) -> None:
        if self.canvas is not None:
            self.renderer.paint(self.canvas, items)
            self.canvas.showPage()

    def close(self) -> None:
        if self.canvas is not None:
            self.canvas.save()


def overflows(renderer: CertificateRenderer, contexts: Sequence[Context]) -> list[Overflow | None]:
    """`renderer.overflow` of every context, in two processes for a batch of FORK_FROM
    or more (render/fork.py), each answer as JSON."""

    def work(context: Context) -> tuple[str, None]:
        try:
            overflow = renderer.overflow(context)
        except Exception:  # noqa: BLE001 - raised again below, in this process, as it is
            return _FAILED, None
        return (json.dumps([sorted(overflow.variables), overflow.reason]) if overflow else ""), None

    answers = fork.map_items(work, contexts, fork_from=FORK_FROM, warm=lambda: renderer.overflow(contexts[0]))
    found: list[Overflow | None] = []
    for context, answer in zip(contexts, answers, strict=True):
        if answer == _FAILED:  # the same error here, for the caller to catch as it would
            found.append(renderer.overflow(context))
        elif answer:
            variables, reason = json.loads(answer)
            found.append(Overflow(frozenset(variables), reason))
        else:
            found.append(None)
    return found


_FAILED = "!"  # an answer of `overflows`' second process: the layout raised an error


def safe_name(text: str, limit: int = 60) -> str:
    """A file-name part any OS accepts: ASCII letters, digits and '-'."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return slug[:limit].rstrip("-") or "x"
