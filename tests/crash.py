"""Killing docgen at random moments, then checking that every number it printed is
registered once (issue 17). Used by tests/test_crash.py and scripts/crash_numbers.py.

A round: snapshot the workspace, start the command in a child process, SIGKILL it after
a random (seeded) delay, check that a command that committed nothing changed no file
that existed before, run the command again to completion, then check the invariant over
every file docgen wrote (read from .docx with python-docx, from PDFs with pypdf):
each printed number is in the registry, no number is printed by two documents, no
pending or temporary file is left.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NUMBER = re.compile(
    r"(?<![\w/.])(?:B/\d{3,}/PW24/KM\.01/[IVX]+/\d{4}|\d{4,}/PHG/PW24/[IVX]+/\d{4}|\d{2,}/(?:KB|RK)/PW24/[IVX]+/\d{4})"
)
COMMANDS = ("sign", "followup", "certificate", "certificates", "next")
# "certificates": a sheet of BATCH new recipients each round, so that `certificate issue` renders
# with a second process (render/fork.py), which must die with the killed command.
BATCH = 66
RESULTS_HEAD = "instansi,unit,nilai\n"


@dataclass
class Outcome:
    command: str
    backend: str
    kills: int = 0
    completed_before_kill: int = 0  # the child finished before its kill came
    committed_when_killed: int = 0  # killed after its numbers were committed
    recovered: int = 0  # the next command said it finished interrupted work
    violations: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.command:<12} {self.backend:<10} kills {self.kills:>3}  finished first "
            f"{self.completed_before_kill:>3}  killed after commit {self.committed_when_killed:>3}  "
            f"finished by next run {self.recovered:>3}  violations {len(self.violations)}"
        )


def make_workspace(root: Path) -> Path:
    """The repository's example workspace, certificates signed by the office head."""
    root.mkdir(parents=True)
    config = (REPO / "docgen.toml").read_text(encoding="utf-8")
    config = re.sub(r'(?m)^signatory = "ketua"\n', "", config)
    (root / "docgen.toml").write_text(config, encoding="utf-8")
    for sub in ("agreements", "templates"):
        shutil.copytree(REPO / sub, root / sub)
    (root / "outputs").mkdir()
    (root / "results").mkdir()
    return root


class Crasher:
    def __init__(self, root: Path, env: dict[str, str], seed: int, backend: str) -> None:
        self.root = root
        self.env = {**os.environ, **env, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "en"}
        self.random = random.Random(seed)
        self.backend = backend
        self.duration: dict[str, float] = {}
        self.sheet_rows = 0
        self.read: dict[str, set[str]] = {}  # the numbers each file (by digest) prints

    # -- running docgen
    def argv(self, command: str, i: str, *, rerun: bool = False) -> list[str]:
        base = [sys.executable, "-m", "docgen", "--workspace", str(self.root)]
        if command == "sign":
            return [*base, "agreement", "sign", f"draft-{i}", "--on", "2022-03-01"]
        if command == "followup":
            again = [] if rerun else ["--again"]
            return [
                *base,
                "letter",
                "followup",
                "--all",
                "--as-of",
                "2022-08-01",
                "--without-superior",
                *again,
            ]
        if command in ("certificate", "certificates"):
            return [
                *base,
                "certificate",
                "issue",
                "results/kepatuhan-2022-crash.csv",
                "--signed-on",
                "2023-02-16",
            ]
        return [*base, "number", "next", "letter", "--on", "2022-05-01", "--json"]

    def run(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=300)

    def prepare(self, command: str, i: str) -> None:
        if command == "sign":
            text = (REPO / "agreements" / "ntt-renja-2022.yaml").read_text(encoding="utf-8")
            text = re.sub(r"(?m)^id: .*$", f"id: draft-{i}", text)
            text = re.sub(r"(?m)^signed_on: .*\n", "", text)
            text = re.sub(r"(?m)^numbers: .*\n", "", text)
            (self.root / "agreements" / f"draft-{i}.yaml").write_text(text, encoding="utf-8")
        elif command == "certificate":  # the same sheet, two more rows each round
            self.sheet_rows += 2
            self._sheet(f"Dinas Nomor {n} Kota Kupang" for n in range(1, self.sheet_rows + 1))
        elif command == "certificates":  # a sheet of BATCH new recipients each round
            self._sheet(f"Dinas Nomor {n} Ronde {i} Kota Kupang" for n in range(1, BATCH + 1))

    def _sheet(self, recipients: Iterable[str]) -> None:
        rows = [f"{name},Pemerintah Kota Kupang,{80 + n % 19}.5\n" for n, name in enumerate(recipients, 1)]
        (self.root / "results" / "kepatuhan-2022-crash.csv").write_text(
            RESULTS_HEAD + "".join(rows), encoding="utf-8"
        )

    # -- the registry and the files
    def registry(self) -> list[dict]:
        """The registry as `number list --json` gives it (read in this process)."""
        from docgen.app.numbers import list_numbers

        return self._in_process(list_numbers)

    def journal(self) -> list[dict]:
        """The open journal entries (state/journal.py)."""
        from docgen.state import journal, open_tracker

        def entries(ws):
            with open_tracker(ws).read() as session:
                return journal.entries(session)

        return self._in_process(entries)

    def _in_process(self, read):
        from docgen.workspace import find_workspace

        saved = os.environ.get("DOCGEN_TRACKER_URL")
        if self.env.get("DOCGEN_TRACKER_URL"):
            os.environ["DOCGEN_TRACKER_URL"] = self.env["DOCGEN_TRACKER_URL"]
        try:
            return read(find_workspace(self.root))
        finally:
            if saved is None:
                os.environ.pop("DOCGEN_TRACKER_URL", None)
            else:
                os.environ["DOCGEN_TRACKER_URL"] = saved

    def snapshot(self, *, pending: bool = False) -> dict[str, str]:
        """The workspace's files and their digests (with `pending`, .docgen's too)."""
        found = {}
        for path in sorted(self.root.rglob("*")):
            if (
                path.is_file()
                and (pending or ".docgen" not in path.parts)
                and path.name not in ("tracker.json",)
            ):
                if "tracker-history" in path.parts:
                    continue
                found[path.relative_to(self.root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found

    def printed(self, path: Path) -> set[str]:
        if path.suffix == ".docx":
            import docx

            document = docx.Document(str(path))
            texts = [p.text for p in document.paragraphs]
            for table in document.tables:
                texts += [cell.text for row in table.rows for cell in row.cells]
            for section in document.sections:
                texts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
            return set(NUMBER.findall("\n".join(texts)))
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            return set(
                NUMBER.findall("\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))
            )
        if path.suffix in (".yaml", ".yml"):
            return set(NUMBER.findall(path.read_text(encoding="utf-8")))
        return set()

    def check(self, baseline: dict[str, str], problems: list[str]) -> None:
        registry = self.registry()
        numbers = Counter(r["number"] for r in registry)
        problems.extend(f"{n}: {c} registry records" for n, c in numbers.items() if c > 1)
        places = Counter((r["kind"], r["year"], r["seq"]) for r in registry)
        problems.extend(f"{k}: sequence place given {c} times" for k, c in places.items() if c > 1)
        owner: dict[str, str] = {}
        for rel, sha in self.snapshot().items():
            path = self.root / rel
            if path.name.startswith(".") and path.name.endswith((".tmp", ".docgen-pending")):
                if not path.name.startswith(".tracker.json."):  # the tracker's own, not a document
                    problems.append(f"{rel}: a temporary or pending file is left")
                continue
            if baseline.get(rel) == sha and not rel.startswith("outputs/"):
                continue  # not written by docgen
            try:
                if sha not in self.read:  # a file unchanged since an earlier round: read once
                    self.read[sha] = self.printed(path)
                found = self.read[sha]
            except Exception as exc:  # a half-written file is a finding, not a crash of the test
                problems.append(f"{rel}: unreadable ({type(exc).__name__})")
                continue
            for number in found:
                # The number the document carries as its own (a letter also cites its
                # agreement's numbers, typed into the agreement file by a person).
                kind_of_file = path.suffix
                mine = (
                    (kind_of_file == ".docx" and number.startswith("B/"))
                    or (kind_of_file == ".pdf" and "/PHG/" in number)
                    or (
                        kind_of_file == ".yaml"
                        and re.search(
                            r"^[^#]*(first|number): .*" + re.escape(number),
                            path.read_text(encoding="utf-8"),
                            re.M,
                        )
                        is not None
                    )
                )
                if not mine:
                    continue
                if number not in numbers:
                    problems.append(f"{rel}: prints {number}, which the registry does not hold")
                if "/print/" in rel:
                    continue  # the print file repeats each certificate's page
                if number in owner and owner[number] != rel:
                    problems.append(f"{number}: printed by {owner[number]} and {rel}")
                owner[number] = rel

    # -- one round
    def calibrate(self, command: str) -> None:
        """How long one run takes here: kills are spread over that time."""
        self.prepare(command, "calibrate")
        start = time.monotonic()
        done = self.run(self.argv(command, "calibrate"))
        self.duration[command] = time.monotonic() - start
        assert done.returncode == 0, done.stderr

    def round(self, command: str, i: str, outcome: Outcome) -> None:
        self.prepare(command, i)
        before_files = self.snapshot()
        before_numbers = {r["number"] for r in self.registry()}
        delay = self.random.uniform(0.2, 0.95) * self.duration[command]
        child = subprocess.Popen(
            self.argv(command, i), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            child.wait(timeout=delay)
            outcome.completed_before_kill += 1
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
        stdout, _stderr = child.communicate()
        outcome.kills += 1
        if command == "certificates":  # no writer outlives the command it belonged to
            written = self.snapshot(pending=True)
            time.sleep(0.3)
            if self.snapshot(pending=True) != written:
                outcome.violations.append(f"round {i}: files still written after the command was killed")
        after_numbers = {r["number"] for r in self.registry()}
        new = after_numbers - before_numbers
        problems: list[str] = []
        if command == "next":
            problems.extend(
                f"number next printed {n}, which the registry does not hold"
                for n in NUMBER.findall(stdout)
                if n not in after_numbers
            )
        if new and child.returncode != 0:
            outcome.committed_when_killed += 1
        if not new:  # nothing committed: every file that existed is exactly as it was
            now = self.snapshot()
            problems.extend(
                f"{rel}: changed by a command that committed nothing"
                for rel, sha in before_files.items()
                if now.get(rel) != sha
            )
        again = self.run(self.argv(command, i, rerun=True))
        if "finished `docgen" in again.stderr:
            outcome.recovered += 1
        if again.returncode != 0 and "already signed" not in again.stderr:
            problems.append(f"the command run again failed: {again.stderr.strip()[:300]}")
        self.check(before_files, problems)
        problems.extend(f"journal entry {e.get('id')} is still open" for e in self.journal())
        outcome.violations.extend(f"round {i}: {p}" for p in problems)


def crash(root: Path, command: str, kills: int, *, env: dict[str, str], seed: int, backend: str) -> Outcome:
    """`kills` rounds of `command` in the workspace `root` (made here)."""
    make_workspace(root)
    crasher = Crasher(root, env, seed, backend)
    crasher.calibrate(command)
    outcome = Outcome(command, backend)
    for i in range(kills):
        crasher.round(command, str(i), outcome)
    return outcome
