"""One-time links mailed to an account's address: e-mail verification (48 h) and password reset (1 h).

Like sessions, only the SHA-256 of the random token is stored: a database leak reveals no usable
link. A token is for one purpose and one account, and is spent by setting ``used_at`` in the
same UPDATE that checks it was unspent (two clicks cannot both win)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

PURPOSES = ("verify_email", "reset_password")


class AccountToken(SQLModel, table=True):
    __tablename__ = "account_tokens"
    __table_args__ = (
        CheckConstraint("purpose IN ('verify_email', 'reset_password')", name="ck_account_tokens_purpose"),
        Index("ix_account_tokens_user_purpose_created", "user_id", "purpose", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    purpose: str = Field(sa_column=Column(String(20), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
