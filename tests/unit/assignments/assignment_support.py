"""Helpers shared by the assignment tests: a course with one assignment lesson and a rubric."""

from __future__ import annotations

import lms_app.core.db
from lms_app.core.courses import Lesson, Module
from lms_app.assignments.models import AssignmentSettings, RubricCriterion

LEVELS = [{"label": "Excellent", "points": 4}, {"label": "Fair", "points": 2}, {"label": "Missing", "points": 0}]


def assignment_course(make_course, mode="peer", reviews=2, pass_percent=50, criteria=2, **extra):
    """(course, lesson, [criterion ids]) with a published course and its teacher."""
    course = make_course(**extra)
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title="Module", position=0)
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, title="Essay", lesson_type="assignment",
                        body="Write an essay.", position=0)
        s.add(lesson)
        s.flush()
        s.add(AssignmentSettings(lesson_id=lesson.id, grading_mode=mode, reviews_required=reviews,
                                 pass_percent=pass_percent))
        rows = [RubricCriterion(lesson_id=lesson.id, position=i, title=f"Criterion {i + 1}", levels=LEVELS)
                for i in range(criteria)]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    return course, lesson, ids


def learners(make_user, enroll, sign_in, course, n=3):
    """[(user, actor, token)] enrolled in the course."""
    out = []
    for _ in range(n):
        user = make_user()
        enroll(user, course)
        token, actor = sign_in(user)
        out.append((user, actor, token))
    return out
