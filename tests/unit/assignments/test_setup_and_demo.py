"""Assignment setup rules, the review checklist hook, and the demo assignment."""

from __future__ import annotations

import pytest
from assignment_support import assignment_course
from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.core.courses import Lesson
from lms_app.assignments.models import AssignmentSettings, RubricCriterion
from lms_app.assignments.services import demo as assignment_demo, setup as assignment_setup
from lms_app.core import lesson_types
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.demo.seed import seed_demo_data


def run(fn, *args):
    with session_scope() as s:
        return fn(s, *args)


def test_type_is_registered_graded_with_an_editor_page():
    kind = lesson_types.get("assignment")
    assert kind.graded and kind.editor_href(7) == "/teach/lessons/7/assignment" and kind.missing is not None


def test_missing_lists_assignments_without_rubric(make_course):
    course, lesson, _ = assignment_course(make_course, criteria=0)
    assert run(assignment_setup.missing, course.id) == ["a rubric criterion in the assignment 'Essay'"]
    course2, _, _ = assignment_course(make_course, criteria=1)
    assert run(assignment_setup.missing, course2.id) == []


def test_due_date_is_typed_in_the_teachers_zone_and_stored_utc(make_course, make_user, sign_in):
    teacher = make_user(role="teacher", timezone="America/New_York")
    _, actor = sign_in(teacher)
    course, lesson, _ = assignment_course(make_course, teacher=teacher, status="draft")
    run(assignment_setup.save_settings, actor, lesson.id, {"due_local": "2026-07-01T09:30", "grading_mode": "teacher",
                                                           "reviews_required": 2, "peer_days": 7, "pass_percent": 70})
    with session_scope() as s:
        cfg = s.exec(select(AssignmentSettings).where(AssignmentSettings.lesson_id == lesson.id)).one()
        assert (cfg.due_at.hour, cfg.due_at.minute) == (13, 30) and cfg.pass_percent == 70
    for bad in ({"grading_mode": "robots"}, {"grading_mode": "peer", "reviews_required": 9},
                {"grading_mode": "peer", "pass_percent": "101"}, {"grading_mode": "peer", "due_local": "tomorrow"}):
        with pytest.raises(ServiceError):
            run(assignment_setup.save_settings, actor, lesson.id, bad)


def test_rubric_levels_are_checked(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    _, actor = sign_in(teacher)
    course, lesson, _ = assignment_course(make_course, teacher=teacher, criteria=0, status="draft")
    good = [{"label": "Yes", "points": "3"}, {"label": "No", "points": "0"}, {"label": "", "points": ""}]
    row = run(assignment_setup.save_criterion, actor, lesson.id, 0, "Works", "", good)
    assert row.levels == [{"label": "Yes", "points": 3}, {"label": "No", "points": 0}]
    for levels in ([{"label": "Only", "points": 2}], [{"label": "A", "points": 1}, {"label": "B", "points": 1}],
                   [{"label": "A", "points": -1}, {"label": "B", "points": 0}], "junk",
                   [{"label": "A", "points": 0}, {"label": "B", "points": 0}]):
        with pytest.raises(ServiceError):
            run(assignment_setup.save_criterion, actor, lesson.id, 0, "Another", "", levels)


def test_other_teacher_and_learner_cannot_touch_the_setup(make_course, make_user, sign_in):
    course, lesson, crit = assignment_course(make_course, status="draft")
    _, other = sign_in(make_user(role="teacher"))
    _, learner = sign_in(make_user())
    for actor in (other, learner):
        with pytest.raises(PermissionDenied):
            run(assignment_setup.editor_view, actor, lesson.id)
        with pytest.raises(PermissionDenied):
            run(assignment_setup.delete_criterion, actor, crit[0])
        with pytest.raises(PermissionDenied):
            run(assignment_setup.save_settings, actor, lesson.id, {"grading_mode": "peer"})


def test_pending_course_is_read_only(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    _, actor = sign_in(teacher)
    course, lesson, crit = assignment_course(make_course, teacher=teacher, status="pending")
    assert run(assignment_setup.editor_view, actor, lesson.id)["locked"]
    with pytest.raises(ServiceError, match="waiting for review"):
        run(assignment_setup.move_criterion, actor, crit[1], -1)


def test_demo_assignment_is_seeded_once(db, settings):
    seed_demo_data(db, settings)
    db.commit()
    assert run(assignment_demo.ensure_demo_assignment) == 0
    with session_scope() as s:
        lesson = s.exec(select(Lesson).where(Lesson.title == assignment_demo.LESSON_TITLE)).one()
        assert lesson.lesson_type == "assignment"
        assert len(s.exec(select(RubricCriterion).where(RubricCriterion.lesson_id == lesson.id)).all()) == 3
        assert assignment_setup.missing(s, lesson.course_id) == []
