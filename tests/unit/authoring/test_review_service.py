"""Review workflow: submit checks, transitions, who may do what, and the recorded history."""

from __future__ import annotations

import pytest
from authoring_support import actor_of, build_course, call, get_course
from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.core.courses import CourseStatusChange
from lms_app.authoring.services import courses as authoring, views as authoring_views, curriculum, review
from lms_app.core.errors import PermissionDenied, ServiceError


def changes(course_id):
    with session_scope() as s:
        return [(c.from_status, c.to_status, c.actor_id, c.reason) for c in s.exec(
            select(CourseStatusChange).where(CourseStatusChange.course_id == course_id)
            .order_by(CourseStatusChange.id)).all()]


def test_submit_lists_what_is_missing(make_user):
    teacher = make_user(role="teacher")
    me = actor_of(teacher)
    bare = call(authoring.create_course, me, "Bare course")
    with pytest.raises(review.Incomplete) as err:
        call(review.submit, me, bare.id)
    assert err.value.missing == ["a description", "a category", "at least one module with at least one lesson"]
    call(curriculum.add_module, me, bare.id, "Empty module")
    with pytest.raises(review.Incomplete) as err:
        call(review.submit, me, bare.id)
    assert "at least one lesson in a module" in err.value.missing
    assert get_course(bare.id).status == "draft" and changes(bare.id) == []


def test_full_cycle_with_history(make_user, make_category):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    c = build_course(teacher, category=make_category())
    t, a = actor_of(teacher), actor_of(admin)

    call(review.submit, t, c["id"])
    row = get_course(c["id"])
    assert row.status == "pending" and row.submitted_at is not None
    with pytest.raises(ServiceError):
        call(review.submit, t, c["id"])  # already pending

    with pytest.raises(ServiceError) as err:
        call(review.reject, a, c["id"], "short")
    assert err.value.field == "reason"
    call(review.reject, a, c["id"], "Please add a real description of the exercises.")
    row = get_course(c["id"])
    assert row.status == "rejected" and row.review_note.startswith("Please add")

    call(review.submit, t, c["id"])
    assert get_course(c["id"]).review_note == ""
    call(review.approve, a, c["id"])
    row = get_course(c["id"])
    assert row.status == "published" and row.published_at is not None
    with pytest.raises(ServiceError):
        call(review.approve, a, c["id"])  # no double approval

    call(review.archive, t, c["id"])
    assert get_course(c["id"]).status == "archived"
    assert changes(c["id"]) == [
        ("draft", "pending", teacher.id, ""),
        ("pending", "rejected", admin.id, "Please add a real description of the exercises."),
        ("rejected", "pending", teacher.id, ""),
        ("pending", "published", admin.id, ""),
        ("published", "archived", teacher.id, ""),
    ]
    history = call(review.history, t, c["id"])
    assert [h["to_status"] for h in history] == ["archived", "published", "pending", "rejected", "pending"]
    assert history[1]["who"] == admin.name


def test_withdraw_makes_it_editable_again(make_user, make_category):
    teacher = make_user(role="teacher")
    c = build_course(teacher, category=make_category())
    call(review.submit, actor_of(teacher), c["id"])
    call(review.withdraw, actor_of(teacher), c["id"])
    assert get_course(c["id"]).status == "draft"
    call(curriculum.rename_lesson, actor_of(teacher), c["lessons"][0], "Editable again")


def test_teacher_cannot_approve_or_reject_even_their_own(make_user, make_category):
    teacher = make_user(role="teacher")
    c = build_course(teacher, category=make_category())
    call(review.submit, actor_of(teacher), c["id"])
    with pytest.raises(PermissionDenied):
        call(review.approve, actor_of(teacher), c["id"])
    with pytest.raises(PermissionDenied):
        call(review.reject, actor_of(teacher), c["id"], "A long enough reason here")
    assert get_course(c["id"]).status == "pending"


def test_admin_can_unpublish_any_course(make_user):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    c = build_course(teacher, status="published")
    call(review.archive, actor_of(admin), c["id"], "Copyright complaint")
    assert get_course(c["id"]).status == "archived"
    assert changes(c["id"])[-1] == ("published", "archived", admin.id, "Copyright complaint")


def test_queue_is_oldest_first_and_admin_only(make_user, make_category):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    cat = make_category()
    ids = []
    for title in ("First in", "Second in", "Third in"):
        c = build_course(teacher, title=title, category=cat)
        call(review.submit, actor_of(teacher), c["id"])
        ids.append(c["id"])
    build_course(teacher, title="Still a draft")
    assert [q["id"] for q in call(review.queue, actor_of(admin))] == ids
    with pytest.raises(PermissionDenied):
        call(review.queue, actor_of(teacher))


def test_admin_preview_includes_non_preview_lessons(make_user, make_category):
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    c = build_course(teacher, category=make_category())
    call(review.submit, actor_of(teacher), c["id"])
    data = call(authoring_views.review_preview, actor_of(admin), c["id"])
    bodies = [x["body"] for x in data["lessons"]]
    assert bodies == ["SECRET BODY 1.1", "SECRET BODY 1.2", "SECRET BODY 2.1", "SECRET BODY 2.2"]
    with pytest.raises(PermissionDenied):
        call(authoring_views.review_preview, actor_of(teacher), c["id"])
