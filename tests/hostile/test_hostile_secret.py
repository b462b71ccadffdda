"""The certificate signing key and the older HMAC secret (issue 18): a lost key is never
silently replaced; a retired or foreign key signs nothing; `key rotate` keeps older
certificates verifying; certificates issued with the HMAC secret keep verifying, and
verify tells "signed with another secret" from "altered"; the backups are documented."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from tests.conftest import REPO
from tests.hostile.conftest import assert_clean_failure, state_of

SECRET = Path(".docgen") / "certificate-secret"
KEY = Path(".docgen") / "certificate-key"


def _issue(cli, ws: Path, name: str, rows: str):
    """Issue the rows of a result sheet `name` (JSON)."""
    (ws / "results" / name).write_text("instansi,nilai\n" + rows, encoding="utf-8")
    return cli(ws, "certificate", "issue", f"results/{name}", "--signed-on", "2023-01-05", "--json")


def _payload(ws: Path, number: str) -> str:
    from pypdf import PdfReader

    record = next(
        r
        for r in json.loads((ws / "tracker.json").read_text())["certificates"].values()
        if r["number"] == number
    )
    return str(PdfReader(ws / record["file"]).metadata["/Keywords"])


def test_lost_key_is_not_replaced(example, cli):
    number = _issue(cli, example, "a-2022.csv", "Dinas A,90\n").json()["issued"][0]["number"]
    payload = _payload(example, number)
    (example / KEY).unlink()
    before = state_of(example)
    lines = assert_clean_failure(_issue(cli, example, "b-2022.csv", "Dinas B,90\n"))
    assert lines[0].startswith(".docgen/certificate-key is missing, but the tracker holds 1 public key(s)")
    assert "restore the key from its backup" in lines[0] and "key rotate" in lines[0]
    assert not (example / KEY).exists()
    assert state_of(example) == before
    # verifying needs no private key
    assert cli(example, "certificate", "verify", payload).exit_code == 0


def test_a_foreign_key_signs_nothing(example, cli, tmp_path):
    assert _issue(cli, example, "a-2022.csv", "Dinas A,90\n").exit_code == 0
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    (example / KEY).write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    before = state_of(example)
    lines = assert_clean_failure(_issue(cli, example, "b-2022.csv", "Dinas B,90\n"))
    assert "not a key of office PW24" in lines[0]
    assert state_of(example) == before
    (example / KEY).write_text("not a key\n")
    lines = assert_clean_failure(_issue(cli, example, "b-2022.csv", "Dinas B,90\n"))
    assert lines[0].startswith(".docgen/certificate-key: not a docgen certificate signing key")


def test_rotate_keeps_older_certificates_verifying(example, cli, tmp_path):
    first = _issue(cli, example, "a-2022.csv", "Dinas A,90\n").json()["issued"][0]["number"]
    old_key = (example / KEY).read_bytes()
    rotated = cli(example, "certificate", "key", "rotate", "--json")
    assert rotated.exit_code == 0, rotated.stderr
    old_id, new_id = rotated.json()["retired"][0], rotated.json()["keyid"]
    assert old_id != new_id
    assert (example / ".docgen" / f"certificate-key.{old_id}.retired").read_bytes() == old_key
    second = _issue(cli, example, "b-2022.csv", "Dinas B,90\n").json()["issued"][0]["number"]
    for number, keyid in ((first, old_id), (second, new_id)):
        payload = _payload(example, number)
        assert payload.split(" ")[1].startswith(keyid + ".")
        assert cli(example, "certificate", "verify", payload).exit_code == 0
    # both public keys can be exported; the default is the current one
    for args, keyid in (((), new_id), (("--key-id", old_id), old_id)):
        run = cli(example, "certificate", "key", "export", "--out", str(tmp_path / "k.pem"), *args, "--json")
        assert run.exit_code == 0 and run.json()["keyid"] == keyid
    # the retired key, copied back by mistake, signs nothing
    (example / KEY).write_bytes(old_key)
    lines = assert_clean_failure(_issue(cli, example, "c-2022.csv", "Dinas C,90\n"))
    assert "retired" in lines[0] and new_id in lines[0]


def _as_issued_with_the_secret(ws: Path, number: str, secret: bytes) -> str:
    """Turn a certificate into one issued before docgen signed with a key: its record
    carries the fingerprint of the HMAC secret that made its checksum; the payload."""
    path = ws / "tracker.json"
    data = json.loads(path.read_text())
    record = next(r for r in data["certificates"].values() if r["number"] == number)
    record.pop("proof")
    record.pop("key_id")
    record["secret_id"] = hmac.new(
        secret, b"docgen certificate secret fingerprint", hashlib.sha256
    ).hexdigest()[:16]
    message = "\x1f".join((number, record["recipient"], f"{record['score']:.2f}", str(record["year"])))
    path.write_text(json.dumps(data))
    (ws / SECRET).write_text(secret.hex() + "\n")
    return f"{number} {hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:16].upper()}"


def test_certificates_issued_with_the_secret_keep_verifying(example, cli):
    number = _issue(cli, example, "a-2022.csv", "Dinas A,90\n").json()["issued"][0]["number"]
    payload = _as_issued_with_the_secret(example, number, b"\x11" * 32)
    assert cli(example, "certificate", "verify", payload).exit_code == 0
    # Altered: a checksum that is not this certificate's.
    altered = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    run = cli(example, "certificate", "verify", altered, "--json")
    assert run.exit_code == 1
    assert "altered" in run.stderr and run.json()["other_secret"] is False
    # Another secret in place (the original lost, a new one made): not "altered".
    (example / SECRET).write_text("ab" * 32 + "\n")
    run = cli(example, "certificate", "verify", payload, "--json")
    assert run.exit_code == 1
    assert run.json()["other_secret"] is True
    assert "signed with another secret" in run.stderr and "altered" not in run.stderr
    # Restoring the original makes it verify again, and new certificates are signed with
    # the key meanwhile.
    (example / SECRET).write_text("11" * 32 + "\n")
    assert cli(example, "certificate", "verify", payload).exit_code == 0
    second = _issue(cli, example, "b-2022.csv", "Dinas B,90\n")
    assert second.exit_code == 0, second.stderr
    assert (
        cli(
            example, "certificate", "verify", _payload(example, second.json()["issued"][0]["number"])
        ).exit_code
        == 0
    )


def test_backing_up_the_key_is_documented():
    text = (REPO / "docs" / "certificates.md").read_text(encoding="utf-8")
    assert "Back it up" in text and ".docgen/certificate-key" in text and ".docgen/certificate-secret" in text
    assert "certificates.md" in (REPO / "README.md").read_text(encoding="utf-8")
