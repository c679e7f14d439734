"""Notifications (one row per user and event), preferences per kind, and sent reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

CHANNELS = ("in_app", "email", "digest")


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        # The bell counts a user's unread in-app ones; the list pages by id (keyset).
        Index("ix_notifications_user_unread", "user_id", "in_app", "read_at"),
        Index("ix_notifications_user_id", "user_id", "id"),
        Index("ix_notifications_digest", "digest", "digested_at", "user_id"),
        # The same event twice (a retried subscriber, a reminder round run twice) is one row.
        UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(sa_column=Column(String(60), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # A path inside the app ("/learn/python"), never an absolute or javascript: URL.
    link: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    # Shown in the bell and list (the in-app channel); kept for the weekly digest (digest channel).
    in_app: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="1"))
    digest: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="0"))
    dedupe_key: str | None = Field(default=None, sa_column=Column(String(160), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    digested_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class NotificationPreference(SQLModel, table=True):
    """A user's choice for one kind; without a row the kind's default channels apply."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(sa_column=Column(String(60), nullable=False))
    in_app: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    email: bool = Field(default=True, sa_column=Column(Boolean, nullable=False))
    digest: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ReminderSent(SQLModel, table=True):
    """One row per reminder given: the unique key makes a second round (or a second worker) a no-op.
    ``ref`` names the gap: for the inactivity rule the course and the last activity's time."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "rule", "ref", name="uq_reminders_sent_user_rule_ref"),
                      Index("ix_reminders_sent_user_rule_subject", "user_id", "rule", "subject_id", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    rule: str = Field(sa_column=Column(String(40), nullable=False))
    # What the rule is about (the course for the inactivity rule), so a round skips it in SQL.
    subject_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    ref: str = Field(sa_column=Column(String(120), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
