"""A real browser against a real `docgen serve`: Debian's Chromium driven by selenium.

On the example workspace: an editor signs in, records a deliverable done with an evidence
file, sees the dashboard change; an anonymous visitor opens the verification page at the
address the QR code printed on a piagam holds (read off the PDF with zxing-cpp) and sees
ASLI. Ctrl-C (SIGINT) stops the server with exit code 0. The server and browser are those
of scripts/make_web_images.py (the screenshots of docs/web.md).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import make_web_images as web  # noqa: E402

AID, DID = "ntt-renja-2022", "W1-D1"

pytestmark = [
    pytest.mark.skipif(
        not (os.path.exists(web.CHROMIUM) and os.path.exists(web.CHROMEDRIVER)),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler)"),
]


def qr_text(pdf: Path) -> str:
    zxing = pytest.importorskip("zxingcpp")
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf)], check=True, capture_output=True
    ).stdout
    found = zxing.read_barcodes(Image.open(io.BytesIO(png)), formats=zxing.BarcodeFormat.QRCode)
    assert len(found) == 1
    return str(found[0].text)


def done_cell(driver, base: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/")
    row = driver.find_element(By.XPATH, f"//table//tr[td/a[text()='{AID}']]")
    return row.find_elements(By.TAG_NAME, "td")[2].text


def test_an_editor_records_a_deliverable_and_a_visitor_verifies_a_piagam(example, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    port = web.free_port()
    base = f"http://127.0.0.1:{port}"
    web.prepare(example, base, "rina", "editor")
    with web.serve(example, port) as process, web.chromium(tmp_path / "profile") as browser:
        browser.get(f"{base}/")
        assert "/login" in browser.current_url  # anonymous: to the sign-in form
        web.sign_in(browser, base, "rina")
        assert browser.find_element(By.CSS_SELECTOR, "svg.chart")  # the dashboard, signed in
        before = done_cell(browser, base)

        evidence = tmp_path / "Notulen Rapat TW I.pdf"
        evidence.write_bytes(b"%PDF-1.4 notulen rapat koordinasi")
        browser.get(f"{base}/agreements/{AID}")
        form = browser.find_element(By.CSS_SELECTOR, f"#d-{DID} form.update")
        Select(form.find_element(By.NAME, "status")).select_by_value("done")
        form.find_element(By.NAME, "note").send_keys("rapat koordinasi")
        form.find_element(By.NAME, "evidence").send_keys(str(evidence))
        form.find_element(By.CSS_SELECTOR, "button").click()
        history = browser.find_element(By.CSS_SELECTOR, f"#d-{DID} table.history")
        assert "rina" in history.text and "Notulen Rapat TW I.pdf" in history.text
        copied = example / "agreements" / AID / "evidence" / "Notulen Rapat TW I.pdf"
        assert copied.read_bytes().startswith(b"%PDF")

        after = done_cell(browser, base)
        done_before, total = (int(x) for x in before.split("/"))
        assert after == f"{done_before + 1}/{total}"

        # an anonymous visitor scans the printed piagam
        browser.delete_all_cookies()
        pdf = sorted((example / "outputs" / "certificates" / "2022").glob("*.pdf"))[0]
        url = qr_text(pdf)
        assert url.startswith(f"{base}/verifikasi/")
        browser.get(url)
        assert browser.find_element(By.CSS_SELECTOR, "h1.verdict").text == "ASLI"
        assert "DINAS KESEHATAN KOTA KUPANG" in browser.page_source.upper()
        browser.get(url[:-1] + ("0" if url[-1] != "0" else "1"))  # an altered address
        assert browser.find_element(By.CSS_SELECTOR, "h1.verdict").text == "TIDAK DITEMUKAN"

        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=30) == 0
