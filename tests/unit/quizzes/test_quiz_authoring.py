"""The quiz builder's services: validation, ownership, reorder/duplicate, settings, review check."""

from __future__ import annotations

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.quizzes.models import Quiz, QuizQuestion
from lms_app.quizzes.services import authoring as quiz_authoring
from lms_app.authoring.services import review
from lms_app.authoring.services.checks import FormErrors
from lms_app.core.errors import PermissionDenied, ServiceError
from tests.unit.quizzes.quiz_support import FORMS, build, quiz_lesson


@pytest.fixture
def owned(make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, status="draft")
    lesson = quiz_lesson(course)
    _, actor = sign_in(teacher)
    return course, lesson, actor


def questions(lesson_id):
    with lms_app.core.db.session_scope() as s:
        quiz = s.exec(select(Quiz).where(Quiz.lesson_id == lesson_id)).one()
        return s.exec(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)
                      .order_by(QuizQuestion.position)).all()


def test_every_question_type_is_stored_with_its_key(owned):
    _, lesson, actor = owned
    build(actor, lesson)
    rows = questions(lesson.id)
    assert [q.kind for q in rows] == ["single", "multiple", "true_false", "short", "numeric"]
    assert rows[0].options == ["Lyon", "Paris", "Nice"] and rows[0].answer_key == {"choice": 1} and rows[0].points == 2
    assert rows[1].answer_key == {"choices": [0, 2]}
    assert rows[2].options == ["True", "False"] and rows[2].answer_key == {"choice": 1}
    assert rows[3].answer_key == {"accepted": ["Pacific", "Pacific Ocean"]}
    assert rows[4].answer_key == {"value": 3.14, "tolerance": 0.01}
    assert [q.position for q in rows] == [0, 1, 2, 3, 4]
    assert quiz_authoring.answer_summary(rows[1]) == "Correct: 2, 5"


@pytest.mark.parametrize("form, field", [
    ({"kind": "essay", "prompt": "x", "points": "1"}, "kind"),
    ({"kind": "single", "prompt": "", "points": "1", "option_0": "a", "option_1": "b", "correct": "0"}, "prompt"),
    ({"kind": "single", "prompt": "Q", "points": "0", "option_0": "a", "option_1": "b", "correct": "0"}, "points"),
    ({"kind": "single", "prompt": "Q", "points": "1", "option_0": "a", "correct": "0"}, "options"),
    ({"kind": "single", "prompt": "Q", "points": "1", "option_0": "a", "option_1": "A", "correct": "0"}, "options"),
    ({"kind": "single", "prompt": "Q", "points": "1", "option_0": "a", "option_1": "b"}, "correct"),
    ({"kind": "multiple", "prompt": "Q", "points": "1", "option_0": "a", "option_1": "b"}, "correct"),
    ({"kind": "true_false", "prompt": "Q", "points": "1", "correct": "yes"}, "correct"),
    ({"kind": "short", "prompt": "Q", "points": "1", "accepted": "  \n "}, "accepted"),
    ({"kind": "numeric", "prompt": "Q", "points": "1", "value": "abc"}, "value"),
    ({"kind": "numeric", "prompt": "Q", "points": "1", "value": "1", "tolerance": "-1"}, "tolerance"),
])
def test_invalid_questions_are_refused_with_the_field_named(owned, form, field):
    _, lesson, actor = owned
    with lms_app.core.db.session_scope() as s, pytest.raises(FormErrors) as err:
        quiz_authoring.save_question(s, actor, lesson.id, None, form)
    assert field in err.value.errors and err.value.errors[field]


def test_edit_reorder_duplicate_delete(owned):
    _, lesson, actor = owned
    ids = build(actor, lesson, FORMS[:3])
    with lms_app.core.db.session_scope() as s:
        quiz_authoring.move_question(s, actor, ids[2], -1)
        quiz_authoring.move_question(s, actor, ids[0], -1)  # already first: no change
    assert [q.id for q in questions(lesson.id)] == [ids[0], ids[2], ids[1]]
    with lms_app.core.db.session_scope() as s:
        copy = quiz_authoring.duplicate_question(s, actor, ids[0])
    rows = questions(lesson.id)
    assert [q.id for q in rows] == [ids[0], copy.id, ids[2], ids[1]]
    assert rows[1].prompt == rows[0].prompt and rows[1].answer_key == rows[0].answer_key
    with lms_app.core.db.session_scope() as s:
        quiz_authoring.save_question(s, actor, lesson.id, copy.id, {**FORMS[0], "prompt": "Changed?"})
        quiz_authoring.delete_question(s, actor, ids[0])
    rows = questions(lesson.id)
    assert [q.prompt for q in rows][0] == "Changed?" and [q.position for q in rows] == [0, 1, 2]


def test_settings_are_validated(owned):
    _, lesson, actor = owned
    build(actor, lesson, FORMS[:2])
    base = {"pass_percent": "80", "time_limit_minutes": "10", "max_attempts": "2", "pool_size": "",
            "shuffle_questions": "on", "show_answers": "after_pass"}
    with lms_app.core.db.session_scope() as s:
        quiz = quiz_authoring.save_settings(s, actor, lesson.id, base)
        assert (quiz.pass_percent, quiz.time_limit_minutes, quiz.max_attempts, quiz.pool_size) == (80, 10, 2, None)
        assert quiz.shuffle_questions and not quiz.shuffle_options and quiz.show_answers == "after_pass"
    bad = {"pass_percent": "101", "time_limit_minutes": "0", "max_attempts": "x", "pool_size": "3",
           "show_answers": "sometimes"}
    with lms_app.core.db.session_scope() as s, pytest.raises(FormErrors) as err:
        quiz_authoring.save_settings(s, actor, lesson.id, bad)
    assert set(err.value.errors) == {"pass_percent", "time_limit_minutes", "max_attempts", "pool_size",
                                     "show_answers"}
    assert "2 questions" in err.value.errors["pool_size"]


def test_only_the_owner_or_an_admin_edits(owned, make_user, sign_in):
    _, lesson, actor = owned
    [qid] = build(actor, lesson, FORMS[:1])
    _, other = sign_in(make_user(role="teacher"))
    _, learner = sign_in(make_user())
    _, admin = sign_in(make_user(role="admin"))
    for who in (other, learner):
        for call in (lambda s: quiz_authoring.save_question(s, who, lesson.id, None, FORMS[0]),
                     lambda s: quiz_authoring.save_question(s, who, lesson.id, qid, FORMS[1]),
                     lambda s: quiz_authoring.delete_question(s, who, qid),
                     lambda s: quiz_authoring.move_question(s, who, qid, 1),
                     lambda s: quiz_authoring.duplicate_question(s, who, qid),
                     lambda s: quiz_authoring.save_settings(s, who, lesson.id, {"pass_percent": "1"}),
                     lambda s: quiz_authoring.builder(s, who, lesson.id)):
            with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
                call(s)
    with lms_app.core.db.session_scope() as s:
        quiz_authoring.duplicate_question(s, admin, qid)
    assert len(questions(lesson.id)) == 2


def test_a_question_id_of_another_quiz_is_refused(owned, make_course, sign_in):
    course, lesson, actor = owned
    second = quiz_lesson(course, title="Second quiz", position=1, module_title="Other")
    [foreign] = build(actor, second, FORMS[:1])
    build(actor, lesson, FORMS[:1])
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="another quiz"):
        quiz_authoring.save_question(s, actor, lesson.id, foreign, FORMS[1])


def test_pending_course_is_read_only_and_non_quiz_lessons_are_refused(owned, db):
    course, lesson, actor = owned
    build(actor, lesson, FORMS[:1])
    with lms_app.core.db.session_scope() as s:
        row = s.get(type(course), course.id)
        row.status = "pending"
    with lms_app.core.db.session_scope() as s:
        assert quiz_authoring.builder(s, actor, lesson.id).editable is False
        with pytest.raises(ServiceError, match="waiting for review"):
            quiz_authoring.save_question(s, actor, lesson.id, None, FORMS[1])


def test_review_lists_quizzes_without_questions(owned):
    course, lesson, actor = owned
    with lms_app.core.db.session_scope() as s:
        assert "a question in the quiz “Check yourself”" in review.missing_items(s, s.get(type(course), course.id))
    build(actor, lesson, FORMS[:1])
    with lms_app.core.db.session_scope() as s:
        assert not any("quiz" in m for m in review.missing_items(s, s.get(type(course), course.id)))


def test_the_demo_quiz_is_seeded_once_with_every_question_type(db, settings):
    from lms_app.core.courses import Course, Lesson
    from lms_app.demo.seed import seed_demo_data

    assert seed_demo_data(db, settings)["quizzes"] == 1
    db.commit()
    assert seed_demo_data(db, settings)["quizzes"] == 0
    lesson = db.exec(select(Lesson).join(Course, Course.id == Lesson.course_id)
                     .where(Lesson.lesson_type == "quiz", Course.slug == "modern-python-patterns")).one()
    quiz = db.exec(select(Quiz).where(Quiz.lesson_id == lesson.id)).one()
    kinds = db.exec(select(QuizQuestion.kind).where(QuizQuestion.quiz_id == quiz.id)).all()
    assert sorted(kinds) == sorted(["single", "multiple", "true_false", "short", "numeric"])
    assert review.missing_items(db, db.get(Course, lesson.course_id)) == []
