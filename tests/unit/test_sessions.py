"""Server-side sessions and the one-time login tickets that hand over to the cookie route."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from lms_app.core.users import LoginTicket, User, UserSession
from lms_app.core.types import utcnow
from lms_app.core import sessions


def test_only_the_sha256_of_the_token_is_stored(db, make_user):
    user = make_user()
    row, token = sessions.create_session(db, user.id, 14, "Mozilla/5.0 " + "x" * 300)
    db.commit()
    assert len(token) >= 40
    stored = db.exec(select(UserSession).where(UserSession.id == row.id)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.token_hash, stored.user_agent}
    assert len(stored.user_agent) == 200
    assert timedelta(days=13, hours=23) < stored.expires_at - stored.created_at <= timedelta(days=14)


def test_tokens_are_unique_per_session(db, make_user):
    user = make_user()
    tokens = {sessions.create_session(db, user.id, 1)[1] for _ in range(20)}
    assert len(tokens) == 20


def test_resolve_returns_the_user_and_session(db, make_user):
    user = make_user(role="teacher")
    row, token = sessions.create_session(db, user.id, 1)
    db.commit()
    found_user, found_session = sessions.resolve_session(db, token)
    assert (found_user.id, found_user.role, found_session.id) == (user.id, "teacher", row.id)


@pytest.mark.parametrize("token", [None, "", "nope", "x" * 201, 12345, {"a": 1}])
def test_unknown_or_malformed_tokens_resolve_to_none(db, make_user, token):
    user = make_user()
    sessions.create_session(db, user.id, 1)
    db.commit()
    assert sessions.resolve_session(db, token) is None


def test_hash_of_a_token_is_not_a_token(db, make_user):
    user = make_user()
    row, token = sessions.create_session(db, user.id, 1)
    db.commit()
    assert sessions.resolve_session(db, row.token_hash) is None


def test_expired_session_resolves_to_none(db, make_user):
    user = make_user()
    row, token = sessions.create_session(db, user.id, 1)
    db.commit()
    assert sessions.resolve_session(db, token) is not None
    db.exec(update(UserSession).where(UserSession.id == row.id).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert sessions.resolve_session(db, token) is None


def test_revoke_token_ends_only_that_session(db, make_user):
    user = make_user()
    _, first = sessions.create_session(db, user.id, 1)
    _, second = sessions.create_session(db, user.id, 1)
    db.commit()
    sessions.revoke_token(db, first)
    db.commit()
    assert sessions.resolve_session(db, first) is None
    assert sessions.resolve_session(db, second) is not None


@pytest.mark.parametrize("token", [None, "", "unknown-token", "y" * 500])
def test_revoke_token_ignores_garbage(db, make_user, token):
    user = make_user()
    _, live = sessions.create_session(db, user.id, 1)
    db.commit()
    sessions.revoke_token(db, token)
    db.commit()
    assert sessions.resolve_session(db, live) is not None


def test_revoke_user_sessions_keeps_one_and_spares_other_users(db, make_user):
    user, other = make_user(), make_user()
    keep, keep_token = sessions.create_session(db, user.id, 1)
    drop_tokens = [sessions.create_session(db, user.id, 1)[1] for _ in range(3)]
    _, other_token = sessions.create_session(db, other.id, 1)
    db.commit()
    assert sessions.revoke_user_sessions(db, user.id, keep_session_id=keep.id) == 3
    db.commit()
    assert sessions.resolve_session(db, keep_token) is not None
    assert all(sessions.resolve_session(db, t) is None for t in drop_tokens)
    assert sessions.resolve_session(db, other_token) is not None
    # Already revoked sessions are not counted again; without keep, everything goes.
    assert sessions.revoke_user_sessions(db, user.id) == 1
    db.commit()
    assert sessions.resolve_session(db, keep_token) is None


def test_deactivated_users_sessions_resolve_to_none(db, make_user):
    user = make_user()
    _, token = sessions.create_session(db, user.id, 1)
    db.commit()
    db.exec(update(User).where(User.id == user.id).values(is_active=False))
    db.commit()
    assert sessions.resolve_session(db, token) is None


def test_last_seen_is_refreshed_only_after_the_resolution_interval(db, make_user):
    user = make_user()
    row, token = sessions.create_session(db, user.id, 1)
    db.commit()
    first_seen = row.last_seen_at
    sessions.resolve_session(db, token)
    db.commit()
    db.expire_all()
    assert db.get(UserSession, row.id).last_seen_at == first_seen
    stale = utcnow() - sessions.LAST_SEEN_RESOLUTION - timedelta(minutes=1)
    db.exec(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=stale))
    db.commit()
    sessions.resolve_session(db, token)
    db.commit()
    db.expire_all()
    assert db.get(UserSession, row.id).last_seen_at > stale + timedelta(minutes=1)


# --- login tickets -----------------------------------------------------------------------

def test_ticket_is_good_exactly_once(db, make_user):
    user = make_user()
    ticket = sessions.create_login_ticket(db, user.id)
    db.commit()
    stored = db.exec(select(LoginTicket)).one()
    assert stored.ticket_hash == sessions.hash_token(ticket) and ticket != stored.ticket_hash
    token = sessions.redeem_login_ticket(db, ticket, 1, "pytest")
    db.commit()
    assert sessions.resolve_session(db, token)[0].id == user.id
    assert sessions.redeem_login_ticket(db, ticket, 1) is None
    db.commit()
    assert db.exec(select(func.count(LoginTicket.id))).one() == 0


@pytest.mark.parametrize("offset, valid", [(59, True), (61, False), (3600, False)])
def test_ticket_expires_after_60_seconds(db, make_user, monkeypatch, offset, valid):
    user = make_user()
    ticket = sessions.create_login_ticket(db, user.id)
    db.commit()
    later = utcnow() + timedelta(seconds=offset)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    token = sessions.redeem_login_ticket(db, ticket, 1)
    db.commit()
    assert (token is not None) is valid
    # An expired ticket is consumed anyway: it cannot be retried.
    assert db.exec(select(func.count(LoginTicket.id))).one() == 0


@pytest.mark.parametrize("ticket", [None, "", "forged", "t" * 201, ["x"], {"ticket": "x"}])
def test_bad_tickets_are_refused(db, make_user, ticket):
    user = make_user()
    sessions.create_login_ticket(db, user.id)
    db.commit()
    assert sessions.redeem_login_ticket(db, ticket, 1) is None
    assert db.exec(select(func.count(UserSession.id))).one() == 0


def test_ticket_of_a_deactivated_user_opens_no_session(db, make_user):
    user = make_user()
    ticket = sessions.create_login_ticket(db, user.id)
    db.exec(update(User).where(User.id == user.id).values(is_active=False))
    db.commit()
    assert sessions.redeem_login_ticket(db, ticket, 1) is None
    assert db.exec(select(func.count(UserSession.id))).one() == 0


def test_creating_a_ticket_sweeps_expired_ones(db, make_user):
    user = make_user()
    old = sessions.create_login_ticket(db, user.id)
    db.exec(update(LoginTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    sessions.create_login_ticket(db, user.id)
    db.commit()
    hashes = db.exec(select(LoginTicket.ticket_hash)).all()
    assert sessions.hash_token(old) not in hashes and len(hashes) == 1
