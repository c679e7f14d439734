"""Admin console and analytics handlers driven without a browser: refusals, what they show, exports."""

from __future__ import annotations

import base64
import re

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.courses import Category
from lms_app.core.users import User
from lms_app.admin.pages.console import AdminState
from lms_app.analytics.pages.admin import AdminAnalyticsState
from lms_app.admin.pages.applications import AdminApplicationsState
from lms_app.admin.pages.audit import AdminAuditState
from lms_app.admin.pages.categories import AdminCategoriesState
from lms_app.admin.pages.users import AdminUsersState
from lms_app.admin.pages.become_teacher import BecomeTeacherState
from lms_app.commerce.pages.coupons import CouponsState
from lms_app.analytics.pages.teacher import TeachAnalyticsState
from lms_app.core import events

ADMIN_STATES = [(AdminUsersState, "load"), (AdminApplicationsState, "load"), (AdminCategoriesState, "load"),
                (AdminAuditState, "load"), (AdminAnalyticsState, "load"), (AdminAnalyticsState, "export"),
                (AdminAuditState, "export"), (AdminUsersState, "confirm"), (AdminCategoriesState, "create")]
MOTIVATION = "I have taught Python at evening classes for five years."


def page(states, token, cls, path="/"):
    return states.sub(states.root(token, path=path), cls)


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_admin_handlers_refuse_other_roles_and_show_nothing(states, make_user, sign_in, role):
    token, _ = sign_in(make_user(role=role))
    make_user(name="Secret Person", email="secret@example.test")
    for cls, name in ADMIN_STATES:
        state = page(states, token, cls)
        args = ["kpis"] if name == "export" and cls is AdminAnalyticsState else []
        events_out = states.call(state, name, *args)
        assert states.redirects(events_out) == ["/teach" if role == "teacher" else "/dashboard"], (cls, name)
        assert "secret@example.test" not in states.serialize(states.snapshot(state.parent_state or state))


def test_users_page_search_deactivate_with_confirmation(states, make_user, sign_in):
    token, _ = sign_in(make_user(role="admin"))
    target = make_user(name="Grace Hopper")
    target_token, _ = sign_in(target)
    state = page(states, token, AdminUsersState, "/admin/users")
    states.call(state, "load")
    assert state.total == 2 and state.loaded
    states.call(state, "search", {"q": "grace", "role": "nonsense", "status": "active"})
    assert [r["name"] for r in state.rows] == ["Grace Hopper"] and state.role == ""
    states.call(state, "ask_active", target.id, False)
    assert state.confirm_id == target.id and "signed out everywhere" in state.confirm_text
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, target.id).is_active  # nothing happens before confirmation
    out = states.call(state, "confirm")
    assert states.toasts(out)[0][0] == "success" and state.rows == []  # no longer matches "active"
    states.call(state, "search", {"q": "grace", "status": "inactive"})
    assert [r["active"] for r in state.rows] == [False]
    # The deactivated person's open tab is refused on its very next event.
    theirs = page(states, target_token, BecomeTeacherState)
    assert states.redirects(states.call(theirs, "load"))[0].startswith("/login")
    states.call(state, "open_detail", target.id)
    assert state.detail_open and state.detail_user["name"] == "Grace Hopper"
    states.call(state, "ask_active", 999_999, True)  # not on the page: refused
    assert state.confirm_id == 0


def test_application_round_trip_through_the_pages(states, make_user, sign_in):
    learner = make_user(name="Future Teacher")
    learner_token, _ = sign_in(learner)
    admin_token, _ = sign_in(make_user(role="admin"))
    mine = page(states, learner_token, BecomeTeacherState, "/become-teacher")
    states.call(mine, "load")
    assert mine.application["status"] == "" and mine.role == "learner"
    states.call(mine, "submit", {"motivation": "short", "links": ""})
    assert mine.error_field == "motivation"
    states.call(mine, "submit", {"motivation": MOTIVATION, "links": "https://example.test"})
    assert mine.application["status"] == "pending"
    overview = page(states, admin_token, AdminState, "/admin")
    states.call(overview, "load")
    assert overview.pending_applications == 1
    admin = page(states, admin_token, AdminApplicationsState, "/admin/applications")
    states.call(admin, "load")
    [row] = admin.rows
    states.call(admin, "ask", row["id"], True)
    out = states.call(admin, "decide", {"message": "Welcome!"})
    assert "now a teacher" in states.toasts(out)[0][1] and admin.rows == []
    states.call(mine, "load")
    assert mine.application["status"] == "approved" and mine.application["message"] == "Welcome!"
    assert mine.role == "teacher"


def test_categories_page_refuses_deleting_a_used_category_with_a_clear_message(states, make_user, sign_in,
                                                                                make_category, make_course):
    token, _ = sign_in(make_user(role="admin"))
    used = make_category(name="Programming")
    make_course(category=used)
    state = page(states, token, AdminCategoriesState, "/admin/categories")
    states.call(state, "load")
    out = states.call(state, "ask_delete", used.id)
    assert "used by 1 course" in states.toasts(out)[0][1] and state.delete_id == 0
    states.call(state, "create", {"name": "Design", "description": ""})
    design = next(r for r in state.rows if r["name"] == "Design")
    states.call(state, "ask_delete", design["id"])
    assert state.delete_id == design["id"]
    states.call(state, "confirm_delete")
    with lms_app.core.db.session_scope() as s:
        assert [c.name for c in s.exec(select(Category)).all()] == ["Programming"]
    audit = page(states, token, AdminAuditState, "/admin/audit")
    states.call(audit, "load")
    assert [r["action"] for r in audit.rows] == ["Deleted category", "Created category"]


def test_analytics_page_loads_within_budget_and_exports_csv(states, make_user, sign_in, make_course, count_queries):
    token, admin = sign_in(make_user(role="admin"))
    course = make_course(title="@Evil title")
    with lms_app.core.db.session_scope() as s:
        events.record(s, "enrolled", user_id=admin.user_id, course_id=course.id)
    state = page(states, token, AdminAnalyticsState, "/admin/analytics")
    with count_queries() as n:
        states.call(state, "load")
    assert n.count <= 12, n.statements
    assert state.loaded and [r["title"] for r in state.top_enrollments] == ["@Evil title"]
    assert len(states.serialize(states.snapshot(state.parent_state))) < 50_000
    out = states.call(state, "export", "top_enrollments")
    rendered = " ".join(states.render(e) for e in out)
    payload = re.search(r"data:text/csv;base64,([A-Za-z0-9+/=]+)", rendered).group(1)
    assert "top_enrollments-" in rendered and base64.b64decode(payload).decode() == "Course,Enrollments\r\n'@Evil title,1\r\n"
    out = states.call(state, "export", "../../etc/passwd")
    assert states.toasts(out)[0][0] == "error"
    states.call(state, "apply_range", {"start": "2026-02-01", "end": "2026-01-01"})
    assert "start date" in state.error


def test_teacher_on_admin_coupons_is_sent_to_their_own_coupons(states, make_user, sign_in):
    token, _ = sign_in(make_user(role="teacher"))
    state = page(states, token, CouponsState, "/admin/coupons")
    out = states.call(state, "load_admin")
    assert states.redirects(out) == ["/teach/coupons"] and not state.loaded and state.rows == []
    assert "Teach" in states.toasts(out)[0][1]
    admin_token, _ = sign_in(make_user(role="admin"))
    state = page(states, admin_token, CouponsState, "/admin/coupons")
    states.call(state, "load_admin")
    assert state.loaded and state.is_admin


def test_teacher_analytics_page_shows_only_own_courses(states, make_user, sign_in, make_course):
    teacher = make_user(role="teacher")
    token, _ = sign_in(teacher)
    make_course(teacher=teacher, title="Mine")
    make_course(title="Someone else's")
    state = page(states, token, TeachAnalyticsState, "/teach/analytics")
    states.call(state, "load")
    assert [c["title"] for c in state.courses] == ["Mine"] and state.selected == state.courses[0]["id"]
    assert "Someone else" not in states.serialize(states.snapshot(state.parent_state))
    learner_token, _ = sign_in(make_user())
    other = page(states, learner_token, TeachAnalyticsState)
    assert states.redirects(states.call(other, "load")) == ["/dashboard"]
