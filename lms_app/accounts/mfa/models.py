"""Two-factor sign-in tables: the TOTP secret (encrypted), hashed recovery codes, the server-side
challenge that binds the code step to the password step, and remembered devices.

Nothing here stores a usable secret in the clear: the TOTP secret is encrypted with a key
derived from ``LMS_SECRET_KEY`` (it must be read back to check codes), recovery codes, challenge
tokens and device tokens are kept as HMAC/SHA-256 digests only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class MfaTotp(SQLModel, table=True):
    """One authenticator per account. ``confirmed_at`` is empty while enrolment waits for the
    first code; ``last_step`` is the 30-second step of the last code accepted (no replay)."""

    __tablename__ = "mfa_totp"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          unique=True))
    secret_enc: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    last_step: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class MfaRecoveryCode(SQLModel, table=True):
    __tablename__ = "mfa_recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash", name="uq_mfa_recovery_codes_user_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    code_hash: str = Field(sa_column=Column(String(64), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class MfaChallenge(SQLModel, table=True):
    """The password was right; this row (its token's hash) is what the code step must present.

    Short-lived, a fixed number of attempts, spent once (``used_at`` set in the UPDATE that
    checks it was unspent)."""

    __tablename__ = "mfa_challenges"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class MfaDevice(SQLModel, table=True):
    """A browser that asked to be remembered for 30 days after a right code.

    Created with a one-minute ``claim_hash`` that the HTTP route trades once for the long-lived
    token (set as a signed HttpOnly cookie; only its hash is kept here)."""

    __tablename__ = "mfa_devices"
    __table_args__ = (Index("ix_mfa_devices_user_expires", "user_id", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    claim_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    token_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, unique=True))
    label: str = Field(default="", sa_column=Column(String(200), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
