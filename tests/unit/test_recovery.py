"""E-mail verification and password reset: one-time, expiring links bound to one account and one
purpose; a reset signs the account out everywhere; no user enumeration; throttled per address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from lms_app.accounts.models import AccountToken
from lms_app.accounts.services import accounts, passwords, recovery, tokens
from lms_app.core import sessions
from lms_app.core.errors import ServiceError
from lms_app.core.users import User, UserSession
from lms_app.core.types import utcnow
from lms_app.mail.models import MailMessage

NEW_PW = "a brand new passphrase"


def _link(db, address: str, kind: str) -> str:
    db.expire_all()
    message = db.exec(select(MailMessage).where(MailMessage.to_address == address, MailMessage.kind == kind)
                      .order_by(MailMessage.id.desc())).first()
    assert message is not None, f"no {kind} mail to {address}"
    return re.search(r"/(?:verify-email|reset-password)/([A-Za-z0-9_\-]+)", message.text_body).group(1)


def _user(db, user_id) -> User:
    db.expire_all()
    return db.get(User, user_id)


def test_registration_mails_a_link_that_verifies_once(db, settings):
    accounts.register_and_sign_in(db, settings, "Ann", "ann@example.test", "correct horse battery",
                                  "http://localhost:3000")
    db.commit()
    user = db.exec(select(User).where(User.email == "ann@example.test")).one()
    assert user.email_verified_at is None
    message = db.exec(select(MailMessage).where(MailMessage.user_id == user.id)).one()
    assert message.kind == "verify_email" and message.sensitive and "http://localhost:3000/verify-email/" in message.text_body
    token = _link(db, "ann@example.test", "verify_email")
    stored = db.exec(select(AccountToken)).one()
    assert stored.token_hash == sessions.hash_token(token) and token not in stored.token_hash  # only the hash
    assert recovery.verify_email(db, token) is True
    db.commit()
    assert _user(db, user.id).email_verified_at is not None
    assert recovery.verify_email(db, token) is False  # single use


def test_expired_verification_link_is_refused(db, make_user):
    user = make_user(email_verified_at=None)
    raw = tokens.issue(db, user.id, "verify_email", now=utcnow() - timedelta(hours=48, seconds=1))
    db.commit()
    assert recovery.verify_email(db, raw) is False
    assert _user(db, user.id).email_verified_at is None
    fresh = tokens.issue(db, user.id, "verify_email", now=utcnow() - timedelta(hours=47))
    assert recovery.verify_email(db, fresh) is True


def test_a_link_works_only_for_its_purpose_and_its_account(db, settings, make_user):
    ann, bob = make_user(email_verified_at=None), make_user(email_verified_at=None)
    verify_ann = tokens.issue(db, ann.id, "verify_email")
    db.commit()
    with pytest.raises(ServiceError):
        recovery.reset_password(db, settings, verify_ann, NEW_PW)  # a verify link is no reset link
    db.rollback()
    assert recovery.verify_email(db, verify_ann) is True
    db.commit()
    assert _user(db, ann.id).email_verified_at is not None and _user(db, bob.id).email_verified_at is None
    reset_ann = tokens.issue(db, ann.id, "reset_password")
    db.commit()
    assert recovery.reset_password(db, settings, reset_ann, NEW_PW) == ann.id
    db.commit()
    assert passwords.verify_password(NEW_PW, _user(db, ann.id).password_hash)
    assert not passwords.verify_password(NEW_PW, _user(db, bob.id).password_hash)
    assert recovery.verify_email(db, reset_ann) is False  # nor a reset link a verify link


def test_reset_changes_the_password_once_and_revokes_every_session(db, settings, make_user, sign_in):
    user = make_user(email="cara@example.test")
    token_a, _ = sign_in(user)
    token_b, _ = sign_in(user)
    recovery.request_password_reset(db, settings, "Cara@Example.test")
    db.commit()
    raw = _link(db, "cara@example.test", "reset_password")
    assert recovery.reset_link_is_live(db, raw)
    with pytest.raises(ServiceError, match="at least"):
        recovery.reset_password(db, settings, raw, "short")  # a bad password does not spend the link
    db.rollback()
    ticket = recovery.reset_and_sign_in(db, settings, raw, NEW_PW)
    db.commit()
    assert sessions.resolve_session(db, token_a) is None and sessions.resolve_session(db, token_b) is None
    assert sessions.redeem_login_ticket(db, ticket, 14) is not None  # this browser signs in afresh
    db.commit()
    with pytest.raises(ServiceError, match="invalid"):
        recovery.reset_password(db, settings, raw, "another new passphrase")
    db.rollback()
    assert not recovery.reset_link_is_live(db, raw)
    with pytest.raises(ServiceError):
        accounts.authenticate(db, settings, "cara@example.test", "correct horse battery")
    assert accounts.authenticate(db, settings, "cara@example.test", NEW_PW).id == user.id


def test_expired_reset_link_is_refused(db, settings, make_user):
    user = make_user()
    raw = tokens.issue(db, user.id, "reset_password", now=utcnow() - timedelta(minutes=61))
    db.commit()
    assert not recovery.reset_link_is_live(db, raw)
    with pytest.raises(ServiceError, match="expired"):
        recovery.reset_password(db, settings, raw, NEW_PW)


def test_a_new_reset_retires_older_links(db, settings, make_user):
    user = make_user()
    first, second = tokens.issue(db, user.id, "reset_password"), tokens.issue(db, user.id, "reset_password")
    db.commit()
    recovery.reset_password(db, settings, second, NEW_PW)
    db.commit()
    assert not recovery.reset_link_is_live(db, first)


def test_no_enumeration_unknown_address_gets_the_same_answer(db, settings, make_user, count_queries):
    make_user(email="known@example.test")
    with count_queries() as unknown_q:
        assert recovery.request_password_reset(db, settings, "nobody@example.test") is None
    db.commit()
    with count_queries() as known_q:
        assert recovery.request_password_reset(db, settings, "known@example.test") is None
    db.commit()
    mails = db.exec(select(MailMessage.to_address)).all()
    assert mails == ["known@example.test"]
    assert db.exec(select(AccountToken)).all()[0].purpose == "reset_password"
    # The same shape of work: a lookup and a count either way; the known path adds two inserts.
    assert unknown_q.count >= 1 and known_q.count - unknown_q.count <= 3
    with pytest.raises(ServiceError):  # a malformed address is a form error for everyone
        recovery.request_password_reset(db, settings, "not an address")


def test_reset_requests_are_throttled_per_address(db, settings, make_user):
    make_user(email="busy@example.test")
    for _ in range(tokens.THROTTLE_MAX + 2):
        recovery.request_password_reset(db, settings, "busy@example.test")
        db.commit()
    assert len(db.exec(select(MailMessage)).all()) == tokens.THROTTLE_MAX


def test_resend_verification_is_throttled_and_stops_once_verified(db, make_user):
    from lms_app.core.sessions import Actor

    user = make_user(email_verified_at=None)
    actor = Actor(user.id, "learner", 0)
    for _ in range(tokens.THROTTLE_MAX):
        assert "sent a new link" in recovery.resend_verification(db, actor)
        db.commit()
    with pytest.raises(ServiceError, match="several"):
        recovery.resend_verification(db, actor)
    db.rollback()
    db.exec(update(User).where(User.id == user.id).values(email_verified_at=utcnow()))
    db.commit()
    assert "already confirmed" in recovery.resend_verification(db, actor)


def test_spent_and_expired_links_are_purged(db, make_user):
    user = make_user()
    tokens.issue(db, user.id, "reset_password", now=utcnow() - timedelta(days=9))
    live = tokens.issue(db, user.id, "verify_email")
    db.commit()
    assert tokens.purge(db) == 1
    db.commit()
    assert tokens.check(db, live, "verify_email") == user.id


def test_mail_links_ignore_a_foreign_origin_in_production(monkeypatch):
    from lms_app.core.settings import get_settings
    from lms_app.mail.services import link_base

    monkeypatch.setenv("LMS_ALLOWED_ORIGINS", "https://learn.example.org")
    assert link_base("https://evil.example") == "http://localhost:3000"
    assert link_base("https://learn.example.org") == "https://learn.example.org"
    monkeypatch.setenv("LMS_PUBLIC_URL", "https://public.example.org")
    get_settings.cache_clear()
    try:
        assert link_base("https://learn.example.org") == "https://public.example.org"
    finally:
        monkeypatch.delenv("LMS_PUBLIC_URL")
        get_settings.cache_clear()
