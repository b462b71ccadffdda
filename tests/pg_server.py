"""A real, private PostgreSQL server for the tests: initdb into a temporary folder, start
it on a free port with its socket in that folder, stop it and remove the folder.

`.ci/run` starts one for the whole run and exports DOCGEN_TEST_PG_URL (and
DOCGEN_TEST_PG_BIN); without it the tests start one themselves when the server programs
are installed, and skip the PostgreSQL tests (saying why) when they are not.
As root (CI), the server runs as the `postgres` user: PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

BIN_VAR = "DOCGEN_TEST_PG_BIN"
URL_VAR = "DOCGEN_TEST_PG_URL"


def find_bin() -> Path | None:
    """The folder of initdb and pg_ctl: $DOCGEN_TEST_PG_BIN, PATH, Debian's layout."""
    candidates = [os.environ.get(BIN_VAR, "")]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One private cluster (trust authentication, reachable only from this machine)."""

    def __init__(self, bindir: Path, port: int | None = None, *, durable: bool = False) -> None:
        """`durable`: a commit is acknowledged once written (it survives a stopped server);
        otherwise the server trades that for speed, as the test databases may."""
        self.bindir = bindir
        self.durable = durable
        self.port = port or free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    @property
    def as_root(self) -> bool:
        return hasattr(os, "geteuid") and os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> Server:
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        if not self.data.exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            )
        self.resume()
        return self

    def resume(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit={'on' if self.durable else 'off'} -c full_page_writes=off "
            "-c max_connections=100"
        )
        done = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log[-2000:]}")

    def halt(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def stop(self) -> None:
        self.halt("fast")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"


@contextmanager
def admin_url(missing: Callable[[str], NoReturn], *, durable: bool = False) -> Iterator[str]:
    """$DOCGEN_TEST_PG_URL, else the URL of a private server started for the block;
    `missing(reason)` when there is neither."""
    if os.environ.get(URL_VAR):
        yield os.environ[URL_VAR]
        return
    bindir = find_bin()
    if bindir is None:
        missing(
            "no server: set DOCGEN_TEST_PG_URL to an admin URL, or install PostgreSQL's "
            "server programs (`bash .ci/run` does both)"
        )
    try:
        server = Server(bindir, durable=durable).start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        missing(f"cannot start a server: {exc}")
    try:
        yield server.url()
    finally:
        server.stop()
