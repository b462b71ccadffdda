"""`docgen serve` figures: the dashboard of 200 agreements x 50 deliverables, and the public
verification page under a bounded local load loop, each beside a baseline in the same run.

    python benchmarks/bench_web.py [--requests 30] [--load 2000] [--clients 4]

Both servers are real: `python -m docgen serve` (uvicorn, one worker) in a child process,
asked over HTTP on 127.0.0.1 with keep-alive connections (http.client).

- Dashboard: the workspace of bench_tracker (the example MoU and 200 work plans of 50
  deliverables, 10,000 deliverables) with 10,000 recorded updates. Baseline: the same
  report computed in-process, `docgen.app.monitor.monitor` + `json.dumps` (what `monitor
  --json` does after start-up). Timed: `GET /` as HTML and as JSON, signed in (the report
  is kept while the files it comes from are unchanged), and the first view after each of
  5 updates (computed again). Target: median < 300 ms.
- Verification page: the example workspace with 300 certificates issued, the rate limit
  raised for the run. Baseline: a minimal Starlette app under the same uvicorn settings
  that answers a fixed page. Timed: `GET` of a certificate's QR address (ASLI, with the
  verification recorded in the log), `--clients` keep-alive connections in threads,
  `--load` requests in all. Target: median < 20 ms, >= 200 requests/s on one worker.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench_tracker import make_workspace, updates
from common import REPO, example_workspace

from docgen.agreements import load_catalog
from docgen.app.deliverables import record_updates

PASSWORD = "rahasia-kantor-benchmark"
BASELINE = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
PAGE = "<!doctype html><html><body><h1>ASLI</h1>" + "<p>x</p>" * 20 + "</body></html>"
async def page(request):
    return HTMLResponse(PAGE, headers={"Cache-Control": "no-store"})
app = Starlette(routes=[Route("/{path:path}", page)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DOCGEN_TRACKER_URL", None)
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit(f"server did not start: {process.communicate()[1].decode()}") from None
            time.sleep(0.2)


def serve(ws: Path, port: int) -> subprocess.Popen[bytes]:
    return start([sys.executable, "-m", "docgen", "-w", str(ws), "serve", "--port", str(port)], port)


def docgen(ws: Path, *args: str, input: str | None = None) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DOCGEN_TRACKER_URL", None)
    subprocess.run([sys.executable, "-m", "docgen", "-w", str(ws), *args], input=input, text=True,
                   env=env, check=True, capture_output=True)


def sign_in(port: int) -> str:
    """The Cookie header of a signed-in session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    page = conn.getresponse()
    html = page.read().decode()
    anon = re.search(r"docgen_anon=([^;]+)", page.getheader("set-cookie") or "")[1]
    token = re.search(r'name="csrf" value="([^"]+)"', html)[1]
    body = urlencode({"username": "bench", "password": PASSWORD, "csrf": token})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Cookie": f"docgen_anon={anon}"})
    answer = conn.getresponse()
    answer.read()
    return "docgen_session=" + re.search(r"docgen_session=([^;]+)", answer.getheader("set-cookie") or "")[1]


def timings(port: int, path: str, count: int, headers: dict[str, str]) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    out = []
    for _ in range(count):
        begin = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        out.append(time.perf_counter() - begin)
        assert response.status == 200, response.status
    conn.close()
    return out


def summary(label: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (f"  {label:<44} median {statistics.median(ms):7.1f} ms   best {ms[0]:7.1f} ms   "
            f"worst {ms[-1]:7.1f} ms   ({len(ms)} requests)")


def dashboard(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="docgen-bench-web-") as scratch:
        ws = make_workspace(Path(scratch))
        cat = load_catalog(ws)
        record_updates(ws, updates(10_000), cat.agreements)
        docgen(ws.root, "user", "add", "bench", "--role", "viewer", input=f"{PASSWORD}\n")
        from docgen.app.monitor import monitor

        as_of = date(2022, 7, 1)
        base = []
        for _ in range(runs):
            begin = time.perf_counter()
            json.dumps(monitor(ws, as_of).report)
            base.append(time.perf_counter() - begin)
        port = free_port()
        server = serve(ws.root, port)
        try:
            cookie = sign_in(port)
            timings(port, f"/?as_of={as_of}", 2, {"Cookie": cookie})  # warm-up
            html = timings(port, f"/?as_of={as_of}", runs, {"Cookie": cookie})
            data = timings(port, f"/?as_of={as_of}", runs, {"Cookie": cookie, "Accept": "application/json"})
            fresh = []  # the first view after a change: the report is computed again
            for k in range(5):
                record_updates(ws, updates(1, offset=20_000 + k), cat.agreements)
                fresh += timings(port, f"/?as_of={as_of}", 1, {"Cookie": cookie})
        finally:
            server.terminate()
            server.wait()
    print("dashboard, 200 agreements x 50 deliverables (10,001 deliverables), 10,000 events:")
    print(summary("baseline: monitor() + json.dumps in-process", base))
    print(summary("GET / (HTML page, SVG chart)", html))
    print(summary("GET / (Accept: application/json)", data))
    print(summary("GET / first view after an update", fresh))
    print(f"  target: median < 300 ms -> {'met' if statistics.median(html) < 0.3 else 'NOT met'}")


def certificates_sheet(path: Path, count: int) -> None:
    lines = ["instansi;unit;nilai"]
    for i in range(count):
        score = f"{80 + (i % 20) / 2:.2f}".replace(".", ",")
        lines.append(f"Dinas Pelayanan Nomor {i} Kota Kupang;Pemerintah Kota Kupang;{score}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(port: int, path: str, total: int, clients: int) -> tuple[float, list[float]]:
    """`total` GETs of `path` over `clients` keep-alive connections in threads: (wall, each)."""
    per = total // clients
    times: list[list[float]] = [[] for _ in range(clients)]

    def client(k: int) -> None:
        times[k] = timings(port, path, per, {})

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - begin, [t for each in times for t in each]


def verification(total: int, clients: int) -> None:
    with tempfile.TemporaryDirectory(prefix="docgen-bench-verify-") as scratch:
        root = example_workspace(Path(scratch) / "ws")
        port = free_port()
        config = (root / "docgen.toml").read_text(encoding="utf-8")
        config = config.replace('signatory = "ketua"\n', 'signatory = "ketua"\nverify_url = '
                                '"https://kerjasama.example.go.id/verifikasi/{number}?c={checksum}"\n')
        config += "\n[web]\nverify_limit = 1000000\n"
        (root / "docgen.toml").write_text(config, encoding="utf-8")
        sheet = Path(scratch) / "hasil-2022.csv"
        certificates_sheet(sheet, 300)
        docgen(root, "certificate", "issue", str(sheet), "--year", "2022", "--min-grade", "E")
        from pypdf import PdfReader

        pdf = sorted((root / "outputs" / "certificates" / "2022").glob("0150-*.pdf"))[0]
        parts = urlsplit(str(PdfReader(str(pdf)).metadata["/Keywords"]))
        path = f"{parts.path}?{parts.query}"

        base_port = free_port()
        baseline = start([sys.executable, "-c", BASELINE, str(base_port)], base_port)
        try:
            timings(base_port, path, 50, {})
            base_wall, base_each = load(base_port, path, total, clients)
        finally:
            baseline.terminate()
            baseline.wait()
        server = serve(root, port)
        try:
            timings(port, path, 50, {})  # warm-up; every answer is ASLI (status 200)
            wall, each = load(port, path, total, clients)
        finally:
            server.terminate()
            server.wait()
        logged = (root / "tracker-verifications.jsonl").read_text(encoding="utf-8").count("\n")
    print(f"verification page, {total} requests over {clients} keep-alive connections, one uvicorn worker:")
    print(summary("baseline: minimal Starlette page", base_each) + f"   {total / base_wall:7.1f} req/s")
    print(summary("docgen: a certificate's QR address (ASLI)", each) + f"   {total / wall:7.1f} req/s")
    print(f"  verifications logged: {logged}")
    ok = statistics.median(each) < 0.02 and total / wall >= 200
    print(f"  target: median < 20 ms and >= 200 req/s -> {'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="dashboard requests of each kind")
    parser.add_argument("--load", type=int, default=2000, help="verification requests in all")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections of the load loop")
    args = parser.parse_args()
    dashboard(args.requests)
    print()
    verification(args.load, args.clients)


if __name__ == "__main__":
    main()
