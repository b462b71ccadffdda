"""`.docgen` and its parse cache as an attacker ships them: a cache crafted to describe the
agreements otherwise than their files do is ignored (a cloned repository cannot make
`monitor` report nothing overdue), a `.docgen` that is a link is never followed by the
read-only commands, and `.gitignore` ignores `.docgen` whether a folder or a link."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import docgen.agreements as agreements
import docgen.cachekey as cachekey
import docgen.catalog_cache as catalog_cache
from tests.conftest import REPO
from tests.hostile.conftest import RENJA, files_in

CACHE = Path(".docgen") / "cache" / "agreements.json"
AS_OF = ("--as-of", "2022-07-01")


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """This test's user: a key of its own, and no parse remembered from an earlier test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()
    yield
    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()


def _overdue(cli, root: Path) -> list:
    agreements._CACHE.clear()
    catalog_cache._OPEN.clear()  # a new docgen process
    run = cli(root, "monitor", *AS_OF, "--json")
    assert run.exit_code == 0, run.stderr
    return [(a["id"], a["overdue"]) for a in run.json()["agreements"]]


def _crafted(root: Path, key: bytes) -> bytes:
    """The cache docgen wrote, with the work plan's due dates moved to 2099 (nothing
    overdue), signed with `key`."""
    mac, _nl, payload = (root / CACHE).read_bytes().partition(b"\n")
    data = json.loads(payload)
    entry = data["files"][f"{RENJA}.yaml"]
    for item in entry["agreement"]["work_items"]:
        for deliverable in item["deliverables"]:
            deliverable["due"] = "2099-12-31"
    payload = json.dumps(data).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload


def test_a_cache_shipped_with_a_clone_is_not_trusted(example, cli, tmp_path, monkeypatch):
    truth = _overdue(cli, example)
    assert dict(truth)[RENJA], "the example has overdue deliverables on that day"
    # The attacker's own docgen wrote a cache, crafted it, and signed it with their key.
    attacker_key = bytes.fromhex(cachekey.key_path().read_text().strip())
    shipped = _crafted(example, attacker_key)
    # Trusted by the attacker's own docgen (so the craft is a real one)...
    (example / CACHE).write_bytes(shipped)
    assert dict(_overdue(cli, example))[RENJA] == 0
    # ...but the victim clones the workspace, cache included: another user, another key.
    clone = tmp_path / "clone"
    shutil.copytree(example, clone)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "victim-cache"))
    assert _overdue(cli, clone) == truth
    # Nor is the cache trusted without any signature (the format before the key).
    (clone / CACHE).write_bytes(shipped.partition(b"\n")[2])
    assert _overdue(cli, clone) == truth


def test_a_cache_that_does_not_match_its_files_is_ignored(example, cli):
    """A cache signed by this user but describing other bytes than the files hold (the
    file changed since): the entry's content hash does not match, the file is parsed."""
    _overdue(cli, example)
    path = example / "agreements" / f"{RENJA}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2022-03-31", "2099-03-31"), encoding="utf-8")
    assert "2099-03-31" not in (example / CACHE).read_text(encoding="utf-8")
    with_cache = _overdue(cli, example)
    shutil.rmtree(example / ".docgen")
    assert with_cache == _overdue(cli, example)


@pytest.mark.parametrize("args", [("check",), ("monitor", *AS_OF), ("deliverable", "list")])
def test_a_docgen_link_is_not_followed_by_read_only_commands(example, cli, outside, args):
    (example / ".docgen").symlink_to(outside, target_is_directory=True)
    run = cli(example, *args)
    assert run.exit_code in (0, 1), run.stderr  # check finds the example's own warnings
    assert "Traceback" not in run.stderr
    assert files_in(outside) == [], "nothing written through the link"


def test_a_cache_file_that_is_a_link_is_neither_read_nor_replaced(example, cli, outside):
    _overdue(cli, example)
    real = outside / "agreements.json"
    shutil.move(example / CACHE, real)
    (example / CACHE).symlink_to(real)
    before = real.read_bytes()
    _overdue(cli, example)
    assert (example / CACHE).is_symlink() and real.read_bytes() == before


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("gitignore", ["init", "repository"])
def test_gitignore_ignores_docgen_as_a_folder_or_a_link(cli, tmp_path, outside, gitignore):
    root = tmp_path / "ws"
    if gitignore == "init":
        assert cli(None, "init", str(root)).exit_code == 0
    else:
        root.mkdir()
        shutil.copy(REPO / ".gitignore", root / ".gitignore")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".docgen").symlink_to(outside, target_is_directory=True)
    link = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", ".docgen"])
    assert link.returncode == 0, "a .docgen link is ignored"
    (root / ".docgen").unlink()
    (root / ".docgen").mkdir()
    (root / ".docgen" / "lock").write_text("")
    folder = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", ".docgen/lock"])
    assert folder.returncode == 0, "a .docgen folder is ignored"


def test_without_a_place_for_the_key_nothing_is_cached(example, cli, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    first = _overdue(cli, example)
    assert not (example / CACHE).exists()
    assert _overdue(cli, example) == first
