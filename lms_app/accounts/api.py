"""Accounts' HTTP routes: the session cookie hand-over and avatar pictures.

The login handler runs over the websocket and cannot set an HttpOnly cookie, so it leaves a
one-time ticket; ``POST /api/session`` trades it for a new session and sets the cookie here.
The request guard (core/request_guard.py) only lets a small JSON body from a trusted origin
through: a cross-site form cannot sign a victim's browser into an attacker's account (login
CSRF), and a huge body is refused before it is read.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core import sessions, storage, storage_http
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.accounts.services.profiles import AREA as AVATARS
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}


async def start_session(request: Request) -> Response:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = {}
    ticket = body.get("ticket") if isinstance(body, dict) else None
    settings = get_settings()
    token = await run_db(sessions.redeem_login_ticket, ticket, settings.session_days,
                         request.headers.get("user-agent", ""))
    if token is None:
        return JSONResponse({"error": "The sign-in link expired. Please sign in again."}, status_code=400,
                            headers=_NO_STORE)
    response = JSONResponse({"ok": True}, headers=_NO_STORE)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_days * 86400, path="/",
                        httponly=True, samesite="lax", secure=settings.cookie_secure)
    device = body.get("device") if isinstance(body, dict) else None
    if device:  # "remember this device" after a two-factor code: a one-time claim for the signed cookie
        from lms_app.accounts.mfa import service as mfa

        value = await run_db(mfa.claim_device, settings, device)
        if value:
            response.set_cookie(mfa.DEVICE_COOKIE, value, max_age=mfa.DEVICE_DAYS * 86400, path="/",
                                httponly=True, samesite="lax", secure=settings.cookie_secure)
    return response


async def end_session(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_db(sessions.revoke_token, token)
    response = JSONResponse({"ok": True}, headers=_NO_STORE)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=get_settings().cookie_secure)
    return response


async def avatar(request: Request) -> Response:
    """Avatars are public pictures, stored privately under unguessable names."""
    settings = get_settings()
    return storage_http.serve(storage.get_storage(settings), settings,
                              storage.key(AVATARS, request.path_params["name"]), media_type="image/webp", public=True,
                              headers={"Cache-Control": "public, max-age=31536000, immutable",
                                       "X-Content-Type-Options": "nosniff"})


ROUTES = [
    Route("/api/session", start_session, methods=["POST"]),
    Route("/api/session", end_session, methods=["DELETE"]),
    Route("/media/avatars/{name}", avatar, methods=["GET", "HEAD"]),
]
