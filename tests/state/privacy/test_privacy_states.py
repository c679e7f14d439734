"""The /account/privacy page and the verify page after an account was deleted, without a browser."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.certificates.pages.verify import VerifyState
from lms_app.core.users import User
from lms_app.privacy.pages.account import PrivacyState
from tests.unit.certificates.cert_support import certified

PW = "correct horse battery"


def privacy_page(states, token):
    root = states.root(token, path="/account/privacy")
    state = states.sub(root, PrivacyState)
    states.call(state, "load")
    return root, state


def test_anonymous_visitors_are_sent_to_sign_in(states):
    root, state = privacy_page(states, None)
    assert not state.loaded and state.exports == []


def test_export_then_download_link(states, make_user, sign_in):
    token, _ = sign_in(make_user())
    root, state = privacy_page(states, token)
    assert state.exports == [] and state.blockers == []
    events = states.call(state, "request_export")
    assert states.toasts(events)[-1][0] == "success"
    assert len(state.exports) == 1 and state.exports[0]["status"] == "ready"
    assert state.exports[0]["href"].startswith("/api/privacy/exports/")


def test_delete_needs_the_box_and_the_password_then_signs_out(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in, name="Grace Hopper")
    token, _ = sign_in(learner)
    root, state = privacy_page(states, token)
    states.call(state, "delete_account", {"password": PW})
    assert "Tick the box" in state.delete_error
    states.call(state, "delete_account", {"password": "wrong", "confirm": "on"})
    assert "password is not right" in state.delete_error
    events = states.call(state, "delete_account", {"password": PW, "confirm": "on"})
    assert state.delete_error == ""
    assert any("/account/deleted" in s for s in states.scripts(events))
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).erased_at is not None
    # the certificate still verifies, with the name as issued, and says the holder left
    root = states.root(None, path=f"/verify/{cert.number}")
    verify = states.sub(root, VerifyState)
    states.call(verify, "load")
    assert verify.view["status"] == "valid" and verify.view["learner_name"] == "Grace Hopper"
    assert verify.view["holder_closed"] is True


def test_teachers_with_courses_see_why_they_cannot_delete(states, make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    make_course(teacher=teacher)
    token, _ = sign_in(teacher)
    root, state = privacy_page(states, token)
    assert state.blockers and "courses" in state.blockers[0]
    states.call(state, "delete_account", {"password": PW, "confirm": "on"})
    assert state.delete_error
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(User.erased_at).where(User.id == teacher.id)).one() is None
