"""AuthState.refresh/logout and the role home pages, driven through their handlers."""

from __future__ import annotations

import pytest

from lms_app.admin.pages.console import AdminState
from lms_app.learning.pages.dashboard import DashboardState
from lms_app.catalog.pages.home import HomeState
from lms_app.authoring.pages.teach import TeachState
from lms_app.core import sessions
from lms_app.core.auth_state import AuthState


def test_refresh_signed_out(states):
    root = states.root()
    auth = states.sub(root, AuthState)
    states.call(auth, "refresh")
    assert auth.checked and not auth.signed_in and auth.user["id"] == 0 and auth.user["email"] == ""


def test_refresh_shows_the_cookie_owner_only(states, make_user, sign_in):
    me = make_user(name="Mia Me", email="mia@example.com")
    make_user(name="Other", email="other@example.com")
    token, _ = sign_in(me)
    root = states.root(token)
    auth = states.sub(root, AuthState)
    states.call(auth, "refresh")
    assert auth.signed_in and auth.user["id"] == me.id
    assert (auth.user["name"], auth.user["email"], auth.user["role"], auth.user["initials"]) == (
        "Mia Me", "mia@example.com", "learner", "MM")


def test_refresh_after_revocation_signs_out(states, make_user, sign_in, db):
    me = make_user()
    token, _ = sign_in(me)
    root = states.root(token)
    auth = states.sub(root, AuthState)
    states.call(auth, "refresh")
    assert auth.signed_in
    sessions.revoke_token(db, token)
    db.commit()
    states.call(auth, "refresh")
    assert not auth.signed_in and auth.user["name"] == ""


def test_logout_revokes_the_cookie_session_and_reloads(states, make_user, sign_in, db):
    me = make_user()
    token, _ = sign_in(me)
    keep, _ = sign_in(me)
    root = states.root(token)
    auth = states.sub(root, AuthState)
    states.call(auth, "refresh")
    events = states.call(auth, "logout")
    [script] = states.scripts(events)
    assert "method:'DELETE'" in script and "/api/session" in script
    assert not auth.signed_in
    assert sessions.resolve_session(db, token) is None
    assert sessions.resolve_session(db, keep) is not None


def test_logout_when_signed_out_is_harmless(states):
    root = states.root()
    events = states.call(states.sub(root, AuthState), "logout")
    assert len(states.scripts(events)) == 1


def test_home_load_shows_published_courses_to_anyone(states, make_course):
    make_course(title="Open course")
    make_course(title="Secret draft", status="draft")
    root = states.root()
    home = states.sub(root, HomeState)
    states.call(home, "load")
    assert home.loaded and [c["title"] for c in home.featured] == ["Open course"]


def test_dashboard_load_lists_only_my_enrollments(states, make_user, make_course, enroll, sign_in):
    me, other = make_user(), make_user()
    mine, theirs = make_course(title="Mine"), make_course(title="Theirs")
    enroll(me, mine)
    enroll(other, theirs)
    token, _ = sign_in(me)
    root = states.root(token, path="/dashboard")
    dash = states.sub(root, DashboardState)
    assert states.call(dash, "load") == []
    assert dash.loaded and [c["title"] for c in dash.courses] == ["Mine"]


def test_teach_load_lists_only_my_courses_and_counts(states, make_user, make_course, sign_in):
    me = make_user(role="teacher")
    make_course(teacher=me, title="A", student_count=5)
    make_course(teacher=me, title="B", status="draft", student_count=0)
    make_course(title="Not mine", student_count=99)
    token, _ = sign_in(me)
    root = states.root(token, path="/teach")
    teach = states.sub(root, TeachState)
    states.call(teach, "load")
    assert {c["title"] for c in teach.courses} == {"A", "B"}
    assert (teach.published_count, teach.student_total) == (1, 5)


@pytest.mark.parametrize("role, allowed", [("admin", True), ("teacher", False), ("learner", False)])
def test_admin_load_only_for_admins(states, make_user, sign_in, role, allowed):
    make_user(name="Somebody")
    token, _ = sign_in(make_user(role=role))
    root = states.root(token, path="/admin")
    admin = states.sub(root, AdminState)
    events = states.call(admin, "load")
    assert admin.loaded is allowed
    if allowed:
        assert sum(c["value"] for c in admin.users) == 2
    else:
        assert [level for level, _ in states.toasts(events)] == ["error"] and admin.recent == []
