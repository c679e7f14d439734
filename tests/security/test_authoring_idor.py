"""IDOR: a teacher cannot touch another teacher's course through any authoring/review service or
handler, and learners cannot touch any course. Every attempt leaves the database unchanged."""

from __future__ import annotations

import pytest
from authoring_support import PDF, actor_of, build_course, call
from sqlalchemy import update
from sqlmodel import func, select

from lms_app.core.db import session_scope
from lms_app.core.courses import Course, CourseStatusChange, Lesson, Module
from lms_app.authoring.pages.course_editor import CourseEditorState
from lms_app.authoring.services import (
    courses as authoring,
    checks as authoring_checks,
    views as authoring_views,
    curriculum,
    review,
)
from lms_app.core.errors import PermissionDenied
from lms_app.core.settings import get_settings


def snapshot():
    with session_scope() as s:
        rows = {}
        for model in (Course, Module, Lesson, CourseStatusChange):
            rows[model.__name__] = sorted(
                tuple(sorted((k, str(v)) for k, v in r.model_dump().items())) for r in s.exec(select(model)).all())
        return rows


def service_calls(c):
    """(name, fn, args after the actor) for every authoring/curriculum/review service, aimed at course ``c``."""
    st = get_settings()
    cid, mid, lid = c["id"], c["modules"][0], c["lessons"][0]
    form = {"title": "Hijacked title", "description": "x", "level": "beginner", "language": "en",
            "currency": "USD", "price": "0"}
    return [
        ("update_details", authoring.update_details, (cid, form)),
        ("set_thumbnail", lambda s, a, *x: authoring.set_thumbnail(s, st, a, *x), (cid, b"img")),
        ("remove_thumbnail", lambda s, a, *x: authoring.remove_thumbnail(s, st, a, *x), (cid,)),
        ("delete_course", lambda s, a, *x: authoring.delete_course(s, st, a, *x), (cid,)),
        ("add_module", curriculum.add_module, (cid, "Injected")),
        ("rename_module", curriculum.rename_module, (mid, "Hijacked")),
        ("delete_module", lambda s, a, *x: curriculum.delete_module(s, st, a, *x), (mid,)),
        ("move_module", curriculum.move_module, (mid, 1)),
        ("add_lesson", curriculum.add_lesson, (mid, "Injected", "text")),
        ("rename_lesson", curriculum.rename_lesson, (lid, "Hijacked")),
        ("delete_lesson", lambda s, a, *x: curriculum.delete_lesson(s, st, a, *x), (lid,)),
        ("move_lesson", curriculum.move_lesson, (lid, mid, 1)),
        ("set_preview", curriculum.set_preview, (lid, True)),
        ("set_lesson_content", curriculum.set_lesson_content, (lid, {"title": "Hijacked", "body": "x"})),
        ("set_lesson_file", lambda s, a, *x: curriculum.set_lesson_file(s, st, a, *x), (lid, PDF, "x.pdf")),
        ("remove_lesson_file", lambda s, a, *x: curriculum.remove_lesson_file(s, st, a, *x), (lid,)),
        ("lesson_type_of", curriculum.lesson_type_of, (lid,)),
        ("owned_course", authoring.owned_course, (cid,)),
        ("editable", authoring.editable, (cid,)),
        ("module_for", authoring.module_for, (mid,)),
        ("lesson_for", authoring.lesson_for, (lid,)),
        ("editor", authoring_views.editor, (cid,)),
        ("lesson_edit_view", authoring_views.lesson_edit_view, (lid,)),
        ("review_preview", authoring_views.review_preview, (cid,)),
        ("submit", review.submit, (cid,)),
        ("withdraw", review.withdraw, (cid,)),
        ("approve", review.approve, (cid,)),
        ("reject", review.reject, (cid, "A long enough reason to reject")),
        ("archive", review.archive, (cid,)),
        ("history", review.history, (cid,)),
    ]


@pytest.mark.parametrize("status", ["draft", "pending", "published", "rejected"])
@pytest.mark.parametrize("intruder_role", ["teacher", "learner"])
def test_no_service_lets_another_user_touch_a_course(make_user, make_category, status, intruder_role):
    owner = make_user(role="teacher")
    intruder = actor_of(make_user(role=intruder_role))
    c = build_course(owner, status=status, category=make_category())
    before = snapshot()
    names = [name for name, _, _ in service_calls(c)]
    assert len(names) == len(set(names))
    for name, fn, args in service_calls(c):
        with pytest.raises(PermissionDenied):
            call(fn, intruder, *args)
        assert snapshot() == before, f"{name} changed another teacher's course"


def test_the_loop_covers_every_public_service_function():
    """A new authoring/curriculum/review function must be added to the IDOR loop above."""
    import inspect

    covered = {name for name, _, _ in service_calls({"id": 1, "modules": [1], "lessons": [1]})}
    public = set()
    for module in (authoring, authoring_checks, curriculum, review, authoring_views):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if "actor" in params:
                public.add(name)
    # Functions without a course argument: they only list or create the actor's own rows.
    assert public - covered <= {"create_course", "teacher_rows", "queue", "published_list"}, public - covered
    # Every loop entry names a real public service function (no stale names after a move).
    assert covered <= public, covered - public


# --- handlers ---------------------------------------------------------------------------------

HANDLER_CALLS = [
    ("save_details", {"form": {"title": "Hijacked title", "level": "beginner", "language": "en",
                                "currency": "USD", "price": "0"}}),
    ("remove_thumbnail", {}),
    ("add_module", {"form": {"title": "Injected"}}),
    ("rename_module", {"module_id": "M", "title": "Hijacked"}),
    ("delete_module", {"module_id": "M"}),
    ("move_module", {"module_id": "M", "position": 1}),
    ("add_lesson", {"form": {"module_id": "M", "title": "Injected", "lesson_type": "text"}}),
    ("rename_lesson", {"lesson_id": "L", "title": "Hijacked"}),
    ("delete_lesson", {"lesson_id": "L"}),
    ("move_lesson", {"lesson_id": "L", "module_id": "M", "position": 1}),
    ("toggle_preview", {"lesson_id": "L", "value": True}),
    ("open_lesson", {"lesson_id": "L"}),
    ("submit_for_review", {}),
    ("withdraw", {}),
    ("archive", {}),
    ("delete_course", {}),
]


def _fill(value, c):
    if value == "M":
        return c["modules"][0]
    if value == "L":
        return c["lessons"][0]
    if isinstance(value, dict):
        return {k: _fill(v, c) for k, v in value.items()}
    return value


def test_handler_loop_covers_every_editor_handler():
    names = set(CourseEditorState.event_handlers) - {"setvar"}
    covered = {n for n, _ in HANDLER_CALLS}
    # Handlers that act only on state the load handler filled (course id, open lesson) or on
    # local previews; they are covered by the "load refuses" test below.
    local = {"load", "choose_tab", "preview_description", "preview_body", "lesson_dialog_changed", "save_lesson",
             "upload_lesson_file", "remove_lesson_file", "upload_thumbnail"}
    assert names - covered == local


@pytest.mark.parametrize("status", ["draft", "published"])
def test_editor_handlers_refuse_another_teachers_course(states, make_user, sign_in, make_category, status):
    owner = make_user(role="teacher")
    c = build_course(owner, status=status, category=make_category())
    with session_scope() as s:
        s.exec(update(Lesson).where(Lesson.course_id == c["id"]).values(title="OWNER-ONLY title", body="OWNER-BODY"))
    intruder = make_user(role="teacher")
    # The intruder's own course is the one loaded in their editor state; the ids target the owner's.
    mine = build_course(intruder, title="Intruder course")
    token, _ = sign_in(intruder)
    before = snapshot()
    for name, kwargs in HANDLER_CALLS:
        root = states.root(token, path=f"/teach/courses/{c['id']}", query={"course_id": str(c["id"])})
        state = states.sub(root, CourseEditorState)
        states.call(state, "load")
        assert state.not_found and state.lessons == [] and state.details["title"] == ""
        states.call(state, name, **_fill(kwargs, c))
        # Also with the intruder's own course loaded: ids of the owner's modules/lessons are refused.
        root2 = states.root(token, path=f"/teach/courses/{mine['id']}", query={"course_id": str(mine["id"])})
        state2 = states.sub(root2, CourseEditorState)
        states.call(state2, "load")
        assert not state2.not_found
        states.call(state2, name, **_fill(kwargs, c))
        snap = states.serialize(states.snapshot(root2))
        assert "OWNER-BODY" not in snap and "OWNER-ONLY" not in snap
    after = snapshot()

    def owner_rows(snap):
        # Only the intruder's own course may have changed (course-level handlers acted on the
        # course loaded in their own state); every row of the owner's course is untouched.
        cid = ("id", str(c["id"]))
        return {k: [r for r in v if (k == "Course" and cid in r) or ("course_id", str(c["id"])) in r]
                for k, v in snap.items()}

    assert owner_rows(after) == owner_rows(before)
    with session_scope() as s:
        assert s.exec(select(func.count(Module.id)).where(Module.course_id == c["id"])).one() == 2
        assert s.get(Course, c["id"]).title == "A Course Title"


def test_learner_and_other_teacher_get_nothing_from_load(states, make_user, sign_in):
    owner = make_user(role="teacher")
    c = build_course(owner)
    for role in ("teacher",):
        token, _ = sign_in(make_user(role=role))
        root = states.root(token, path=f"/teach/courses/{c['id']}", query={"course_id": str(c["id"])})
        state = states.sub(root, CourseEditorState)
        states.call(state, "load")
        assert state.not_found
        assert "SECRET" not in states.serialize(states.snapshot(root))
        assert "Lesson 1.1" not in states.serialize(states.snapshot(root))


def test_admin_may_open_any_course_in_the_editor(states, make_user, sign_in):
    c = build_course(make_user(role="teacher"))
    token, _ = sign_in(make_user(role="admin"))
    root = states.root(token, path=f"/teach/courses/{c['id']}", query={"course_id": str(c["id"])})
    state = states.sub(root, CourseEditorState)
    states.call(state, "load")
    assert not state.not_found and len(state.lessons) == 4
    # The curriculum carries titles and flags only, never lesson bodies.
    assert "SECRET" not in states.serialize(states.snapshot(root))

