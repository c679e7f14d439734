"""REST for admins: the accounts list (the admin users page's search)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from lms_app.admin.services import users
from lms_app.api.deps import require
from lms_app.api.dto import model_of
from lms_app.api.errors import responses
from lms_app.api.services.tokens import Principal
from lms_app.core.db import run_db

router = APIRouter(tags=["admin"])


class UserPage(BaseModel):
    rows: list[model_of(users.UserRowView)]
    total: int
    page: int
    pages: int


@router.get("/admin/users", response_model=UserPage, responses=responses(401, 403, 429), summary="Accounts, newest first")
async def list_users(q: str = Query("", max_length=100), role: Literal["", "learner", "teacher", "admin"] = "",
                     status: Literal["", "active", "inactive"] = "", page: int = Query(1, ge=1, le=100_000),
                     principal: Principal = Depends(require("admin"))) -> UserPage:
    return UserPage(**await run_db(users.search, principal.actor, q, role, status, page))
