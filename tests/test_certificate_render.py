"""The certificate renderer's own pieces: the QR code on the page, text through reportlab's
public API, line balancing and the default layout."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from docgen.app.layout import check_layout, renderer_for
from docgen.render import qr
from docgen.render.certificate_layout import LayoutSource, default_layout_path, sample_contexts
from docgen.render.certificate_pdf import Job, Ops, Text, render_certificates

QR_BLOCK = re.compile(r"q 0 g ([\d.]+) 0 0 -[\d.]+ [\d.]+ [\d.]+ cm\n(.*?)\nf Q", re.S)


def symbol_matrix(payload: str) -> list[bytes]:
    """The encoder's own symbol for the payload (zxing-cpp's public API, error level M),
    as rows of 1 where dark."""
    code = zxingcpp.create_barcode(payload.encode(), zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    view = memoryview(image)
    n, data = view.shape[0], view.tobytes()
    return [bytes(1 if v == 0 else 0 for v in data[r * n : (r + 1) * n]) for r in range(n)]


def raster(matrix: list[bytes], scale: int = 3) -> bytes:
    """A PNG of the modules with a 4-module quiet zone, as a camera would see a print."""
    from PIL import Image

    n = len(matrix) + 8
    image = Image.new("L", (n * scale, n * scale), 255)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                image.paste(0, ((c + 4) * scale, (r + 4) * scale, (c + 5) * scale, (r + 5) * scale))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def drawn_matrix(content: str) -> list[bytes]:
    """The QR modules a page's content stream draws: one `x y w 1 re` per dark run."""
    match = QR_BLOCK.search(content)
    assert match, "no QR code on the page"
    runs = [tuple(map(int, line.split()[:3])) for line in match.group(2).splitlines()]
    n = max(r for _, r, _ in runs) + 1
    rows = [bytearray(n) for _ in range(n)]
    for x, r, w in runs:
        rows[r][x : x + w] = b"\x01" * w
    return [bytes(row) for row in rows]


def certificate(context: dict) -> bytes:
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    return renderer.single(context, renderer.prepare(context))


def contexts() -> list[dict]:
    full = sample_contexts()[0]
    out = []
    for i in (1, 42, 999):
        number = f"{i:04d}/PHG/PW24/II/2023"
        out.append({**full, "number": number, "payload": f"{number} {i * 7919:016X}"})
        out.append(
            {**full, "number": number, "payload": f"https://ombudsman.go.id/cek?n={number}&c={i * 7919:016X}"}
        )
    return out


def page_content(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")


def test_the_qr_code_on_the_page_is_the_encoders_symbol():
    for context in contexts():
        assert drawn_matrix(page_content(certificate(context))) == symbol_matrix(context["payload"])


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_every_module_of_the_symbol_is_drawn_for_any_text(payload):
    assert [bytes(r) for r in qr.qr_matrix(payload)] == symbol_matrix(payload)
    ops = qr.qr_ops(payload, 10, 10, 80)
    assert drawn_matrix(ops) == symbol_matrix(payload)


def _decode(png: bytes) -> list[bytes]:
    """The bytes of every QR code in the image (zxing-cpp, where installed)."""
    zxing = pytest.importorskip("zxingcpp")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    return [r.bytes for r in zxing.read_barcodes(image, formats=zxing.BarcodeFormat.QRCode)]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler)")
def test_the_printed_qr_code_decodes_to_its_payload(tmp_path):
    for index, context in enumerate(contexts()):
        pdf = tmp_path / f"{index}.pdf"
        pdf.write_bytes(certificate(context))
        png = subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf)], check=True, capture_output=True
        ).stdout
        assert _decode(png) == [context["payload"].encode()]


@settings(max_examples=30, deadline=None)
@given(
    st.text(
        st.sampled_from([chr(c) for c in [*range(32, 127), *range(0x100, 0x250)]]), min_size=1, max_size=200
    )
)
def test_the_drawn_code_decodes_to_its_payload(payload):
    # QR versions 1 to ~14, with and without version information; ASCII and UTF-8 data
    # (ISO 8859-1 is left out: a decoder may read its bytes as Shift_JIS).
    drawn = drawn_matrix(qr.qr_ops(payload, 10, 10, 80))
    assert _decode(raster(drawn)) == [payload.encode()]


def test_default_layout_checks_clean_and_draws_a_page():
    source = LayoutSource(default_layout_path(), "sertifikat.toml")
    assert check_layout(source) == []
    context = {**sample_contexts()[0], "recipient": "Dinas (Kesehatan) \\ Kota Kupang"}
    reader = PdfReader(io.BytesIO(certificate(context)))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "DINAS (KESEHATAN) \\ KOTA KUPANG" in text
    assert "Opini Kualitas Tertinggi (Kategori A, Zona Hijau)" in text
    assert "NIP 196912311990031001" in text
    width, height = (float(v) / 72 * 25.4 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (297, 210)  # A4 landscape
    assert reader.metadata["/CreationDate"] == "D:20230216000000"


def test_literal_operators_name_no_font():
    """Text goes through reportlab's public API, so every font a page uses is one the
    page's resources declare; literal operators only draw paths."""
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    items = renderer.prepare(sample_contexts()[0])
    assert all(" Tf" not in item.code and " Tj" not in item.code for item in items if isinstance(item, Ops))
    page = PdfReader(io.BytesIO(certificate(sample_contexts()[0]))).pages[0]
    used = set(re.findall(r"(/F\d+) [\d.]+ Tf", page.get_contents().get_data().decode("latin-1")))
    assert used and used <= set(page["/Resources"]["/Font"])


def test_a_certificate_renders_to_the_same_bytes_every_time(tmp_path):
    context = sample_contexts()[0]
    assert certificate(context) == certificate(dict(context))
    source = LayoutSource(default_layout_path(), "sertifikat.toml")
    jobs = [Job(context, tmp_path / "a.pdf"), Job({**context, "number": "0002/PHG/PW24/2022"}, None)]
    shas = render_certificates(renderer_for(source), jobs, tmp_path / "all.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == certificate(context)
    assert shas[1] == "" and len(PdfReader(tmp_path / "all.pdf").pages) == 2


def test_a_long_name_is_balanced_and_kept_within_two_lines():
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    index = next(i for i, b in enumerate(renderer.layout.text) if "recipient" in b.text)
    block = renderer.layout.text[index]
    name = (
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU DAN TENAGA KERJA "
        "KABUPATEN TIMOR TENGAH SELATAN PROVINSI NUSA TENGGARA TIMUR"
    )
    fitted = renderer._fit(block, name)
    lines = fitted.lines
    assert len(lines) == 2 and fitted.size < block.size and fitted.problem is None
    assert abs(len(lines[0]) - len(lines[1])) < 20
    short = renderer._fit(block, "DINAS SOSIAL KOTA KUPANG")
    assert short.lines == ["DINAS SOSIAL KOTA KUPANG"] and short.size == block.size


def test_an_empty_block_takes_no_space():
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    full, sparse = sample_contexts()

    def printed(context: dict) -> str:
        return " ".join(
            line.text for item in renderer.prepare(context) if isinstance(item, Text) for line in item.lines
        )

    assert "NIP" not in printed(sparse)
    assert "NIP" in printed(full)
