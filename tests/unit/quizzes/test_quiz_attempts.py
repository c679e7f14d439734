"""Taking a quiz: attempts, the server's clock, grading, completion, and who may do what."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

import lms_app.core.db
from lms_app.core.courses import Enrollment
from lms_app.core.event_log import LearningEvent
from lms_app.learning.models import LessonProgress
from lms_app.quizzes.models import QuizAttempt
from lms_app.core.types import utcnow
from lms_app.quizzes.services import attempts as qa
from lms_app.core.errors import PermissionDenied, ServiceError
from tests.unit.quizzes.quiz_support import FORMS, right_answers, world


def run(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def attempts_of(user_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user_id).order_by(QuizAttempt.attempt_no)).all()


def completed(user_id, lesson_id):
    with lms_app.core.db.session_scope() as s:
        row = s.exec(select(LessonProgress).where(LessonProgress.user_id == user_id,
                                                  LessonProgress.lesson_id == lesson_id)).first()
        return bool(row and row.completed_at)


def test_fail_then_pass_completes_the_lesson_once(make_course, make_user, enroll, sign_in):
    course, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, max_attempts=3)
    first = run(qa.start_attempt, actor, lesson.id)
    assert first.attempt_no == 1 and len(first.questions) == 5 and first.deadline_at is None
    assert run(qa.start_attempt, actor, lesson.id).id == first.id  # a second click resumes it
    run(qa.save_answer, actor, first.id, first.questions[0]["id"], str(first.questions[0]["key"]["choice"]))
    out = run(qa.submit_attempt, actor, first.id)
    assert (out.attempt.score, out.attempt.max_score, out.attempt.percent, out.attempt.passed) == (2, 6, 33, False)
    assert not out.newly_completed and not completed(learner.id, lesson.id)

    second = run(qa.start_attempt, actor, lesson.id)
    assert second.attempt_no == 2
    out = run(qa.submit_attempt, actor, second.id, right_answers(second))
    assert out.attempt.percent == 100 and out.attempt.passed and out.newly_completed
    assert completed(learner.id, lesson.id)
    third = run(qa.start_attempt, actor, lesson.id)
    out = run(qa.submit_attempt, actor, third.id, right_answers(third))
    assert out.attempt.passed and not out.newly_completed
    with lms_app.core.db.session_scope() as s:
        scores = s.exec(select(LearningEvent.score).where(LearningEvent.kind == "quiz_submitted")
                        .order_by(LearningEvent.id)).all()
        completions = s.exec(select(func.count()).select_from(LearningEvent)
                             .where(LearningEvent.kind == "lesson_completed")).one()
    assert scores == [33, 100, 100] and completions == 1


def test_no_attempt_beyond_the_maximum(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, max_attempts=2)
    for _ in range(2):
        run(qa.submit_attempt, actor, run(qa.start_attempt, actor, lesson.id).id)
    with pytest.raises(ServiceError, match="used all 2 attempts"):
        run(qa.start_attempt, actor, lesson.id)
    assert len(attempts_of(learner.id)) == 2


def test_the_database_refuses_a_third_attempt_and_a_duplicate_number(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, max_attempts=2)
    first = run(qa.start_attempt, actor, lesson.id)
    for number in (3, 1):  # over the cap (CHECK), then a taken number (UNIQUE)
        with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
            s.add(QuizAttempt(quiz_id=first.quiz_id, lesson_id=lesson.id, user_id=learner.id, attempt_no=number,
                              max_attempts=2, pass_percent=70))
            s.flush()


def test_parallel_starts_open_exactly_one_attempt(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, max_attempts=1)
    got, errors, gate = [], [], threading.Barrier(8)

    def start():
        gate.wait()
        try:
            got.append(run(qa.start_attempt, actor, lesson.id).id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(got)) == 1 and len(attempts_of(learner.id)) == 1


def test_the_time_limit_is_the_servers(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, time_limit_minutes=5,
                                            max_attempts=3)
    start = utcnow()
    attempt = run(qa.start_attempt, actor, lesson.id, now=start)
    assert attempt.deadline_at == start + timedelta(minutes=5)
    q0 = attempt.questions[0]
    run(qa.save_answer, actor, attempt.id, q0["id"], q0["key"]["choice"], now=start + timedelta(minutes=4))
    late = start + timedelta(minutes=6)
    with pytest.raises(ServiceError, match="Time is up"):
        run(qa.save_answer, actor, attempt.id, attempt.questions[1]["id"], ["0"], now=late)
    # A late submission with every right answer is graded on what was saved in time.
    out = run(qa.submit_attempt, actor, attempt.id, right_answers(attempt), now=late)
    assert out.late and out.attempt.score == q0["points"] and not out.attempt.passed
    assert out.attempt.submitted_at == attempt.deadline_at


def test_an_abandoned_timed_attempt_is_graded_when_next_seen(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in, time_limit_minutes=1)
    start = utcnow() - timedelta(minutes=10)
    old = run(qa.start_attempt, actor, lesson.id, now=start)
    view = run(qa.player, actor, lesson.id)
    assert view.current is None and view.last.id == old.id and view.last.status == "submitted"
    assert run(qa.start_attempt, actor, lesson.id).attempt_no == 2


def test_pool_and_shuffles_draw_a_consistent_snapshot(make_course, make_user, enroll, sign_in):
    _, lesson, _, _, actor, _ = world(make_course, make_user, enroll, sign_in, pool_size=3, shuffle_questions="on",
                                      shuffle_options="on")
    attempt = run(qa.start_attempt, actor, lesson.id)
    assert len(attempt.questions) == 3
    for q in attempt.questions:
        original = next(f for f in FORMS if f["prompt"] == q["prompt"])
        if q["kind"] == "single":  # the key follows its option through the shuffle
            assert q["options"][q["key"]["choice"]] == "Paris"
        if q["kind"] == "multiple":
            assert sorted(q["options"][i] for i in q["key"]["choices"]) == ["2", "5"]
        assert original
    assert run(qa.submit_attempt, actor, attempt.id, right_answers(attempt)).attempt.percent == 100


def test_edits_after_the_start_do_not_change_a_running_attempt(make_course, make_user, enroll, sign_in):
    from lms_app.quizzes.services import authoring as quiz_authoring

    _, lesson, teacher, _, actor, _ = world(make_course, make_user, enroll, sign_in)
    attempt = run(qa.start_attempt, actor, lesson.id)
    answers = right_answers(attempt)
    with lms_app.core.db.session_scope() as s:
        quiz_authoring.save_question(s, teacher, lesson.id, attempt.questions[0]["id"], {**FORMS[0], "correct": "0"})
    assert run(qa.submit_attempt, actor, attempt.id, answers).attempt.percent == 100


def test_no_submission_or_answer_on_behalf_of_someone_else(make_course, make_user, enroll, sign_in):
    course, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in)
    attempt = run(qa.start_attempt, actor, lesson.id)
    intruder = make_user()
    enroll(intruder, course)
    _, other = sign_in(intruder)
    with pytest.raises(PermissionDenied):
        run(qa.save_answer, other, attempt.id, attempt.questions[0]["id"], 0)
    with pytest.raises(PermissionDenied):
        run(qa.submit_attempt, other, attempt.id, right_answers(attempt))
    with pytest.raises(PermissionDenied):
        run(qa.review, other, attempt.id)
    assert attempts_of(learner.id)[0].status == "in_progress" and attempts_of(learner.id)[0].answers == {}


def test_a_score_cannot_be_changed_by_the_learner(make_course, make_user, enroll, sign_in):
    _, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in)
    attempt = run(qa.start_attempt, actor, lesson.id)
    first = run(qa.submit_attempt, actor, attempt.id, {})
    assert first.attempt.score == 0
    again = run(qa.submit_attempt, actor, attempt.id, right_answers(attempt))  # resubmitting changes nothing
    assert again.attempt.score == 0 and not again.attempt.passed
    with pytest.raises(ServiceError, match="submitted"):
        run(qa.save_answer, actor, attempt.id, attempt.questions[0]["id"], attempt.questions[0]["key"]["choice"])
    assert attempts_of(learner.id)[0].score == 0


def test_a_learner_not_enrolled_can_do_none_of_it(make_course, make_user, enroll, sign_in):
    _, lesson, teacher, learner, actor, _ = world(make_course, make_user, enroll, sign_in)
    attempt = run(qa.start_attempt, actor, lesson.id)
    _, stranger = sign_in(make_user())
    with pytest.raises(PermissionDenied):
        run(qa.start_attempt, stranger, lesson.id)
    with pytest.raises(PermissionDenied):
        run(qa.start_attempt, teacher, lesson.id)  # staff preview the quiz; attempts are for learners
    assert run(qa.player, stranger, lesson.id).mode == "visitor"
    with lms_app.core.db.session_scope() as s:  # the learner leaves (a refund): their attempt stops too
        s.delete(s.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).one())
    for call in (lambda: run(qa.save_answer, actor, attempt.id, attempt.questions[0]["id"], 0),
                 lambda: run(qa.submit_attempt, actor, attempt.id, {}),
                 lambda: run(qa.start_attempt, actor, lesson.id)):
        with pytest.raises(PermissionDenied):
            call()


def test_junk_answers_are_refused(make_course, make_user, enroll, sign_in):
    _, lesson, _, _, actor, _ = world(make_course, make_user, enroll, sign_in)
    attempt = run(qa.start_attempt, actor, lesson.id)
    by_kind = {q["kind"]: q["id"] for q in attempt.questions}
    for kind, junk in [("single", 7), ("single", True), ("multiple", [0, 99]), ("multiple", "0"),
                       ("short", "x" * 600), ("numeric", {"a": 1}), ("true_false", -1)]:
        with pytest.raises(ServiceError):
            run(qa.save_answer, actor, attempt.id, by_kind[kind], junk)
    with pytest.raises(ServiceError):
        run(qa.save_answer, actor, attempt.id, 999999, 0)


@pytest.mark.parametrize("show, after_fail, after_pass", [("never", False, False), ("after_attempt", True, True),
                                                          ("after_pass", False, True)])
def test_answers_are_shown_only_as_the_settings_allow(make_course, make_user, enroll, sign_in, show, after_fail,
                                                      after_pass):
    _, lesson, _, _, actor, _ = world(make_course, make_user, enroll, sign_in, show_answers=show)
    attempt = run(qa.start_attempt, actor, lesson.id)
    view = run(qa.player, actor, lesson.id)
    assert view.show_key is False and "key" not in str(qa.attempt_questions(view.current))
    run(qa.submit_attempt, actor, attempt.id, {})
    view = run(qa.player, actor, lesson.id)
    assert view.show_key is after_fail and bool(qa.feedback(view.last, view.show_key)) is after_fail
    second = run(qa.start_attempt, actor, lesson.id)
    run(qa.submit_attempt, actor, second.id, right_answers(second))
    view = run(qa.player, actor, lesson.id)
    assert view.show_key is after_pass
    if after_pass:
        rows = qa.feedback(view.last, True)
        assert rows[0]["correct_answer"] and all(r["correct"] for r in rows)
        assert any(r["explanation"] == "Paris is the capital." for r in rows)


def test_sequential_courses_and_unpublished_courses_refuse_a_start(make_course, make_user, enroll, sign_in):
    from lms_app.core.courses import Course, Lesson, Module
    from lms_app.learning.services import progress

    course, lesson, _, learner, actor, _ = world(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        first = Module(course_id=course.id, title="Before", position=-1)
        s.add(first)
        s.flush()
        reading = Lesson(module_id=first.id, course_id=course.id, title="Read first", lesson_type="text")
        s.add(reading)
        s.get(Course, course.id).sequential = True
    with pytest.raises(PermissionDenied, match="previous lessons"):
        run(qa.start_attempt, actor, lesson.id)
    run(progress.mark_complete, actor, reading.id)
    assert run(qa.start_attempt, actor, lesson.id).attempt_no == 1
    with lms_app.core.db.session_scope() as s:
        s.get(Course, course.id).status = "draft"
    with pytest.raises(PermissionDenied):
        run(qa.start_attempt, actor, lesson.id)
    with pytest.raises(ServiceError, match="not a quiz"):
        with lms_app.core.db.session_scope() as s:
            s.get(Course, course.id).status = "published"
        run(qa.start_attempt, actor, reading.id)
