"""Crash-safe writes: file modes come from the umask, failures leave nothing behind."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.fsutil import atomic_path, atomic_paths, atomic_write_bytes

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_new_files_get_the_umask_mode_and_secrets_stay_private(tmp_path, umask):
    # A child process of its own, so this test never changes the umask of the test run.
    script = (
        "import os, sys; from pathlib import Path\n"
        f"os.umask({umask:#o})\n"
        "from docgen.fsutil import atomic_paths, atomic_write_bytes\n"
        "folder = Path(sys.argv[1])\n"
        "atomic_write_bytes(folder / 'out.docx', b'x')\n"
        "atomic_write_bytes(folder / 'secret', b'k', private=True)\n"
        "with atomic_paths([folder / 'a.pdf', folder / 'b.pdf']) as tmps:\n"
        "    for t in tmps: t.write_bytes(b'%PDF')\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, cwd=REPO)
    mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    assert mode == {
        "out.docx": 0o666 & ~umask,
        "a.pdf": 0o666 & ~umask,
        "b.pdf": 0o666 & ~umask,
        "secret": 0o600 & ~umask,
    }


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "tracker.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["tracker.json"]


def test_many_files_at_once(tmp_path):
    targets = [tmp_path / "a" / "1.pdf", tmp_path / "b" / "2.pdf"]
    with pytest.raises(RuntimeError), atomic_paths(targets) as tmps:
        tmps[0].write_bytes(b"1")
        raise RuntimeError("crash")
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    with atomic_paths(targets) as tmps:
        for tmp, data in zip(tmps, (b"1", b"2"), strict=True):
            tmp.write_bytes(data)
    assert [t.read_bytes() for t in targets] == [b"1", b"2"]
    atomic_write_bytes(targets[0], b"again")
    assert sorted(p.name for p in targets[0].parent.iterdir()) == ["1.pdf"]
