"""`docgen serve`: the web face and the public verification page, under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.cli.common import info, workspace
from docgen.i18n import _

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8000,
) -> None:
    """Serve the web face (dashboard, agreements, letters, certificates) and the public
    verification page at the path of [certificates] verify_url.

    Only users added with `docgen user add` can sign in; without any, only the
    verification page answers. Ctrl-C stops it.

    \b
    Example:
      docgen serve --port 8000
    """
    import uvicorn

    from docgen.web.app import create_app

    ws = workspace(ctx)
    application = create_app(ws)
    if host not in LOCAL_HOSTS:
        info(
            _(
                "warning: listening on {host}: put docgen serve behind a reverse proxy with HTTPS "
                "(see docs/web.md); passwords and session cookies must not cross a network in clear"
            ).format(host=host)
        )
    if not application.state.has_users:
        info(_("no web users yet: only the verification page answers (add one with `docgen user add`)"))
    info(
        _("serving {root} on http://{host}:{port} (Ctrl-C to stop)").format(
            root=ws.root, host=host, port=port
        )
    )
    # X-Forwarded-Proto/-For are trusted from a reverse proxy on 127.0.0.1 only (uvicorn's
    # default): behind it, cookies get Secure and rate limits see the real client addresses.
    config = uvicorn.Config(
        application,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    server = uvicorn.Server(config)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    info(_("stopped"))


def register(app: typer.Typer) -> None:
    app.command()(serve)
