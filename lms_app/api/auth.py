"""``/auth/*`` (sign in, refresh, sign out) and ``/me`` with personal access tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request

from lms_app.accounts.mfa.service import SecondFactorInvalid, SecondFactorRequired
from lms_app.api.deps import auth_limit, client_ip, require
from lms_app.api.errors import ApiError, responses
from lms_app.api.schemas import MeView, Ok, PatCreated, PatRequest, PatView, RefreshRequest, TokenRequest, TokenResponse
from lms_app.api.services import tokens
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError, Throttled
from lms_app.core.settings import get_settings
from lms_app.core.users import User

router = APIRouter(tags=["auth"])


def _sign_in(session, settings, email, password, otp, ip):
    """(TokenPair, None) or (None, error): a refusal is returned, not raised, so the throttle's
    failure count commits with the transaction (as the web login does)."""
    from lms_app.accounts.mfa.service import check_second_factor
    from lms_app.accounts.services.accounts import authenticate

    try:
        user = authenticate(session, settings, email, password, ip)
        # Two-factor accounts need their code (or a recovery code) in ``otp``: the same rule, the
        # same one-time spending and the same throttle as the web sign-in's code step.
        check_second_factor(session, user, otp, ip)
    except ServiceError as exc:
        return None, exc
    return tokens.issue_pair(session, settings, user), None


def _pair(pair: tokens.TokenPair) -> TokenResponse:
    return TokenResponse(access_token=pair.access_token, expires_in=pair.expires_in,
                         refresh_token=pair.refresh_token, scope=pair.scope)


@router.post("/auth/token", response_model=TokenResponse, dependencies=[Depends(auth_limit)],
             responses=responses(401, 422, 429), summary="Sign in with email and password")
async def token(body: TokenRequest, request: Request) -> TokenResponse:
    """Returns a 15-minute access token and a refresh token. Throttled like the web login (per
    address and account) and rate limited per address."""
    pair, error = await run_db(_sign_in, get_settings(), body.email, body.password, body.otp, client_ip(request))
    if isinstance(error, Throttled):
        raise ApiError(429, error.message, "throttled", headers={"Retry-After": "60"})
    if isinstance(error, SecondFactorRequired):
        raise ApiError(401, error.message, "otp_required", field="otp")
    if isinstance(error, SecondFactorInvalid):
        raise ApiError(401, error.message, "otp_invalid", field="otp")
    if error is not None:
        raise ApiError(401, error.message, "invalid_credentials")
    return _pair(pair)


@router.post("/auth/refresh", response_model=TokenResponse, dependencies=[Depends(auth_limit)],
             responses=responses(401, 422, 429), summary="Trade a refresh token for a new pair")
async def refresh(body: RefreshRequest) -> TokenResponse:
    """Rotates: the refresh token sent is spent. Sending a spent one revokes the whole sign-in."""
    try:
        pair = await run_db(tokens.refresh, get_settings(), body.refresh_token)
    except tokens.TokenError as exc:
        raise ApiError(401, exc.message, "invalid_token") from None
    return _pair(pair)


@router.post("/auth/revoke", response_model=Ok, dependencies=[Depends(auth_limit)], responses=responses(422, 429),
             summary="Sign out: revoke a refresh token and its family")
async def revoke(body: RefreshRequest) -> Ok:
    await run_db(tokens.revoke_refresh, body.refresh_token)
    return Ok()


def _me(session, principal: Principal) -> MeView:
    user = session.get(User, principal.actor.user_id)
    return MeView(id=user.id, name=user.name, email=user.email, role=user.role, scopes=sorted(principal.scopes),
                  email_verified=user.email_verified_at is not None)


@router.get("/me", response_model=MeView, responses=responses(401, 403, 429), tags=["me"])
async def me(principal: Principal = Depends(require("read"))) -> MeView:
    return await run_db(_me, principal)


def _pat_view(row) -> dict:
    return dict(id=row.id, name=row.name, hint=row.hint, scopes=row.scopes.split(), created_at=row.created_at,
                expires_at=row.expires_at, last_used_at=row.last_used_at)


def _list(session, principal):
    return [PatView(**_pat_view(r)) for r in tokens.list_pats(session, principal.actor)]


def _create(session, principal, body: PatRequest):
    row, raw = tokens.create_pat(session, principal.actor, body.name, list(body.scopes), body.days)
    return PatCreated(**_pat_view(row), token=raw)


@router.get("/me/tokens", response_model=list[PatView], responses=responses(401, 403, 429), tags=["me"],
            summary="My personal access tokens")
async def list_tokens(principal: Principal = Depends(require("read"))) -> list[PatView]:
    return await run_db(_list, principal)


@router.post("/me/tokens", response_model=PatCreated, status_code=201, responses=responses(401, 403, 422, 429),
             tags=["me"], summary="Create a personal access token (needs a password sign-in)")
async def create_token(body: PatRequest, principal: Principal = Depends(require("read", password_grant=True))) -> PatCreated:
    return await run_db(_create, principal, body)


@router.delete("/me/tokens/{token_id}", response_model=Ok, responses=responses(401, 403, 404, 429), tags=["me"])
async def delete_token(token_id: int = Path(ge=1, le=2_147_483_647), principal: Principal = Depends(require("read"))) -> Ok:
    try:
        await run_db(tokens.revoke_pat, principal.actor, token_id)
    except ServiceError as exc:
        raise ApiError(404, exc.message, "not_found") from None
    return Ok()
