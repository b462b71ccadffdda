"""`docgen init` works from an installed wheel: the default templates ship inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

DEFAULTS = {"mou.docx", "renja.docx", "surat-tindak-lanjut.docx", "sertifikat.toml"}


def test_package_holds_the_default_templates():
    from docgen.app.scaffold import default_templates

    assert DEFAULTS <= {p.name for p in default_templates()}


def test_wheel_ships_the_templates(tmp_path: Path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("docgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"docgen/templates/{name}" for name in DEFAULTS} <= names
    assert "docgen/cli/__init__.py" in names
    # the Indonesian catalogue, compiled by the build (setup_build.py), not committed
    assert "docgen/locale/id/LC_MESSAGES/docgen.mo" in names
    assert not any(name.endswith(".po") for name in names)


def test_init_copies_the_defaults(tmp_path, cli):
    assert cli(None, "init", str(tmp_path / "ws")).exit_code == 0
    assert DEFAULTS <= {p.name for p in (tmp_path / "ws" / "templates").iterdir()}


def test_outputs_are_readable_and_the_secret_is_private(example, cli):
    import os
    import stat

    assert cli(example, "build").exit_code == 0
    assert (
        cli(
            example,
            "certificate",
            "issue",
            "results/kepatuhan-2022-kota-kupang.csv",
            "--year",
            "2022",
            "--min-grade",
            "B",
        ).exit_code
        == 0
    )
    if os.name != "posix":
        return
    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    for path in [
        example / "outputs/agreements/ntt-renja-2022.docx",
        example / "tracker.json",
        *(example / "outputs/certificates/2022").glob("*.pdf"),
    ]:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert stat.S_IMODE((example / ".docgen/certificate-key").stat().st_mode) == 0o600
