"""Quizzes through the API: the answer key never leaves the server before submission (and after
only as the quiz's settings allow), a double submit grades once, attempt and time limits hold."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from lms_app.core.types import utcnow
from lms_app.quizzes.models import QuizAttempt
from tests.unit.api.conftest import bearer
from tests.unit.quizzes import quiz_support

# Words that only the answer key, the correct flags or the explanations contain.
KEY_WORDS = ("correct", "explanation", "Paris is the capital", "accepted", "tolerance", '"key"', "3.14")


def _setup(make_course, make_user, enroll, sign_in, login, **settings):
    course, lesson, teacher_actor, learner, actor, token = quiz_support.world(make_course, make_user, enroll,
                                                                              sign_in, **settings)
    return lesson, learner, bearer(login(learner)["access_token"])


def _right(db, attempt_id: int) -> dict:
    attempt = db.get(QuizAttempt, attempt_id)
    db.refresh(attempt)
    return {str(k): v for k, v in quiz_support.right_answers(attempt).items()}


def test_no_answer_key_before_submission(api, make_course, make_user, enroll, sign_in, login, db):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login, show_answers="after_attempt")
    overview = api.get(f"/api/v1/quizzes/{lesson.id}", headers=auth)
    assert overview.status_code == 200 and overview.json()["mode"] == "learner"
    started = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth)
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["status"] == "in_progress" and body["result"] is None and len(body["questions"]) == 5
    for text in (started.text, overview.text):
        assert not any(w in text for w in KEY_WORDS), text
    attempt_id = body["id"]
    first = body["questions"][0]
    saved = api.put(f"/api/v1/quiz-attempts/{attempt_id}/answers", headers=auth,
                    json={"answers": {first["id"]: first["options"][0]["id"]}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["questions"][0]["answer"] == first["options"][0]["id"]
    again = api.get(f"/api/v1/quiz-attempts/{attempt_id}", headers=auth)
    for text in (saved.text, again.text):
        assert not any(w in text for w in KEY_WORDS), text
    done = api.post(f"/api/v1/quiz-attempts/{attempt_id}/submit", headers=auth, json={"answers": _right(db, attempt_id)})
    assert done.status_code == 200, done.text
    result = done.json()["result"]
    assert result["passed"] and result["percent"] == 100 and result["show_key"]
    assert done.json()["lesson_completed"] is True
    assert {f["correct"] for f in result["feedback"]} == {True} and "Paris" in json.dumps(result["feedback"])


def test_key_stays_hidden_after_submission_when_the_quiz_never_shows_it(api, make_course, make_user, enroll,
                                                                       sign_in, login):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login, show_answers="never")
    attempt = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth).json()
    done = api.post(f"/api/v1/quiz-attempts/{attempt['id']}/submit", headers=auth)
    assert done.status_code == 200 and done.json()["result"]["show_key"] is False
    for r in (done, api.get(f"/api/v1/quiz-attempts/{attempt['id']}", headers=auth)):
        assert r.json()["result"]["feedback"] == []
        assert not any(w in r.text for w in KEY_WORDS), r.text


def test_double_submit_grades_once_and_answers_are_frozen(api, make_course, make_user, enroll, sign_in, login, db):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login, show_answers="after_attempt")
    attempt = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth).json()
    first = api.post(f"/api/v1/quiz-attempts/{attempt['id']}/submit", headers=auth, json={"answers": {}})
    right = _right(db, attempt["id"])
    second = api.post(f"/api/v1/quiz-attempts/{attempt['id']}/submit", headers=auth, json={"answers": right})
    assert first.json()["result"] == second.json()["result"] and second.json()["result"]["percent"] == 0
    late_save = api.put(f"/api/v1/quiz-attempts/{attempt['id']}/answers", headers=auth, json={"answers": right})
    assert late_save.status_code == 422 and late_save.json()["code"] == "refused"
    rows = db.exec(select(QuizAttempt).where(QuizAttempt.user_id == learner.id)).all()
    assert len(rows) == 1 and rows[0].percent == 0


def test_attempt_limit_and_time_limit(api, make_course, make_user, enroll, sign_in, login, db):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login, max_attempts=2,
                                   time_limit_minutes=5)
    for _ in range(2):
        a = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth).json()
        assert api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth).json()["id"] == a["id"]  # same one
        assert a["deadline_at"] is not None
        api.post(f"/api/v1/quiz-attempts/{a['id']}/submit", headers=auth)
    third = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth)
    assert third.status_code == 422 and "all 2 attempts" in third.json()["error"]
    assert api.get(f"/api/v1/quizzes/{lesson.id}", headers=auth).json()["attempts_left"] == 0
    # time limit: an attempt past its deadline refuses answers and is graded when next seen
    other = make_user()
    enroll(other, _course_of(db, lesson))
    other_auth = bearer(login(other)["access_token"])
    a = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=other_auth).json()
    row = db.get(QuizAttempt, a["id"])
    row.started_at, row.deadline_at = utcnow() - timedelta(minutes=10), utcnow() - timedelta(minutes=5)
    db.add(row)
    db.commit()
    right = _right(db, a["id"])
    refused = api.put(f"/api/v1/quiz-attempts/{a['id']}/answers", headers=other_auth, json={"answers": right})
    assert refused.status_code == 422 and "Time is up" in refused.json()["error"]
    seen = api.get(f"/api/v1/quiz-attempts/{a['id']}", headers=other_auth).json()
    assert seen["status"] == "submitted" and seen["result"]["percent"] == 0


def _course_of(db, lesson):
    from lms_app.core.courses import Course, Lesson

    return db.get(Course, db.get(Lesson, lesson.id).course_id)


def test_someone_elses_attempt_and_unenrolled_learner(api, make_course, make_user, enroll, sign_in, login):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login)
    attempt = api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=auth).json()
    stranger = bearer(login(make_user())["access_token"])
    assert api.post(f"/api/v1/quizzes/{lesson.id}/attempts", headers=stranger).status_code == 403
    for method, path in (("GET", f"/api/v1/quiz-attempts/{attempt['id']}"),
                         ("PUT", f"/api/v1/quiz-attempts/{attempt['id']}/answers"),
                         ("POST", f"/api/v1/quiz-attempts/{attempt['id']}/submit")):
        r = api.request(method, path, headers=stranger, json={"answers": {}})
        assert r.status_code == 403 and r.json()["code"] == "forbidden", (method, r.text)
    assert api.get(f"/api/v1/quizzes/{lesson.id}", headers=stranger).json()["mode"] == "visitor"


# SQL statements per request (auth included), the same whatever the data size.
QUERY_BUDGET = {"reviews": 3, "course progress": 5, "quiz": 8, "start": 8, "save answers": 5, "submit": 9,
                "result": 6, "orders": 2}


def _measure(api, count_queries, auth, lesson, slug) -> dict[str, int]:
    counts = {}

    def m(name, method, path, **kw):
        with count_queries() as n:
            r = api.request(method, path, headers=auth, **kw)
        assert r.status_code < 300, r.text
        counts[name] = n.count
        return r

    m("reviews", "GET", f"/api/v1/courses/{slug}/reviews")
    m("course progress", "GET", f"/api/v1/me/courses/{slug}/progress")
    m("quiz", "GET", f"/api/v1/quizzes/{lesson.id}")
    attempt = m("start", "POST", f"/api/v1/quizzes/{lesson.id}/attempts").json()
    q = attempt["questions"][0]
    m("save answers", "PUT", f"/api/v1/quiz-attempts/{attempt['id']}/answers",
      json={"answers": {q["id"]: q["options"][0]["id"]}})
    m("submit", "POST", f"/api/v1/quiz-attempts/{attempt['id']}/submit", json={"answers": {}})
    m("result", "GET", f"/api/v1/quiz-attempts/{attempt['id']}")
    m("orders", "GET", "/api/v1/me/orders")
    return counts


def test_statements_per_request_stay_constant(api, make_course, make_user, enroll, sign_in, login, count_queries):
    lesson, learner, auth = _setup(make_course, make_user, enroll, sign_in, login, show_answers="after_attempt")
    slug = _course_of_lesson(lesson).slug
    small = _measure(api, count_queries, auth, lesson, slug)
    for _ in range(30):
        course = make_course()
        enroll(learner, course)
    big = _measure(api, count_queries, auth, lesson, slug)
    assert small == big, (small, big)
    assert small == QUERY_BUDGET, small


def _course_of_lesson(lesson):
    from lms_app.core.courses import Course, Lesson
    from lms_app.core.db import session_scope

    with session_scope() as s:
        course = s.get(Course, s.get(Lesson, lesson.id).course_id)
        s.expunge(course)
        return course
