"""The audit log table: one row per admin action, written by every feature through ``core.audit``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """One admin action: who did what to which object, when. Rows are never updated."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_created", "created_at"),
        Index("ix_audit_entries_action_created", "action", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True))
    # The actor's name at the time, so the log stays readable after the account is gone.
    actor_name: str = Field(sa_column=Column(String(120), nullable=False))
    action: str = Field(sa_column=Column(String(40), nullable=False))
    target_type: str = Field(sa_column=Column(String(24), nullable=False))
    target_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    summary: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
