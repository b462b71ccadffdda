"""A real browser against a real `docgen serve`: Debian's Chromium driven by selenium.

On the example workspace: an editor signs in, records a deliverable done with an evidence
file, sees the dashboard change; an anonymous visitor opens the verification page at the
address the QR code printed on a piagam holds (read off the PDF with zxing-cpp) and sees
ASLI. Ctrl-C (SIGINT) stops the server with exit code 0.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "rahasia-kantor-ntt"
AID, DID = "ntt-renja-2022", "W1-D1"

pytestmark = [
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
    ),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def docgen(root: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "id"}
    env.pop("DOCGEN_TRACKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(root), *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def qr_text(pdf: Path) -> str:
    zxing = pytest.importorskip("zxingcpp")
    from PIL import Image

    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf)], check=True, capture_output=True
    ).stdout
    found = zxing.read_barcodes(Image.open(io.BytesIO(png)), formats=zxing.BarcodeFormat.QRCode)
    assert len(found) == 1
    return str(found[0].text)


@pytest.fixture
def server(example: Path):
    """`docgen serve` on a free port, with verify_url on that server; an editor added and
    the example's certificates issued."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = (example / "docgen.toml").read_text(encoding="utf-8")
    config = config.replace(
        'signatory = "ketua"\n',
        f'signatory = "ketua"\nverify_url = "{base}/verifikasi/{{number}}?c={{checksum}}"\n',
    )
    (example / "docgen.toml").write_text(config, encoding="utf-8")
    added = docgen(example, "user", "add", "rina", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    issued = docgen(example, "certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv")
    assert issued.returncode == 0, issued.stderr
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DOCGEN_TRACKER_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "-w", str(example), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"docgen serve did not start: {process.communicate()[1]}")
            time.sleep(0.2)
    yield example, base, process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def done_cell(driver, base: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/")
    row = driver.find_element(By.XPATH, f"//table//tr[td/a[text()='{AID}']]")
    return row.find_elements(By.TAG_NAME, "td")[2].text


def test_an_editor_records_a_deliverable_and_a_visitor_verifies_a_piagam(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    root, base, process = server
    browser.get(f"{base}/")
    assert "/login" in browser.current_url  # anonymous: to the sign-in form
    browser.find_element(By.NAME, "username").send_keys("rina")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.login button").click()
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
    assert (
        (root / "agreements" / AID / "evidence" / "Notulen Rapat TW I.pdf").read_bytes().startswith(b"%PDF")
    )

    after = done_cell(browser, base)
    done_before, total = (int(x) for x in before.split("/"))
    assert after == f"{done_before + 1}/{total}"

    # an anonymous visitor scans the printed piagam
    browser.delete_all_cookies()
    pdfs = sorted((root / "outputs" / "certificates" / "2022").glob("*.pdf"))
    url = qr_text(pdfs[0])
    assert url.startswith(f"{base}/verifikasi/")
    browser.get(url)
    verdict = browser.find_element(By.CSS_SELECTOR, "h1.verdict").text
    assert verdict == "ASLI"
    assert "DINAS" in browser.page_source.upper() and str(date.today().year) in browser.page_source

    process.send_signal(signal.SIGINT)  # Ctrl-C
    assert process.wait(timeout=30) == 0
