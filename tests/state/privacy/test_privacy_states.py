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


def test_admin_users_page_exports_and_deletes_for_a_user(states, make_user, sign_in):
    from lms_app.admin.pages.users import AdminUsersState
    from lms_app.core.audit_log import AuditEntry

    admin, learner = make_user(role="admin"), make_user(name="Linus Learner")
    token, _ = sign_in(admin)
    root = states.root(token, path="/admin/users")
    state = states.sub(root, AdminUsersState)
    states.call(state, "load")
    states.call(state, "export_data")  # no user open: nothing happens
    assert state.detail_export_href == ""
    states.call(state, "open_detail", learner.id)
    states.call(state, "export_data")
    assert state.detail_export_href.startswith("/api/privacy/exports/")
    states.call(state, "ask_erase")
    assert state.confirm_kind == "erase" and "Linus Learner" in state.confirm_text
    states.call(state, "confirm")
    assert not state.detail_open
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).erased_at is not None
        assert [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))] == ["user.export", "user.erase"]
    states.call(state, "ask_active", learner.id, True)
    states.call(state, "confirm")
    with lms_app.core.db.session_scope() as s:
        assert not s.get(User, learner.id).is_active, "a deleted account cannot be reactivated"


def test_learners_cannot_use_the_admin_export(states, make_user, sign_in):
    from lms_app.admin.pages.users import AdminUsersState

    token, _ = sign_in(make_user())
    root = states.root(token, path="/admin/users")
    state = states.sub(root, AdminUsersState)
    states.call(state, "export_data")
    states.call(state, "ask_erase")
    assert state.detail_export_href == "" and state.confirm_id == 0
