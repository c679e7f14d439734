"""The admin review screen shows quiz questions (answers marked) and the assignment rubric, read-only,
in a fixed number of queries; learners' lesson views never carry it."""

from __future__ import annotations

import pytest

import lms_app.core.db
from lms_app.authoring.services import views as authoring_views
from lms_app.core.errors import PermissionDenied
from lms_app.learning.services.course_access import content_view
from tests.unit.assignments.assignment_support import assignment_course
from tests.unit.quizzes.quiz_support import build, quiz_lesson


def preview(actor, course_id):
    with lms_app.core.db.session_scope() as s:
        return authoring_views.review_preview(s, actor, course_id)


def test_reviewer_sees_every_quiz_question_with_the_right_answers_marked(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    lesson = quiz_lesson(course)
    _, teacher_actor = sign_in(teacher)
    build(teacher_actor, lesson, max_attempts=3)
    empty = quiz_lesson(course, title="Empty quiz", position=1, module_title="Second")
    _, boss = sign_in(make_user(role="admin"))
    views = {v["id"]: v for v in preview(boss, course.id)["lessons"]}
    text = views[lesson.id]["review_md"]
    for expected in ("Capital of France?", "✅ **Paris** (correct)", "- Lyon", "✅ **2** (correct)", "- 4",
                     "✅ **5** (correct)", "✅ **False** (correct)", "Accepted answers: **Pacific** / **Pacific Ocean**",
                     "Answer: **3.14** ± 0.01", "*Explanation:* Paris is the capital.", "Pass mark 70 %",
                     "3 attempts", "(2 points, one answer)"):
        assert expected in text, expected
    assert "Lyon** (correct)" not in text
    assert views[empty.id]["review_md"] == "*No questions yet.*"
    with pytest.raises(PermissionDenied):
        preview(teacher_actor, course.id)


def test_reviewer_sees_the_assignment_rubric_and_grading(make_course, make_user, sign_in):
    course, lesson, _ = assignment_course(make_course, mode="peer", reviews=3, pass_percent=60)
    _, boss = sign_in(make_user(role="admin"))
    (view,) = preview(boss, course.id)["lessons"]
    assert view["body"] == "Write an essay."
    text = view["review_md"]
    assert "peer review (3 reviews each)" in text and "pass mark 60 %" in text
    assert "**Rubric** (8 points)" in text
    assert "**Criterion 1** (up to 4) — Excellent: 4; Fair: 2; Missing: 0" in text and "**Criterion 2**" in text


def test_review_content_costs_two_queries_per_type_however_many_lessons(make_course, make_user, sign_in,
                                                                         count_queries):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    _, teacher_actor = sign_in(teacher)
    _, boss = sign_in(make_user(role="admin"))
    first = quiz_lesson(course)
    build(teacher_actor, first)
    with count_queries() as few:
        preview(boss, course.id)
    for i in range(1, 4):
        build(teacher_actor, quiz_lesson(course, title=f"Quiz {i}", position=i, module_title=f"M{i}"))
    with count_queries() as many:
        preview(boss, course.id)
    assert many.count == few.count


def test_learner_lesson_views_never_carry_review_content(make_course):
    course, lesson, _ = assignment_course(make_course)
    assert content_view(lesson, "Module")["review_md"] == ""
