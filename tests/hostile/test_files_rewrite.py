"""Rewriting an agreement file (`agreement sign`, `extend`; `renew` writes a new one in the
old one's style) keeps what a person expects of their file: permissions, CRLF line
endings, the byte-order mark, comments and quoting; a link is written through to its
target inside the workspace, a link leading outside and a read-only file are refused;
and a change someone else saves between docgen's read and its rename is never lost."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docgen.errors import FileChangedError, InputError
from docgen.fsutil import Rewrite, TextStyle
from tests.conftest import REPO, tracker_rows
from tests.test_agreement_life import DRAFT
from tests.test_check import files

BOM = b"\xef\xbb\xbf"
QUOTED = DRAFT.replace("place: Kupang", "place: 'Kupang'   # quoted on purpose")


def _draft(ws: Path) -> Path:
    return ws / "agreements" / "renja-b.yaml"


def _sign(cli, ws: Path):
    return cli(ws, "agreement", "sign", "renja-b", "--on", "2023-02-06")


def test_sign_keeps_crlf_bom_comments_and_quotes(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = _draft(ws)
    path.write_bytes(BOM + QUOTED.replace("\n", "\r\n").encode("utf-8"))
    run = _sign(cli, ws)
    assert run.exit_code == 0, run.stderr
    data = path.read_bytes()
    assert data.startswith(BOM)
    assert data.count(b"\r\n") == data.count(b"\n"), "every line ends in CRLF"
    text = data[3:].decode("utf-8").replace("\r\n", "\n")
    assert "place: 'Kupang'   # quoted on purpose" in text
    assert "# Rencana Kerja 2023: drafted with the Biro in January." in text
    assert "name: Flouri Rita Wuisan     # Kepala Biro since 2021" in text
    assert "signed_on: 2023-02-06" in text and "01/KB/PW24/II/2023" in text
    # Only the edited lines differ: the signing date and the numbers (the hint gives way).
    old = [line for line in QUOTED.splitlines() if not line.startswith("# signed_on")]
    new = text.splitlines()
    assert [line for line in new if line not in old] == [
        "signed_on: 2023-02-06",
        "numbers: {first: 01/KB/PW24/II/2023}",
    ]


def test_sign_and_extend_keep_permissions(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = _draft(ws)
    path.chmod(0o640)
    assert _sign(cli, ws).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    path.chmod(0o604)
    run = cli(ws, "agreement", "extend", "renja-b", "--to", "2024-06-30", "--on", "2024-01-10")
    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o604
    assert "amendments:" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give files away")
def test_sign_keeps_the_owner(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = _draft(ws)
    os.chown(path, 1234, 2345)
    assert _sign(cli, ws).exit_code == 0
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 2345)


def test_renew_writes_the_new_file_in_the_old_ones_style(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = _draft(ws)
    path.write_bytes(BOM + DRAFT.replace("\n", "\r\n").encode("utf-8"))
    assert _sign(cli, ws).exit_code == 0
    run = cli(ws, "agreement", "renew", "renja-b", "renja-c")
    assert run.exit_code == 0, run.stderr
    data = (ws / "agreements" / "renja-c.yaml").read_bytes()
    assert data.startswith(BOM) and data.count(b"\r\n") == data.count(b"\n")


def test_a_link_inside_the_workspace_is_written_through(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    real = ws / "drafts" / "renja-b.yaml"
    real.parent.mkdir()
    _draft(ws).rename(real)
    _draft(ws).symlink_to(Path("..") / "drafts" / "renja-b.yaml")
    run = _sign(cli, ws)
    assert run.exit_code == 0, run.stderr
    assert _draft(ws).is_symlink(), "the link stays a link"
    assert "signed_on: 2023-02-06" in real.read_text(encoding="utf-8")


def test_a_link_leading_outside_is_refused(workspace, cli, outside):
    ws = workspace(files(renja_b=DRAFT))
    real = outside / "renja-b.yaml"
    _draft(ws).rename(real)
    _draft(ws).symlink_to(real)
    run = _sign(cli, ws)
    assert run.exit_code == 1
    assert "agreements/renja-b.yaml" in run.stderr and "outside the workspace" in run.stderr
    assert real.read_text(encoding="utf-8") == DRAFT
    assert tracker_rows(ws, "numbers") == []
    # The primitive refuses it too, whoever calls it.
    with pytest.raises(InputError, match="outside the workspace"):
        Rewrite(ws, _draft(ws), "agreements/renja-b.yaml")


def test_a_read_only_file_is_refused_not_replaced(workspace, cli):
    ws = workspace(files(renja_b=DRAFT))
    path = _draft(ws)
    path.chmod(0o444)  # root could rename over it: docgen heeds the file's own bits
    inode = path.stat().st_ino
    run = _sign(cli, ws)
    assert run.exit_code == 1
    assert "agreements/renja-b.yaml: is read-only" in run.stderr
    assert path.read_text(encoding="utf-8") == DRAFT and path.stat().st_ino == inode
    assert tracker_rows(ws, "numbers") == []


def test_the_primitive_refuses_a_file_changed_after_its_read(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"id: a\r\n")
    with Rewrite(tmp_path, path, "a.yaml") as rewrite:
        assert rewrite.text == "id: a\n" and rewrite.style == TextStyle(bom=False, crlf=True)
        path.write_bytes(b"id: a\r\nnote: a colleague's line\r\n")
        rewrite.prepare("id: a\nsigned_on: 2023-01-01\n")
        with pytest.raises(FileChangedError, match="a.yaml: changed by someone else"):
            rewrite.commit()
    assert path.read_bytes() == b"id: a\r\nnote: a colleague's line\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"], "no temporary file left"


def test_undo_puts_the_old_file_back_but_never_over_a_later_edit(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"id: a\n")
    path.chmod(0o640)
    rewrite = Rewrite(tmp_path, path, "a.yaml")
    rewrite.prepare("id: a\nx: 1\n")
    rewrite.commit()
    assert path.read_bytes() == b"id: a\nx: 1\n"
    rewrite.undo()
    assert path.read_bytes() == b"id: a\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    rewrite = Rewrite(tmp_path, path, "a.yaml")
    rewrite.prepare("id: a\nx: 2\n")
    rewrite.commit()
    path.write_bytes(b"id: a\nx: 3\n")  # someone saved after docgen's rename
    with pytest.raises(FileChangedError):
        rewrite.undo()
    assert path.read_bytes() == b"id: a\nx: 3\n"


def _holds(pid: int, lock: Path) -> bool:
    """Whether process `pid` has `lock` open (it is waiting for or holding it)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(lock):
                return True
        except OSError:
            continue
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the lock wait")
def test_an_edit_saved_while_sign_waits_for_the_lock_is_not_lost(workspace):
    """`agreement sign` reads the draft, then waits for the tracker's lock (another docgen
    holds it); a colleague saves the draft meanwhile. docgen refuses, naming the file: the
    colleague's edit stays and no number is taken."""
    from filelock import FileLock

    ws = workspace(files(renja_b=DRAFT))
    lock_path = ws / ".docgen" / "lock"
    lock_path.parent.mkdir()
    lock = FileLock(str(lock_path))
    lock.acquire()
    env = {**os.environ, "PYTHONPATH": str(REPO), "DOCGEN_LANG": "en"}
    child = subprocess.Popen(
        [sys.executable, "-m", "docgen", "--workspace", str(ws), "agreement", "sign", "renja-b"]
        + ["--on", "2023-02-06"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300  # a loaded CI machine starts Python slowly
        while not _holds(child.pid, lock_path.resolve()):
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "docgen never waited for the lock"
            time.sleep(0.05)
        edited = DRAFT.replace("place: Kupang", "place: Kupang   # checked by the Biro")
        _draft(ws).write_text(edited, encoding="utf-8")
    finally:
        lock.release()
    out, err = child.communicate(timeout=300)
    assert child.returncode == 1, (out, err)
    assert "agreements/renja-b.yaml: changed by someone else" in err
    assert _draft(ws).read_text(encoding="utf-8") == edited
    assert tracker_rows(ws, "numbers") == []
