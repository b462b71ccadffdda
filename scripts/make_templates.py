"""Build the default agreement templates, docgen/templates/mou.docx and renja.docx.

    python scripts/make_templates.py [--out DIR]

The committed .docx files are what users open and edit in Word; this script is how
they were made, so that a change to the standard text is reviewable and the files
can be rebuilt byte for byte (fixed timestamps in the zip and the core properties).
Template tags follow docxtpl: `{{ value }}`, `{%p ... %}` on a paragraph of its own,
`{%tr ... %}` on a table row of its own, `{% vm %}` to merge a cell down a loop.
The variables are those of `docgen.render.context` (see README, "Templates").
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docgen" / "templates"
FONT = "Arial"
STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TEXT_WIDTH = Cm(15.5)  # A4 minus 3 cm left and 2.5 cm right margins


# ---------------------------------------------------------------- page and styles

def new_document() -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.25)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    rpr.append(lang)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.15
    fmt.widow_control = True

    page_numbers(section)

    props = doc.core_properties
    props.title = "{{ agreement.title }}"
    props.author = "docgen"
    props.last_modified_by = "docgen"
    props.comments = ("Templat docgen (sintaks docxtpl). Teks boleh diubah; ketik setiap tag "
                      "templat dalam sekali ketik.")
    props.created = props.modified = STAMP
    props.revision = 1
    return doc


def page_numbers(section) -> None:
    """Tata Naskah Dinas page numbers: none on the first page, "- 2 -" top centre after."""
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = ""  # an empty first-page header
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.paragraph_format.space_after = Pt(0)
    header.add_run("- ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    header._p.append(field)
    header.add_run(" -")


ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "left": WD_ALIGN_PARAGRAPH.LEFT}


def add_runs(p, parts, *, bold: bool = False, size: float | None = None) -> None:
    """Append `parts` (a string, or (text, bold) pairs) to paragraph `p` as runs."""
    if isinstance(parts, str):
        parts = [(parts, bold)]
    for text, is_bold in parts:
        run = p.add_run(text)
        run.bold = is_bold or None
        if size:
            run.font.size = Pt(size)


def para(doc_or_cell, parts=(), *, align: str = "justify", bold: bool = False, size: float | None = None,
         before: float = 0, after: float = 6, indent: float = 0, hanging: float = 0,
         keep: bool = False, tab: float | None = None):
    """A paragraph of runs; `parts` is a string or a list of (text, bold) pairs."""
    p = doc_or_cell.add_paragraph()
    p.alignment = ALIGN[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent or hanging:
        fmt.left_indent = Cm(indent + hanging)
        fmt.first_line_indent = Cm(-hanging)
        fmt.tab_stops.add_tab_stop(Cm(indent + hanging))
    if tab is not None:
        fmt.tab_stops.add_tab_stop(Cm(tab))
    fmt.keep_with_next = keep
    add_runs(p, parts, bold=bold, size=size)
    return p


def tag(doc_or_cell, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it vanishes on render."""
    doc_or_cell.add_paragraph(text)


def blank(doc, size: float = 6) -> None:
    para(doc, "", after=0, size=size)


def pasal(doc, number: int, heading: str) -> None:
    para(doc, f"Pasal {number}", align="center", bold=True, before=12, after=0, keep=True)
    para(doc, heading, align="center", bold=True, after=6, keep=True)


def ayat(doc, label: str, text, **kw) -> None:
    """A numbered clause "(1) ...", its text hanging under the first line."""
    parts = [(f"{label}\t", False)] + ([(text, False)] if isinstance(text, str) else list(text))
    para(doc, parts, hanging=1.0, **kw)


def listing(doc, loop: str, indent: float = 0, hanging: float = 0.8) -> None:
    """A loop over items with `label` and `text` (context.enumerate_items), one paragraph each."""
    var = loop.split()[0]
    tag(doc, f"{{%p for {loop} %}}")
    para(doc, f"{{{{ {var}.label }}}}\t{{{{ {var}.text }}}}", indent=indent, hanging=hanging)
    tag(doc, "{%p endfor %}")


# ---------------------------------------------------------------- tables

def _borders(table: Table, value: str) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), value)
        if value != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def table(doc, widths: list[float], rows: int, *, borders: bool) -> Table:
    t = doc.add_table(rows=rows, cols=len(widths))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    _borders(t, "single" if borders else "nil")
    for i, width in enumerate(widths):
        t.columns[i].width = Cm(width)
        for cell in t.columns[i].cells:
            cell.width = Cm(width)
    return t


def cell_text(cell: _Cell, parts, *, align: str = "left", bold: bool = False, size: float | None = None,
              after: float = 0, keep: bool = False) -> None:
    """Set the first paragraph of a cell."""
    p = cell.paragraphs[0]
    p.alignment = ALIGN[align]
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.keep_with_next = keep
    add_runs(p, parts, bold=bold, size=size)


def shade(cell: _Cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def no_wrap(cell: _Cell) -> None:
    """The cell's text on one line (a date such as "30 September 2022")."""
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def row_height(row, height_cm: float) -> None:
    """A table row at least `height_cm` tall (the space to sign in)."""
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(Cm(height_cm).twips)))
    height.set(qn("w:hRule"), "atLeast")
    row._tr.get_or_add_trPr().append(height)


# ---------------------------------------------------------------- letters (surat dinas)
#
# The parts of a surat dinas per Tata Naskah Dinas (DOMAIN.md, "Letters"), for every
# letter template (make_letter_template.py and others). They read the variables of
# `docgen.documents.letter.letter_context` and `office_context`: `office.letterhead`,
# `office.kop_address`, `office.kop_contact`, `office.logo`, `signatory`, `tembusan`.

LOGO_NAME = "docgen-logo"  # the kop picture's name: docgen puts [office] logo in its place
LOGO_SIZE = 2.2  # cm: the box the logo is fitted into


def placeholder_logo(pixels: int = 264) -> bytes:
    """A neutral placeholder image (a ring and the word LOGO): never an institution's
    emblem. Drawn the same way every time, so the templates stay reproducible."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (pixels, pixels), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    grey = (110, 110, 110, 255)
    edge = pixels // 24
    draw.ellipse((edge, edge, pixels - edge, pixels - edge), outline=grey, width=edge)
    inner = pixels // 6
    draw.ellipse((inner, inner, pixels - inner, pixels - inner), outline=grey, width=edge // 2)
    font = ImageFont.load_default(size=pixels // 6)
    draw.text((pixels / 2, pixels / 2), "LOGO", fill=grey, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def rule_below(p, size: int = 18) -> None:
    """A thick line under paragraph `p` (the line under the kop)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thick"), ("w:sz", str(size)), ("w:space", "4"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def _kop_lines(doc_or_cell, first=None) -> None:
    """The letterhead lines, each its own paragraph (a name is never broken across
    lines), then the address and the contact line."""
    p = first if first is not None else doc_or_cell.add_paragraph()
    p.alignment = ALIGN["center"]
    p.paragraph_format.space_after = Pt(0)
    add_runs(p, "{{ office.letterhead[0] }}", bold=True, size=14)
    tag(doc_or_cell, "{%p for line in office.letterhead[1:] %}")
    para(doc_or_cell, "{{ line }}", align="center", bold=True, size=12, after=0)
    tag(doc_or_cell, "{%p endfor %}")
    tag(doc_or_cell, "{%p if office.kop_address %}")
    para(doc_or_cell, "{{ office.kop_address }}", align="center", size=8, after=0)
    tag(doc_or_cell, "{%p endif %}")
    tag(doc_or_cell, "{%p if office.kop_contact %}")
    para(doc_or_cell, "{{ office.kop_contact }}", align="center", size=8, after=0)
    tag(doc_or_cell, "{%p endif %}")


def kop(doc) -> None:
    """The letterhead: with `[office] logo`, the logo left of the centred lines (the
    template holds a placeholder picture named LOGO_NAME that docgen replaces); without,
    the lines centred on the page. A thick rule below."""
    tag(doc, "{%p if office.logo %}")
    # the logo cell: the picture plus both cell paddings (0.19 cm each) and room to spare,
    # so that no layout clips the picture (at 2.5 cm LibreOffice cut its right edge)
    t = table(doc, [LOGO_SIZE + 0.6, 15.5 - LOGO_SIZE - 0.6], 1, borders=False)
    logo_cell, text_cell = t.rows[0].cells
    for cell in (logo_cell, text_cell):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    logo_p = logo_cell.paragraphs[0]
    logo_p.alignment = ALIGN["left"]
    logo_p.add_run().add_picture(io.BytesIO(placeholder_logo()), width=Cm(LOGO_SIZE),
                                 height=Cm(LOGO_SIZE))
    doc_pr = logo_p._p.find(".//" + qn("wp:docPr"))
    doc_pr.set("name", LOGO_NAME)
    doc_pr.set("descr", "logo")
    _kop_lines(text_cell, first=text_cell.paragraphs[0])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if not office.logo %}")
    _kop_lines(doc)
    tag(doc, "{%p endif %}")
    rule_below(para(doc, "", after=12, size=4))


def place_and_date(doc, text: str = "{{ office.city }}, {{ letter.date_text }}") -> None:
    """Top right, no full stop: "Kupang, 8 Februari 2022"."""
    para(doc, text, align="right", after=6)


def letter_fields(doc, fields=(("Nomor", "{{ letter.number }}"), ("Sifat", "{{ letter.sifat }}"),
                                ("Lampiran", "{{ letter.lampiran }}"), ("Hal", "{{ letter.hal }}"))
                  ) -> None:
    """Nomor, Sifat, Lampiran, Hal: left, colons aligned, all plain (Hal too)."""
    t = table(doc, [2.6, 0.5, 12.4], len(fields), borders=False)
    for row, (label, value) in zip(t.rows, fields, strict=True):
        cell_text(row.cells[0], label)
        cell_text(row.cells[1], ":")
        cell_text(row.cells[2], value)


def addressee(doc, title: str = "addressee.title", lines: str = "addressee.address_lines") -> None:
    """"Yth." and the addressee's job title, then the street address and the city on the
    next lines; wrapped lines hang under the text after "Yth."."""
    para(doc, f"Yth.\t{{{{ {title} }}}}", align="left", after=0, hanging=1.1)
    tag(doc, f"{{%p for line in {lines} %}}")
    para(doc, "{{ line }}", align="left", after=0, indent=1.1)
    tag(doc, "{%p endfor %}")


def closing_sentence(doc, text: str = "{{ letter.closing }}") -> None:
    """The closing formula, kept on the page of the signature that follows it."""
    para(doc, text, keep=True, after=12)


def signature_block(doc, who: str = "signatory", indent: float = 8.0) -> None:
    """Right half: "JOB TITLE," / space / full name / "NIP ...". Paragraphs that keep
    with the next, so the closing sentence, the signature and the tembusan stay on one
    page (no page holds only a signature or only a tembusan)."""
    para(doc, f"{{{{ {who}.title_block }}}}", align="left", indent=indent, after=0, keep=True)
    for _ in range(3):
        para(doc, "", align="left", indent=indent, after=0, keep=True)
    para(doc, f"{{{{ {who}.name }}}}", align="left", indent=indent, after=0, keep=True, bold=True)
    tag(doc, f"{{%p if {who}.nip %}}")
    para(doc, f"NIP {{{{ {who}.nip }}}}", align="left", indent=indent, after=0, keep=True)
    tag(doc, "{%p endif %}")


def tembusan(doc, var: str = "tembusan") -> None:
    """"Tembusan:" bottom left, its items numbered only if more than one (the context
    numbers them); never "Arsip". The last line ends the keep-together chain."""
    tag(doc, f"{{%p if {var} %}}")
    para(doc, "", align="left", after=0, size=10, keep=True)
    para(doc, "Tembusan:", align="left", after=0, size=10, keep=True)
    tag(doc, f"{{%p for t in {var} %}}")
    para(doc, "{{ t }}", align="left", after=0, size=10, keep=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")


# ---------------------------------------------------------------- the agreement

def title_block(doc) -> None:
    for text in ("{{ doc_type }}", "ANTARA", "{{ first.org_title }}", "DAN", "{{ second.org_title }}"):
        para(doc, text, align="center", bold=True, after=0, keep=True)
    blank(doc, 12)
    para(doc, "NOMOR: {{ numbers.first }}", align="center", after=0, keep=True)
    para(doc, "NOMOR: {{ numbers.second }}", align="center", after=0, keep=True)
    blank(doc, 12)
    para(doc, "TENTANG", align="center", bold=True, after=0, keep=True)
    para(doc, "{{ subject | upper }}", align="center", bold=True, after=18)


def komparisi(doc) -> None:
    para(doc, "{{ opening }}", before=6)
    # The name column holds a full name in bold capitals on one line ("VIKTOR BUNGTILU
    # LAISKODAT" is 6.5 cm); the text beside it is left-aligned: justified in a column
    # this narrow it would open gaps between words.
    t = table(doc, [0.8, 7.0, 0.4, 7.3], 2, borders=False)
    for i, (no, role, name) in enumerate((("1.", "first", "PIHAK PERTAMA"), ("2.", "second", "PIHAK KEDUA"))):
        cells = t.rows[i].cells
        cell_text(cells[0], no, after=6)
        cell_text(cells[1], f"{{{{ {role}.signatory.name_text }}}}", bold=True, after=6)
        cell_text(cells[2], ":", after=6)
        cell_text(cells[3], [
            (f"{{{{ {role}.signatory.title }}}}, berkedudukan di {{{{ {role}.address_text }}}}, "
             f"dalam hal ini bertindak untuk dan atas nama {{{{ {role}.org }}}}"
             f"{{% if {role}.mandate %}} berdasarkan {{{{ {role}.mandate }}}}{{% endif %}}, "
             "selanjutnya disebut ", False),
            (name, True), (".", False)], align="left", after=6)
    para(doc, [("PIHAK PERTAMA", True), (" dan ", False), ("PIHAK KEDUA", True),
               (" secara bersama-sama disebut ", False), ("PARA PIHAK", True),
               (" dan masing-masing disebut ", False), ("PIHAK", True), (".", False)], before=6)


def recitals(doc) -> None:
    para(doc, [("PARA PIHAK", True), (" terlebih dahulu menerangkan hal-hal sebagai berikut:", False)])
    listing(doc, "r in recitals")
    tag(doc, "{%p if legal_basis %}")
    para(doc, [("PARA PIHAK", True), (" mendasarkan kerja sama ini pada ketentuan peraturan "
                                      "perundang-undangan sebagai berikut:", False)])
    listing(doc, "lb in legal_basis")
    tag(doc, "{%p endif %}")
    para(doc, [("Berdasarkan hal-hal tersebut di atas, ", False), ("PARA PIHAK", True),
               (" sepakat untuk mengadakan {{ doc_name }} tentang {{ subject }}, yang selanjutnya "
                "disebut {{ doc_name }}, dengan ketentuan sebagai berikut:", False)])


def articles_before(doc) -> None:
    pasal(doc, 1, "MAKSUD DAN TUJUAN")
    ayat(doc, "(1)", "{{ purpose }}")
    ayat(doc, "(2)", "{{ doc_name }} ini bertujuan untuk mewujudkan penyelenggaraan pelayanan publik "
         "yang berkualitas, mencegah maladministrasi, dan meningkatkan kepercayaan masyarakat "
         "terhadap penyelenggara pelayanan publik.")
    pasal(doc, 2, "RUANG LINGKUP")
    para(doc, "Ruang lingkup {{ doc_name }} ini meliputi:")
    listing(doc, "s in scope")


def articles_after(doc, *, notice: str, monev: str) -> None:
    pasal(doc, 4, "HAK DAN KEWAJIBAN")
    ayat(doc, "(1)", "PIHAK PERTAMA berhak memperoleh data dan informasi yang diperlukan dari PIHAK "
         "KEDUA dalam rangka pelaksanaan {{ doc_name }} ini.")
    ayat(doc, "(2)", "PIHAK PERTAMA berkewajiban memberikan saran, pendampingan, dan asistensi kepada "
         "PIHAK KEDUA sesuai dengan ruang lingkup {{ doc_name }} ini.")
    ayat(doc, "(3)", "PIHAK KEDUA berhak memperoleh saran, pendampingan, dan asistensi dari PIHAK "
         "PERTAMA sesuai dengan ruang lingkup {{ doc_name }} ini.")
    ayat(doc, "(4)", "PIHAK KEDUA berkewajiban menyediakan data dan informasi yang diperlukan serta "
         "melaksanakan kegiatan yang menjadi tanggung jawabnya sesuai dengan {{ doc_name }} ini.")

    pasal(doc, 5, "PEMBIAYAAN")
    para(doc, "Segala biaya yang timbul dalam pelaksanaan {{ doc_name }} ini dibebankan pada anggaran "
         "masing-masing PIHAK sesuai dengan ketentuan peraturan perundang-undangan.")

    pasal(doc, 6, "JANGKA WAKTU")
    ayat(doc, "(1)", "{{ term }}")
    ayat(doc, "(2)", "{{ doc_name }} ini dapat diperpanjang atau diakhiri sebelum jangka waktunya "
         "berakhir atas kesepakatan PARA PIHAK.")
    ayat(doc, "(3)", "PIHAK yang bermaksud memperpanjang atau mengakhiri {{ doc_name }} ini "
         f"memberitahukan maksudnya secara tertulis kepada PIHAK lainnya paling lambat {notice} "
         "sebelum tanggal berakhirnya atau tanggal pengakhiran yang dikehendaki.")

    pasal(doc, 7, "MONITORING DAN EVALUASI")
    ayat(doc, "(1)", "PARA PIHAK melakukan monitoring dan evaluasi atas pelaksanaan {{ doc_name }} ini "
         f"secara berkala {monev}.")
    ayat(doc, "(2)", "Hasil monitoring dan evaluasi sebagaimana dimaksud pada ayat (1) digunakan "
         "sebagai bahan perbaikan pelaksanaan {{ doc_name }} ini dan dilaporkan kepada pimpinan "
         "PARA PIHAK.")

    pasal(doc, 8, "PENYELESAIAN PERSELISIHAN")
    para(doc, "Apabila terjadi perbedaan penafsiran dan/atau perselisihan dalam pelaksanaan "
         "{{ doc_name }} ini, PARA PIHAK sepakat untuk menyelesaikannya secara musyawarah untuk mufakat.")

    pasal(doc, 9, "KEADAAN KAHAR")
    ayat(doc, "(1)", "Keadaan kahar adalah keadaan di luar kemampuan PARA PIHAK, antara lain bencana "
         "alam, wabah penyakit, kebakaran, huru-hara, perang, serta kebijakan pemerintah di bidang "
         "keuangan dan moneter, yang mengakibatkan tidak dapat dilaksanakannya {{ doc_name }} ini.")
    ayat(doc, "(2)", "PIHAK yang mengalami keadaan kahar memberitahukan secara tertulis kepada PIHAK "
         "lainnya paling lambat 14 (empat belas) hari kalender sejak terjadinya keadaan kahar.")
    ayat(doc, "(3)", "Pelaksanaan {{ doc_name }} ini yang tertunda akibat keadaan kahar dilanjutkan "
         "sesuai dengan kesepakatan PARA PIHAK.")

    pasal(doc, 10, "PERUBAHAN")
    ayat(doc, "(1)", "Hal-hal yang belum diatur atau perubahan atas {{ doc_name }} ini ditetapkan "
         "kemudian berdasarkan kesepakatan PARA PIHAK.")
    ayat(doc, "(2)", "Perubahan sebagaimana dimaksud pada ayat (1) dituangkan dalam adendum yang "
         "merupakan bagian yang tidak terpisahkan dari {{ doc_name }} ini.")

    pasal(doc, 11, "PENUTUP")
    para(doc, "Demikian {{ doc_name }} ini dibuat dalam rangkap 2 (dua) asli, bermeterai cukup, "
         "masing-masing mempunyai kekuatan hukum yang sama, dan ditandatangani oleh PARA PIHAK pada "
         "hari, tanggal, bulan, dan tahun sebagaimana tersebut pada awal {{ doc_name }} ini.",
         keep=True, after=18)


# 11 pt: a column of 7.75 cm holds "OMBUDSMAN REPUBLIK INDONESIA" in bold capitals on one
# line (at 12 pt it is 7.6 cm, more than the column less its padding). The title's lines
# come broken between names (docgen.documents.layout).
SIGNATURE_SIZE = 11
SIGNATURE_LINES = [  # (text, bold): the conventional block, the job title once
    ("{0},", True),
    ("{{{{ {1}.signatory.title_block }}}}", True),
    ("", False),
    ("{{{{ {1}.signatory.name_text }}}}", True),
    # the rank, then the NIP, right under the name: a signatory without a rank has the NIP
    # there, not after an empty line
    ("{{% if {1}.signatory.rank %}}{{{{ {1}.signatory.rank }}}}{{% elif {1}.signatory.nip %}}"
     "NIP {{{{ {1}.signatory.nip }}}}{{% endif %}}", False),
    ("{{% if {1}.signatory.rank and {1}.signatory.nip %}}NIP {{{{ {1}.signatory.nip }}}}"
     "{{% endif %}}", False),
]


def signatures(doc) -> None:
    """Side by side, one row per line, so that the names align however long the titles are:
    "PIHAK PERTAMA, / JOB TITLE, / (space) / NAME / rank / NIP ...". Every row keeps with
    the next, so the block stays whole and with the closing sentence before it."""
    t = table(doc, [7.75, 7.75], len(SIGNATURE_LINES), borders=False)
    for index, (row, (text, bold)) in enumerate(zip(t.rows, SIGNATURE_LINES, strict=True)):
        row_flags(row)
        last = index == len(SIGNATURE_LINES) - 1
        for cell, role, name in zip(row.cells, ("first", "second"), ("PIHAK PERTAMA", "PIHAK KEDUA"),
                                    strict=True):
            cell_text(cell, text.format(name, role), align="center", bold=bold, keep=not last,
                      size=SIGNATURE_SIZE)
    row_height(t.rows[2], 2.5)


def pelaksanaan_mou(doc) -> None:
    pasal(doc, 3, "PELAKSANAAN")
    ayat(doc, "(1)", "Pelaksanaan {{ doc_name }} ini dituangkan lebih lanjut dalam Rencana Kerja "
         "dan/atau Perjanjian Kerja Sama yang disusun dan ditandatangani oleh pejabat yang ditunjuk "
         "oleh PARA PIHAK.")
    ayat(doc, "(2)", "Rencana Kerja dan/atau Perjanjian Kerja Sama sebagaimana dimaksud pada ayat (1) "
         "memuat paling sedikit kegiatan, keluaran, batas waktu, dan penanggung jawab, serta "
         "merupakan bagian yang tidak terpisahkan dari {{ doc_name }} ini.")
    ayat(doc, "(3)", "PARA PIHAK menunjuk pejabat penghubung untuk mengoordinasikan pelaksanaan "
         "{{ doc_name }} ini.")


def work_items_table(doc, *, first: tuple[str, str] = ("No", "{{ wi.no }}."),
                     widths: tuple[float, ...] = (1.1, 4.0, 3.8, 3.7, 2.9)) -> None:
    """The table of `work_items`: (first column), Kegiatan, Keluaran, Batas Waktu,
    Penanggung Jawab, a row per deliverable, the work item merged down its rows. The
    first column is wide enough for its bold heading "No" on one line (at 0.9 cm
    LibreOffice broke it into "N" / "o")."""
    t = table(doc, list(widths), 6, borders=True)
    headers = (first[0], "Kegiatan", "Keluaran", "Batas Waktu", "Penanggung Jawab")
    row_flags(t.rows[0], header=True)
    for cell, text in zip(t.rows[0].cells, headers, strict=True):
        cell_text(cell, text, align="center", bold=True, size=10)
        shade(cell, "D9D9D9")
    cell_text(t.rows[1].cells[0], "{%tr for wi in work_items %}")
    cell_text(t.rows[2].cells[0], "{%tr for d in wi.rows %}")
    cells = t.rows[3].cells
    row_flags(t.rows[3])
    cell_text(cells[0], "{% vm %}" + first[1], align="center", size=10)
    cell_text(cells[1], "{% vm %}{{ wi.title }}", size=10)
    cell_text(cells[2], "{{ d.title }}{% if d.evidence %} (bukti: {{ d.evidence }}){% endif %}", size=10)
    cell_text(cells[3], "{{ d.due_text }}", align="center", size=10)
    no_wrap(cells[3])
    cell_text(cells[4], "{% vm %}{{ wi.responsible_label }}", align="center", size=10)
    cell_text(t.rows[4].cells[0], "{%tr endfor %}")
    cell_text(t.rows[5].cells[0], "{%tr endfor %}")
    blank(doc)


def pelaksanaan_renja(doc) -> None:
    pasal(doc, 3, "PELAKSANAAN")
    ayat(doc, "(1)", "Kegiatan, keluaran, batas waktu, dan penanggung jawab pelaksanaan {{ doc_name }} "
         "ini adalah sebagai berikut:", keep=True)
    work_items_table(doc)
    ayat(doc, "(2)", "Penanggung jawab sebagaimana dimaksud pada ayat (1) melaksanakan kegiatan dan "
         "menyampaikan bukti tercapainya setiap keluaran kepada PIHAK lainnya paling lambat pada "
         "batas waktunya.")
    ayat(doc, "(3)", "PARA PIHAK menunjuk pejabat penghubung untuk mengoordinasikan pelaksanaan "
         "kegiatan sebagaimana dimaksud pada ayat (1).")


def make(kind: str) -> DocumentObject:
    doc = new_document()
    title_block(doc)
    komparisi(doc)
    recitals(doc)
    articles_before(doc)
    if kind == "mou":
        pelaksanaan_mou(doc)
        articles_after(doc, notice="3 (tiga) bulan",
                       monev="paling sedikit 1 (satu) kali dalam 1 (satu) tahun")
    else:
        pelaksanaan_renja(doc)
        articles_after(doc, notice="1 (satu) bulan",
                       monev="paling sedikit 1 (satu) kali dalam 3 (tiga) bulan")
    signatures(doc)
    return doc


def reproducible(doc: DocumentObject) -> bytes:
    """The .docx bytes with fixed zip timestamps, so that the same script gives the same file."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_templates(description: str, makers: dict[str, Callable[[], DocumentObject]],
                    argv: list[str] | None = None) -> None:
    """The command line of every template script: `--out DIR`, then each file
    (name -> the function that builds it) written reproducibly."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in makers.items():
        path = args.out / name
        path.write_bytes(reproducible(build()))
        print(f"wrote {path}")


def main(argv: list[str] | None = None) -> None:
    write_templates(__doc__.splitlines()[0], {f"{kind}.docx": lambda kind=kind: make(kind)
                                             for kind in ("mou", "renja")}, argv)


if __name__ == "__main__":
    main()
