"""REST: webhook registrations (list, create, update, delete), their delivery log and replay, with
the webhook page's rules (``services``): admins for any event and course, teachers for events
of their own courses; a registration is seen and changed by its owner (admins: all)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from lms_app.api.deps import require
from lms_app.api.errors import responses
from lms_app.api.schemas import Ok
from lms_app.api.services.tokens import Principal
from lms_app.api.staff import MAX_ID, call
from lms_app.webhooks import services

router = APIRouter(tags=["webhooks"])
def Id():
    return Path(ge=1, le=MAX_ID)
Event = Literal[services.EVENTS]  # type: ignore[valid-type]


class WebhookView(BaseModel):
    id: int
    url: str
    events: list[str]
    course: str = Field(description="The course's title, or 'All courses'")
    active: bool
    disabled_reason: str
    created: str


class WebhookCreated(WebhookView):
    secret: str = Field(description="The signing key (Standard Webhooks, whsec_...): shown once, store it now")


class WebhookIn(BaseModel):
    model_config = {"extra": "forbid"}
    url: str = Field(min_length=1, max_length=500)
    events: list[Event] = Field(min_length=1, max_length=len(services.EVENTS))
    course_id: int | None = Field(None, ge=1, le=MAX_ID, description="One of my courses (admins: empty = all)")


class WebhookPatch(BaseModel):
    model_config = {"extra": "forbid"}
    url: str | None = Field(None, min_length=1, max_length=500)
    events: list[Event] | None = Field(None, min_length=1, max_length=len(services.EVENTS))
    active: bool | None = None


class DeliveryView(BaseModel):
    id: int
    event: str
    status: str
    attempts: int
    response_code: str
    error: str
    created: str


def _views(session, actor) -> list[WebhookView]:
    return [WebhookView(**{**row, "events": row["events"].split(", ")}) for row in services.listing(session, actor)]


def _one(session, actor, endpoint_id) -> WebhookView:
    return next(v for v in _views(session, actor) if v.id == endpoint_id)


def _create(session, actor, body: WebhookIn) -> WebhookCreated:
    row = services.register(session, actor, body.url, list(body.events), body.course_id)
    return WebhookCreated(**_one(session, actor, row.id).model_dump(), secret=row.secret)


def _update(session, actor, endpoint_id, body: WebhookPatch) -> WebhookView:
    services.edit(session, actor, endpoint_id, body.url, list(body.events) if body.events else None, body.active)
    return _one(session, actor, endpoint_id)


def _delete(session, actor, endpoint_id) -> Ok:
    services.remove(session, actor, endpoint_id)
    return Ok()


def _replay(session, actor, delivery_id) -> Ok:
    services.replay(session, actor, delivery_id)
    return Ok()


@router.get("/webhooks", response_model=list[WebhookView], responses=responses(401, 403, 429),
            summary="My webhook registrations (admins: all), newest first")
async def webhooks(principal: Principal = Depends(require("teach"))):
    return await call(_views, principal.actor)


@router.post("/webhooks", response_model=WebhookCreated, status_code=201, responses=responses(401, 403, 422, 429),
             summary="Register a URL for events (the signing secret is shown once)")
async def create_webhook(body: WebhookIn, principal: Principal = Depends(require("teach"))):
    return await call(_create, principal.actor, body)


@router.patch("/webhooks/{webhook_id}", response_model=WebhookView, responses=responses(401, 403, 404, 422, 429),
              summary="Change the URL or events, or switch it on or off")
async def update_webhook(body: WebhookPatch, webhook_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_update, principal.actor, webhook_id, body)


@router.delete("/webhooks/{webhook_id}", response_model=Ok, responses=responses(401, 403, 404, 429),
               summary="Remove a registration and its delivery log")
async def delete_webhook(webhook_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_delete, principal.actor, webhook_id)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryView],
            responses=responses(401, 403, 404, 429), summary="The latest deliveries (status, response code, attempts)")
async def deliveries(webhook_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(services.deliveries, principal.actor, webhook_id)


@router.post("/webhooks/deliveries/{delivery_id}/replay", response_model=Ok, responses=responses(401, 403, 404, 429),
             summary="Send a delivery again (a fresh set of attempts)")
async def replay(delivery_id: int = Id(), principal: Principal = Depends(require("teach"))):
    return await call(_replay, principal.actor, delivery_id)
