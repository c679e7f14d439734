"""Catalog and course page handlers, driven without a browser.

Who may see what (anonymous, learner, other teacher, own teacher, admin), that no lesson
content reaches any public var, URL round trips (params → state → URL) and query counts.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import insert

import lms_app.core.db
from lms_app.core.courses import Course, Lesson, Module
from lms_app.core.users import User
from lms_app.catalog.pages.catalog import CatalogState
from lms_app.catalog.pages.course import CoursePageState
from lms_app.core.course_fields import search_text_for

SECRET_BODY = "SEALED-LESSON-TEXT-c0ffee"
SECRET_URL = "https://cdn.example/private-video-abc123.mp4"
SECRET_FILE = "solutions-private-778.pdf"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def published_search_text(course_id: int) -> None:
    with lms_app.core.db.session_scope() as s:
        c = s.get(Course, course_id)
        c.search_text = search_text_for(c.title, c.subtitle, c.description, s.get(User, c.teacher_id).name)


def with_lessons(course, n: int = 4) -> None:
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title="Module one", position=0)
        s.add(module)
        s.flush()
        s.execute(insert(Lesson), [dict(module_id=module.id, course_id=course.id, title=f"Lesson {i}",
                                        lesson_type="text", position=i, is_preview=i == 0, duration_seconds=600,
                                        body=SECRET_BODY, video_url=SECRET_URL, file_key="f" * 16,
                                        file_name=SECRET_FILE, file_size=1, file_mime="application/pdf")
                                   for i in range(n)])


@pytest.fixture
def cast(make_user, sign_in):
    """Viewers by name: None for anonymous, else a session token."""
    teacher, other_teacher = make_user(role="teacher", name="Owner Teacher"), make_user(role="teacher")
    learner, admin = make_user(), make_user(role="admin")
    tokens = {"anonymous": None, "learner": sign_in(learner)[0], "other_teacher": sign_in(other_teacher)[0],
              "teacher": sign_in(teacher)[0], "admin": sign_in(admin)[0]}
    return teacher, tokens


def load_catalog(states, token=None, **query):
    root = states.root(token, path="/courses", query={k: str(v) for k, v in query.items()})
    state = states.sub(root, CatalogState)
    events = states.call(state, "load")
    return root, state, events


def load_course(states, slug, token=None):
    root = states.root(token, path=f"/courses/{slug}", query={"course_slug": slug})
    state = states.sub(root, CoursePageState)
    events = states.call(state, "load")
    return root, state, events


# --- catalog ---------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", ["anonymous", "learner", "other_teacher", "teacher", "admin"])
def test_catalog_lists_no_hidden_course_for_anyone(states, make_course, cast, viewer):
    teacher, tokens = cast
    make_course(teacher=teacher, title="Public course")
    for status in ("draft", "pending", "rejected", "archived"):
        c = make_course(teacher=teacher, status=status, title=f"Secret {status} course")
        published_search_text(c.id)
    for query in ({}, {"q": "secret"}, {"sort": "students"}):
        root, state, _ = load_catalog(states, tokens[viewer], **query)
        snap = states.serialize(states.snapshot(root))
        assert "Secret" not in snap
    root, state, _ = load_catalog(states, tokens[viewer])
    assert [c["title"] for c in state.result["courses"]] == ["Public course"] and state.result["total"] == 1


def test_catalog_url_round_trip_through_the_state(states, make_category, make_course):
    cat = make_category(name="Web")
    make_course(category=cat, level="beginner", title="Web basics")
    query = {"q": "web", "category": cat.slug, "level": "beginner", "language": "en", "price_max": "50",
             "sort": "price_asc", "size": "24"}
    root, state, _ = load_catalog(states, **query)
    assert (state.q, state.sort, state.language, state.size, state.price_max) == ("web", "price_asc", "en", "24", "50")
    assert state.loaded and state.filter_count == 4
    # Each control produces the URL of the changed state; untouched parameters survive.
    events = states.call(state, "choose_option", "sort", "rating")
    assert query_of(states.redirects(events)[0]) == {**query, "sort": "rating"}
    events = states.call(state, "choose_option", "language", "any")
    assert query_of(states.redirects(events)[0]) == {k: v for k, v in query.items() if k != "language"}
    events = states.call(state, "search", {"q": "  css grid "})
    assert query_of(states.redirects(events)[0])["q"] == "css grid"
    events = states.call(state, "apply_price", {"price_min": "10", "price_max": ""})
    moved = query_of(states.redirects(events)[0])
    assert moved["price_min"] == "10" and "price_max" not in moved
    events = states.call(state, "toggle_free", True)
    moved = query_of(states.redirects(events)[0])
    assert moved["free"] == "1" and "price_max" not in moved


def test_catalog_handlers_refuse_nonsense_arguments(states, make_course):
    root, state, _ = load_catalog(states)
    assert states.call(state, "choose_option", "status", "draft") == []
    assert states.call(state, "choose_option", "sort", {"$ne": 1}) == []
    for bad in ("'; DROP TABLE courses", "9" * 50):
        events = states.call(state, "choose_option", "size", bad)
        assert states.redirects(events) == ["/courses"]
    events = states.call(state, "search", "not a dict")
    assert states.redirects(events) == ["/courses"]
    events = states.call(state, "apply_price", {"price_min": "-1", "price_max": ["x"]})
    assert states.redirects(events) == ["/courses"]


def test_catalog_load_is_three_queries(states, make_course, count_queries):
    for i in range(30):
        make_course(title=f"C{i}")
    with count_queries() as n:
        load_catalog(states, q="c", size=12)
    assert n.count <= 3, n.statements


# --- course page -----------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_hidden_course_page_only_for_its_teacher_and_admins(states, make_course, cast, status):
    teacher, tokens = cast
    course = make_course(teacher=teacher, status=status, title=f"Hidden {status} title")
    with_lessons(course)
    for viewer in ("anonymous", "learner", "other_teacher"):
        root, state, events = load_course(states, course.slug, tokens[viewer])
        assert state.loaded and not state.found, viewer
        snap = states.serialize(states.snapshot(root))
        assert "Hidden" not in snap and "Lesson 0" not in snap, viewer
        assert states.redirects(events) == []  # a not-found state, not an error or a login bounce
    for viewer in ("teacher", "admin"):
        root, state, _ = load_course(states, course.slug, tokens[viewer])
        assert state.found and state.course["title"] == f"Hidden {status} title", viewer
        assert state.cta["kind"] == "edit"


@pytest.mark.parametrize("viewer", ["anonymous", "learner", "other_teacher", "teacher", "admin"])
def test_no_lesson_content_in_any_public_var(states, make_course, cast, viewer):
    teacher, tokens = cast
    course = make_course(teacher=teacher, title="Open course", description="Public *description*.")
    with_lessons(course, 6)
    root, state, _ = load_course(states, course.slug, tokens[viewer])
    assert state.found and len(state.modules[0]["lessons"]) == 6
    snap = states.serialize(states.snapshot(root))
    for secret in (SECRET_BODY, SECRET_URL, SECRET_FILE):
        assert secret not in snap, (viewer, secret)
    # Backend-only vars hold nothing of it either.
    backend = repr(state._backend_vars)
    assert SECRET_BODY not in backend and SECRET_URL not in backend
    assert "Public *description*." in snap and state.page_title.startswith("Open course · ")


def test_course_page_title_meta_and_not_found(states, make_course):
    course = make_course(title="Readable title", subtitle="A subtitle for search engines")
    _, state, _ = load_course(states, course.slug)
    assert state.meta_description == "A subtitle for search engines"
    _, state, _ = load_course(states, "does-not-exist")
    assert state.loaded and not state.found and "not found" in state.page_title


def test_course_page_cta_for_each_viewer(states, make_course, make_user, sign_in, enroll):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=1900, currency="EUR")
    with_lessons(course)
    learner = make_user()
    enroll(learner, course)
    _, state, _ = load_course(states, course.slug)
    assert state.cta["kind"] == "signin" and state.cta["href"].startswith("/login?next=/courses/")
    _, state, _ = load_course(states, course.slug, sign_in(learner)[0])
    assert state.cta["kind"] == "continue" and state.cta["href"].startswith(f"/learn/{course.slug}/")
    _, state, _ = load_course(states, course.slug, sign_in(make_user())[0])
    assert state.cta["kind"] == "buy" and state.cta["label"] == "Buy for €19.00" and state.cta["href"] == f"/checkout/{course.slug}"
    _, state, _ = load_course(states, course.slug, sign_in(teacher)[0])
    assert state.cta == {"kind": "edit", "label": "Edit course", "href": f"/teach/courses/{course.id}", "note": ""}


@pytest.mark.parametrize("signed_in", [False, True])
def test_course_page_load_is_at_most_five_queries_for_5_or_500_lessons(states, make_course, make_user, sign_in,
                                                                        count_queries, signed_in):
    token = sign_in(make_user())[0] if signed_in else None
    counts = {}
    for n in (5, 500):
        course = make_course()
        with_lessons(course, n)
        load_course(states, course.slug, token)  # warm: the first call may touch last_seen_at
        with count_queries() as c:
            _, state, _ = load_course(states, course.slug, token)
        assert len(state.modules[0]["lessons"]) == n
        counts[n] = c.count
    assert counts[5] == counts[500] <= 5, counts
