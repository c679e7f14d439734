"""The ASGI middleware in front of everything the backend serves: size limits, CSRF, origins.

It wraps the whole backend (our routes, Reflex's ``/_upload`` and the ``/_event`` websocket), so
the checks run before any endpoint reads a byte of the body:

- **Size limits before reading.** Each request has a limit (the route's ``RoutePolicy``, see
  ``route_policy``; 16 KB unless a route says otherwise). A ``Content-Length`` over it is refused
  with 413 without reading; a body without one (chunked) is counted while it streams and cut at
  the limit with 413. A 300 MB request therefore costs the server no memory and no disk
  (``tests/security/test_request_limits.py``).
- **Uploads only with a session.** ``POST /_upload`` (Reflex spools multipart bodies to disk)
  is refused with 401 unless the ``lms_session`` cookie opens a live session, before the body
  is accepted; signed-in uploads may be as large as the largest upload a lesson type takes.
  (Development only: a localhost page on another port cannot send the cookie; see
  ``_dev_cross_port``.)
- **CSRF.** A state-changing request (POST, PUT, PATCH, DELETE) must come from a trusted origin
  (``Origin`` in ``core/origins.py``'s list, or no Origin and ``Sec-Fetch-Site: same-origin``)
  and POST/PUT/PATCH bodies must be JSON (uploads: multipart). A cross-site HTML form can
  send neither. Server-to-server routes (the signed payment webhook) opt out with
  ``route_policy(server_to_server=True)``.
- **Websocket origins.** A websocket handshake whose ``Origin`` is not trusted is closed
  before it is accepted (socket.io gets the same list through ``rxconfig.py``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lms_app.core.origins import is_local, is_trusted
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.settings import Settings, get_settings, origin_of

log = logging.getLogger("lms.request_guard")

KB = 1024
MB = 1024 * KB
SMALL_BODY = 16 * KB
UPLOAD_PATH = "/_upload"
UPLOAD_FALLBACK = 200 * MB
MULTIPART_SLACK = 1 * MB  # boundaries and part headers around the largest file
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class RoutePolicy:
    """What a route accepts. ``server_to_server`` skips the browser-origin and JSON checks
    (the route must authenticate the caller itself, e.g. by a signature)."""

    max_body: int = SMALL_BODY
    server_to_server: bool = False
    content_types: tuple[str, ...] = ("application/json",)
    needs_session: bool = False
    # Authenticated by ``Authorization: Bearer`` only, never by a cookie (the REST API): the
    # browser-origin check is skipped, because a cross-site page cannot attach that header
    # without a CORS preflight that is never granted to it, and a request without the header
    # carries no ambient credential to abuse. The JSON content type is still required.
    bearer_auth: bool = False


DEFAULT_POLICY = RoutePolicy()


def route_policy(max_body: int = SMALL_BODY, server_to_server: bool = False):
    """Decorate an HTTP endpoint with its limits (read by the middleware before routing)."""

    def mark(endpoint):
        endpoint.lms_route_policy = RoutePolicy(max_body=max_body, server_to_server=server_to_server)
        return endpoint

    return mark


def upload_limit() -> int:
    """The largest upload a lesson type accepts (video: 200 MB), plus the multipart framing."""
    from lms_app.core import lesson_types

    limits = [t.upload.max_bytes for t in lesson_types.all_types() if t.upload is not None]
    return max(limits, default=UPLOAD_FALLBACK) + MULTIPART_SLACK


class _TooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return ""


def _cookie(scope: Scope, name: str) -> str | None:
    try:
        morsel = SimpleCookie(_header(scope, b"cookie")).get(name)
    except CookieError:
        return None
    return morsel.value if morsel else None


def _media_type(scope: Scope) -> str:
    return _header(scope, b"content-type").split(";", 1)[0].strip().lower()


def browser_origin_ok(settings: Settings, scope: Scope) -> bool:
    """A trusted Origin, or (browsers that omit it) Sec-Fetch-Site: same-origin."""
    origin = _header(scope, b"origin")
    if origin and origin != "null":
        return is_trusted(settings, origin)
    return _header(scope, b"sec-fetch-site").lower() == "same-origin"


def _dev_cross_port(settings: Settings, scope: Scope) -> bool:
    """``reflex run`` in development: the page on :3000 uploads to the backend on :8000 with an
    XHR that carries no cookies (cross-origin, no withCredentials), so the session cannot be
    seen here; the upload handler's guard still checks the tab's own websocket cookie. Only
    outside production, only from a trusted localhost page to another origin."""
    if settings.is_production:
        return False
    origin = origin_of(_header(scope, b"origin"))
    own = origin_of(f"{scope.get('scheme', 'http')}://{_header(scope, b'host')}")
    return bool(origin) and origin != own and is_local(origin) and is_trusted(settings, origin)


async def _has_session(token: str | None) -> bool:
    if not token:
        return False
    from lms_app.core.db import run_db
    from lms_app.core.sessions import actor_or_none

    return await run_db(actor_or_none, token) is not None


async def _respond(send: Send, status: int, error: str) -> None:
    # The API's error shape (lms_app/api/errors.py): a message, a machine-readable code, a field.
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 413: "too_large",
            415: "unsupported_media_type"}.get(status, "error")
    body = json.dumps({"error": error, "code": code, "field": None}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware; ``routes`` are the plugins' routes (their endpoints carry the policies)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute] = (),
                 settings: Callable[[], Settings] = get_settings, upload_max: int | None = None):
        self.app = app
        self.routes = list(routes)
        self.settings = settings
        self.upload_max = upload_max

    def policy(self, scope: Scope) -> RoutePolicy:
        if scope["path"] == UPLOAD_PATH and scope["method"] == "POST":
            if self.upload_max is None:
                self.upload_max = upload_limit()
            return RoutePolicy(max_body=self.upload_max, content_types=("multipart/form-data",), needs_session=True)
        for route in self.routes:
            match, _ = route.matches(scope)
            if match != Match.NONE:
                if hasattr(route, "lms_policy_for"):  # a Mount (the API) decides per path
                    return route.lms_policy_for(scope)
                own = getattr(route, "lms_route_policy", None)  # a Mount (the API) carries its own
                return own or getattr(getattr(route, "endpoint", None), "lms_route_policy", DEFAULT_POLICY)
        return DEFAULT_POLICY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            origin = _header(scope, b"origin")
            if origin and not is_trusted(self.settings(), origin):
                log.info("websocket refused: untrusted origin %.100r", origin)
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policy(scope)
        refusal = await self._refusal(scope, policy)
        if refusal is not None:
            await _respond(send, *refusal)
            return
        await self._limited(scope, receive, send, policy.max_body)

    async def _refusal(self, scope: Scope, policy: RoutePolicy) -> tuple[int, str] | None:
        """Everything decided from the headers alone: nothing of the body has been read yet."""
        method = scope["method"]
        declared = _header(scope, b"content-length")
        if declared:
            if not declared.isdigit():
                return 400, "Invalid Content-Length."
            if int(declared) > policy.max_body:
                return 413, f"The request is larger than {policy.max_body // KB} KB."
        if method in STATE_CHANGING and not policy.server_to_server:
            if not policy.bearer_auth and not browser_origin_ok(self.settings(), scope):
                return 403, "Cross-site request refused."
            empty = declared == "0" or (not declared and not _header(scope, b"transfer-encoding"))
            if method in WITH_BODY and _media_type(scope) not in policy.content_types \
                    and not (policy.bearer_auth and empty):  # an API action without a body
                return 415, f"Send {policy.content_types[0]}."
        if policy.needs_session and not await _has_session(_cookie(scope, SESSION_COOKIE)):
            if not _dev_cross_port(self.settings(), scope):
                return 401, "Sign in to upload files."
        return None

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the request on, counting body bytes; past ``limit`` answer 413 and stop reading."""
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # we answered 413 already; whatever the app says now goes nowhere
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except (_TooLarge, asyncio.CancelledError, Exception) as exc:
            if not exceeded:
                raise
            del exc  # the app failed because we cut its body: expected, and not worth a traceback
        if exceeded and not started:
            await _respond(send, 413, f"The request is larger than {limit // KB} KB.")
