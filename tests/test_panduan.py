"""docs/panduan.md, run: its section 8 (an agreement over its whole life, as lifecycle.md
tells it in English) gives, in Indonesian, the outputs it shows; every other `docgen`
command of the guide is one docgen accepts."""

from __future__ import annotations

import re
import shlex

from tests.conftest import REPO
from tests.test_docs import COMMANDS
from tests.test_lifecycle_docs import run_walkthrough

DOC = REPO / "docs" / "panduan.md"
LIFE = "## 8. Satu kerja sama sepanjang umurnya"


def test_the_guide_covers_every_lifecycle_command():
    guide = DOC.read_text(encoding="utf-8")
    lifecycle = (REPO / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    used = set(re.findall(r"(?:`|\$ )docgen ([a-z]+ [a-z]+|[a-z]+)", lifecycle))
    known = {name.removeprefix("docgen ") for name, _ in COMMANDS}
    missing = sorted(u for u in used if u in known and f"docgen {u}" not in guide)
    assert missing == []


def test_the_life_of_an_agreement_runs_as_shown_in_indonesian(example, cli):
    text = DOC.read_text(encoding="utf-8")
    # (steps() reads up to lifecycle.md's first part that needs the user's own files)
    section = text[text.index(LIFE) :] + "\n## Draft from a spreadsheet\n"
    assert run_walkthrough(section, example, cli, "--lang", "id") >= 20


def test_every_command_of_the_guide_is_accepted(example, cli):
    text = DOC.read_text(encoding="utf-8")
    text = text[: text.index(LIFE)]
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if not line.startswith("docgen "):
                continue
            argv = shlex.split(line)[1:]
            run = cli(example, "--lang", "id", *argv, "--help")
            assert run.exit_code == 0, (line, run.stdout, run.stderr)
