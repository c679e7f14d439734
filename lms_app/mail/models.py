"""The delivery log: one row per message, with its rendered bodies, status, attempts and last SMTP error."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

# queued: waiting for the worker; sent: accepted by the SMTP server; failed: the last attempt failed
# (retried with backoff until the retries run out); stored: no SMTP configured, kept for /admin/mail.
MAIL_STATUSES = ("queued", "sent", "failed", "stored")


class MailMessage(SQLModel, table=True):
    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed', 'stored')", name="ck_mail_messages_status"),
        Index("ix_mail_messages_created", "created_at"),
        Index("ix_mail_messages_status_created", "status", "created_at"),
        Index("ix_mail_messages_to_created", "to_address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True))
    to_address: str = Field(sa_column=Column(String(254), nullable=False))
    # The template's name (verify_email, reset_password, receipt, certificate...).
    kind: str = Field(sa_column=Column(String(40), nullable=False))
    subject: str = Field(sa_column=Column(String(200), nullable=False))
    text_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    html_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # Carries a sign-in-equivalent link (verification, reset): bodies are blanked once sent.
    sensitive: bool = Field(default=False)
    # Non-essential mail: the RFC 8058 one-click target for the List-Unsubscribe header (None for
    # account mails and receipts, which always go).
    unsubscribe_url: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    # One optional text attachment (e.g. a calendar invite, ``text/calendar``).
    attachment_name: str = Field(default="", sa_column=Column(String(120), nullable=False, server_default=""))
    attachment_type: str = Field(default="", sa_column=Column(String(80), nullable=False, server_default=""))
    attachment_body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default="queued", sa_column=Column(String(16), nullable=False, server_default="queued"))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Set (and committed) by the worker that is about to talk to the SMTP server: a second job for
    # the same message (a retry, the stuck-mail sweep) leaves it alone while the claim is fresh.
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
