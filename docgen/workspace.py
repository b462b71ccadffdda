"""Find the workspace folder, read and validate its docgen.toml (the pure model of that file
is docgen.config), and give every other module its paths and config."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from docgen import config_cache
from docgen.config import CONFIG_FILE, Config
from docgen.errors import ConfigError, WorkspaceError
from docgen.i18n import _
from docgen.safepath import check_write
from docgen.tomlfile import parse_toml, read_bytes, read_toml
from docgen.usertext import bad_text
from docgen.validation import dotted, problems_from

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

    @cached_property
    def _real_root(self) -> Path:
        return self.root.resolve()  # once: `rel` is called for every file a command names

    def rel(self, path: Path) -> str:
        """A path relative to the workspace root, with `/`, as shown to users and in JSON."""
        try:
            return path.resolve().relative_to(self._real_root).as_posix()
        except ValueError:
            return path.as_posix()

    def inside(self, path: Path, *, folder: bool = False) -> Path:
        """`path` (a file, or a `folder`), safe to write: inside the workspace, through no
        link, no device name (ids, template names and recipients must never make docgen
        write elsewhere)."""
        return check_write(self.root, path, folder=folder)


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Workspace:
    """--workspace, else $DOCGEN_WORKSPACE, else the nearest folder upward holding docgen.toml."""
    if explicit is None and os.environ.get(ENV_VAR):
        explicit = Path(os.environ[ENV_VAR])
    if explicit is not None:
        root = explicit.expanduser()
        if not _holds_config(root):
            raise WorkspaceError(
                _("{root}: not a docgen workspace (no {config_file})").format(
                    root=root, config_file=CONFIG_FILE
                )
            )
        try:
            return Workspace(root.resolve(strict=True))
        except (OSError, RuntimeError) as exc:
            raise WorkspaceError(
                _("{root}: cannot use this folder: {getattr}").format(
                    root=root, getattr=getattr(exc, "strerror", None) or exc
                )
            ) from exc
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _holds_config(folder):
            return Workspace(folder)
    raise WorkspaceError(
        _(
            "no docgen workspace here ({config_file} not found in {start} or its "
            "parents); run `docgen init` or pass --workspace DIR"
        ).format(config_file=CONFIG_FILE, start=start)
    )


def _holds_config(folder: Path) -> bool:
    try:
        return (folder / CONFIG_FILE).is_file()
    except OSError as exc:  # a name too long, a folder docgen may not enter
        raise WorkspaceError(
            _("{folder}: cannot look for {config_file}: {reason}").format(
                folder=folder, config_file=CONFIG_FILE, reason=exc.strerror or exc
            )
        ) from exc


def load_config(path: Path) -> Config:
    """Read and validate docgen.toml; every problem is one line naming the field."""
    label = path.name
    data = read_bytes(path, label, ConfigError)
    key = config_cache.digest(data)
    kept = config_cache.load(path.parent, key)  # validated before, by this user's docgen
    if kept is not None:
        return kept
    raw = parse_toml(data, label, ConfigError)
    lines = [f"{label}: {dotted(loc)}: {message}" for loc, message in bad_text(raw)]
    config = None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        lines += [str(p) for p in problems_from(exc, label)]
    if lines or config is None:
        raise ConfigError(lines[0], problems=lines)
    config_cache.save(path.parent, key, config)
    return config


def placeholder_fields(path: Path) -> list[str]:
    """`check` lines for values `docgen init` left as placeholders (they contain TODO)."""
    try:
        raw = read_toml(path, path.name, ConfigError)
    except ConfigError:
        return []  # load_config reports these

    def walk(value: object, loc: str) -> list[str]:
        if isinstance(value, str) and "TODO" in value:
            return [_("{name}: {loc}: placeholder still to be filled in").format(name=path.name, loc=loc)]
        if isinstance(value, dict):
            return [line for k, v in value.items() for line in walk(v, f"{loc}.{k}" if loc else k)]
        if isinstance(value, list):
            return [line for i, v in enumerate(value) for line in walk(v, f"{loc}.{i}")]
        return []

    return walk(raw, "")
