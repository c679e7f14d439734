"""The API's resources answer what the pages show (same services), with a fixed number of SQL
statements per request."""

from __future__ import annotations

import pytest
from sqlmodel import select

from lms_app.api import ratelimit
from lms_app.core.courses import Enrollment
from lms_app.learning.models import LessonProgress
from tests.unit.learning.learning_support import add_lessons


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_catalog_list_filters_sorts_and_walks_cursors_like_the_page(api, make_course, make_category):
    cat = make_category()
    for i in range(15):
        make_course(category=cat if i % 2 else None, price_minor=0 if i % 3 else 1000)
    first = api.get("/api/v1/courses", params={"sort": "newest", "size": "12"}).json()
    assert len(first["courses"]) == 12 and first["total"] == 15 and first["has_next"] and first["next"]
    assert first["next"].startswith("/api/v1/courses?") and "after=" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["courses"]) == 3 and not second["has_next"] and second["prev"]
    ids = [c["id"] for c in first["courses"] + second["courses"]]
    assert len(set(ids)) == 15
    back = api.get(second["prev"]).json()
    assert [c["id"] for c in back["courses"]] == [c["id"] for c in first["courses"]]
    free = api.get("/api/v1/courses", params={"free": "true"}).json()
    assert free["total"] == 10 and all(c["is_free"] for c in free["courses"])
    in_cat = api.get("/api/v1/courses", params={"category": cat.slug}).json()
    assert in_cat["total"] == 7
    bad = api.get("/api/v1/courses", params={"sort": "nonsense"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


def test_course_detail_and_unpublished_courses(api, make_course, login, make_user):
    course = make_course(title="Public one")
    add_lessons(course, ("text", "text"))
    body = api.get(f"/api/v1/courses/{course.slug}").json()
    assert body["course"]["title"] == "Public one" and body["modules"][0]["lesson_count"] == 2
    assert body["action"]["kind"] == "signin"
    assert "body" not in str(body["modules"])  # lesson content is not part of the outline
    draft = make_course(status="draft")
    assert api.get(f"/api/v1/courses/{draft.slug}").status_code == 404
    assert api.get("/api/v1/courses/nope").json()["code"] == "not_found"


def test_enrol_complete_and_progress(api, make_course, login, make_user, db):
    course = make_course()
    lessons = add_lessons(course, ("text", "text"))
    learner = make_user()
    access = login(learner)["access_token"]
    r = api.post(f"/api/v1/courses/{course.slug}/enroll", headers=bearer(access))
    assert r.status_code == 200 and r.json() == {"course_id": course.id, "slug": course.slug, "enrolled": True}
    assert api.post(f"/api/v1/courses/{course.slug}/enroll", headers=bearer(access)).status_code == 200
    assert len(db.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).all()) == 1
    done = api.post(f"/api/v1/lessons/{lessons[0].id}/complete", headers=bearer(access)).json()
    assert done == {"lesson_id": lessons[0].id, "completed": True, "done": 1, "total": 2, "percent": 50,
                    "course_complete": False}
    mine = api.get("/api/v1/me/enrollments", headers=bearer(access)).json()
    assert [row["percent"] for row in mine["in_progress"]] == [50] and mine["completed"] == []
    last = api.post(f"/api/v1/lessons/{lessons[1].id}/complete", headers=bearer(access)).json()
    assert last["course_complete"] is True
    assert db.exec(select(LessonProgress).where(LessonProgress.user_id == learner.id)).all()
    paid = make_course(price_minor=1500)
    refused = api.post(f"/api/v1/courses/{paid.slug}/enroll", headers=bearer(access))
    assert refused.status_code == 422 and "checkout" in refused.json()["error"]


def test_teacher_sees_own_roster_and_admin_lists_users(api, make_course, make_user, enroll, login):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    learners = [make_user(name=f"Learner {i}") for i in range(3)]
    for learner in learners:
        enroll(learner, course)
    t = login(teacher)["access_token"]
    roster = api.get(f"/api/v1/teach/courses/{course.id}/enrollments", headers=bearer(t)).json()
    assert roster["total"] == 3 and {r["name"] for r in roster["rows"]} == {"Learner 0", "Learner 1", "Learner 2"}
    assert [c["id"] for c in api.get("/api/v1/teach/courses", headers=bearer(t)).json()] == [course.id]
    assert api.get("/api/v1/teach/courses/999999/enrollments", headers=bearer(t)).status_code == 404
    admin = login(make_user(role="admin"))["access_token"]
    users = api.get("/api/v1/admin/users", headers=bearer(admin), params={"role": "learner"}).json()
    assert users["total"] == 3 and all("***" in r["email"] or "*" in r["email"] for r in users["rows"])


# SQL statements per request: constant, whatever the data size (auth = 1 statement for a JWT).
# complete: + the after-commit subscribers (webhook fan-out lookup) and the course's completion rule
# (learning: may a click complete this lesson?)
QUERY_BUDGET = {"catalog": 3, "detail": 2, "enrollments": 6, "complete": 15}


@pytest.mark.parametrize("courses", [3, 30])
def test_statements_per_request_stay_constant(api, make_course, make_user, login, count_queries, courses):
    for _ in range(courses):
        make_course()
    course = make_course()
    lessons = add_lessons(course, ("text", "text", "text"))
    learner = make_user()
    access = login(learner)["access_token"]
    api.post(f"/api/v1/courses/{course.slug}/enroll", headers=bearer(access))
    counts = {}
    with count_queries() as n:
        api.get("/api/v1/courses")
    counts["catalog"] = n.count
    with count_queries() as n:
        api.get(f"/api/v1/courses/{course.slug}")
    counts["detail"] = n.count
    with count_queries() as n:
        api.get("/api/v1/me/enrollments", headers=bearer(access))
    counts["enrollments"] = n.count
    with count_queries() as n:
        api.post(f"/api/v1/lessons/{lessons[0].id}/complete", headers=bearer(access))
    counts["complete"] = n.count
    assert counts == QUERY_BUDGET, counts


def test_rate_limit_per_address_answers_429_with_retry_after(api, monkeypatch):
    from limits import parse

    monkeypatch.setattr(ratelimit, "item", lambda kind: parse("3/minute"))
    codes = [api.get("/api/v1/courses") for _ in range(4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert codes[0].headers["RateLimit-Limit"] == "3" and codes[0].headers["RateLimit-Remaining"] == "2"
    assert int(codes[3].headers["Retry-After"]) >= 1 and codes[3].json()["code"] == "rate_limited"


def test_rate_limit_per_token(api, make_user, login, monkeypatch):
    from limits import parse

    access = login(make_user())["access_token"]
    monkeypatch.setattr(ratelimit, "item", lambda kind: parse("1000/minute" if kind == "ip" else "2/minute"))
    codes = [api.get("/api/v1/me", headers=bearer(access)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
