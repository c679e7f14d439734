"""The lesson page load for an enrolled learner: at most four SQL statements, whatever the size
of the course (the issue's target), and what it records is the same as before."""

from __future__ import annotations

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.event_log import LearningEvent
from lms_app.learning.models import LessonProgress
from lms_app.learning.services import course_access, progress
from tests.unit.learning.learning_support import add_lessons, setup


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


@pytest.mark.parametrize("size", [5, 500])
def test_enrolled_learner_page_load_is_four_statements(make_course, make_user, enroll, sign_in, count_queries, size):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, kinds=("text",) * size)
    run(progress.mark_complete, actor, lessons[0].id)
    run(course_access.lesson_page, actor, course.slug, str(lessons[1].id))  # first visit: inserts the row
    with count_queries() as n:
        page = run(course_access.lesson_page, actor, course.slug, str(lessons[1].id))
    assert page.state == "ok" and page.tracking and page.done == 1 and page.total == size
    assert len(page.outline) == size and page.outline[0]["done"] and not page.outline[1]["done"]
    reads = [q for q in n.statements if q.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT"))]
    assert len(reads) <= 4, n.statements


def test_first_visit_records_the_start_once_and_continue_follows(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    run(course_access.lesson_page, actor, course.slug, str(lessons[2].id))
    run(course_access.lesson_page, actor, course.slug, str(lessons[2].id))
    run(course_access.lesson_page, actor, course.slug, str(lessons[1].id))
    with lms_app.core.db.session_scope() as s:
        started = s.exec(select(LearningEvent.lesson_id).where(LearningEvent.kind == "lesson_started",
                                                              LearningEvent.user_id == learner.id)).all()
        assert sorted(started) == sorted([lessons[2].id, lessons[1].id])
        assert len(s.exec(select(LessonProgress).where(LessonProgress.user_id == learner.id)).all()) == 2
    assert run(progress.resume_point, learner.id, course.id).lesson_id == lessons[1].id


def test_saved_position_comes_back_with_the_page(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    run(progress.save_position, actor, lessons[1].id, 42)
    page = run(course_access.lesson_page, actor, course.slug, str(lessons[1].id))
    assert page.position == 42 and not page.completed


def test_course_found_by_numeric_id_too(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    assert run(course_access.lesson_page, actor, str(course.id), str(lessons[0].id)).state == "ok"
    assert run(course_access.lesson_page, actor, "no-such-course", str(lessons[0].id)).state == "missing"
    other = make_course()
    [foreign] = add_lessons(other, ("text",))
    assert run(course_access.lesson_page, actor, course.slug, str(foreign.id)).state == "missing"
