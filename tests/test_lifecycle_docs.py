"""docs/lifecycle.md, run: its steps, one after another on the example workspace, give the
outputs it shows, and the tracker then tells the whole story."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil

from docx import Document

from tests.conftest import REPO, tracker_history, tracker_rows
from tests.test_docs import COMMANDS

DOC = REPO / "docs" / "lifecycle.md"
STOP = "## Draft from a spreadsheet"  # the rest needs the user's own spreadsheet
APPEND = "<!-- append to "


def steps(text: str) -> list[tuple[str, list[str]]]:
    """("$ command" or "append PATH", expected output lines) in the order of the page."""
    text = text[: text.index(STOP)]
    found: list[tuple[str, list[str]]] = []
    for match in re.finditer(r"(<!-- append to (\S+) -->\n)?```(\w+)\n(.*?)```", text, flags=re.S):
        lang, body = match.group(3), match.group(4)
        if match.group(1):
            found.append((f"append {match.group(2)}", body.splitlines()))
            continue
        if lang != "sh":
            continue
        for line in body.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found and line.strip():
                found[-1][1].append(line)
    return found


def test_every_lifecycle_command_is_documented():
    text = DOC.read_text(encoding="utf-8")
    lifecycle = [
        "agreement sign",
        "agreement extend",
        "agreement renew",
        "agreement import",
        "agreement terminate",
        "agreement history",
        "deliverable retract",
        "letter reminder",
        "letter list",
        "letter show",
        "letter render",
        "letter void",
    ]
    assert [c for c in lifecycle if f"docgen {c}" not in text] == []
    known = {name.removeprefix("docgen ") for name, _ in COMMANDS}
    used = {" ".join(p for p in m if p) for m in re.findall(r"(?:`|\$ )docgen ([a-z]+)(?: ([a-z]+))?", text)}
    assert not {u for u in used if u not in known and u.split()[0] not in known}


def run_walkthrough(text: str, example, cli, *options: str) -> int:
    """Run the steps of a walkthrough page on the example workspace, checking the outputs
    it shows; the number of commands run."""
    ran = 0
    for command, expected in steps(text):
        if command.startswith("append "):
            target = example / command.split(" ", 1)[1]
            with open(target, "a", encoding="utf-8") as fh:
                fh.write("\n".join(expected) + "\n")
            continue
        argv = shlex.split(command)
        if argv[:2] == ["rm", "-r"]:
            shutil.rmtree(example / argv[2])
            continue
        assert argv[0] == "docgen", command
        run = cli(example, *options, *argv[1:])
        shown = [line.strip() for line in (run.stdout + run.stderr).splitlines()]
        for line in expected:
            if "..." in line or line.lstrip()[:1] in "│┃┏┡└" or not line.strip():
                continue  # elided or a table row: its width is the terminal's
            assert line.strip() in shown, (command, line, run.stdout, run.stderr)
        refused = any(line.strip() in run.stderr.splitlines() for line in expected)
        assert run.exit_code == (1 if refused else 0), (command, run.stderr)
        ran += 1
    return ran


def test_the_walkthrough_runs_as_documented(example, cli):
    ran = run_walkthrough(DOC.read_text(encoding="utf-8"), example, cli)
    assert ran >= 20

    # The tracker tells the whole story of ntt-renja-2022.
    story = cli(example, "agreement", "history", "ntt-renja-2022", "--json").json()
    kinds = [(e["kind"], e["ref"]) for e in story]
    for expected in [
        ("reminder", "B/001/PW24/KM.01/III/2022"),
        ("deliverable", "1"),
        ("deliverable", "2"),
        ("deliverable", "3"),
        ("deliverable", "4"),
        ("letter", "B/002/PW24/KM.01/VII/2022"),
        ("letter", "B/003/PW24/KM.01/VII/2022"),
        ("letter", "B/004/PW24/KM.01/VII/2022"),
        ("number", "01/KB/PW24/XII/2022"),
        ("void", "B/002/PW24/KM.01/VII/2022"),
        ("termination", "1"),
        ("termination", "2"),
    ]:
        assert expected in kinds, expected
    texts = {(e["kind"], e["ref"]): e["text"] for e in story}
    assert "(void: Alamat salah, tidak dikirim)" in texts[("letter", "B/002/PW24/KM.01/VII/2022")]
    assert "(retracted by event 3)" in texts[("deliverable", "2")]
    assert "(letter no. 2)" in texts[("letter", "B/004/PW24/KM.01/VII/2022")]
    assert texts[("termination", "2")].startswith("termination corrected to 2023-02-06")
    table = cli(example, "agreement", "history", "ntt-renja-2022")
    assert table.exit_code == 0 and "retracted" in table.stdout

    # ...and the files say the same.
    renja = (example / "agreements" / "ntt-renja-2022.yaml").read_text(encoding="utf-8")
    assert renja.startswith("# Rencana Kerja signed in Kupang on 8 February 2022")  # comments kept
    assert renja.count("  - number: ") == 2
    renewal = (example / "agreements" / "ntt-renja-2023.yaml").read_text(encoding="utf-8")
    assert "renews: ntt-renja-2022" in renewal and "signed_on: 2023-02-06" in renewal
    assert "numbers: {first: 02/RK/PW24/II/2023, second: 061/BO/II/2023}" in renewal
    letters = {r["number"]: r for r in tracker_rows(example, "letters")}
    assert letters["B/002/PW24/KM.01/VII/2022"]["void"] is True
    assert letters["B/004/PW24/KM.01/VII/2022"]["cites"] == ["B/003/PW24/KM.01/VII/2022"]
    assert [e["action"] for e in tracker_rows(example, "terminations")] == ["terminate", "correct"]
    assert len(tracker_history(example, "ntt-renja-2022")) == 4
    adendum = Document(str(example / "outputs/agreements/ntt-renja-2022-adendum-1.docx"))
    assert "ADENDUM PERTAMA" in [p.text for p in adendum.paragraphs]

    # A letter re-created after outputs/ was deleted is the very file that was issued.
    path = example / letters["B/004/PW24/KM.01/VII/2022"]["file"]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    path.unlink()
    assert cli(example, "letter", "render", "B/004/PW24/KM.01/VII/2022").exit_code == 0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest

    status = {
        r["id"]: (r["status"], r["terminated_on"])
        for r in cli(example, "agreement", "list", "--as-of", "2023-02-10", "--json").json()
    }
    assert status["ntt-renja-2022"] == ("terminated", "2023-02-06")
    assert status["ntt-renja-2023"][0] == "active"
