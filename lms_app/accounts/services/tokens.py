"""One-time account links: issue (store only the hash), check, and spend exactly once.

A link is bound to one account and one purpose; spending it is a conditional UPDATE
(``used_at IS NULL``), so two clicks racing cannot both succeed."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from lms_app.accounts.models import PURPOSES, AccountToken
from lms_app.core.sessions import MAX_TOKEN_LENGTH, hash_token
from lms_app.core.types import utcnow

LIFETIME = {"verify_email": timedelta(hours=48), "reset_password": timedelta(hours=1)}
# At most this many links per account and purpose in THROTTLE_WINDOW (resend and reset requests).
THROTTLE_MAX = 3
THROTTLE_WINDOW = timedelta(hours=1)
KEEP_SPENT = timedelta(days=7)


def new_token() -> tuple[str, str]:
    """A random token and its hash (also called for unknown addresses: the same work either way)."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def issue(session: Session, user_id: int, purpose: str, now: datetime | None = None) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    now = now or utcnow()
    raw, hashed = new_token()
    session.add(AccountToken(user_id=user_id, purpose=purpose, token_hash=hashed, created_at=now,
                             expires_at=now + LIFETIME[purpose]))
    session.flush()
    return raw


def recent_count(session: Session, user_id: int, purpose: str, now: datetime | None = None) -> int:
    since = (now or utcnow()) - THROTTLE_WINDOW
    return session.exec(select(func.count(AccountToken.id)).where(
        AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.created_at > since)).one()


def _find(session: Session, raw: object, purpose: str, now: datetime) -> AccountToken | None:
    if not isinstance(raw, str) or not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    row = session.exec(select(AccountToken).where(AccountToken.token_hash == hash_token(raw),
                                                  AccountToken.purpose == purpose)).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def check(session: Session, raw: object, purpose: str, now: datetime | None = None) -> int | None:
    """The account a live link belongs to, without spending it (the reset page asks first)."""
    row = _find(session, raw, purpose, now or utcnow())
    return row.user_id if row else None


def spend(session: Session, raw: object, purpose: str, now: datetime | None = None) -> int | None:
    """Spend a live link; returns its account's id, or None (unknown, other purpose, used, expired)."""
    now = now or utcnow()
    row = _find(session, raw, purpose, now)
    if row is None:
        return None
    spent = session.exec(update(AccountToken).where(AccountToken.id == row.id, AccountToken.used_at.is_(None))
                         .values(used_at=now)).rowcount
    return row.user_id if spent == 1 else None


def spend_all(session: Session, user_id: int, purpose: str, now: datetime | None = None) -> None:
    """Retire every other live link of the account (after a reset, older reset mails stop working)."""
    session.exec(update(AccountToken).where(AccountToken.user_id == user_id, AccountToken.purpose == purpose,
                                            AccountToken.used_at.is_(None)).values(used_at=now or utcnow()))


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete links that expired or were spent a week ago (part of the session purge job)."""
    cutoff = (now or utcnow()) - KEEP_SPENT
    return session.exec(delete(AccountToken).where(
        (AccountToken.expires_at < cutoff) | (AccountToken.used_at < cutoff))).rowcount or 0
