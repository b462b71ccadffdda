"""`docgen watch`: rebuild drafts as agreement files, templates and docgen.toml change."""

from __future__ import annotations

import json
import signal
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from docgen.cli.common import find, literal
from docgen.i18n import _

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.app.watch import Report, WatchEvent


def _printer(json_log: bool) -> Report:
    def report(event: WatchEvent) -> None:
        if json_log:
            sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            return
        if event["event"] == "watching":
            typer.echo(_("watching {root} (Ctrl-C to stop)").format(root=event["root"]), err=True)
        elif event["event"] == "error":
            for line in event["errors"]:
                typer.echo(literal(line), err=True)
        elif event["event"] == "deleted":
            typer.echo(literal(event["message"]), err=True)
        elif event["event"] == "build":
            for path in event["built"]:
                typer.echo(_("built {path}").format(path=literal(path)))
            for failure in event["failed"]:
                typer.echo(
                    literal(
                        _("failed {source}: {error}").format(source=failure["source"], error=failure["error"])
                    ),
                    err=True,
                )
            if not event["built"] and not event["failed"]:
                typer.echo(_("unchanged (outputs up to date: {n})").format(n=len(event["unchanged"])))
        sys.stdout.flush()

    return report


def watch(
    ctx: typer.Context,
    poll: Annotated[bool, typer.Option("--poll", help="Poll for changes (network drives).")] = False,
    json_log: Annotated[
        bool, typer.Option("--json-log", help="One JSON object per event on stdout.")
    ] = False,
) -> None:
    """Watch agreements/, templates/ and docgen.toml; rebuild what a change affects.

    \b
    Example:
      docgen watch --poll
    """
    from docgen.app.watch import Watcher

    watcher = Watcher(find(ctx), _printer(json_log), poll=poll)
    # SIGTERM (e.g. a service manager) stops as cleanly as Ctrl-C.
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: watcher.stop.set())
    try:
        watcher.run()
    except KeyboardInterrupt:
        pass
    typer.echo(_("stopped"), err=True)


def register(app: typer.Typer) -> None:
    app.command()(watch)
