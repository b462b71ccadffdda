"""Issue 18: a piagam's QR proof is an Ed25519 signature anyone checks with the exported
public key, exactly as docs/certificates.md shows (its Python and OpenSSL examples run
here as written, with this certificate's values); one character changed in the number
or the recipient fails; a workspace holding no private key verifies; the typed check a
public page calls; a verify_url without its fields is refused."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile.conftest import assert_clean_failure

DOC = REPO / "docs" / "certificates.md"
RESULTS = "results/kepatuhan-2022-kota-kupang.csv"
ISSUE = ("certificate", "issue", RESULTS, "--year", "2022", "--min-grade", "B", "--signed-on", "2023-02-16")


def doc_block(language: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return next(b for b in blocks if "ombudsman-pw24.pem" in b)


def set_line(code: str, name: str, value: str, *, shell: bool = False) -> str:
    """The document's example with `name` assigned `value` (the rest as written)."""
    quoted = "'" + value.replace("'", "'\\''") + "'" if shell else json.dumps(value)
    pattern = rf"(?m)(^|; ){name}=[^;\n]*" if shell else rf"(?m)^{name} = .*$"
    replacement = (lambda m: f"{m.group(1)}{name}={quoted}") if shell else (lambda m: f"{name} = {quoted}")
    changed, count = re.subn(pattern, replacement, code)
    assert count == 1, (name, code)
    return changed


@pytest.fixture
def issued(example, cli, tmp_path):
    run = cli(example, *ISSUE, "--json")
    assert run.exit_code == 0, run.stderr
    out = run.json()
    entry = out["issued"][0]
    from pypdf import PdfReader

    qr = str(PdfReader(example / entry["file"]).metadata["/Keywords"])
    exported = cli(example, "certificate", "key", "export", "--out", str(tmp_path / "ombudsman-pw24.pem"))
    assert exported.exit_code == 0, exported.stderr
    return {
        "qr": qr,
        "recipient": entry["recipient"],
        "signed_on": out["signed_on"],
        "number": entry["number"],
    }


def run_python_example(
    tmp_path: Path, qr: str, recipient: str, signed_on: str
) -> subprocess.CompletedProcess[str]:
    code = doc_block("python")
    code = set_line(code, "QR", qr)
    code = set_line(code, "RECIPIENT", recipient)
    code = set_line(code, "SIGNED_ON", signed_on)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def one_char_changed(text: str) -> str:
    index = next(i for i, c in enumerate(text) if c.isalpha())
    return text[:index] + ("X" if text[index] != "X" else "Y") + text[index + 1 :]


def test_the_python_example_verifies_and_one_character_fails(issued, tmp_path):
    qr, recipient, signed_on = issued["qr"], issued["recipient"], issued["signed_on"]
    done = run_python_example(tmp_path, qr, recipient, signed_on)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"genuine: {issued['number']}"
    number, proof = qr.rsplit(" ", 1)
    for forged in (
        (f"{one_char_changed(number)} {proof}", recipient, signed_on),
        (qr, one_char_changed(recipient), signed_on),
        (qr, recipient, "2023-02-17"),
        (f"{number} {proof[:-3]}{'AAA' if proof[-3:] != 'AAA' else 'BBB'}", recipient, signed_on),
    ):
        done = run_python_example(tmp_path, *forged)
        assert done.returncode != 0 and "InvalidSignature" in done.stderr, forged


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")
def test_the_openssl_example_verifies_and_one_character_fails(issued, tmp_path):
    number, proof = issued["qr"].rsplit(" ", 1)

    def run(number: str, recipient: str) -> subprocess.CompletedProcess[str]:
        script = doc_block("sh")
        script = set_line(script, "NUMBER", number, shell=True)
        script = set_line(script, "RECIPIENT", recipient, shell=True)
        script = set_line(script, "SIGNED_ON", issued["signed_on"], shell=True)
        script = set_line(script, "PROOF", proof, shell=True)
        return subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    done = run(number, issued["recipient"])
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout, (
        done.stdout + done.stderr
    )
    for bad in (
        run(one_char_changed(number), issued["recipient"]),
        run(number, one_char_changed(issued["recipient"])),
    ):
        assert bad.returncode != 0 and "Signature Verified Successfully" not in bad.stdout


def test_the_proof_has_the_documented_form(issued):
    number, proof = issued["qr"].rsplit(" ", 1)
    assert number == issued["number"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{86}", proof)


def test_a_workspace_without_the_private_key_says_genuine(example, issued, cli, tmp_path):
    copy = tmp_path / "verifier"
    shutil.copytree(example, copy)
    (copy / ".docgen" / "certificate-key").unlink()
    assert not list((copy / ".docgen").glob("certificate-*"))
    run = cli(copy, "certificate", "verify", issued["qr"], "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["genuine"] is True and run.json()["valid"] is True
    number, proof = issued["qr"].rsplit(" ", 1)
    forged = cli(
        copy, "certificate", "verify", f"{number} {proof[:-1]}{'A' if proof[-1] != 'A' else 'B'}", "--json"
    )
    assert forged.exit_code == 1 and forged.json()["genuine"] is False


def test_the_typed_check_of_a_public_page(example, issued, cli):
    from docgen.app.verification import verify_proof
    from docgen.workspace import find_workspace

    ws = find_workspace(example)
    number, proof = issued["qr"].rsplit(" ", 1)
    found = verify_proof(ws, number, proof)
    assert found.outcome == "genuine"
    assert (found.number, found.recipient, found.issued_on) == (number, issued["recipient"], "2023-02-16")
    assert found.grade_text and found.signatory and found.revoked_on is None
    # a wrong proof or an unknown number tells nothing of the certificate
    wrong = proof[:-1] + ("A" if proof[-1] != "A" else "B")
    assert verify_proof(ws, number, wrong).to_json() == {"outcome": "not_found"}
    assert verify_proof(ws, "9999/PHG/PW24/II/2023", proof).outcome == "not_found"
    assert verify_proof(ws, number, "").outcome == "not_found"
    assert cli(example, "certificate", "revoke", number, "--reason", "nilai dikoreksi").exit_code == 0
    revoked = verify_proof(ws, number, proof)
    assert revoked.outcome == "revoked" and revoked.revoked_reason == "nilai dikoreksi"
    assert revoked.revoked_on is not None and revoked.recipient == issued["recipient"]


@pytest.mark.parametrize(
    "url",
    [
        "https://ombudsman.go.id/cek",
        "https://ombudsman.go.id/cek?n={number}",
        "https://ombudsman.go.id/cek?c={checksum}",
        "https://ombudsman.go.id/{number}?n={number}&c={checksum}",
        "https://ombudsman.go.id/cek?n={number}&c={checksum}&d={checksum}",
    ],
)
def test_a_verify_url_without_its_fields_once_each_is_refused(example, cli, url):
    config = example / "docgen.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[certificates]\n", f'[certificates]\nverify_url = "{url}"\n'), encoding="utf-8"
    )
    lines = assert_clean_failure(cli(example, "check"))
    assert any("verify_url" in line and "{number} and {checksum} once each" in line for line in lines), lines
    issued = cli(example, *ISSUE)
    assert issued.exit_code != 0 and "Traceback" not in issued.stderr
    assert not (example / "outputs" / "certificates").exists()
