"""`docgen init` works from an installed wheel: the default templates ship inside it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

DEFAULTS = {"mou.docx", "renja.docx", "surat-tindak-lanjut.docx", "sertifikat.toml"}


def test_package_holds_the_default_templates():
    from docgen.scaffold import default_templates

    assert DEFAULTS <= {p.name for p in default_templates()}


def test_wheel_ships_the_templates(tmp_path: Path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("docgen-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"docgen/templates/{name}" for name in DEFAULTS} <= names
    assert "docgen/cli/__init__.py" in names


def test_init_copies_the_defaults(tmp_path, cli):
    assert cli(None, "init", str(tmp_path / "ws")).exit_code == 0
    assert DEFAULTS <= {p.name for p in (tmp_path / "ws" / "templates").iterdir()}
