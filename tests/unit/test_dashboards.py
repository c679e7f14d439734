"""Signed-in home pages show the actor's own data only, in a fixed number of queries."""

from __future__ import annotations

import pytest

from lms_app.learning.services import dashboards
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied


def test_learner_sees_only_their_own_enrollments(db, make_user, make_course, enroll, sign_in):
    me, other = make_user(), make_user()
    mine = [make_course(title=f"Mine {i}") for i in range(2)]
    theirs = make_course(title="Theirs")
    for course in mine:
        enroll(me, course)
    enroll(other, theirs)
    enroll(other, mine[0])
    _, actor = sign_in(me)
    titles = {c["title"] for c in dashboards.learner_courses(db, actor)}
    assert titles == {"Mine 0", "Mine 1"}
    _, other_actor = sign_in(other)
    assert {c["title"] for c in dashboards.learner_courses(db, other_actor)} == {"Theirs", "Mine 0"}


def test_learner_dashboard_query_count_is_constant(db, make_user, make_course, enroll, sign_in, count_queries):
    me = make_user()
    _, actor = sign_in(me)
    teacher = make_user(role="teacher")
    enroll(me, make_course(teacher=teacher))
    with count_queries() as one:
        assert len(dashboards.learner_courses(db, actor)) == 1
    for _ in range(15):
        enroll(me, make_course(teacher=make_user(role="teacher")))
    with count_queries() as many:
        assert len(dashboards.learner_courses(db, actor)) == 16
    assert one.count == many.count == 1


def test_teacher_sees_only_their_own_courses_in_every_status(db, make_user, make_course, sign_in):
    me, other = make_user(role="teacher"), make_user(role="teacher")
    statuses = ("draft", "pending", "published", "rejected")
    for status in statuses:
        make_course(teacher=me, status=status, title=f"Mine {status}")
    make_course(teacher=other, title="Someone else's")
    _, actor = sign_in(me)
    courses = dashboards.teacher_courses(db, actor)
    assert {c["title"] for c in courses} == {f"Mine {s}" for s in statuses}
    assert {c["status"] for c in courses} == set(statuses)


def test_learners_cannot_use_the_teacher_dashboard(db, make_user, make_course, sign_in):
    learner = make_user(role="learner")
    make_course(teacher=make_user(role="teacher"))
    _, actor = sign_in(learner)
    with pytest.raises(PermissionDenied):
        dashboards.teacher_courses(db, actor)


def test_a_forged_actor_role_does_not_reveal_other_teachers_courses(db, make_user, make_course):
    # Even an admin actor only gets the courses whose teacher_id is the actor's own id.
    admin = make_user(role="admin")
    make_course(teacher=make_user(role="teacher"))
    assert dashboards.teacher_courses(db, Actor(user_id=admin.id, role="admin", session_id=0)) == []


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_admin_overview_refuses_non_admins(db, make_user, sign_in, role):
    _, actor = sign_in(make_user(role=role))
    with pytest.raises(PermissionDenied):
        dashboards.admin_overview(db, actor)


@pytest.mark.parametrize("fn", [dashboards.learner_courses, dashboards.teacher_courses, dashboards.admin_overview])
def test_anonymous_is_refused_everywhere(db, fn):
    with pytest.raises(PermissionDenied):
        fn(db, None)


def test_admin_overview_counts_and_recent_accounts_without_emails(db, make_user, make_course, enroll, sign_in,
                                                                   count_queries):
    admin = make_user(role="admin", email="boss@example.com")
    learners = [make_user(email=f"private{i}@example.com", name=f"Learner {i}") for i in range(3)]
    teacher = make_user(role="teacher", email="teach@example.com")
    course = make_course(teacher=teacher)
    make_course(teacher=teacher, status="draft")
    enroll(learners[0], course)
    _, actor = sign_in(admin)
    with count_queries() as counter:
        overview = dashboards.admin_overview(db, actor)
    assert counter.count == 4
    users = {c["label"]: c["value"] for c in overview["users"]}
    assert users == {"Learners": 3, "Teachers": 1, "Admins": 1}
    courses = {c["label"]: c["value"] for c in overview["courses"]}
    assert courses["Published"] == 1 and courses["Draft"] == 1
    assert overview["totals"] == [{"label": "Enrollments", "value": 1}]
    assert {r["name"] for r in overview["recent"]} >= {"Learner 0", "Learner 1", "Learner 2"}
    assert set(overview["recent"][0]) == {"name", "role", "joined"}
    assert "@" not in repr(overview)
