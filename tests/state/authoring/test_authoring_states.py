"""Authoring and review handlers driven without a browser: what they set and what they send."""

from __future__ import annotations

import io
from pathlib import Path

from authoring_support import EXE, PDF, build_course, get_course, positions
from sqlmodel import select

import reflex as rx
from lms_app.core.db import session_scope
from lms_app.core.courses import CourseStatusChange, Lesson
from lms_app.authoring.pages.admin_reviews import AdminReviewState
from lms_app.authoring.pages.course_editor import CourseEditorState
from lms_app.authoring.pages.teach import TeachState


def editor(states, token, course_id, tab=None):
    query = {"course_id": str(course_id)} | ({"tab": tab} if tab else {})
    root = states.root(token, path=f"/teach/courses/{course_id}", query=query)
    state = states.sub(root, CourseEditorState)
    states.call(state, "load")
    root._clean()
    return root, state


def test_teacher_dashboard_lists_own_courses_and_creates_a_draft(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    build_course(teacher, title="Mine to teach")
    build_course(make_user(role="teacher"), title="Someone else's")
    token, _ = sign_in(teacher)
    root = states.root(token, path="/teach")
    state = states.sub(root, TeachState)
    states.call(state, "load")
    assert [c["title"] for c in state.courses] == ["Mine to teach"]
    assert state.courses[0]["lesson_count"] == 4
    events = states.call(state, "create_course", {"title": "Brand new course"})
    [url] = states.redirects(events)
    new_id = int(url.rsplit("/", 1)[1])
    assert get_course(new_id).status == "draft" and get_course(new_id).teacher_id == teacher.id
    states.call(state, "create_course", {"title": ""})
    assert state.create_error == "Enter a title."


def test_rename_sends_no_state_and_saves(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=3, lessons=5)
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"])
    assert len(state.lessons) == 15
    events = states.call(state, "rename_lesson", c["lessons"][7], "  Renamed   lesson ")
    assert states.dirty(root) == {}
    assert [lvl for lvl, _ in states.toasts(events)] == ["success"]
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][7]).title == "Renamed lesson"
    # The same title again is a no-op (no query, no toast).
    assert states.call(state, "rename_lesson", c["lessons"][7], "Renamed lesson") == []
    # Renaming back to the original title is saved (the handler remembers what it saved).
    states.call(state, "rename_lesson", c["lessons"][7], "Lesson 2.3")
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][7]).title == "Lesson 2.3"


def test_bad_rename_restores_the_server_title(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher)
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"])
    version = state.version
    events = states.call(state, "rename_lesson", c["lessons"][0], "   ")
    assert [lvl for lvl, _ in states.toasts(events)] == ["error"]
    assert state.version == version + 1  # inputs remount with the saved titles
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][0]).title == "Lesson 1.1"


def test_curriculum_actions_through_handlers(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=2, lessons=2)
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"], tab="curriculum")
    assert state.tab == "curriculum"
    states.call(state, "add_module", {"title": "Third module"})
    assert [m["title"] for m in state.modules][-1] == "Third module"
    third = state.modules[-1]["id"]
    states.call(state, "add_lesson", {"module_id": str(third), "title": "New one", "lesson_type": "video"})
    assert state.lessons[-1]["title"] == "New one" and state.lessons[-1]["lesson_type"] == "video"
    states.call(state, "move_lesson", c["lessons"][0], third, 0)
    assert positions(c["id"])[third][0][0] == c["lessons"][0]
    states.call(state, "toggle_preview", c["lessons"][1], True)
    with session_scope() as s:
        assert s.get(Lesson, c["lessons"][1]).is_preview is True
    states.call(state, "delete_module", third)
    assert len(state.modules) == 2 and all(x["module_id"] != third for x in state.lessons)


def test_lesson_dialog_saves_content_and_neutralises_markdown(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1)
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"])
    states.call(state, "open_lesson", c["lessons"][0])
    assert state.lesson_open and state.lesson["body"] == "SECRET BODY 1.1" and state.lesson["uses_body"]
    events = states.call(state, "save_lesson", {"title": "Intro", "minutes": "12",
                                                "body": "Hi <script>alert(1)</script>[x](javascript:alert(1))"})
    assert [lvl for lvl, _ in states.toasts(events)] == ["warning"]
    assert not state.lesson_open
    with session_scope() as s:
        lesson = s.get(Lesson, c["lessons"][0])
        assert "<script" not in lesson.body and "javascript:" not in lesson.body and lesson.duration_seconds == 720
    assert get_course(c["id"]).duration_seconds == 720
    states.call(state, "open_lesson", c["lessons"][0])
    states.call(state, "save_lesson", {"title": "", "minutes": "x"})
    assert state.lesson_errors["title"] and state.lesson_errors["minutes"] and state.lesson_open


def upload(data: bytes, name: str) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name))


def test_lesson_file_upload_checks_content(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf")
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"])
    states.call(state, "open_lesson", c["lessons"][0])
    states.call(state, "upload_lesson_file", [upload(EXE, "setup.pdf")])
    assert "not a PDF" in state.lesson_errors["file"]
    states.call(state, "upload_lesson_file", [upload(PDF, "notes.pdf")])
    assert state.lesson_errors["file"] == "" and state.lesson["file_url"] == f"/media/lessons/{c['lessons'][0]}"
    assert state.lesson["file_name"] == "notes.pdf"
    # 60 MB: refused after reading one byte past the 50 MB limit, nothing stored.
    states.call(state, "upload_lesson_file", [upload(PDF + b"0" * (60 * 1024 * 1024), "big.pdf")])
    assert "50 MB" in state.lesson_errors["file"] and state.lesson["file_name"] == "notes.pdf"


def test_details_form_errors_and_submit_lists_missing(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    c = build_course(teacher)  # no category
    token, _ = sign_in(teacher)
    root, state = editor(states, token, c["id"])
    assert state.missing == ["a category"]
    events = states.call(state, "save_details", {"title": "", "price": "-5", "level": "beginner", "language": "en",
                                                 "currency": "USD"})
    assert state.errors["title"] and "negative" in state.errors["price"]
    assert [lvl for lvl, _ in states.toasts(events)] == ["error"]
    states.call(state, "submit_for_review")
    assert "a category" in state.review_error and get_course(c["id"]).status == "draft"


def test_admin_review_queue_preview_reject_and_approve(states, make_user, sign_in, make_category):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    cat = make_category()
    a = build_course(teacher, title="First submitted", category=cat)
    b = build_course(teacher, title="Second submitted", category=cat)
    t_token, _ = sign_in(teacher)
    for course in (a, b):
        _, st = editor(states, t_token, course["id"])
        states.call(st, "submit_for_review")
    token, _ = sign_in(admin)
    root = states.root(token, path="/admin/reviews")
    state = states.sub(root, AdminReviewState)
    states.call(state, "load")
    assert [q["title"] for q in state.queue] == ["First submitted", "Second submitted"]
    states.call(state, "select", a["id"])
    assert [x["body"] for x in state.lessons][:2] == ["SECRET BODY 1.1", "SECRET BODY 1.2"]
    states.call(state, "reject", {"reason": "too short"})
    assert state.reject_error and get_course(a["id"]).status == "pending"
    states.call(state, "reject", {"reason": "Please add exercises to every module."})
    assert get_course(a["id"]).status == "rejected" and [q["title"] for q in state.queue] == ["Second submitted"]
    states.call(state, "select", b["id"])
    states.call(state, "approve")
    assert get_course(b["id"]).status == "published" and state.queue == []
    with session_scope() as s:
        rows = s.exec(select(CourseStatusChange.to_status).where(CourseStatusChange.course_id == a["id"])).all()
    assert rows == ["pending", "rejected"]
    # The teacher sees the reason.
    _, st = editor(states, t_token, a["id"], tab="review")
    assert st.details["review_note"] == "Please add exercises to every module." and st.tab == "review"


def test_admin_unpublishes_any_course_with_a_reason(states, make_user, sign_in):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    c = build_course(teacher, status="published", title="Live and listed")
    token, _ = sign_in(admin)
    root = states.root(token, path="/admin/reviews")
    state = states.sub(root, AdminReviewState)
    states.call(state, "load")
    assert [p["title"] for p in state.published] == ["Live and listed"]
    events = states.call(state, "unpublish", {"course_id": str(c["id"]), "reason": "Broken videos"})
    assert [lvl for lvl, _ in states.toasts(events)] == ["success"]
    assert get_course(c["id"]).status == "archived" and state.published == []
    with session_scope() as s:
        row = s.exec(select(CourseStatusChange).where(CourseStatusChange.course_id == c["id"])).one()
    assert (row.from_status, row.to_status, row.actor_id, row.reason) == ("published", "archived", admin.id,
                                                                          "Broken videos")
