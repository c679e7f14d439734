"""The quiz builder and the quiz panel, driven through their handlers; what reaches the browser."""

from __future__ import annotations

import json

from sqlmodel import select

import lms_app.core.db
from lms_app.learning.models import LessonProgress
from lms_app.quizzes.models import QuizAttempt, QuizQuestion
from lms_app.learning.pages.learn import LearnState
from lms_app.quizzes.pages.builder import QuizBuilderState
from lms_app.quizzes.pages.player import QuizState
from tests.unit.quizzes.quiz_support import FORMS, quiz_lesson, right_answers, world

# Strings that exist only in the answer key or the explanations of quiz_support.FORMS.
SECRETS = ["Paris is the capital.", "Pacific", "3.14", "0.01", "answer_key", '"key"', "accepted", "tolerance",
           "explanation\":\"P"]


def player(states, token, course, lesson):
    root = states.root(token, path=f"/learn/{course.slug}/{lesson.id}")
    learn = states.sub(root, LearnState)
    states.call(learn, "load")
    quiz = states.sub(root, QuizState)
    return root, learn, quiz


def sent(states, root) -> str:
    blob = states.serialize(root.get_delta())
    root._clean()
    return blob


def attempt_row(user_id) -> QuizAttempt:
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(QuizAttempt).where(QuizAttempt.user_id == user_id)
                      .order_by(QuizAttempt.attempt_no.desc())).first()


def test_no_key_reaches_the_browser_during_an_attempt(states, make_course, make_user, enroll, sign_in):
    course, lesson, _, learner, _, token = world(make_course, make_user, enroll, sign_in, show_answers="never",
                                                 time_limit_minutes=10)
    root, learn, quiz = player(states, token, course, lesson)
    updates = [sent(states, root)]
    states.call(quiz, "load")
    updates.append(sent(states, root))
    assert quiz.mode == "learner" and quiz.phase == "intro" and quiz.can_start
    events = states.call(quiz, "start")
    updates.append(sent(states, root))
    assert quiz.phase == "answering" and len(quiz.questions) == 5 and quiz.timed
    assert any("__lmsQuizEnd" in s for s in states.scripts(events))  # the countdown
    attempt = attempt_row(learner.id)
    for q in attempt.questions:  # answer everything right, one handler call at a time
        value = right_answers(attempt)[q["id"]]
        if q["kind"] == "multiple":
            for option in value:
                states.call(quiz, "toggle", str(q["id"]), option, True)
        else:
            states.call(quiz, "answer", str(q["id"]), str(value))
        updates.append(sent(states, root))
    states.call(quiz, "submit")
    updates.append(sent(states, root))
    assert quiz.phase == "result" and quiz.result["passed"] and quiz.result["percent"] == 100
    states.call(quiz, "load")
    updates.append(sent(states, root))
    blob = "\n".join(updates) + states.serialize(quiz.dict()) + states.serialize(learn.dict())
    for secret in SECRETS:
        i = blob.find(secret)
        assert i < 0, f"{secret!r} reached the browser with show_answers=never: {blob[max(0, i - 120):i + 60]}"
    assert "Capital of France?" in blob  # control: the questions themselves were sent
    # The answering phase sent no public var at all (uncontrolled inputs).
    assert all(json.loads(u) == {} or "questions" not in u for u in updates[3:-2])
    # Passing completed the lesson, and the player shows it at once.
    assert learn.completed and learn.percent == 100
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(LessonProgress.completed_at).where(LessonProgress.user_id == learner.id)).one()


def test_answers_and_explanations_arrive_after_the_attempt_when_allowed(states, make_course, make_user, enroll,
                                                                        sign_in):
    course, lesson, _, learner, _, token = world(make_course, make_user, enroll, sign_in, show_answers="after_attempt")
    root, _, quiz = player(states, token, course, lesson)
    states.call(quiz, "load")
    states.call(quiz, "start")
    before = sent(states, root) + states.serialize(root.dict())
    assert "Paris is the capital." not in before and "Pacific" not in before
    states.call(quiz, "submit")
    assert not quiz.result["passed"] and len(quiz.feedback) == 5
    after = sent(states, root)
    assert "Paris is the capital." in after and "Pacific" in after
    assert quiz.can_start and quiz.history[0]["score"] == "0/6 (0%)"


def test_retry_after_failing_then_no_attempts_left(states, make_course, make_user, enroll, sign_in):
    course, lesson, _, learner, _, token = world(make_course, make_user, enroll, sign_in, max_attempts=2)
    _, _, quiz = player(states, token, course, lesson)
    states.call(quiz, "load")
    for n in (1, 2):
        states.call(quiz, "start")
        assert quiz.attempt_no == n
        states.call(quiz, "submit")
    assert not quiz.can_start and quiz.attempts_left == "0 attempts left" and len(quiz.history) == 2
    events = states.call(quiz, "start")
    assert any("used all 2 attempts" in t for _, t in states.toasts(events))
    assert attempt_row(learner.id).attempt_no == 2


def test_the_attempt_is_always_the_callers_own(states, make_course, make_user, enroll, sign_in):
    course, lesson, _, learner, _, token = world(make_course, make_user, enroll, sign_in)
    _, _, quiz = player(states, token, course, lesson)
    states.call(quiz, "load")
    states.call(quiz, "start")
    victim = attempt_row(learner.id)
    other = make_user()
    enroll(other, course)
    other_token, _ = sign_in(other)
    _, _, theirs = player(states, other_token, course, lesson)
    states.call(theirs, "load")
    events = states.call(theirs, "review", victim.id)  # someone else's attempt id
    assert any("not yours" in t for _, t in states.toasts(events)) and theirs.feedback == []
    states.call(theirs, "answer", str(victim.questions[0]["id"]), "0")  # no attempt of theirs: nothing happens
    states.call(theirs, "submit")
    assert attempt_row(learner.id).answers == {} and attempt_row(learner.id).status == "in_progress"
    assert attempt_row(other.id) is None


def test_strangers_and_staff_take_no_attempts(states, make_course, make_user, enroll, sign_in):
    course, lesson, _, _, _, _ = world(make_course, make_user, enroll, sign_in)
    stranger_token, _ = sign_in(make_user())
    root, learn, quiz = player(states, stranger_token, course, lesson)
    assert learn.view == "locked"
    states.call(quiz, "load")
    assert quiz.mode == "visitor" and quiz.questions == [] and quiz.preview == []
    states.call(quiz, "start")
    assert attempt_row(learn.content["id"]) is None
    teacher_token, _ = sign_in(make_user(role="admin"))
    root, learn, quiz = player(states, teacher_token, course, lesson)
    states.call(quiz, "load")
    assert quiz.mode == "staff" and len(quiz.preview) == 5 and not quiz.can_start
    assert "Paris is the capital." not in states.serialize(root.dict())


def builder(states, token, lesson):
    root = states.root(token, path=f"/teach/lessons/{lesson.id}/quiz")
    state = states.sub(root, QuizBuilderState)
    states.call(state, "load")
    return root, state


def test_builder_adds_edits_reorders_duplicates_and_deletes(states, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    lesson = quiz_lesson(course)
    token, _ = sign_in(teacher)
    _, b = builder(states, token, lesson)
    assert b.view == "ok" and b.rows == [] and b.editable
    states.call(b, "new_question")
    assert b.dialog_open
    states.call(b, "choose_kind", "single")
    states.call(b, "save_question", {k: v for k, v in FORMS[0].items() if k != "kind"})
    states.call(b, "new_question")
    states.call(b, "choose_kind", "numeric")
    states.call(b, "save_question", {"prompt": "", "points": "1", "value": "x"})
    assert b.dialog_open and b.errors["prompt"] and b.errors["value"]
    states.call(b, "save_question", {k: v for k, v in FORMS[4].items() if k != "kind"})
    assert not b.dialog_open and [r["kind_label"] for r in b.rows] == ["Single choice", "Number"]
    second = b.rows[1]["id"]
    states.call(b, "move_question", second, -1)
    assert b.rows[0]["id"] == second and b.rows[0]["first"] and b.rows[1]["last"]
    states.call(b, "duplicate_question", second)
    assert len(b.rows) == 3 and b.rows[1]["prompt"] == b.rows[0]["prompt"]
    states.call(b, "edit_question", second)
    assert b.edit["id"] == second and b.edit["value"] == "3.14" and b.edit_kind == "numeric"
    states.call(b, "delete_question", b.rows[1]["id"])
    assert len(b.rows) == 2
    states.call(b, "save_settings", {"pass_percent": "80", "time_limit_minutes": "5", "max_attempts": "2",
                                     "pool_size": "9", "show_answers": "never"})
    assert b.settings_errors["pool_size"] and b.settings["pass_percent"] == "70"
    states.call(b, "save_settings", {"pass_percent": "80", "time_limit_minutes": "5", "max_attempts": "2",
                                     "pool_size": "", "show_answers": "never", "shuffle_options": "on"})
    assert b.settings["pass_percent"] == "80" and b.settings["shuffle_options"] and b.settings_errors["pool_size"] == ""


def test_builder_refuses_other_teachers(states, make_course, make_user, sign_in):
    course = make_course()
    lesson = quiz_lesson(course)
    token, _ = sign_in(make_user(role="teacher"))
    _, b = builder(states, token, lesson)
    assert b.view == "error" and "another teacher" in b.message
    states.call(b, "save_question", FORMS[0])
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(QuizQuestion)).all() == []
