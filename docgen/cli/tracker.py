"""`docgen tracker init|info|copy` and `docgen sync`: the tracker's backend, the national view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from docgen.cli.common import Json, command_group, emit_json, info, print_table, say, warn, workspace
from docgen.i18n import _

if TYPE_CHECKING:  # the command line starts without loading the use cases
    from docgen.app.tracker import Copied

tracker_app = command_group(
    "The tracker's backend: create or upgrade it, describe it, copy it, give offices' roles their rights."
)


@tracker_app.command("init")
def init(ctx: typer.Context, json: Json = False) -> None:
    """Create the tracker's schema, or upgrade it to this docgen's version.

    \b
    Example:
      docgen tracker init
    """
    from docgen.app.tracker import init as run_init

    result = run_init(workspace(ctx))
    if json:
        emit_json(result)
        return
    done = (
        _("created")
        if result.get("created")
        else _("upgraded from version {version}").format(version=result["upgraded_from"])
        if result.get("upgraded_from")
        else _("up to date")
    )
    say(
        _("{where}: tracker schema version {schema} ({done})").format(
            where=result["where"], schema=result["schema"], done=done
        )
    )


@tracker_app.command("info")
def info_(ctx: typer.Context, json: Json = False) -> None:
    """Backend, where it is (never a password), schema version and counts.

    \b
    Example:
      docgen tracker info --json
    """
    from docgen.app.tracker import info as run_info

    result = run_info(workspace(ctx))
    if json:
        emit_json(result)
        return
    schema = result["schema"]
    shown = _("none yet (the first write or `docgen tracker init` creates it)") if schema is None else schema
    fields = [(_("backend"), result["backend"]), (_("where"), result["where"])]
    if result.get("office"):
        fields.append((_("office"), result["office"]))
    fields.append(
        (_("schema"), _("{schema} (this docgen: {ours})").format(schema=shown, ours=result["docgen_schema"]))
    )
    width = max(len(label) for label, _value in fields) + 1
    for label, value in fields:
        say(f"{label + ':':<{width}} {value}")
    if "offices" in result:
        say(
            _("offices sharing it: {offices}; published agreements of this office: {n}").format(
                offices=", ".join(result["offices"]) or _("none yet"), n=result["published"]
            )
        )
    print_table(
        None,
        [_("table"), (_("records"), "right")],
        [[name, str(count)] for name, count in result["counts"].items()],
    )


def _copied(result: Copied) -> None:
    counts = result["counts"]
    info(
        _(
            "copied the tracker of office {office} from {source} to {target}: numbers {numbers}, "
            "letters {letters}, certificates {certificates}, terminations {terminations}, "
            "build records {builds}, history events {history}"
        ).format(
            office=result["office"],
            source=result["from"]["where"],
            target=result["to"]["where"],
            numbers=counts["numbers"],
            letters=counts["letters"],
            certificates=counts["certificates"],
            terminations=counts["terminations"],
            builds=counts["builds"],
            history=counts["history"],
        )
    )


@tracker_app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="URL|FILE",
            help="Copy this workspace's tracker into an empty one: a PostgreSQL URL or a tracker.json path.",
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", metavar="URL|FILE", help="Copy that tracker into this workspace's (empty) tracker."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Move a whole tracker between backends (file, PostgreSQL), records and ids unchanged.

    \b
    Example:
      docgen tracker copy --to postgresql://docgen_pw24@db.example.go.id/docgen
    """
    from docgen.app.tracker import copy as run_copy

    result = run_copy(workspace(ctx), to, from_)
    if json:
        emit_json(result)
    else:
        _copied(result)


Office = Annotated[str, typer.Argument(metavar="UNIT_CODE", help="The office's [office] unit_code.")]
Role = Annotated[str, typer.Argument(metavar="ROLE", help="An existing database role (a login).")]


@tracker_app.command("grant")
def grant(ctx: typer.Context, office: Office, role: Role, json: Json = False) -> None:
    """Give a database role an office's rights: it writes that office's records and reads
    of the others only what the national view shows. Run by the database's owner.

    \b
    Example:
      docgen tracker grant PW24 docgen_pw24
    """
    from docgen.app.tracker import grant as run_grant

    result = run_grant(workspace(ctx), office, role)
    if json:
        emit_json(result)
        return
    info(
        _(
            "{where}: role {role} now writes the records of office {office} (offices of the role: {offices})"
        ).format(
            where=result["where"],
            role=result["role"],
            office=result["office"],
            offices=", ".join(result["offices"]),
        )
    )


@tracker_app.command("revoke")
def revoke(ctx: typer.Context, office: Office, role: Role, json: Json = False) -> None:
    """Take an office's rights back from a database role (a role left with no office
    loses every privilege on the docgen schema). Run by the database's owner.

    \b
    Example:
      docgen tracker revoke PW24 docgen_pw24
    """
    from docgen.app.tracker import revoke as run_revoke

    result = run_revoke(workspace(ctx), office, role)
    if json:
        emit_json(result)
        return
    rest = ", ".join(result["offices"])
    info(
        _("{where}: role {role} no longer writes the records of office {office}").format(
            where=result["where"], role=result["role"], office=result["office"]
        )
        + (
            _(" (it still writes those of {offices})").format(offices=rest)
            if rest
            else _(" (it has no office left)")
        )
    )


def sync(ctx: typer.Context, json: Json = False) -> None:
    """Publish this office's valid agreements to the shared tracker (the national view).

    \b
    Example:
      docgen sync
    """
    from docgen.app.tracker import sync as run_sync

    result = run_sync(workspace(ctx))
    warn(
        _("{path}: not published anew, it has errors (run `docgen check`)").format(path=path)
        for path in result["skipped"]
    )
    if json:
        emit_json(result)
        return
    info(
        _("{where}: published agreements of office {office}: {n}").format(
            where=result["where"], office=result["office"], n=len(result["published"])
        )
        + (
            "; " + _("withdrew {ids} (file gone)").format(ids=", ".join(result["removed"]))
            if result["removed"]
            else ""
        )
    )


def register(app: typer.Typer) -> None:
    """`sync`; the `tracker` group is built on demand (cli/__init__.py GROUPS)."""
    app.command("sync")(sync)
