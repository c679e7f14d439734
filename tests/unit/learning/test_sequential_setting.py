"""The teacher's sequential-mode setting is saved with the course details form."""

from __future__ import annotations

from authoring_support import actor_of, build_course, call, get_course

from lms_app.authoring.services import courses as authoring, views as authoring_views


def form(**over):
    base = {"title": "Ordered course", "subtitle": "", "description": "About", "slug": "", "category_id": "",
            "level": "beginner", "language": "en", "currency": "USD", "price": "0", "outcomes": ""}
    base.update(over)
    return base


def test_sequential_checkbox_turns_on_and_off(make_user):
    teacher = make_user(role="teacher")
    c = build_course(teacher)
    assert get_course(c["id"]).sequential is False
    call(authoring.update_details, actor_of(teacher), c["id"], form(sequential="on"))
    row = get_course(c["id"])
    assert row.sequential is True and authoring_views.details_view(row)["sequential"] is True
    call(authoring.update_details, actor_of(teacher), c["id"], form())  # unchecked boxes are not submitted
    assert get_course(c["id"]).sequential is False
    call(authoring.update_details, actor_of(teacher), c["id"], form(sequential={"$ne": 1}))
    assert get_course(c["id"]).sequential is False
