"""Dashboard certificates, the public verify page and the admin certificates page, without a browser."""

from __future__ import annotations

import json

import lms_app.core.db
from lms_app.certificates.pages.admin import AdminCertificatesState
from lms_app.learning.pages.dashboard import DashboardState
from lms_app.certificates.pages.verify import VerifyState
from lms_app.certificates.services import issuing as certificates
from tests.unit.certificates.cert_support import add_lessons, certificates_of, certified, only_certificate


def verify(states, number, token=None):
    root = states.root(token, path=f"/verify/{number}")
    state = states.sub(root, VerifyState)
    states.call(state, "load")
    return root, state


def admin_page(states, token):
    root = states.root(token, path="/admin/certificates")
    state = states.sub(root, AdminCertificatesState)
    states.call(state, "load")
    return root, state


def test_dashboard_lists_the_learners_own_certificates(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in, title="Rust basics")
    certified(make_course, make_user, enroll, sign_in)  # someone else's
    token, _ = sign_in(learner)
    root = states.root(token, path="/dashboard")
    state = states.sub(root, DashboardState)
    states.call(state, "load")
    assert [c["number"] for c in state.certificates] == [cert.number]
    row = state.certificates[0]
    assert row["course_title"] == "Rust basics" and not row["revoked"]
    assert row["download_href"] == f"/api/certificates/{cert.number}.pdf"
    assert "certUrl=http%3A%2F%2Flocalhost%3A3000%2Fverify%2F" + cert.number in row["linkedin_href"]


def test_verify_page_is_public_and_shows_valid_then_revoked(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in, name="Ελένη")
    root, state = verify(states, cert.number)  # signed out
    assert state.loaded and state.view["status"] == "valid" and state.view["learner_name"] == "Ελένη"
    assert state.view["credential_href"] == f"/api/credentials/{cert.number}.json"
    assert learner.email not in states.serialize(states.snapshot(root))
    boss = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, cert.number, "Testing")
    _, state = verify(states, cert.number)
    assert state.view["status"] == "revoked" and state.view["revoked_label"] and state.view["linkedin_href"] == ""
    _, state = verify(states, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    assert state.view["status"] == "unknown" and state.view["learner_name"] == ""


def test_admin_page_refuses_learners_and_teachers(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in)
    for role in ("learner", "teacher"):
        token, _ = sign_in(make_user(role=role))
        root, state = admin_page(states, token)
        assert not state.loaded and state.rows == []
        states.call(state, "confirm", {"reason": "Nope nope"})
    assert only_certificate(learner.id).revoked_at is None


def test_admin_revokes_with_reason_after_confirming(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in)
    token, _ = sign_in(make_user(role="admin"))
    root, state = admin_page(states, token)
    assert state.loaded and state.total == 1 and state.rows[0]["learner_email"] == learner.email
    # Confirming without asking first changes nothing.
    states.call(state, "confirm", {"reason": "No dialog open"})
    assert only_certificate(learner.id).revoked_at is None
    states.call(state, "ask", "revoke", cert.number)
    assert state.action == "revoke" and state.target_number == cert.number
    states.call(state, "confirm", {"reason": ""})
    assert "say why" in state.error.lower() and state.action == "revoke"
    events = states.call(state, "confirm", {"reason": "Shared the account"})
    assert [level for level, _ in states.toasts(events)] == ["success"]
    assert state.action == "" and state.rows[0]["revoked"] and state.rows[0]["revoke_reason"] == "Shared the account"
    _, page = verify(states, cert.number)
    assert page.view["status"] == "revoked"
    events = states.call(state, "ask", "revoke", cert.number)
    assert [level for level, _ in states.toasts(events)] == ["error"] and state.action == ""


def test_admin_reissues_and_issues_manually(states, make_course, make_user, enroll, sign_in):
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in)
    token, _ = sign_in(make_user(role="admin"))
    root, state = admin_page(states, token)
    states.call(state, "ask", "reissue", cert.number)
    states.call(state, "confirm", {})
    old, new = certificates_of(learner.id)
    assert old.revoked_at is not None and new.revoked_at is None and state.total == 2
    other_course = make_course(title="Second course")
    add_lessons(other_course, ("text",))
    states.call(state, "open_issue")
    assert any(c["title"] == "Second course" for c in state.choices)
    states.call(state, "issue", {"email": learner.email, "course_id": str(other_course.id)})
    assert "not enrolled" in state.issue_error and state.issue_open
    enroll(learner, other_course)
    events = states.call(state, "issue", {"email": learner.email, "course_id": str(other_course.id)})
    assert [level for level, _ in states.toasts(events)] == ["success"] and not state.issue_open
    assert len(certificates_of(learner.id)) == 3


def test_admin_search_and_paging_ignore_junk(states, make_course, make_user, enroll, sign_in):
    cert, _, _, _ = certified(make_course, make_user, enroll, sign_in, title="Findable course")
    certified(make_course, make_user, enroll, sign_in, title="Other")
    token, _ = sign_in(make_user(role="admin"))
    root, state = admin_page(states, token)
    assert state.total == 2
    states.call(state, "search", {"q": "findable"})
    assert state.total == 1 and state.rows[0]["number"] == cert.number
    for junk in ({"q": ["x"]}, None, "q", {"q": "%"}):
        states.call(state, "search", junk)
    for junk in (99, "1", None, -5):
        states.call(state, "go_page", junk)
        assert state.page == 1
    events = states.call(state, "ask", "delete", cert.number)
    assert state.action == "" and [level for level, _ in states.toasts(events)] == ["error"]
    blob = json.dumps(states.snapshot(root), default=str)
    assert "$2b$" not in blob  # no password hash in any state
