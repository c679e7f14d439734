"""Editing an offering: its teacher sees its values (meeting link included) and saves them; an
uploaded image is stored like course thumbnails, kept when the form sends it back, replaced files
are deleted after commit; nobody else can read or change it."""

from __future__ import annotations

import pytest

import lms_app.core.db
from lms_app.authoring.services.courses import thumbnail_dir
from lms_app.core.errors import ServiceError
from lms_app.core.settings import get_settings
from lms_app.live import services
from lms_app.live.models import LiveOffering
from tests.unit.live.live_support import make_offering


def call(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def test_teacher_edits_uploads_replaces_and_removes_the_image(make_user, sign_in, png_bytes):
    teacher = sign_in(make_user(role="teacher"))[1]
    offering = make_offering(teacher, price="99.99", image_url="https://img.example/a.png")
    values = call(services.edit_form, teacher, offering.id)
    assert values["price"] == "99.99" and values["meeting_url"] == "https://meet.example/abc"
    assert values["image_url"] == "https://img.example/a.png" and values["duration_minutes"] == "120"

    first = call(services.set_image, get_settings(), teacher, offering.id, png_bytes(1600, 1200))
    assert first.image_url.startswith("/media/thumbnails/") and first.image_url.endswith(".webp")
    first_file = thumbnail_dir(get_settings()) / first.image_url.rsplit("/", 1)[1]
    assert first_file.exists()

    # The edit form sends the stored path back unchanged: kept (it is not an https address).
    values = call(services.edit_form, teacher, offering.id)
    call(services.update_offering, teacher, offering.id, {**values, "title": "Python Masterclass II"})
    with lms_app.core.db.session_scope() as s:
        row = s.get(LiveOffering, offering.id)
        assert (row.title, row.image_url, row.price_minor) == ("Python Masterclass II", first.image_url, 9999)
    # Another stored path is not accepted from a form.
    with pytest.raises(ServiceError, match="https"):
        call(services.update_offering, teacher, offering.id, {**values, "image_url": "/media/thumbnails/other.webp"})

    second = call(services.set_image, get_settings(), teacher, offering.id, png_bytes(800, 600))
    assert second.image_url != first.image_url and not first_file.exists()  # the replaced upload is deleted
    second_file = thumbnail_dir(get_settings()) / second.image_url.rsplit("/", 1)[1]
    call(services.remove_image, teacher, offering.id)
    assert not second_file.exists() and call(services.edit_form, teacher, offering.id)["image_url"] == ""

    with pytest.raises(ServiceError, match="empty|image"):
        call(services.set_image, get_settings(), teacher, offering.id, b"")
    with pytest.raises(ServiceError):
        call(services.set_image, get_settings(), teacher, offering.id, b"MZ\x90\x00not an image")


def test_others_cannot_read_or_change_the_offering(make_user, sign_in, png_bytes):
    teacher = sign_in(make_user(role="teacher"))[1]
    offering = make_offering(teacher)
    other = sign_in(make_user(role="teacher"))[1]
    learner = sign_in(make_user())[1]
    for intruder in (other, learner):
        with pytest.raises(ServiceError):
            call(services.edit_form, intruder, offering.id)
        with pytest.raises(ServiceError):
            call(services.set_image, get_settings(), intruder, offering.id, png_bytes(800, 600))
        with pytest.raises(ServiceError):
            call(services.remove_image, intruder, offering.id)
    admin = sign_in(make_user(role="admin"))[1]
    assert call(services.edit_form, admin, offering.id)["id"] == offering.id
