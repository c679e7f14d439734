"""HTTP routes of sign-in with an identity provider: start (redirect to the provider) and the callback.

They are plain GET navigations (the provider sends the browser back), so the request guard's
Origin rule for state-changing methods does not apply; what protects them is the server-side
flow bound to this browser's ``lms_oidc_flow`` cookie (see service.py)."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lms_app.accounts.oidc import providers, service
from lms_app.core import sessions
from lms_app.core.db import run_db
from lms_app.core.origins import public_base
from lms_app.core.permissions import safe_next
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.settings import get_settings

log = logging.getLogger(__name__)
MFA_PENDING_COOKIE = "lms_mfa_pending"
_NO_STORE = {"Cache-Control": "no-store"}


def _base(request: Request) -> str:
    return public_base(get_settings(), f"{request.url.scheme}://{request.url.netloc}")


def _fail(code: str, to: str = "/login") -> Response:
    return RedirectResponse(f"{to}?oidc_error={quote(code)}", status_code=303, headers=_NO_STORE)


async def start(request: Request) -> Response:
    provider = providers.get(request.path_params.get("key"))
    if provider is None:
        return _fail("unknown")
    ticket = request.query_params.get("ticket")
    next_path = safe_next(request.query_params.get("next"), "")
    try:
        meta = await asyncio.to_thread(service.metadata, provider)
        url, binding = await run_db(service.start, provider, meta, _base(request), next_path, ticket)
    except service.OidcError as exc:
        return _fail(exc.code, "/profile" if ticket else "/login")
    response = RedirectResponse(url, status_code=303, headers=_NO_STORE)
    response.set_cookie(service.BINDING_COOKIE, binding, max_age=service.FLOW_MINUTES * 60,
                        path=service.CALLBACK_PATH, httponly=True, samesite="lax",
                        secure=get_settings().cookie_secure)
    return response


def _finish(session, settings, flow, claims, device_cookie, user_agent):
    """Account for the claims, then either a session token or a two-factor challenge."""
    from lms_app.accounts.mfa import service as mfa

    outcome = service.sign_in_with(session, settings, flow, claims)
    if flow.link_user_id is not None:
        return outcome, None, None
    if mfa.is_enabled(session, outcome.user_id) and not mfa.device_remembers(session, settings, outcome.user_id,
                                                                              device_cookie):
        return outcome, None, mfa.start_challenge(session, outcome.user_id)
    _row, token = sessions.create_session(session, outcome.user_id, settings.session_days, user_agent)
    return outcome, token, None


async def callback(request: Request) -> Response:
    settings = get_settings()
    params = request.query_params
    if params.get("error"):
        return _fail("denied")
    try:
        flow = await run_db(service.take_flow, params.get("state"), request.cookies.get(service.BINDING_COOKIE))
        provider = providers.get(flow.provider)
        if provider is None:
            raise service.OidcError("unknown")
        meta = await asyncio.to_thread(service.metadata, provider)
        claims = await asyncio.to_thread(service.exchange, provider, meta, _base(request), flow, params.get("code"))
        from lms_app.accounts.mfa.service import DEVICE_COOKIE

        outcome, token, challenge = await run_db(_finish, settings, flow, claims, request.cookies.get(DEVICE_COOKIE),
                                                 request.headers.get("user-agent", ""))
    except service.OidcError as exc:
        log.info("identity provider sign-in refused: %s", exc.code)
        return _fail(exc.code)
    if flow.link_user_id is not None:
        response = RedirectResponse("/profile?linked=1", status_code=303, headers=_NO_STORE)
    elif challenge is not None:
        target = "/login?mfa=1" + (f"&next={quote(outcome.next_path, safe='')}" if outcome.next_path else "")
        response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
        response.set_cookie(MFA_PENDING_COOKIE, challenge, max_age=300, path="/", httponly=True, samesite="lax",
                            secure=settings.cookie_secure)
    else:
        response = RedirectResponse(outcome.next_path or "/dashboard", status_code=303, headers=_NO_STORE)
        response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_days * 86400, path="/",
                            httponly=True, samesite="lax", secure=settings.cookie_secure)
    response.delete_cookie(service.BINDING_COOKIE, path=service.CALLBACK_PATH)
    return response


ROUTES = [
    Route("/auth/oidc/callback", callback, methods=["GET"]),
    Route("/auth/oidc/{key}/start", start, methods=["GET"]),
]
