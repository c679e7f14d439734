"""Admin console services: users, teacher applications, categories, audit log."""

from __future__ import annotations

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.audit_log import AuditEntry
from lms_app.core.courses import Category
from lms_app.core.users import User
from lms_app.core import audit
from lms_app.admin.services import (
    users as admin_users,
    categories as categories_admin,
    teacher_applications,
)
from lms_app.core import sessions
from lms_app.core.errors import PermissionDenied, ServiceError


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


def actions() -> list[str]:
    with lms_app.core.db.session_scope() as s:
        return [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


MOTIVATION = "I have taught Python at evening classes for five years."


# --- users -----------------------------------------------------------------------------------

def test_search_filters_by_text_role_and_status_and_paginates(make_user, sign_in):
    _, admin = sign_in(make_user(role="admin", name="Root Admin"))
    make_user(name="Grace Hopper", email="grace@navy.test")
    make_user(role="teacher", name="Alan Turing")
    make_user(name="Sleepy Learner", is_active=False)
    for _ in range(admin_users.PAGE_SIZE):
        make_user()
    assert [r["name"] for r in run(admin_users.search, admin, "GRACE")["rows"]] == ["Grace Hopper"]
    assert [r["name"] for r in run(admin_users.search, admin, "navy.test")["rows"]] == ["Grace Hopper"]
    assert [r["name"] for r in run(admin_users.search, admin, "", "teacher")["rows"]] == ["Alan Turing"]
    assert [r["name"] for r in run(admin_users.search, admin, "", "", "inactive")["rows"]] == ["Sleepy Learner"]
    first, second = run(admin_users.search, admin, "", "", "", 1), run(admin_users.search, admin, "", "", "", 2)
    assert first["total"] == admin_users.PAGE_SIZE + 4 and first["pages"] == 2
    assert len(first["rows"]) == admin_users.PAGE_SIZE and len(second["rows"]) == 4
    assert not {r["id"] for r in first["rows"]} & {r["id"] for r in second["rows"]}
    for junk in ("%", "_", None, 7, {"a": 1}):  # junk is no filter and no error
        run(admin_users.search, admin, junk, junk, junk, junk)


def test_deactivating_ends_every_session_at_once_and_is_logged(make_user, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    learner = make_user()
    token_a, _ = sign_in(learner)
    token_b, _ = sign_in(learner)
    assert run(sessions.resolve_session, token_a) is not None
    run(admin_users.set_active, admin, learner.id, False)
    assert run(sessions.resolve_session, token_a) is None and run(sessions.resolve_session, token_b) is None
    run(admin_users.set_active, admin, learner.id, True)
    assert run(sessions.resolve_session, token_a) is None  # ended sessions stay ended
    assert actions() == ["user.deactivate", "user.activate"]


def test_admin_cannot_lock_themselves_out_and_role_changes_validate(make_user, sign_in, make_course):
    root = make_user(role="admin")
    _, admin = sign_in(root)
    with pytest.raises(ServiceError, match="your own"):
        run(admin_users.set_active, admin, root.id, False)
    with pytest.raises(ServiceError, match="your own admin role"):
        run(admin_users.set_role, admin, root.id, "learner")
    learner = make_user()
    with pytest.raises(ServiceError):
        run(admin_users.set_role, admin, learner.id, "superuser")
    run(admin_users.set_role, admin, learner.id, "teacher")
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).role == "teacher"
    teacher = make_user(role="teacher")
    make_course(teacher=teacher)
    with pytest.raises(ServiceError, match="owns 1 course"):
        run(admin_users.set_role, admin, teacher.id, "learner")
    for junk in (None, "x", -1, True, 10**30, {"id": 1}):
        with pytest.raises(ServiceError):
            run(admin_users.set_active, admin, junk, False)
    assert actions() == ["user.role"]


def test_user_detail_lists_enrollments_and_orders(make_user, sign_in, make_course, enroll):
    _, admin = sign_in(make_user(role="admin"))
    learner = make_user()
    enroll(learner, make_course(title="Algebra"))
    found = run(admin_users.detail, admin, learner.id)
    assert [e["course"] for e in found["enrollments"]] == ["Algebra"] and found["orders"] == []
    assert "password_hash" not in found["user"]


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_non_admins_are_refused_everywhere(make_user, sign_in, role):
    _, actor = sign_in(make_user(role=role))
    target = make_user()
    for call in (lambda: run(admin_users.search, actor), lambda: run(admin_users.set_active, actor, target.id, False),
                 lambda: run(admin_users.set_role, actor, target.id, "admin"),
                 lambda: run(admin_users.detail, actor, target.id), lambda: run(audit.search, actor),
                 lambda: run(teacher_applications.pending, actor),
                 lambda: run(teacher_applications.decide, actor, 1, True, ""),
                 lambda: run(categories_admin.listing, actor),
                 lambda: run(categories_admin.create, actor, "Hacking", ""),
                 lambda: run(categories_admin.delete, actor, 1)):
        with pytest.raises(PermissionDenied):
            call()


# --- teacher applications ----------------------------------------------------------------------

def test_application_approved_makes_a_teacher_and_the_learner_sees_it(make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    with pytest.raises(ServiceError, match="at least"):
        run(teacher_applications.apply, actor, "too short", "")
    with pytest.raises(ServiceError, match="https://"):
        run(teacher_applications.apply, actor, MOTIVATION, "javascript:alert(1)")
    row = run(teacher_applications.apply, actor, MOTIVATION, "https://example.test/me")
    with pytest.raises(ServiceError, match="already"):
        run(teacher_applications.apply, actor, MOTIVATION, "")
    assert run(teacher_applications.mine, actor)["status"] == "pending"
    assert [a["id"] for a in run(teacher_applications.pending, admin)] == [row.id]
    run(teacher_applications.decide, admin, row.id, True, "Welcome aboard")
    with pytest.raises(ServiceError, match="already decided"):
        run(teacher_applications.decide, admin, row.id, False, "Changed my mind, sorry")
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).role == "teacher"
    mine = run(teacher_applications.mine, actor)
    assert mine["status"] == "approved" and mine["message"] == "Welcome aboard"
    assert run(teacher_applications.pending, admin) == []
    assert actions() == ["application.approve"]


def test_rejection_needs_a_message_keeps_the_role_and_allows_a_new_application(make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    row = run(teacher_applications.apply, actor, MOTIVATION, "")
    with pytest.raises(ServiceError, match="at least"):
        run(teacher_applications.decide, admin, row.id, False, "no")
    run(teacher_applications.decide, admin, row.id, False, "Please add links to your work.")
    mine = run(teacher_applications.mine, actor)
    assert mine["status"] == "rejected" and "links" in mine["message"]
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).role == "learner"
    run(teacher_applications.apply, actor, MOTIVATION, "https://example.test/portfolio")
    assert run(teacher_applications.mine, actor)["status"] == "pending"


def test_admins_see_applicants_full_emails_to_tell_two_of_one_name_apart(make_user, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    for email in ("sam.lee@school-one.test", "sam.levy@school-two.test"):
        run(teacher_applications.apply, sign_in(make_user(name="Sam Lee", email=email))[1], MOTIVATION, "")
    rows = run(teacher_applications.pending, admin)
    assert [r["name"] for r in rows] == ["Sam Lee", "Sam Lee"]
    assert [r["email"] for r in rows] == ["sam.lee@school-one.test", "sam.levy@school-two.test"]


def test_teachers_cannot_apply(make_user, sign_in):
    _, teacher = sign_in(make_user(role="teacher"))
    with pytest.raises(ServiceError, match="already teach"):
        run(teacher_applications.apply, teacher, MOTIVATION, "")


# --- categories ----------------------------------------------------------------------------------

def test_categories_create_rename_reorder_and_delete_only_when_unused(make_user, sign_in, make_category, make_course):
    _, admin = sign_in(make_user(role="admin"))
    used = make_category(name="Programming")
    make_course(category=used)
    new = run(categories_admin.create, admin, "  Data   science ", "Numbers")
    assert new.name == "Data science" and new.slug == "data-science"
    with pytest.raises(ServiceError, match="already exists"):
        run(categories_admin.create, admin, "data SCIENCE", "")
    run(categories_admin.update, admin, new.id, "Data & AI", "Models and numbers")
    names = [c["name"] for c in run(categories_admin.listing, admin)]
    assert names == ["Programming", "Data & AI"]
    run(categories_admin.move, admin, new.id, "up")
    listing = run(categories_admin.listing, admin)
    assert [c["name"] for c in listing] == ["Data & AI", "Programming"]
    assert listing[0]["first"] and listing[1]["last"] and listing[1]["courses"] == 1
    with pytest.raises(ServiceError, match="used by 1 course"):
        run(categories_admin.delete, admin, used.id)
    assert run(categories_admin.delete, admin, new.id) == "Data & AI"
    with lms_app.core.db.session_scope() as s:
        assert [c.name for c in s.exec(select(Category)).all()] == ["Programming"]
    assert actions() == ["category.create", "category.update", "category.move", "category.delete"]


# --- audit ----------------------------------------------------------------------------------------

def test_audit_search_by_text_and_action(make_user, sign_in):
    _, admin = sign_in(make_user(role="admin", name="Auditor Ann"))
    one, two = make_user(name="Bob Target"), make_user(name="Carol Other")
    run(admin_users.set_active, admin, one.id, False)
    run(admin_users.set_role, admin, two.id, "teacher")
    everything = run(audit.search, admin)
    assert everything["total"] == 2 and everything["rows"][0]["action"] == "Changed role"  # newest first
    assert [r["summary"] for r in run(audit.search, admin, "bob")["rows"]][0].startswith("Bob Target")
    assert run(audit.search, admin, "", "user.role")["total"] == 1
    assert run(audit.search, admin, "ann")["total"] == 2  # by who
    assert run(audit.search, admin, "nobody")["total"] == 0
