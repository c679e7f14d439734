"""Course page service: who may see which course, what the curriculum carries, query counts."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

import lms_app.core.db
from lms_app.core.courses import Lesson, Module
from lms_app.catalog.services import course_page
from lms_app.core.sessions import Actor

SECRET_BODY = "TOP-SECRET-LESSON-BODY-5f1c"
SECRET_URL = "https://videos.example/secret-9d2e.mp4"
SECRET_FILE = "answers-key-7a41.pdf"


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def add_curriculum(course, modules: int = 2, lessons_per_module: int = 3, previews=(0,)) -> None:
    with lms_app.core.db.session_scope() as s:
        mods = [Module(course_id=course.id, title=f"Module {m + 1}", position=m) for m in range(modules)]
        s.add_all(mods)
        s.flush()
        rows, n = [], 0
        for module in mods:
            for p in range(lessons_per_module):
                rows.append(dict(module_id=module.id, course_id=course.id, title=f"Lesson {n + 1}",
                                 lesson_type=("video", "text", "pdf")[n % 3], position=p, is_preview=n in previews,
                                 duration_seconds=300 + n, body=SECRET_BODY, video_url=SECRET_URL,
                                 file_key="k" * 20, file_name=SECRET_FILE, file_size=10, file_mime="application/pdf"))
                n += 1
        s.execute(insert(Lesson), rows)


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_hidden_course_is_seen_only_by_its_teacher_and_admins(db, make_user, make_course, enroll, status):
    teacher, other_teacher = make_user(role="teacher"), make_user(role="teacher")
    learner, admin = make_user(), make_user(role="admin")
    course = make_course(teacher=teacher, status=status)
    enroll(learner, course)  # even an enrolled learner does not get the public page of a hidden course
    for viewer in (None, actor(learner), actor(other_teacher)):
        assert course_page.course_page(db, course.slug, viewer) is None, viewer
    for viewer in (actor(teacher), actor(admin)):
        detail, _, cta, _ = course_page.course_page(db, course.slug, viewer)
        assert detail["status"] == status and cta["kind"] == "edit"


def test_published_course_is_public(db, make_user, make_course):
    course = make_course()
    detail, modules, cta, meta = course_page.course_page(db, course.slug, None)
    assert detail["id"] == course.id and cta["kind"] == "signin"
    assert cta["href"] == f"/login?next=/courses/{course.slug}"
    assert course_page.course_page(db, "no-such-course", None) is None
    assert course_page.course_page(db, {"slug": course.slug}, None) is None


def test_curriculum_carries_no_lesson_content(db, make_course):
    course = make_course()
    add_curriculum(course, previews=(0, 4))
    page = course_page.course_page(db, course.slug, None)
    blob = repr(page)
    for secret in (SECRET_BODY, SECRET_URL, SECRET_FILE):
        assert secret not in blob
    _, modules, _, _ = page
    lessons = [lesson for m in modules for lesson in m["lessons"]]
    assert [lesson["title"] for lesson in lessons] == [f"Lesson {i}" for i in range(1, 7)]
    assert set(lessons[0]) == {"id", "title", "lesson_type", "duration_label", "is_preview", "preview_url"}
    assert [lesson["is_preview"] for lesson in lessons] == [True, False, False, False, True, False]
    assert lessons[0]["preview_url"] == f"/learn/{course.slug}/{lessons[0]['id']}" and lessons[1]["preview_url"] == ""
    assert [m["lesson_count"] for m in modules] == [3, 3]


def test_call_to_action_depends_on_the_viewer(db, make_user, make_course, enroll):
    teacher, learner, admin, other = make_user(role="teacher"), make_user(), make_user(role="admin"), make_user()
    free = make_course(teacher=teacher, price_minor=0)
    paid = make_course(teacher=teacher, price_minor=4900, currency="USD")
    add_curriculum(free)
    enroll(learner, free)
    _, modules, cta, _ = course_page.course_page(db, free.slug, actor(learner))
    assert cta["kind"] == "continue" and cta["href"] == f"/learn/{free.slug}/{modules[0]['lessons'][0]['id']}"
    assert course_page.course_page(db, free.slug, actor(other))[2]["kind"] == "enroll"
    buy = course_page.course_page(db, paid.slug, actor(other))[2]
    assert buy["kind"] == "buy" and buy["label"] == "Buy for $49.00" and buy["href"] == f"/checkout/{paid.slug}"
    assert course_page.course_page(db, paid.slug, actor(teacher))[2]["href"] == f"/teach/courses/{paid.id}"
    assert course_page.course_page(db, paid.slug, actor(admin))[2]["kind"] == "edit"


def test_teacher_profile_on_the_page_has_no_private_data(db, make_user, make_course):
    teacher = make_user(role="teacher", name="Grace Hopper", email="grace.private@example.com", bio="Compilers.")
    course = make_course(teacher=teacher, subtitle="Short subtitle")
    detail, _, _, meta = course_page.course_page(db, course.slug, None)
    assert detail["teacher_name"] == "Grace Hopper" and detail["teacher_bio"] == "Compilers."
    assert "grace.private@example.com" not in repr(detail) and teacher.password_hash not in repr(detail)
    assert meta == "Short subtitle"


@pytest.mark.parametrize("viewer_kind", ["anonymous", "learner"])
def test_course_page_query_count_does_not_grow_with_lessons(db, make_user, make_course, count_queries,
                                                            viewer_kind):
    learner = make_user()
    counts = {}
    for lessons in (5, 500):
        course = make_course()
        add_curriculum(course, modules=5, lessons_per_module=lessons // 5)
        viewer = None if viewer_kind == "anonymous" else actor(learner)
        with count_queries() as n:
            _, modules, _, _ = course_page.course_page(db, course.slug, viewer)
        assert sum(m["lesson_count"] for m in modules) == lessons
        counts[lessons] = n.count
    assert counts[5] == counts[500] <= 4, counts  # + the session lookup in the handler = at most 5
