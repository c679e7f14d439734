"""Forgot/reset/verify pages and the admin jobs and mail pages, driven without a browser."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from lms_app.accounts.pages.forgot_password import SENT, ForgotPasswordState
from lms_app.accounts.pages.reset_password import ResetPasswordState
from lms_app.accounts.pages.verify_email import VerifyEmailState
from lms_app.accounts.services import tokens
from lms_app.core import sessions
from lms_app.core.users import User
from lms_app.jobs.pages import AdminJobsState
from lms_app.mail.models import MailMessage
from lms_app.mail.pages import AdminMailState

NEW_PW = "a brand new passphrase"


def test_forgot_password_answers_the_same_for_unknown_addresses(states, make_user, db):
    make_user(email="known@example.test")
    seen = []
    for address in ("known@example.test", "nobody@example.test"):
        state = states.sub(states.root(path="/forgot-password"), ForgotPasswordState)
        states.call(state, "submit", {"email": address})
        seen.append((state.sent, state.error, state.busy))
    assert seen[0] == seen[1] == (True, "", False)
    assert db.exec(select(MailMessage.to_address)).all() == ["known@example.test"]
    assert SENT.startswith("If an account uses this address")


def test_reset_page_sets_the_password_signs_in_and_never_holds_the_token(states, make_user, sign_in, db):
    user = make_user()
    old_token, _ = sign_in(user)
    raw = tokens.issue(db, user.id, "reset_password")
    db.commit()
    root = states.root(path=f"/reset-password/{raw}")
    state = states.sub(root, ResetPasswordState)
    states.call(state, "load")
    assert state.live is True
    events = states.call(state, "submit", {"password": NEW_PW, "confirm": NEW_PW})
    assert any("/api/session" in s for s in states.scripts(events))
    assert raw not in states.serialize({k: v for k, v in states.snapshot(root).items()})
    assert sessions.resolve_session(db, old_token) is None
    states.call(state, "load")
    assert state.live is False


def test_reset_page_refuses_mismatched_passwords_without_spending_the_link(states, make_user, db):
    user = make_user()
    raw = tokens.issue(db, user.id, "reset_password")
    db.commit()
    state = states.sub(states.root(path=f"/reset-password/{raw}"), ResetPasswordState)
    states.call(state, "submit", {"password": NEW_PW, "confirm": NEW_PW + "x"})
    assert "differ" in state.error
    assert tokens.check(db, raw, "reset_password") == user.id


def test_verify_page_verifies_the_links_account_only(states, make_user, sign_in, db):
    owner, other = make_user(email_verified_at=None), make_user(email_verified_at=None)
    other_token, _ = sign_in(other)
    raw = tokens.issue(db, owner.id, "verify_email")
    db.commit()
    state = states.sub(states.root(other_token, path=f"/verify-email/{raw}"), VerifyEmailState)
    states.call(state, "load")
    assert state.status == "verified"
    db.expire_all()
    assert db.get(User, owner.id).email_verified_at is not None
    assert db.get(User, other.id).email_verified_at is None
    states.call(state, "load")
    assert state.status == "invalid"


def test_checkout_resend_button_mails_a_new_link(states, make_user, sign_in, db):
    user = make_user(email_verified_at=None)
    token, _ = sign_in(user)
    state = states.sub(states.root(token, path="/checkout/x"), VerifyEmailState)
    states.call(state, "resend")
    assert user.email in state.message
    message = db.exec(select(MailMessage)).one()
    assert message.kind == "verify_email" and re.search(r"/verify-email/\S+", message.text_body)
    anonymous = states.sub(states.root(path="/checkout/x"), VerifyEmailState)
    assert states.redirects(states.call(anonymous, "resend"))


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_admin_jobs_and_mail_pages_refuse_other_roles(states, make_user, sign_in, role):
    token, _ = sign_in(make_user(role=role))
    for cls, name, args in ((AdminJobsState, "load", ()), (AdminMailState, "load", ()), (AdminMailState, "show", ("1",))):
        state = states.sub(states.root(token), cls)
        events = states.call(state, name, *args)
        assert states.redirects(events) == ["/teach" if role == "teacher" else "/dashboard"], (cls, name)


def test_admin_mail_page_shows_the_outbox(states, make_user, sign_in, db):
    from lms_app.mail.services import queue_mail

    token, _ = sign_in(make_user(role="admin"))
    queue_mail(db, to="x@example.test", template="receipt", subject="Receipt <b>", context={
        "name": "<script>x</script>", "course_title": "C", "amount": "$1", "paid_on": "d", "link": "http://l"})
    db.commit()
    state = states.sub(states.root(token, path="/admin/mail"), AdminMailState)
    states.call(state, "load")
    assert [r["subject"] for r in state.rows] == ["Receipt <b>"]
    states.call(state, "show", state.rows[0]["id"])
    assert "<script>x</script>" in state.open_message["text"]  # shown as text in a <pre>, never as markup
    jobs = states.sub(states.root(token, path="/admin/jobs"), AdminJobsState)
    states.call(jobs, "load")
    assert {"purge-expired-sessions", "peer-review-cutoff", "requeue-stuck-mail"} <= {p["name"] for p in jobs.periodic}
