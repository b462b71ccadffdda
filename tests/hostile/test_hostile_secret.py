"""A lost or replaced certificate secret: never silently replaced; verify tells "signed with
another secret" from "altered"; the way to back it up is documented."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO
from tests.hostile.conftest import assert_clean_failure, state_of

SECRET = Path(".docgen") / "certificate-secret"


def _issue(cli, ws: Path, name: str, rows: str):
    """Issue the rows of a result sheet `name` (JSON)."""
    (ws / "results" / name).write_text("instansi,nilai\n" + rows, encoding="utf-8")
    return cli(ws, "certificate", "issue", f"results/{name}", "--signed-on", "2023-01-05", "--json")


def _payload(cli, ws: Path, number: str) -> str:
    from pypdf import PdfReader

    record = next(
        r
        for r in json.loads((ws / "tracker.json").read_text())["certificates"].values()
        if r["number"] == number
    )
    return str(PdfReader(ws / record["file"]).metadata["/Keywords"])


def test_lost_secret_is_not_replaced(example, cli):
    assert _issue(cli, example, "a-2022.csv", "Dinas A,90\n").exit_code == 0
    (example / SECRET).unlink()
    before = state_of(example)
    run = _issue(cli, example, "b-2022.csv", "Dinas B,90\n")
    lines = assert_clean_failure(run)
    assert lines[0].startswith(
        ".docgen/certificate-secret is missing, but the registry holds 1 "
        "certificate(s) signed with it: restore it from a backup"
    )
    assert not (example / SECRET).exists()
    assert state_of(example) == before


def test_verify_tells_another_secret_from_an_altered_code(example, cli):
    run = _issue(cli, example, "a-2022.csv", "Dinas A,90\n")
    assert run.exit_code == 0
    number = run.json()["issued"][0]["number"]
    payload = _payload(cli, example, number)
    # Genuine with the right secret.
    assert cli(example, "certificate", "verify", payload).exit_code == 0
    # Altered: a checksum that is not this certificate's.
    altered = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    run = cli(example, "certificate", "verify", altered, "--json")
    assert run.exit_code == 1
    assert "altered" in run.stderr and run.json()["other_secret"] is False
    # Another secret in place (the original lost, a new one made): not "altered".
    original = (example / SECRET).read_bytes()
    (example / SECRET).write_text("ab" * 32 + "\n")
    run = cli(example, "certificate", "verify", payload, "--json")
    assert run.exit_code == 1
    assert run.json()["other_secret"] is True
    assert "signed with another secret" in run.stderr and "altered" not in run.stderr
    pdf = next((example / "outputs" / "certificates" / "2022").glob("0001-*.pdf"))
    run = cli(example, "certificate", "verify", str(pdf))
    assert run.exit_code == 1 and "signed with another secret" in run.stderr
    # ... and issuing with it is refused, nothing written.
    before = state_of(example)
    lines = assert_clean_failure(_issue(cli, example, "b-2022.csv", "Dinas B,90\n"))
    assert "is not the secret that signed the 1 certificate(s)" in lines[0]
    assert state_of(example) == before
    # Restoring the original makes it verify again.
    (example / SECRET).write_bytes(original)
    assert cli(example, "certificate", "verify", payload).exit_code == 0


def test_once_every_certificate_is_revoked_a_new_secret_may_start(example, cli):
    number = _issue(cli, example, "a-2022.csv", "Dinas A,90\n").json()["issued"][0]["number"]
    (example / SECRET).unlink()
    run = cli(example, "certificate", "revoke", number, "--reason", "secret lost")
    assert run.exit_code == 0
    run = _issue(cli, example, "b-2022.csv", "Dinas B,90\n")
    assert run.exit_code == 0, run.stderr
    assert (example / SECRET).is_file()


def test_backing_up_the_secret_is_documented():
    text = (REPO / "docs" / "certificates-secret.md").read_text(encoding="utf-8")
    assert "Back it up" in text and ".docgen/certificate-secret" in text
    assert "certificates-secret.md" in (REPO / "README.md").read_text(encoding="utf-8")
