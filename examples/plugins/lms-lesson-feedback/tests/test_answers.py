"""Answering "Was this lesson clear?": who may, one row per learner and lesson, changing it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from lms_app.core.courses import Course
from lms_app.core.db import get_engine, session_scope
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_lesson_feedback import services
from lms_lesson_feedback.models import LessonFeedback


def call(fn, *args):
    with session_scope() as s:
        return fn(s, *args)


def rows(lesson_id=None) -> list[LessonFeedback]:
    with session_scope() as s:
        query = select(LessonFeedback).order_by(LessonFeedback.id)
        if lesson_id is not None:
            query = query.where(LessonFeedback.lesson_id == lesson_id)
        return list(s.exec(query).all())


def test_an_enrolled_learner_answers_and_reads_their_answer_back(world):
    me, lesson = world["learner_actor"], world["lessons"][0]
    assert call(services.my_answer, me, lesson) == ""
    assert call(services.answer, me, lesson, "yes") == "yes"
    saved = rows()
    assert [(r.user_id, r.lesson_id, r.clear) for r in saved] == [(world["learner"].id, lesson, True)]
    assert saved[0].created_at.tzinfo is not None
    assert call(services.my_answer, me, lesson) == "yes"
    # Another lesson has no answer yet; the lesson id may come as text from a route.
    assert call(services.my_answer, me, str(world["lessons"][1])) == ""


def test_changing_the_answer_updates_the_one_row(world):
    me, lesson = world["learner_actor"], world["lessons"][1]
    call(services.answer, me, lesson, "yes")
    first = rows()[0]
    assert call(services.answer, me, lesson, "no") == "no"
    after = rows()
    assert len(after) == 1 and after[0].id == first.id and after[0].clear is False
    assert after[0].created_at == first.created_at and after[0].updated_at >= first.updated_at
    assert call(services.my_answer, me, lesson) == "no"
    call(services.answer, me, lesson, "yes")
    assert [r.clear for r in rows()] == [True]


def test_answers_are_per_learner_and_per_lesson(world, make_user, enroll, sign_in):
    other = make_user()
    enroll(other, world["course"])
    _, other_actor = sign_in(other)
    a, b = world["lessons"][:2]
    call(services.answer, world["learner_actor"], a, "yes")
    call(services.answer, other_actor, a, "no")
    call(services.answer, world["learner_actor"], b, "no")
    assert sorted((r.user_id, r.lesson_id, r.clear) for r in rows()) == sorted([
        (world["learner"].id, a, True), (other.id, a, False), (world["learner"].id, b, False)])
    # Each reads only their own answer.
    assert call(services.my_answer, other_actor, a) == "no"
    assert call(services.my_answer, world["learner_actor"], a) == "yes"


def test_a_learner_who_is_not_enrolled_is_refused(world):
    with pytest.raises(PermissionDenied, match="enrolled"):
        call(services.answer, world["outsider_actor"], world["lessons"][0], "yes")
    assert rows() == []


def test_the_course_teacher_and_admins_are_refused_even_when_enrolled(world, make_user, enroll, sign_in):
    enroll(world["teacher"], world["course"])
    admin = make_user(role="admin")
    enroll(admin, world["course"])
    for actor in (world["teacher_actor"], sign_in(admin)[1]):
        with pytest.raises(PermissionDenied):
            call(services.answer, actor, world["lessons"][0], "no")
    assert rows() == []


def test_a_teacher_enrolled_in_someone_elses_course_answers_as_a_learner(world, make_user, enroll, sign_in):
    colleague = make_user(role="teacher")
    enroll(colleague, world["course"])
    assert call(services.answer, sign_in(colleague)[1], world["lessons"][0], "yes") == "yes"
    assert len(rows()) == 1


def test_anonymous_and_unknown_roles_are_refused(world):
    lesson = world["lessons"][0]
    for actor in (None, Actor(user_id=world["learner"].id, role="guest", session_id=0)):
        with pytest.raises(PermissionDenied):
            call(services.answer, actor, lesson, "yes")
        with pytest.raises(PermissionDenied):
            call(services.my_answer, actor, lesson)
    assert rows() == []


def test_a_draft_course_is_refused(world, make_course, add_lessons, enroll):
    draft = make_course(teacher=world["teacher"], status="draft")
    lesson = add_lessons(draft, 1)[0]
    enroll(world["learner"], draft)
    with pytest.raises(PermissionDenied):
        call(services.answer, world["learner_actor"], lesson, "yes")
    assert rows() == []


def test_a_lesson_locked_by_sequential_mode_is_refused_until_the_previous_ones_are_done(world):
    from lms_app.learning.services import progress

    with session_scope() as s:
        s.get(Course, world["course"].id).sequential = True
    me, (first, second, _) = world["learner_actor"], world["lessons"]
    with pytest.raises(PermissionDenied, match="previous lessons"):
        call(services.answer, me, second, "no")
    assert call(services.answer, me, first, "yes") == "yes"
    call(progress.mark_complete, me, first, True)
    assert call(services.answer, me, second, "no") == "no"
    assert len(rows()) == 2


@pytest.mark.parametrize("value", ["maybe", "YES", "", None, True, 1, ["yes"], {"yes": 1}])
def test_only_yes_or_no_is_accepted(world, value):
    with pytest.raises(ServiceError, match="Yes"):
        call(services.answer, world["learner_actor"], world["lessons"][0], value)
    assert rows() == []


@pytest.mark.parametrize("lesson_ref", [0, -1, None, "abc", 1.5, True, 2**63, "999999"])
def test_unknown_lessons_are_refused(world, lesson_ref):
    with pytest.raises(ServiceError):
        call(services.answer, world["learner_actor"], lesson_ref, "yes")
    assert call(services.my_answer, world["learner_actor"], lesson_ref) == ""
    assert rows() == []


def test_the_database_refuses_a_second_row_for_one_learner_and_lesson(world):
    """The unique constraint itself, not only the service, keeps one answer per learner and lesson."""
    learner, lesson = world["learner"].id, world["lessons"][0]
    with session_scope() as s:
        s.add(LessonFeedback(user_id=learner, lesson_id=lesson, clear=True))
    with pytest.raises(IntegrityError):
        with session_scope() as s:
            s.add(LessonFeedback(user_id=learner, lesson_id=lesson, clear=False))
    assert len(rows()) == 1


def test_a_double_click_saves_one_row(world):
    """Two answers sent at the same moment, each in its own transaction (two threads): one row."""
    me, lesson = world["learner_actor"], world["lessons"][2]
    start, errors = threading.Barrier(2), []

    def click(value):
        try:
            start.wait(timeout=10)
            call(services.answer, me, lesson, value)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=click, args=(v,)) for v in ("yes", "no")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    saved = rows(lesson)
    assert len(saved) == 1 and saved[0].clear in (True, False)


def test_answers_go_with_their_lesson_and_their_learner(world, make_user, enroll, sign_in):
    other = make_user()
    enroll(other, world["course"])
    a, b = world["lessons"][:2]
    call(services.answer, world["learner_actor"], a, "yes")
    call(services.answer, world["learner_actor"], b, "yes")
    call(services.answer, sign_in(other)[1], b, "no")
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM lessons WHERE id = :id"), {"id": a})
    assert {(r.user_id, r.lesson_id) for r in rows()} == {(world["learner"].id, b), (other.id, b)}
    with get_engine().begin() as conn:
        conn.execute(text("DELETE FROM user_sessions WHERE user_id = :id"), {"id": other.id})
        conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": other.id})
    assert {(r.user_id, r.lesson_id) for r in rows()} == {(world["learner"].id, b)}


def test_timestamps_are_utc(world):
    before = utcnow()
    call(services.answer, world["learner_actor"], world["lessons"][0], "yes")
    saved = rows()[0]
    assert saved.created_at >= before.replace(microsecond=0) and saved.updated_at.utcoffset().total_seconds() == 0
