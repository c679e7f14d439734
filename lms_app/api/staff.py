"""Small helpers the teacher and admin routers share: call a service in one transaction and
answer its refusals in the API's one error shape.

- ``PermissionDenied`` (someone else's course, coupon, webhook...) → 403, as the pages refuse.
- A ``ServiceError`` that says the thing does not exist (the services' own sentence, e.g.
  "That course does not exist.") → 404; every other refusal → 422 with the field at fault.
"""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel, Field

from lms_app.api.errors import ApiError
from lms_app.core.db import run_db
from lms_app.core.errors import PermissionDenied, ServiceError

MAX_ID = 2_147_483_647


def is_missing(exc: ServiceError) -> bool:
    text = exc.message.lower()
    return exc.field is None and ("does not exist" in text or "no longer exists" in text)


async def call(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """``run_db(fn, *args)`` with a missing object answered 404 (other refusals: the app's
    handlers, 403 and 422)."""
    try:
        return await run_db(fn, *args, **kwargs)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        if is_missing(exc):
            raise ApiError(404, exc.message, "not_found") from None
        raise


class Reason(BaseModel):
    """Why (shown to the person it concerns and kept in the audit log)."""

    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=1, max_length=500)


class Position(BaseModel):
    model_config = {"extra": "forbid"}
    position: int = Field(ge=0, le=10_000, description="The new 0-based position")
