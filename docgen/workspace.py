"""Find the workspace folder and give every other module its paths and config."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from docgen.config import CONFIG_FILE, Config, load_config
from docgen.errors import InputError, WorkspaceError

ENV_VAR = "DOCGEN_WORKSPACE"


@dataclass
class Workspace:
    root: Path
    _config: Config | None = field(default=None, repr=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @cached_property
    def config(self) -> Config:
        return self._config or load_config(self.config_path)

    @property
    def agreements_dir(self) -> Path:
        return self.root / "agreements"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def outputs_dir(self) -> Path:
        return self.root / "outputs"

    @property
    def state_dir(self) -> Path:
        """Local files never to share: the lock and the certificate secret."""
        return self.root / ".docgen"

    @property
    def tracker_path(self) -> Path:
        return self.root / "tracker.json"

    def rel(self, path: Path) -> str:
        """A path relative to the workspace root, with `/`, as shown to users and in JSON."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def inside(self, path: Path) -> Path:
        """`path`, guaranteed to resolve inside the workspace (ids must never escape it)."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise InputError(f"{path}: refusing to write outside the workspace")
        return path


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
    """--workspace, else $DOCGEN_WORKSPACE, else the nearest folder upward holding docgen.toml."""
    if explicit is None and os.environ.get(ENV_VAR):
        explicit = Path(os.environ[ENV_VAR])
    if explicit is not None:
        root = explicit.expanduser()
        if not (root / CONFIG_FILE).is_file():
            raise WorkspaceError(f"{root}: not a docgen workspace (no {CONFIG_FILE})")
        return Workspace(root.resolve())
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return Workspace(folder)
    raise WorkspaceError(
        f"no docgen workspace here ({CONFIG_FILE} not found in {start} or its parents); "
        "run `docgen init` or pass --workspace DIR"
    )
