"""Webhook registrations and their delivery log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

STATUSES = ("pending", "ok", "failed")


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    # A teacher's registration is for one of their courses; an admin's may be for all (NULL).
    course_id: int | None = Field(default=None, foreign_key="courses.id", index=True, ondelete="CASCADE")
    url: str = Field(sa_column=Column(String(500), nullable=False))
    # The HMAC key (Standard Webhooks "whsec_" + base64); shown to the owner once, at creation.
    secret: str = Field(sa_column=Column(String(80), nullable=False))
    events: str = Field(sa_column=Column(String(500), nullable=False))  # space separated
    is_active: bool = Field(default=True)
    consecutive_failures: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    disabled_reason: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # One delivery of one event per registration, however often the event is handed over.
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
        CheckConstraint("status IN ('pending', 'ok', 'failed')", name="ck_webhook_deliveries_status"),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoints.id", ondelete="CASCADE")
    event_id: str = Field(sa_column=Column(String(40), nullable=False))
    event: str = Field(sa_column=Column(String(40), nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", sa_column=Column(String(10), nullable=False, server_default="pending"))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    response_code: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    error: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
