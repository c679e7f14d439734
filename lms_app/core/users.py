"""Accounts, sign-in sessions and the counters used for throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Integer, String, Text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

ROLES = ("learner", "teacher", "admin")


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('learner', 'teacher', 'admin')", name="ck_users_role"),)

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased and trimmed by services.accounts.normalize_email, so the unique
    # index is case-insensitive in effect on every backend.
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True, index=True))
    password_hash: str = Field(sa_column=Column(String(100), nullable=False))
    name: str = Field(sa_column=Column(String(120), nullable=False))
    role: str = Field(default="learner", sa_column=Column(String(16), nullable=False, server_default="learner"))
    is_active: bool = Field(default=True)
    bio: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    timezone: str = Field(default="UTC", sa_column=Column(String(64), nullable=False, server_default="UTC"))
    avatar_file: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Set when the owner followed the link mailed to the address (accounts.services.tokens);
    # unverified accounts browse and learn free courses but cannot buy.
    email_verified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Set when the account was deleted (privacy feature): the row stays, anonymised, so kept
    # financial records and issued certificates still point at something.
    erased_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the random token is stored."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    user_agent: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))


class LoginTicket(SQLModel, table=True):
    """A one-time, short-lived hand-over from the login handler to the cookie route.

    The websocket handler cannot set an HttpOnly cookie, so after checking the password it
    stores the hash of a ticket; the browser trades the ticket once at ``POST /api/session``
    for a new session whose token goes straight into an HttpOnly cookie, never into state.
    """

    __tablename__ = "login_tickets"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ThrottleCounter(SQLModel, table=True):
    """One counter per throttling key (address + account, address, account, registrations).

    Incremented by a single INSERT ... ON CONFLICT DO UPDATE ... RETURNING, so parallel attempts
    cannot all read the same count (accounts/services/throttle.py); the unique key is what makes
    that statement atomic on PostgreSQL and SQLite."""

    __tablename__ = "throttle_counters"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(300), nullable=False, unique=True))
    count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    window_started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    blocked_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
