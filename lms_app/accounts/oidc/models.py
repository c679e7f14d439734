"""Sign-in with an identity provider: linked identities and the server-side state of a sign-in
in progress (state, nonce and PKCE verifier never leave the server; the browser holds only a
random binding cookie whose hash is stored here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class OidcIdentity(SQLModel, table=True):
    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oidc_identities_provider_subject"),
                      UniqueConstraint("user_id", "provider", name="uq_oidc_identities_user_provider"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    provider: str = Field(sa_column=Column(String(40), nullable=False))
    subject: str = Field(sa_column=Column(String(255), nullable=False))
    email: str = Field(default="", sa_column=Column(String(254), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class OidcFlow(SQLModel, table=True):
    """One sign-in (or linking) in progress, for 10 minutes, used once."""

    __tablename__ = "oidc_flows"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    # A linking flow starts in the profile page: a one-time ticket the start route trades.
    ticket_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    browser_hash: str = Field(default="", sa_column=Column(String(64), nullable=False, server_default=""))
    provider: str = Field(sa_column=Column(String(40), nullable=False))
    nonce: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))
    code_verifier: str = Field(default="", sa_column=Column(String(128), nullable=False, server_default=""))
    next_path: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    link_user_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"),
                                                                    nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
