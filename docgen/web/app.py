"""The Starlette application of `docgen serve`.

Every handler parses the request, calls ONE `app/` function and renders its result: as an
HTML page (Jinja, autoescaped) or, asked with `Accept: application/json`, as the JSON the
command line's `--json` prints. Sign-in, roles, CSRF and Origin checks, and the upload
bounds live in `guard`/`uploads`, before any handler runs; no rule of docgen lives here.
"""

from __future__ import annotations

import asyncio
import functools
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.app import certificates as certificates_app
from docgen.app import deliverables as deliverables_app
from docgen.app import letters as letters_app
from docgen.app import monitor as monitor_app
from docgen.app import pages, users
from docgen.app import verification as verification_app
from docgen.app.evidence import evidence_name
from docgen.context import Context
from docgen.domain.deliverable_state import DELIVERABLE_STATUSES
from docgen.domain.users import may
from docgen.errors import DocgenError, InputError, NotFoundError
from docgen.i18n import _, ngettext, state_word, word
from docgen.indonesian import tanggal
from docgen.web.security import (
    ANON_COOKIE,
    SESSION_COOKIE,
    RateLimit,
    Sessions,
    Throttle,
    WebSession,
    same,
    token,
)
from docgen.workspace import Workspace

P = ParamSpec("P")
T = TypeVar("T")

HERE = Path(__file__).resolve().parent
FORM_FIELDS = 50  # fields of one form (multipart), files aside
FORM_BYTES = 64 << 10  # a form's text fields together
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
]
NO_STORE = {"Cache-Control": "no-store"}


class Refused(Exception):
    """A request refused before any use case runs: its status and one-line reason."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Headers:
    """ASGI middleware: the security headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    h for h in SECURITY_HEADERS if h[0] not in present
                ]
            await send(message)

        await self.app(scope, receive, sending)


class Web:
    """The state one server holds: the workspace, the sessions and the limits."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        settings = ws.config.web
        self.settings = settings
        self.sessions = Sessions(settings.session_idle_minutes * 60)
        self.logins = Throttle(settings.login_attempts, settings.login_lockout_seconds)
        self.verifications = RateLimit(settings.verify_limit, settings.verify_window_seconds)
        self.upload_bytes = int(settings.upload_max_mb * (1 << 20))
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        env = self.templates.env
        env.autoescape = True
        env.globals.update(_=_, ngettext=ngettext, statuses=DELIVERABLE_STATUSES, may=may)
        env.filters["tanggal"] = _tanggal
        env.filters["word"] = word  # a status, role or kind code as a person reads it
        env.filters["state_word"] = state_word
        env.filters["q"] = lambda text: quote(str(text), safe="")
        verify_url = ws.config.certificates.verify_url
        self.verify_prefix = verification_app.verify_prefix(verify_url) if verify_url else None


def _tanggal(value: Any) -> str:
    if not value:
        return "-"
    try:
        return tanggal(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


# --- requests -----------------------------------------------------------------------------


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    first = accept.split(",", 1)[0].strip().lower()
    return first.startswith("application/json") or (
        "application/json" in accept and "text/html" not in accept
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _origin_ok(request: Request) -> bool:
    """A browser's Origin (or, without one, its Referer) must be this server's own."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None:
        return origin == own
    referer = request.headers.get("referer")
    return referer is None or referer == own or referer.startswith(own + "/")


def _session(request: Request) -> WebSession | None:
    web = web_of(request)
    session = web.sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    role = users.user_role(web.ws, session.user)  # removed, or given another role, since
    if role is None:
        web.sessions.drop(session.token)
        return None
    session.role = role
    return session


Handler = Callable[[Request, WebSession], Awaitable[Response]]


def page(action: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A handler for signed-in users whose role may do `action`; a POST must also come from
    this site (Origin) and carry the session's CSRF token (`csrf` field), else 403 and
    nothing runs."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            try:
                session = await run_in_threadpool(_session, request)
                if session is None:
                    if wants_json(request):
                        return JSONResponse({"error": "sign in first"}, status_code=401, headers=NO_STORE)
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
                if request.method == "POST":
                    if not _origin_ok(request):
                        raise Refused(403, _("refused: the form was not sent from this site"))
                    form = await _form(request)
                    if not same(str(form.get("csrf") or ""), session.csrf):
                        raise Refused(403, _("refused: the form is stale or forged; reload the page"))
                if not may(session.role, action):
                    raise Refused(
                        403, _("refused: the role {role} may not do this").format(role=session.role)
                    )
                return await handler(request, session)
            except Refused as exc:
                return _refusal(request, exc)
            finally:
                await _close_uploads(request)

        return run

    return wrap


async def _form(request: Request) -> Any:
    """The request's form, parsed once, with bounded fields and file sizes."""
    # request.state: Starlette's documented place for what a request carries ("Other state")
    if getattr(request.state, "form", None) is None:
        web = web_of(request)
        length = int(request.headers.get("content-length") or 0)
        limit = web.upload_bytes * web.settings.upload_max_files + FORM_BYTES
        if length > limit:
            raise Refused(413, _("refused: the upload is too large"))
        try:
            form = await request.form(
                max_files=web.settings.upload_max_files, max_fields=FORM_FIELDS, max_part_size=FORM_BYTES
            )
        except Exception as exc:  # noqa: BLE001 - starlette/multipart on a malformed or oversized form
            detail = getattr(exc, "detail", None) or type(exc).__name__
            raise Refused(
                400, _("refused: the form cannot be read ({detail})").format(detail=detail)
            ) from exc
        request.state.form = form
        for _key, value in form.multi_items():
            if isinstance(value, UploadFile) and (value.size or 0) > web.upload_bytes:
                raise Refused(
                    413,
                    _("refused: {name} is larger than {mb} MB").format(
                        name=evidence_name(value.filename or ""), mb=web.settings.upload_max_mb
                    ),
                )
    return request.state.form


async def _close_uploads(request: Request) -> None:
    form = getattr(request.state, "form", None)
    if form is not None:
        await form.close()


def _refusal(request: Request, exc: Refused) -> Response:
    if wants_json(request):
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)
    web = web_of(request)
    return web.templates.TemplateResponse(
        request,
        "error.html",
        {"message": exc.message, "problems": [], "user": None, "csrf": ""},
        status_code=exc.status,
        headers=exc.headers,
    )


def render(
    request: Request,
    session: WebSession | None,
    template: str,
    data: Any,
    extra: Context | None = None,
    status: int = 200,
) -> Response:
    """`data` as JSON (the CLI's --json shape) when asked, else the page."""
    if wants_json(request):
        return JSONResponse(data, status_code=status, headers=NO_STORE)
    web = web_of(request)
    flash = list(session.flash) if session else []
    if session:
        session.flash.clear()
    context = {
        "data": data,
        "user": session,
        "csrf": session.csrf if session else "",
        "flash": flash,
        "office": web.ws.config.office,
        "shared": web.ws.config.tracker.url != "",
        **(extra or {}),
    }
    return web.templates.TemplateResponse(request, template, context, status_code=status, headers=NO_STORE)


def failed(
    request: Request, session: WebSession | None, exc: DocgenError, back: str | None = None
) -> Response:
    """A use case's error: its messages, as the command line shows them, on the page (or
    as JSON); a form's error goes back to its page, where it is shown."""
    status = 404 if isinstance(exc, NotFoundError) else 400
    if wants_json(request):
        return JSONResponse({"errors": exc.problems}, status_code=status, headers=NO_STORE)
    if back is not None and session is not None:
        session.flash.extend(("error", p) for p in exc.problems)
        return RedirectResponse(back, status_code=303)
    return render(
        request,
        session,
        "error.html",
        {"errors": exc.problems},
        {"message": exc.message, "problems": exc.problems},
        status=status,
    )


def done(
    request: Request, session: WebSession, result: Any, back: str, messages: list[tuple[str, str]]
) -> Response:
    if wants_json(request):
        return JSONResponse(result, headers=NO_STORE)
    session.flash.extend(messages)
    return RedirectResponse(back, status_code=303)


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            _("{name}: {value!r} is not a date YYYY-MM-DD").format(name=name, value=text)
        ) from None


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def download(result: pages.Download, *, attachment: bool = True) -> Response:
    return FileResponse(
        result.path,
        media_type=result.media_type,
        filename=result.name,
        content_disposition_type="attachment" if attachment else "inline",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


async def call(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A use case run off the event loop, its typed result returned as it is."""
    return await run_in_threadpool(fn, *args, **kwargs)


async def send_file(
    request: Request, session: WebSession, fn: Callable[..., pages.Download], *args: Any
) -> Response:
    """The file a use case finds for a record (never a path taken from the URL), as an attachment."""
    try:
        found = await call(fn, web_of(request).ws, *args)
    except DocgenError as exc:
        return failed(request, session, exc)
    return download(found)


# --- sign-in ------------------------------------------------------------------------------


def _login_page(request: Request, target: str, error: str | None = None, status: int = 200) -> Response:
    """The sign-in form, its CSRF token tied to an anonymous cookie."""
    anon = request.cookies.get(ANON_COOKIE) or token()
    response = web_of(request).templates.TemplateResponse(
        request,
        "login.html",
        {
            "csrf": anon,
            "user": None,
            "next": target,
            "error": error,
            "has_users": error is not None or request.app.state.has_users,
        },
        status_code=status,
        headers=NO_STORE,
    )
    _anon_cookie(request, response, anon)
    return response


async def login_form(request: Request) -> Response:
    return _login_page(request, request.query_params.get("next", "/"))


def _anon_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        ANON_COOKIE, value, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
    )


def _safe_next(target: str) -> str:
    """Only a path of this site: never "//elsewhere" or "https://elsewhere"."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login(request: Request) -> Response:
    web = web_of(request)
    address = client_address(request)
    try:
        if not _origin_ok(request):
            raise Refused(403, _("refused: the form was not sent from this site"))
        form = await _form(request)
        if not same(str(form.get("csrf") or ""), request.cookies.get(ANON_COOKIE)):
            raise Refused(403, _("refused: the form is stale or forged; reload the page"))
        name = _text(form, "username").lower()
        password = form.get("password") if isinstance(form.get("password"), str) else ""
        keys = [f"name:{name}", f"address:{address}"]
        wait = web.logins.retry_after(keys)
        if wait > 0:
            raise Refused(
                429,
                _("too many failed sign-ins: try again in {s} seconds").format(s=int(wait) + 1),
                {"Retry-After": str(int(wait) + 1)},
            )
        await asyncio.sleep(web.logins.delay(keys))
        user = await call(users.authenticate, web.ws, name, str(password))
        if user is None:
            web.logins.fail(keys)
            if wants_json(request):
                return JSONResponse({"error": "wrong name or password"}, status_code=401)
            return _login_page(request, _text(form, "next") or "/", _("Wrong user name or password."), 401)
        web.logins.clear([f"name:{name}"])
        web.sessions.drop(request.cookies.get(SESSION_COOKIE))  # a new session at every sign-in
        session = web.sessions.create(user.name, user.role)
        signed_in: Response
        if wants_json(request):
            signed_in = JSONResponse({"user": user.name, "role": user.role, "csrf": session.csrf})
        else:
            signed_in = RedirectResponse(_safe_next(_text(form, "next") or "/"), status_code=303)
        signed_in.set_cookie(
            SESSION_COOKIE,
            session.token,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        signed_in.delete_cookie(ANON_COOKIE, path="/")
        return signed_in
    except Refused as exc:
        return _refusal(request, exc)
    finally:
        await _close_uploads(request)


@page("read")
async def logout(request: Request, session: WebSession) -> Response:
    web_of(request).sessions.drop(session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- pages --------------------------------------------------------------------------------


async def _monitoring(
    request: Request,
    session: WebSession,
    fn: Callable[..., monitor_app.Monitoring],
    template: str,
    extra: Callable[[monitor_app.Monitoring], Context],
) -> Response:
    """A monitoring report as of `?as_of=` (default today): this office's or the national one."""
    try:
        as_of = _day(request.query_params.get("as_of"), "as_of") or date.today()
        result = await call(fn, web_of(request).ws, as_of)
    except DocgenError as exc:
        return failed(request, session, exc)
    return render(request, session, template, result.report, extra(result))


@page("read")
async def dashboard(request: Request, session: WebSession) -> Response:
    return await _monitoring(
        request,
        session,
        pages.dashboard,
        "dashboard.html",
        lambda result: {
            "by_party": result.by_party,
            "due_soon_by_party": result.due_soon_by_party,
            "skipped": result.skipped,
        },
    )


@page("read")
async def agreement(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    try:
        as_of = _day(request.query_params.get("as_of"), "as_of") or date.today()
        data = await call(pages.agreement_page, web.ws, request.path_params["id"], as_of)
    except DocgenError as exc:
        return failed(request, session, exc)
    return render(request, session, "agreement.html", data)


async def _saved_uploads(form: Any, field: str, folder: Path) -> tuple[list[Path], list[str]]:
    """The files of `field`, written to `folder` under numbered names; their own names."""
    paths, names = [], []
    for index, item in enumerate(form.getlist(field)):
        if not isinstance(item, UploadFile) or not item.filename:
            continue
        path = folder / f"upload-{index}"
        with open(path, "wb") as out:
            while chunk := await item.read(1 << 20):
                out.write(chunk)
        paths.append(path)
        names.append(item.filename)
    return paths, names


@page("record")
async def set_deliverable(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    aid, did = request.path_params["id"], request.path_params["did"]
    back = f"/agreements/{quote(aid)}#d-{quote(did)}"
    form = await _form(request)
    with tempfile.TemporaryDirectory(prefix="docgen-upload-") as scratch:
        try:
            paths, names = await _saved_uploads(form, "evidence", Path(scratch))
            result = await call(
                deliverables_app.set_status,
                web.ws,
                aid,
                did,
                _text(form, "status"),
                _day(_text(form, "on"), "on") or date.today(),
                _text(form, "note") or None,
                paths,
                user=session.user,
                names=names,
            )
        except DocgenError as exc:
            return failed(request, session, exc, back)
    messages = [("warning", w) for w in result.warnings]
    messages += [
        ("info", _("{did}: already recorded as event {id}; nothing recorded").format(did=did, id=e["id"]))
        for e in result.unchanged
    ]
    messages += [
        ("info", _("{did}: {status} recorded (event {id})").format(did=did, status=e["status"], id=e["id"]))
        for e in result.events
    ]
    data = {"events": result.events, "unchanged": result.unchanged, "warnings": result.warnings}
    return done(request, session, data, back, messages)


@page("record")
async def retract_event(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    aid, did = request.path_params["id"], request.path_params["did"]
    back = f"/agreements/{quote(aid)}#d-{quote(did)}"
    form = await _form(request)
    try:
        result = await call(
            deliverables_app.retract,
            web.ws,
            aid,
            did,
            _text(form, "event"),
            _text(form, "reason"),
            user=session.user,
        )
    except DocgenError as exc:
        return failed(request, session, exc, back)
    message = _("{did}: event {event} retracted").format(did=did, event=result["retracts"])
    return done(request, session, result, back, [("info", message)])


@page("read")
async def evidence(request: Request, session: WebSession) -> Response:
    p = request.path_params
    return await send_file(request, session, pages.evidence_file, p["id"], p["event"], int(p["index"]))


@page("read")
async def draft(request: Request, session: WebSession) -> Response:
    p = request.path_params
    return await send_file(request, session, pages.draft_file, p["id"], p["kind"])


@page("read")
async def letter_list(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    try:
        rows = await call(letters_app.list_letters, web.ws)
    except DocgenError as exc:
        return failed(request, session, exc)
    return render(request, session, "letters.html", rows, {"today": date.today().isoformat()})


@page("read")
async def letter_download(request: Request, session: WebSession) -> Response:
    return await send_file(request, session, pages.letter_file, request.query_params.get("number", ""))


@page("record")
async def letter_void(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = await _form(request)
    number = _text(form, "number")
    try:
        result = await call(letters_app.void_letter, web.ws, number, _text(form, "reason"), user=session.user)
    except DocgenError as exc:
        return failed(request, session, exc, "/letters")
    return done(request, session, result, "/letters", [("info", _("{number}: void").format(number=number))])


@page("record")
async def letter_followup(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = await _form(request)
    aid = _text(form, "agreement")
    back = f"/agreements/{quote(aid)}" if _text(form, "back") == "agreement" else "/letters"
    try:
        run = await call(
            letters_app.followup,
            web.ws,
            [aid] if aid else [],
            all_=not aid,
            as_of=_day(_text(form, "as_of"), "as_of") or date.today(),
            user=session.user,
        )
    except DocgenError as exc:
        return failed(request, session, exc, back)
    messages = [("warning", w) for w in run.warnings]
    messages += [
        (
            "info",
            _("{number}: {org} ({state})").format(
                number=r["number"], org=r["org"], state=_("new") if r["new"] else _("already issued")
            ),
        )
        for r in run.rows
    ]
    if not run.rows:
        messages.append(("info", _("no follow-up letter is due")))
    return done(request, session, run.rows, back, messages)


@page("read")
async def certificate_list(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    year_text = request.query_params.get("year", "")
    try:
        year = int(year_text) if year_text else None
    except ValueError:
        return failed(request, session, InputError(_("year: {v!r} is not a year").format(v=year_text)))
    try:
        data = await call(pages.list_certificates, web.ws, year)
    except DocgenError as exc:
        return failed(request, session, exc)
    return render(request, session, "certificates.html", data)


@page("read")
async def certificate_download(request: Request, session: WebSession) -> Response:
    return await send_file(request, session, pages.certificate_file, request.query_params.get("number", ""))


@page("read")
async def certificate_print(request: Request, session: WebSession) -> Response:
    q = request.query_params
    return await send_file(request, session, pages.print_file, q.get("year", ""), q.get("name", ""))


@page("record")
async def certificate_issue(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = await _form(request)
    sheet = form.get("sheet")
    back = "/certificates"
    if not isinstance(sheet, UploadFile) or not sheet.filename:
        return failed(request, session, InputError(_("sheet: choose the result sheet (.csv or .xlsx)")), back)
    with tempfile.TemporaryDirectory(prefix="docgen-upload-") as scratch:
        path = Path(scratch) / evidence_name(sheet.filename)
        with open(path, "wb") as out:
            while chunk := await sheet.read(1 << 20):
                out.write(chunk)
        try:
            year_text = _text(form, "year")
            report = await call(
                certificates_app.issue,
                web.ws,
                path,
                year=int(year_text) if year_text.isdigit() else None,
                min_grade=_text(form, "min_grade") or None,
                signed_on=_day(_text(form, "signed_on"), "signed_on"),
                user=session.user,
            )
        except DocgenError as exc:
            return failed(request, session, exc, back)
    result = report.to_json()
    if wants_json(request):
        return JSONResponse(result, status_code=200 if report.ok else 400, headers=NO_STORE)
    return render(request, session, "issued.html", result)


@page("admin")
async def certificate_revoke(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    form = await _form(request)
    number = _text(form, "number")
    back = "/certificates"
    try:
        result = await call(verification_app.revoke, web.ws, number, _text(form, "reason"), user=session.user)
    except DocgenError as exc:
        return failed(request, session, exc, back)
    return done(request, session, result, back, [("info", _("{number}: revoked").format(number=number))])


@page("read")
async def national(request: Request, session: WebSession) -> Response:
    return await _monitoring(
        request,
        session,
        monitor_app.monitor_all_offices,
        "national.html",
        lambda result: {"warnings": result.warnings},
    )


@page("admin")
async def verification_log(request: Request, session: WebSession) -> Response:
    web = web_of(request)
    try:
        rows = await call(verification_app.verification_log, web.ws)
    except DocgenError as exc:
        return failed(request, session, exc)
    return render(request, session, "verifications.html", rows)


# --- the public verification page ---------------------------------------------------------


async def public(request: Request) -> Response:
    """Any path the routes above do not claim: the verification page when it lies under the
    path of `verify_url`, else 404."""
    web = web_of(request)
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1")
    if web.verify_prefix is None or not path.startswith(web.verify_prefix):
        return _not_found(request)
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    address = client_address(request)
    wait = web.verifications.hit(address)
    if wait > 0:
        retry = str(int(wait) + 1)
        headers["Retry-After"] = retry
        if wants_json(request):
            return JSONResponse({"error": "too many requests"}, status_code=429, headers=headers)
        return web.templates.TemplateResponse(
            request,
            "verify.html",
            {"result": None, "busy": True, "retry": retry, "user": None, "csrf": ""},
            status_code=429,
            headers=headers,
        )
    query = request.url.query
    target = path + (f"?{query}" if query else "")
    try:
        result = await call(verification_app.verify_public, web.ws, target, address)
    except DocgenError:
        result = verification_app.PublicVerification(verification_app.NOT_FOUND)
    status = 404 if result.outcome == verification_app.NOT_FOUND else 200
    if wants_json(request):
        return JSONResponse(result.to_json(), status_code=status, headers=headers)
    return web.templates.TemplateResponse(
        request,
        "verify.html",
        {"result": result, "busy": False, "user": None, "csrf": "", "office": web.ws.config.office},
        status_code=status,
        headers=headers,
    )


def _not_found(request: Request) -> Response:
    if wants_json(request):
        return JSONResponse({"error": "not found"}, status_code=404)
    return web_of(request).templates.TemplateResponse(
        request,
        "error.html",
        {"message": _("Page not found."), "problems": [], "user": None, "csrf": ""},
        status_code=404,
    )


def create_app(ws: Workspace) -> Starlette:
    """The ASGI application serving workspace `ws`."""
    web = Web(ws)
    routes = [
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", dashboard, methods=["GET"]),
        Route("/agreements/{id}", agreement, methods=["GET"]),
        Route("/agreements/{id}/deliverables/{did}", set_deliverable, methods=["POST"]),
        Route("/agreements/{id}/deliverables/{did}/retract", retract_event, methods=["POST"]),
        Route("/agreements/{id}/evidence/{event}/{index:int}", evidence, methods=["GET"]),
        Route("/agreements/{id}/draft.{kind}", draft, methods=["GET"]),
        Route("/letters", letter_list, methods=["GET"]),
        Route("/letters/download", letter_download, methods=["GET"]),
        Route("/letters/void", letter_void, methods=["POST"]),
        Route("/letters/followup", letter_followup, methods=["POST"]),
        Route("/certificates", certificate_list, methods=["GET"]),
        Route("/certificates/download", certificate_download, methods=["GET"]),
        Route("/certificates/print", certificate_print, methods=["GET"]),
        Route("/certificates/issue", certificate_issue, methods=["POST"]),
        Route("/certificates/revoke", certificate_revoke, methods=["POST"]),
        Route("/national", national, methods=["GET"]),
        Route("/verifications", verification_log, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        Route("/{path:path}", public, methods=["GET", "HEAD"]),
    ]
    application = Starlette(routes=routes)
    application.state.web = web
    application.state.has_users = users.has_users(ws)
    application.add_middleware(Headers)
    return application
