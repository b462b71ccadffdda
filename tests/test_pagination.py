"""Pages as LibreOffice lays them out: the closing, the signature and the tembusan together.

DOMAIN.md: "Keep the closing sentence, the signature block and the tembusan together: a
page holding only a signature or only a tembusan is rejected." The templates keep them
together with "keep with next"; only a real layout shows that it works. Letters (and
agreement drafts) are rendered with more and more overdue items (deliverables), so that
their body ends ever lower on the page, until it ends near the foot of page 1 and the
closing must move to page 2 with the signature. All are converted in one soffice call.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.full_workspace import make_full_workspace

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed",
)

CLOSING = "Demikian kami sampaikan."
REQUEST = "paling lambat tanggal"
LETTER_ITEMS = range(1, 15)
RENJA_ITEMS = range(0, 26, 2)


def flat(text: str) -> str:
    return " ".join(text.split())


def page_of(pages: list[str], text: str, last: bool = False) -> int:
    found = [i for i, page in enumerate(pages) if text in page]
    assert found, f"{text!r} is on no page"
    return found[-1] if last else found[0]


def _letter(config, agreement, n: int, template, pictures, out: Path) -> Path:
    """A second letter (so it has a tembusan) about `n` overdue items."""
    from docgen.documents.letter import letter_context
    from docgen.domain.deliverable_state import deliverable_states
    from docgen.domain.letters import Planned
    from docgen.models import Agreement, Deliverable, WorkItem
    from docgen.render.pictures import write_docx_with_pictures

    items = [
        Deliverable(
            id=f"D{i}",
            title=f"Keluaran nomor {i} yang belum dilaporkan",
            due=date(2022, 3, 1) + timedelta(days=i),
        )
        for i in range(1, n + 1)
    ]
    work = WorkItem(
        id="W9", title="Kegiatan pelaksanaan rencana kerja", responsible="second", deliverables=items
    )
    a = Agreement.model_validate(
        {**agreement.model_dump(mode="json"), "work_items": [work.model_dump(mode="json")]}
    )
    as_of = date(2022, 8, 1)
    states = deliverable_states(a, [], as_of)
    earlier = [
        {
            "number": "B/001/PW24/KM.01/V/2022",
            "on": "2022-05-02",
            "seq": 1,
            "items": [s.deliverable.id for s in states],
        }
    ]
    planned = Planned(a, a.second, states, earlier, None)
    path = out / f"surat-{n:02d}.docx"
    write_docx_with_pictures(
        template, letter_context(config, planned, "B/002/PW24/KM.01/VIII/2022", as_of), path, pictures
    )
    return path


def _renja(config, renja, mou, n: int, template, out: Path) -> Path:
    from docgen.documents.agreement import build_context
    from docgen.models import Deliverable, WorkItem
    from docgen.render.docx import write_docx

    extra = WorkItem(
        id="WX",
        title="Kegiatan tambahan",
        responsible="second",
        deliverables=[
            Deliverable(id=f"X{i}", title=f"Keluaran tambahan {i}", due=date(2022, 12, 1))
            for i in range(1, n + 1)
        ],
    )
    a = renja.model_copy(update={"work_items": [*renja.work_items, extra] if n else renja.work_items})
    path = out / f"renja-{n:02d}.docx"
    write_docx(template, build_context(a, mou, config), path)
    return path


@pytest.fixture(scope="module")
def layouts(tmp_path_factory) -> dict[str, list[str]]:
    """The page texts of every rendered letter and draft, by file stem."""
    from docgen.agreements import load_catalog
    from docgen.render.docx import PreparedTemplate
    from docgen.render.libreoffice import to_pdf
    from docgen.render.pictures import LOGO_PICTURE
    from docgen.render.templates import defaults_dir
    from docgen.workspace import Workspace

    base = tmp_path_factory.mktemp("pages")
    ws = Workspace(make_full_workspace(base / "ws"))
    catalog = load_catalog(ws)
    renja, mou = catalog.get("renja-ntt"), catalog.get("mou-ntt")
    letter_template = PreparedTemplate.load(defaults_dir() / "surat-tindak-lanjut.docx")
    renja_template = PreparedTemplate.load(defaults_dir() / "renja.docx")
    pictures = {LOGO_PICTURE: ((ws.templates_dir / "lambang.png").read_bytes(), "lambang.png")}
    out = base / "docx"
    out.mkdir()
    paths = [_letter(ws.config, renja, n, letter_template, pictures, out) for n in LETTER_ITEMS]
    paths += [_renja(ws.config, renja, mou, n, renja_template, out) for n in RENJA_ITEMS]
    results = to_pdf(paths, base / "pdf")
    pages = {}
    for path in paths:
        pdf = results[path]
        assert isinstance(pdf, Path), pdf
        pages[path.stem] = [flat(page.extract_text() or "") for page in PdfReader(pdf).pages]
    return pages


def test_letter_closing_signature_and_tembusan_share_a_page(layouts):
    crossed = []
    for n in LETTER_ITEMS:
        pages = layouts[f"surat-{n:02d}"]
        name = page_of(pages, "DARIUS BEDA DATON")
        assert page_of(pages, CLOSING) == name, f"{n} items: the signature left the closing"
        assert page_of(pages, "Tembusan:") == name, f"{n} items: the tembusan left the signature"
        assert "Sekretaris Daerah Provinsi Nusa Tenggara Timur" in pages[name]
        if page_of(pages, REQUEST) == 0 and name == 1:
            crossed.append(n)
        # page numbers: none on page 1, "- 2 -" at the top of page 2
        assert not pages[0].startswith("- 1 -")
        if len(pages) > 1:
            assert pages[1].startswith("- 2 -")
    # the case that matters was laid out: the body ends near the foot of page 1 and the
    # closing moved to page 2 with the signature, rather than leaving it alone there
    assert crossed, "no letter's body ended near the foot of page 1; widen LETTER_ITEMS"


def test_agreement_closing_and_signatures_share_a_page(layouts):
    pages_seen = set()
    for n in RENJA_ITEMS:
        pages = layouts[f"renja-{n:02d}"]
        names = page_of(pages, "FLOURI RITA WUISAN", last=True)
        assert page_of(pages, "Demikian Rencana Kerja ini dibuat") == names, n
        assert page_of(pages, "PIHAK KEDUA,", last=True) == names, n
        assert page_of(pages, "NIP 196806121994032008") == names, n
        pages_seen.add(len(pages))
    assert len(pages_seen) > 1, "no draft crossed a page boundary; widen RENJA_ITEMS"


def test_renja_table_headings_each_on_one_line(layouts):
    """The work-item table's headings read whole: at 0.9 cm the "No" column broke its bold
    heading into "N" / "o"."""
    for n in RENJA_ITEMS:
        text = " ".join(layouts[f"renja-{n:02d}"])
        assert "No Kegiatan Keluaran Batas Waktu Penanggung Jawab" in text, n
        assert "N o Kegiatan" not in text, n
