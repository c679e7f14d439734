"""POST /api/progress/position: the position a leaving page sends with navigator.sendBeacon.

Same rule as the websocket handler (progress.save_position): only an enrolled learner, for a
lesson open to them, with their own session cookie; other sites' requests are refused.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core.http import build_api, guard
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.courses import Lesson
from lms_app.learning.models import LessonProgress
from tests.unit.learning.learning_support import setup


@pytest.fixture
def client():
    # Through the request guard, as served: it checks origin, content type and size first.
    with TestClient(guard(build_api()), base_url="http://localhost:3000") as c:
        yield c


def position(user_id, lesson_id):
    with lms_app.core.db.session_scope() as s:
        row = s.exec(select(LessonProgress).where(LessonProgress.user_id == user_id,
                                                  LessonProgress.lesson_id == lesson_id)).first()
        return (row.video_position_seconds, row.completed_at is not None) if row else None


def beacon(client, token, body, **headers):
    headers.setdefault("origin", "http://localhost:3000")
    client.cookies.clear()
    if token:
        client.cookies.set(SESSION_COOKIE, token)
    return client.post("/api/progress/position", json=body, headers=headers)


def test_enrolled_learner_saves_the_position_of_a_video(client, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    video = lessons[1]
    assert beacon(client, token, {"lesson_id": video.id, "position": 42.7, "duration": 100},
                  origin="http://localhost:3000").status_code == 204
    assert position(learner.id, video.id) == (42, False)
    assert beacon(client, token, {"lesson_id": video.id, "position": 95, "duration": 100}).status_code == 204
    assert position(learner.id, video.id) == (95, True)  # 90 % watched completes, as over the websocket


def test_refused_without_session_enrolment_video_or_same_origin(client, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    video = lessons[1]
    stranger_token, _ = sign_in(make_user())
    body = {"lesson_id": video.id, "position": 30}
    assert beacon(client, None, body).status_code == 401
    assert beacon(client, stranger_token, body).status_code == 403
    assert beacon(client, token, {**body, "lesson_id": lessons[0].id}).status_code == 400  # a text lesson
    assert beacon(client, token, {**body, "position": "x"}).status_code == 400
    assert beacon(client, token, body, origin="https://evil.example").status_code == 403
    client.cookies.set(SESSION_COOKIE, token)
    same = {"origin": "http://localhost:3000", "content-type": "application/json"}
    assert client.post("/api/progress/position", content=b"[1]", headers=same).status_code == 400
    assert client.post("/api/progress/position", content=b"[1]",
                       headers={"origin": "http://localhost:3000"}).status_code == 415  # not JSON
    assert client.post("/api/progress/position", content=b"{" + b" " * 2000 + b"}", headers=same).status_code == 413
    assert position(learner.id, video.id) is None


def test_sequential_mode_applies_to_the_beacon(client, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in, sequential=True)
    assert beacon(client, token, {"lesson_id": lessons[1].id, "position": 30}).status_code == 403
    assert position(learner.id, lessons[1].id) is None
    with lms_app.core.db.session_scope() as s:
        assert s.get(Lesson, lessons[1].id) is not None
