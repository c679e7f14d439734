"""Who may see lesson content: /learn's handler and the /media/lessons/<id> file route.

Drafts, pending and rejected courses exist only for their teacher and admins; non-preview
lesson content reaches only the teacher, admins and enrolled learners: never in state, never
through the file URL.
"""

from __future__ import annotations

import pytest
from authoring_support import PDF, actor_of, build_course, call
from sqlalchemy import update
from starlette.testclient import TestClient

from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.db import session_scope
from lms_app.core.courses import Course, Lesson
from lms_app.learning.pages.learn import LearnState
from lms_app.authoring.services import courses as authoring, curriculum
from lms_app.core.settings import get_settings


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="http://testserver") as c:
        yield c


def with_pdfs(teacher, status="published"):
    """A course whose lessons are PDFs with stored files; lesson 0 is the free preview."""
    c = build_course(teacher, status=status, lesson_type="pdf")
    me = actor_of(teacher)
    if status == "pending":  # files are attached while editable, then the status is forced back
        with session_scope() as s:
            s.exec(update(Course).where(Course.id == c["id"]).values(status="draft"))
    for lid in c["lessons"]:
        call(curriculum.set_lesson_file, get_settings(), me, lid, PDF, f"{lid}.pdf")
    with session_scope() as s:
        s.exec(update(Course).where(Course.id == c["id"]).values(status=status))
    return c


def open_lesson(states, token, c, lesson_id):
    path = f"/learn/{c['slug']}/{lesson_id}"
    root = states.root(token, path=path, query={"course": c["slug"], "lesson": str(lesson_id)})
    state = states.sub(root, LearnState)
    states.call(state, "load")
    return state, states.serialize(states.snapshot(root))


def viewers(make_user, sign_in, enroll, owner, course_id):
    enrolled = make_user()
    with session_scope() as s:
        course = s.get(Course, course_id)
    enroll(enrolled, course)
    return {
        "anonymous": None,
        "learner": sign_in(make_user())[0],
        "other-teacher": sign_in(make_user(role="teacher"))[0],
        "enrolled": sign_in(enrolled)[0],
        "owner": sign_in(owner)[0],
        "admin": sign_in(make_user(role="admin"))[0],
    }


# who may open (preview lesson, other lesson) per course status
EXPECTED = {
    "published": {"anonymous": (True, False), "learner": (True, False), "other-teacher": (True, False),
                  "enrolled": (True, True), "owner": (True, True), "admin": (True, True)},
    "archived": {"anonymous": (False, False), "learner": (False, False), "other-teacher": (False, False),
                 "enrolled": (True, True), "owner": (True, True), "admin": (True, True)},
}
for _status in ("draft", "pending", "rejected"):
    EXPECTED[_status] = {"anonymous": (False, False), "learner": (False, False), "other-teacher": (False, False),
                         "enrolled": (False, False), "owner": (True, True), "admin": (True, True)}


@pytest.mark.parametrize("status", sorted(EXPECTED))
def test_learn_page_state_and_file_route_follow_one_rule(states, client, make_user, sign_in, enroll, status):
    owner = make_user(role="teacher")
    c = with_pdfs(owner, status)
    with session_scope() as s:
        s.exec(update(Lesson).where(Lesson.course_id == c["id"]).values(body="LESSON-BODY-MARKER"))
    preview, other = c["lessons"][0], c["lessons"][1]
    for who, token in viewers(make_user, sign_in, enroll, owner, c["id"]).items():
        for lesson_id, allowed in zip((preview, other), EXPECTED[status][who]):
            state, snap = open_lesson(states, token, c, lesson_id)
            label = f"{status}/{who}/lesson {lesson_id}"
            if allowed:
                assert state.view == "ok", label
                assert state.content["body"] == "LESSON-BODY-MARKER"
                assert state.content["file_url"] == f"/media/lessons/{lesson_id}"
            else:
                assert state.view in ("locked", "missing"), label
                assert "LESSON-BODY-MARKER" not in snap, label
                assert f"/media/lessons/{lesson_id}" not in snap, label
                if status in ("draft", "pending", "rejected"):
                    # The course does not exist for them: not even its title.
                    assert state.view == "missing" and "A Course Title" not in snap, label
            client.cookies.clear()
            if token:
                client.cookies.set(SESSION_COOKIE, token)
            response = client.get(f"/media/lessons/{lesson_id}")
            if allowed:
                assert response.status_code == 200, label
                assert response.content == PDF
                assert response.headers["content-type"] == "application/pdf"
                assert response.headers["x-content-type-options"] == "nosniff"
                assert response.headers["content-disposition"].startswith("inline")
                assert "private" in response.headers["cache-control"]
            else:
                assert response.status_code == 404, label
                assert PDF not in response.content


def test_file_route_refuses_junk_ids_and_forged_cookies(client, make_user):
    c = with_pdfs(make_user(role="teacher"))
    for path in ("/media/lessons/abc", "/media/lessons/-1", "/media/lessons/0", "/media/lessons/99999999",
                 "/media/lessons/..%2F..%2Fetc%2Fpasswd", f"/media/lessons/{c['lessons'][1]}"):
        client.cookies.set(SESSION_COOKIE, "forged")
        assert client.get(path).status_code == 404, path


def test_lesson_in_another_course_is_not_found(states, make_user):
    teacher = make_user(role="teacher")
    a = build_course(teacher, status="published")
    b = build_course(teacher, status="published", title="Second course")
    state, snap = open_lesson(states, None, a, b["lessons"][0])
    assert state.view == "missing" and "SECRET BODY" not in snap


def test_learn_load_survives_junk_routes(states):
    for path in ("/learn", "/learn/x", "/learn/%00/1", "/learn/a/b/c", "/some/page"):
        root = states.root(None, path=path)
        state = states.sub(root, LearnState)
        states.call(state, "load")
        assert state.view == "missing"


def test_thumbnails_are_public_by_unguessable_name(client, make_user, png_bytes):
    teacher = make_user(role="teacher")
    c = build_course(teacher)
    course = call(authoring.set_thumbnail, get_settings(), actor_of(teacher), c["id"], png_bytes(320, 180))
    response = client.get(f"/media/thumbnails/{course.thumbnail_file}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
    assert client.get("/media/thumbnails/..%2Flessons").status_code == 404
    assert client.get("/media/thumbnails/nope.webp").status_code == 404


def test_learner_preview_mode_shows_only_preview_lessons_and_only_to_staff(states, make_user, sign_in):
    owner = make_user(role="teacher")
    c = build_course(owner, status="draft")
    token, _ = sign_in(owner)

    def as_learner(tok, lesson_id):
        path = f"/learn/{c['slug']}/{lesson_id}"
        root = states.root(tok, path=path, query={"as": "learner"})
        state = states.sub(root, LearnState)
        states.call(state, "load")
        return state, states.serialize(states.snapshot(root))

    state, _ = as_learner(token, c["lessons"][0])  # the free preview
    assert state.view == "ok" and state.as_learner and state.content["body"] == "SECRET BODY 1.1"
    assert state.next_href.endswith("?as=learner")
    state, snap = as_learner(token, c["lessons"][1])
    assert state.view == "locked" and "SECRET BODY 1.2" not in snap
    # The flag gives nobody else anything: a stranger still does not see the draft at all.
    state, snap = as_learner(sign_in(make_user())[0], c["lessons"][0])
    assert state.view == "missing" and "SECRET" not in snap
