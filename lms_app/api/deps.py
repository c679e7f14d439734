"""FastAPI dependencies: the client address, rate limits, and the bearer principal with scopes.

The API authenticates by ``Authorization: Bearer`` only. It never reads the session cookie, so
a cross-site page has no ambient credential to borrow (see ``request_guard``'s ``bearer_auth``).
"""

from __future__ import annotations

from fastapi import Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lms_app.api import ratelimit
from lms_app.api.errors import ApiError
from lms_app.api.services import tokens
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db
from lms_app.core.settings import get_settings

bearer = HTTPBearer(auto_error=False, description="A JWT access token from /auth/token or a personal "
                                                  "access token (lms_pat_...)")


def client_ip(request: Request) -> str:
    """The caller's address: the socket peer, or with ``LMS_TRUSTED_PROXY_HOPS`` = n the n-th
    address from the right of X-Forwarded-For (the one our own proxies saw), never a header a
    client can set freely."""
    hops = get_settings().trusted_proxy_hops
    peer = request.client.host if request.client else ""
    if hops:
        chain = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if len(chain) >= hops:
            return chain[-hops][:64]
    return peer


def _apply(response: Response, window: ratelimit.Window) -> None:
    for k, v in window.headers().items():
        response.headers[k] = v


async def ip_limit(request: Request, response: Response) -> None:
    _apply(response, ratelimit.hit("ip", client_ip(request)))


async def auth_limit(request: Request) -> None:
    ratelimit.hit("auth", client_ip(request))


def _challenge(message: str) -> ApiError:
    return ApiError(401, message, "unauthorized", headers={"WWW-Authenticate": "Bearer"})


async def optional_principal(response: Response,
                             credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal | None:
    if credentials is None:
        return None
    try:
        principal = await run_db(tokens.authenticate_bearer, get_settings(), credentials.credentials)
    except tokens.TokenError as exc:
        raise _challenge(exc.message) from None
    _apply(response, ratelimit.hit("token", principal.credential))
    return principal


def require(*scopes: str, password_grant: bool = False):
    """A dependency: the signed-in principal, whose token grants every scope in ``scopes``.
    ``password_grant``: only a token from a password sign-in (JWT), not a personal token."""

    async def dependency(principal: Principal | None = Depends(optional_principal)) -> Principal:
        if principal is None:
            raise _challenge("Sign in: send Authorization: Bearer <token>.")
        missing = [s for s in scopes if s not in principal.scopes]
        if missing:
            raise ApiError(403, f"This token lacks the scope: {', '.join(missing)}.", "insufficient_scope")
        if password_grant and principal.kind != "jwt":
            raise ApiError(403, "Use a token from a password sign-in for this.", "forbidden")
        return principal

    return dependency
