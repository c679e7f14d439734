"""``POST /auth/sign-out-everywhere``: the API's "sign out everywhere" (every web session and
every API sign-in of the caller; personal tokens stay, see ``tokens.on_credentials_revoked``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from lms_app.api.deps import require
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.core import sessions
from lms_app.core.db import run_db

router = APIRouter(tags=["auth"])


class SignedOut(BaseModel):
    web_sessions: int


def _everywhere(session, user_id: int) -> SignedOut:
    return SignedOut(web_sessions=sessions.revoke_user_sessions(session, user_id, reason="signed_out_everywhere"))


@router.post("/auth/sign-out-everywhere", response_model=SignedOut, responses=responses(401, 403, 429),
             summary="Sign out everywhere: every web session and every API refresh token of mine")
async def sign_out_everywhere(principal: Principal = Depends(require("read"))) -> SignedOut:
    return await run_db(_everywhere, principal.actor.user_id)
