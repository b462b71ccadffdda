"""The certificate renderer's own pieces: the fast QR mask selection, text escaping,
line balancing and the default layout."""

from __future__ import annotations

import io

import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from docgen.render.certificate_pdf import (
    LayoutSource,
    check_layout,
    default_layout_path,
    renderer_for,
    sample_contexts,
)
from docgen.render.qr import qr_matrix


def segno_matrix(payload: str) -> list[bytes]:
    return [bytes(r) for r in segno.make(payload, error="m", micro=False, boost_error=False).matrix]


def test_qr_matrix_is_segnos_symbol_for_certificate_payloads():
    for i in range(1, 120):
        payload = f"{i:04d}/PHG/PW24/2022 {i * 7919:016X}"
        assert [bytes(r) for r in qr_matrix(payload)] == segno_matrix(payload)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_qr_matrix_is_segnos_symbol_for_any_text(payload):
    # Every version up to ~13 (version information from 7 on), every mask.
    assert [bytes(r) for r in qr_matrix(payload)] == segno_matrix(payload)


def test_default_layout_checks_clean_and_draws_a_page():
    source = LayoutSource(default_layout_path(), "sertifikat.toml")
    assert check_layout(source) == []
    renderer = renderer_for(source)
    context = {**sample_contexts()[0], "recipient": "Dinas (Kesehatan) \\ Kota Kupang"}
    reader = PdfReader(io.BytesIO(renderer.single(context, renderer.prepare(context))))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "DINAS (KESEHATAN) \\ KOTA KUPANG" in text
    assert "Kategori A — Kualitas Tertinggi (Zona Hijau)" in text
    assert "NIP 196912311990031001" in text
    width, height = (float(v) / 72 * 25.4 for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (297, 210)  # A4 landscape
    assert reader.metadata["/CreationDate"] == "D:20230216000000"


def test_a_long_name_is_balanced_and_kept_within_two_lines():
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    index = next(i for i, b in enumerate(renderer.layout.text) if "recipient" in b.text)
    block = renderer.layout.text[index]
    name = ("DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU DAN TENAGA KERJA "
            "KABUPATEN TIMOR TENGAH SELATAN PROVINSI NUSA TENGGARA TIMUR")
    lines, size = renderer._fit(block, name)
    assert len(lines) == 2 and size < block.size
    assert abs(len(lines[0]) - len(lines[1])) < 20
    short, size = renderer._fit(block, "DINAS SOSIAL KOTA KUPANG")
    assert short == ["DINAS SOSIAL KOTA KUPANG"] and size == block.size


def test_an_empty_block_takes_no_space():
    renderer = renderer_for(LayoutSource(default_layout_path(), "sertifikat.toml"))
    full, sparse = sample_contexts()
    texts = [item for item in renderer.prepare(sparse) if item[0] == "ops"]
    assert "NIP" not in "".join(t[1] for t in texts)
    assert "NIP" in "".join(t[1] for t in renderer.prepare(full) if t[0] == "ops")
