"""Sign-in sessions: random tokens whose SHA-256 alone is stored, with expiry and revocation."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from lms_app.core.users import LoginTicket, User, UserSession
from lms_app.core.types import utcnow

TICKET_SECONDS = 60
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
MAX_TOKEN_LENGTH = 200
# The HttpOnly cookie that carries the session token (set by accounts' /api/session route).
SESSION_COOKIE = "lms_session"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_login_ticket(session: Session, user_id: int) -> str:
    """A one-time ticket, valid for a minute, that ``redeem_login_ticket`` trades for a session."""
    ticket = secrets.token_urlsafe(32)
    now = utcnow()
    session.exec(delete(LoginTicket).where(LoginTicket.expires_at < now))
    session.add(LoginTicket(ticket_hash=hash_token(ticket), user_id=user_id,
                            expires_at=now + timedelta(seconds=TICKET_SECONDS)))
    session.flush()
    return ticket


def redeem_login_ticket(session: Session, ticket: str, days: int, user_agent: str = "") -> str | None:
    """Consume a ticket and open a session; returns the raw session token, or None."""
    if not isinstance(ticket, str) or not ticket or len(ticket) > MAX_TOKEN_LENGTH:
        return None
    row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == hash_token(ticket))).first()
    if row is None:
        return None
    # Delete first: a ticket is good once, even if the rest fails.
    deleted = session.exec(delete(LoginTicket).where(LoginTicket.id == row.id)).rowcount
    if deleted != 1 or row.expires_at < utcnow():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return create_session(session, user.id, days, user_agent)[1]


def create_session(session: Session, user_id: int, days: int, user_agent: str = "") -> tuple[UserSession, str]:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(user_id=user_id, token_hash=hash_token(token), created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(days=days), user_agent=user_agent[:200])
    session.add(row)
    session.flush()
    return row, token


def resolve_session(session: Session, token: str | None) -> tuple[User, UserSession] | None:
    """The active user behind a token, or None if it is unknown, expired, revoked or disabled."""
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = session.exec(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == hash_token(token))
    ).first()
    if found is None:
        return None
    user, user_session = found
    now = utcnow()
    if user_session.revoked_at is not None or user_session.expires_at <= now or not user.is_active:
        return None
    if now - user_session.last_seen_at > LAST_SEEN_RESOLUTION:
        session.exec(update(UserSession).where(UserSession.id == user_session.id).values(last_seen_at=now))
    return user, user_session


def revoke_token(session: Session, token: str | None) -> None:
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return
    session.exec(
        update(UserSession)
        .where(UserSession.token_hash == hash_token(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


REVOKE_REASONS = ("deactivated", "erased", "password_reset", "password_changed", "signed_out_everywhere")


def revoke_user_sessions(session: Session, user_id: int, keep_session_id: int | None = None,
                         reason: str | None = None) -> int:
    """Revoke every live session of a user (except one); returns how many were revoked. With a
    ``reason`` (``REVOKE_REASONS``) the plugins end the credentials they issued too (the
    ``lms_credentials_revoked`` hook: API refresh and personal tokens...), in this transaction."""
    stmt = update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep_session_id is not None:
        stmt = stmt.where(UserSession.id != keep_session_id)
    ended = session.exec(stmt.values(revoked_at=utcnow())).rowcount
    if reason is not None:
        if reason not in REVOKE_REASONS:
            raise ValueError(f"unknown revocation reason {reason!r}")
        from lms_app.core import plugins

        plugins.hook().lms_credentials_revoked(session=session, user_id=user_id, reason=reason)
    return ended


@dataclass(frozen=True)
class Actor:
    """Who is acting: resolved on the server from the session cookie, never from the client."""

    user_id: int
    role: str
    session_id: int


def actor_for_token(session: Session, token: str | None) -> tuple[Actor, User] | None:
    """The actor (and user row) behind a session token, or None: the one way a request becomes an actor."""
    found = resolve_session(session, token)
    if found is None:
        return None
    user, user_session = found
    return Actor(user_id=user.id, role=user.role, session_id=user_session.id), user


def actor_or_none(session: Session, token: str | None) -> Actor | None:
    """The signed-in actor behind a request's session cookie, or None (for plain HTTP routes)."""
    found = actor_for_token(session, token)
    return found[0] if found else None


# Revoked sessions are kept this long (what signed out when, for support) before the purge.
REVOKED_KEEP = timedelta(days=30)


def purge_expired(session: Session) -> int:
    """Delete expired sessions, long-revoked ones and spent or expired sign-in tickets (a periodic job)."""
    now = utcnow()
    removed = session.exec(delete(UserSession).where(
        (UserSession.expires_at < now) | (UserSession.revoked_at < now - REVOKED_KEEP))).rowcount or 0
    removed += session.exec(delete(LoginTicket).where(LoginTicket.expires_at < now)).rowcount or 0
    return removed

