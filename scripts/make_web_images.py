"""Make the screenshots of docs/web.md: the dashboard, an agreement page and the public
verification page of `docgen serve`, on a copy of the example workspace.

    python scripts/make_web_images.py [--out DIR]

Starts a real `docgen serve` (uvicorn) on a free port of 127.0.0.1, with an admin user and
the example's certificates issued, records one deliverable, and takes the screenshots in
Debian's headless Chromium (/usr/bin/chromium through /usr/bin/chromedriver, selenium).
tests/test_browser.py drives the same server and browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PASSWORD = "rahasia-kantor-ntt"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DOCGEN_TRACKER_URL", None)
    return env


def docgen(ws: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(ws), *args],
        input=input,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
        check=False,
    )


def example_copy(target: Path) -> Path:
    """The repository's example workspace, copied to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "docgen.toml", target / "docgen.toml")
    for sub in ("agreements", "results", "templates"):
        shutil.copytree(ROOT / sub, target / sub)
    (target / "outputs").mkdir()
    return target


def prepare(ws: Path, base: str, user: str = "rina", role: str = "editor", *issue_args: str) -> None:
    """verify_url on `base`, a user of `role`, the example's certificates issued."""
    config = (ws / "docgen.toml").read_text(encoding="utf-8")
    config = config.replace(
        'signatory = "ketua"\n',
        f'signatory = "ketua"\nverify_url = "{base}/verifikasi/{{number}}?c={{checksum}}"\n',
    )
    (ws / "docgen.toml").write_text(config, encoding="utf-8")
    steps = [
        (("user", "add", user, "--role", role), f"{PASSWORD}\n{PASSWORD}\n"),
        (("certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv", *issue_args), None),
    ]
    for args, stdin in steps:
        done = docgen(ws, *args, input=stdin)
        if done.returncode != 0:
            raise RuntimeError(f"docgen {' '.join(args)}: {done.stderr}")


@contextmanager
def serve(ws: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """`docgen serve --port PORT` as a child process, once it accepts connections."""
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "-w", str(ws), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"docgen serve did not start: {process.communicate()[1]}") from None
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@contextmanager
def chromium(profile: Path, width: int = 1280, height: int = 1600) -> Iterator[Any]:
    """Headless Debian Chromium under selenium, with a fresh profile and no background traffic."""
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
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def sign_in(driver: Any, base: str, user: str = "rina") -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.login button").click()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-web-images-") as scratch:
        ws = example_copy(Path(scratch) / "ws")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        prepare(ws, base, "rina", "admin", "--signed-on", "2023-02-16")
        evidence = Path(scratch) / "Notulen Rapat Koordinasi.pdf"
        evidence.write_bytes(b"%PDF-1.4 notulen")
        docgen(
            ws,
            "deliverable",
            "set",
            "ntt-renja-2022",
            "W1-D1",
            "--status",
            "done",
            "--on",
            "2022-03-30",
            "--note",
            "rapat koordinasi",
            "--evidence",
            str(evidence),
        )
        with serve(ws, port), chromium(Path(scratch) / "profile") as driver:
            sign_in(driver, base)
            shots = [
                ("web-dasbor.png", f"{base}/?as_of=2022-07-01"),
                ("web-perjanjian.png", f"{base}/agreements/ntt-renja-2022?as_of=2022-07-01"),
            ]
            pdf = sorted((ws / "outputs" / "certificates" / "2022").glob("0002-*.pdf"))[0]
            keywords = _keywords(pdf)
            shots.append(("web-verifikasi.png", keywords))
            for name, url in shots:
                if name == "web-verifikasi.png":
                    driver.delete_all_cookies()
                driver.get(url)
                height = driver.execute_script("return document.body.scrollHeight")
                driver.set_window_size(1280, min(max(int(height) + 200, 700), 2600))
                driver.save_screenshot(str(args.out / name))
                print(f"wrote {args.out / name}")


def _keywords(pdf: Path) -> str:
    """The certificate's QR payload, as its PDF's keywords carry it."""
    from pypdf import PdfReader

    metadata = PdfReader(str(pdf)).metadata
    return str(metadata.get("/Keywords")) if metadata else ""


if __name__ == "__main__":
    main()
