"""API credentials: rotating refresh tokens (one family per sign-in) and personal access tokens.

Only the SHA-256 of a token is stored. A refresh token is spent when used (``used_at``) and
replaced by a new one of the same family; presenting a spent one again revokes the family.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class ApiRefreshToken(SQLModel, table=True):
    __tablename__ = "api_refresh_tokens"
    __table_args__ = (Index("ix_api_refresh_tokens_family", "family"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    family: str = Field(sa_column=Column(String(32), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # A fingerprint of the password hash at sign-in: a password change or reset ends the family.
    password_mark: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class ApiToken(SQLModel, table=True):
    """A personal access token for scripts: named, scoped, shown once, revocable."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(sa_column=Column(String(80), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # The first characters of the token (after its prefix), shown in the list to tell tokens apart.
    hint: str = Field(sa_column=Column(String(16), nullable=False))
    scopes: str = Field(sa_column=Column(String(100), nullable=False))  # space separated
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
