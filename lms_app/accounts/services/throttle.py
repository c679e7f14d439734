"""Login throttling: too many failed passwords for one account lock it for a while.

The check is one indexed COUNT and runs before bcrypt, so a refused attempt is cheap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from lms_app.core.users import LoginAttempt
from lms_app.core.types import utcnow


def locked_until(session: Session, email: str, max_failures: int, window_minutes: int,
                 now: datetime | None = None) -> datetime | None:
    """When the account unlocks, if it is locked now; else None."""
    now = now or utcnow()
    window = timedelta(minutes=window_minutes)
    count, oldest = session.exec(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.attempted_at))
        .where(LoginAttempt.email == email, LoginAttempt.attempted_at > now - window)
    ).one()
    if count < max_failures:
        return None
    return (oldest or now) + window


def record_failure(session: Session, email: str, now: datetime | None = None) -> None:
    session.add(LoginAttempt(email=email, attempted_at=now or utcnow()))
    session.flush()


def clear_failures(session: Session, email: str) -> None:
    session.exec(delete(LoginAttempt).where(LoginAttempt.email == email))
