"""Avatars: checked by content on the server, re-encoded to WebP, stored privately."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lms_app.core.view_builders import avatar_url
from lms_app.core.users import User
from lms_app.accounts.services import profiles
from lms_app.core.errors import ServiceError


def stored_files(settings) -> list:
    folder = profiles.avatar_dir(settings)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_png_is_stored_as_a_square_webp(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    updated = profiles.set_avatar(db, settings, actor, png_bytes(640, 360))
    db.commit()
    assert updated.avatar_file and updated.avatar_file.endswith(".webp")
    assert db.get(User, user.id).avatar_file == updated.avatar_file
    path = profiles.avatar_dir(settings) / updated.avatar_file
    with Image.open(path) as img:
        assert img.format == "WEBP"
        assert img.size == profiles.AVATAR_SIZE
    # Private folder, not Reflex's public upload folder.
    assert settings.media_dir in path.parents
    assert avatar_url(user.id, updated.avatar_file) == f"/media/avatars/{updated.avatar_file}"


def test_a_new_avatar_replaces_the_old_file(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    first = profiles.set_avatar(db, settings, actor, png_bytes()).avatar_file
    db.commit()
    second = profiles.set_avatar(db, settings, actor, png_bytes(color=(0, 0, 255))).avatar_file
    db.commit()
    assert first != second
    assert stored_files(settings) == [second]


def test_metadata_and_trailing_payload_are_stripped(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    payload = png_bytes() + b"<script>alert(1)</script>"
    name = profiles.set_avatar(db, settings, actor, payload).avatar_file
    assert b"<script>" not in (profiles.avatar_dir(settings) / name).read_bytes()


def _assert_refused(db, settings, user, actor, data, message):
    with pytest.raises(ServiceError, match=message) as info:
        profiles.set_avatar(db, settings, actor, data)
    assert info.value.field == "avatar"
    db.rollback()
    db.expire_all()
    fresh = db.get(User, user.id)
    assert fresh.avatar_file is None and fresh.updated_at == user.updated_at
    assert stored_files(settings) == []


def test_over_2_mb_is_refused_even_when_it_is_a_valid_image(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    data = png_bytes()
    data += b"\0" * (profiles.AVATAR_MAX_BYTES + 1 - len(data))
    assert len(data) == 2 * 1024 * 1024 + 1
    Image.open(io.BytesIO(data)).verify()  # still a PNG: only the size is wrong
    _assert_refused(db, settings, user, actor, data, "larger than 2 MB")


def test_exactly_2_mb_is_accepted(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    data = png_bytes()
    data += b"\0" * (profiles.AVATAR_MAX_BYTES - len(data))
    assert profiles.set_avatar(db, settings, actor, data).avatar_file


@pytest.mark.parametrize("data, message", [
    (b"This is a text file that was renamed to avatar.png\n" * 20, "not a PNG"),
    (b"%PDF-1.7\n1 0 obj << >> endobj\n", "not a PNG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a PNG"),  # PNG signature, broken body
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "not a PNG"),
    (b"", "empty"),
])
def test_non_images_are_refused_and_nothing_changes(db, settings, make_user, sign_in, data, message):
    user = make_user()
    _, actor = sign_in(user)
    _assert_refused(db, settings, user, actor, data, message)


def test_other_formats_pillow_reads_are_refused(db, settings, make_user, sign_in):
    user = make_user()
    _, actor = sign_in(user)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="BMP")
    _assert_refused(db, settings, user, actor, out.getvalue(), "not a PNG")


def test_decompression_bomb_is_refused(db, settings, make_user, sign_in):
    user = make_user()
    _, actor = sign_in(user)
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")  # 100 MP, a few KB on disk
    assert len(out.getvalue()) < profiles.AVATAR_MAX_BYTES
    _assert_refused(db, settings, user, actor, out.getvalue(), "too many pixels")


def test_remove_avatar_deletes_the_file(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    profiles.set_avatar(db, settings, actor, png_bytes())
    db.commit()
    assert profiles.remove_avatar(db, settings, actor).avatar_file is None
    db.commit()
    assert stored_files(settings) == []
    assert db.get(User, user.id).avatar_file is None


def test_old_avatar_survives_when_the_swap_is_rolled_back(db, settings, make_user, sign_in, png_bytes):
    """The old file may only go once the new name is committed, else the profile points at nothing."""
    user = make_user()
    _, actor = sign_in(user)
    first = profiles.set_avatar(db, settings, actor, png_bytes()).avatar_file
    db.commit()
    profiles.set_avatar(db, settings, actor, png_bytes(color=(1, 2, 3)))
    db.rollback()  # e.g. the commit failed, or a later step of the same transaction raised
    db.expire_all()
    assert db.get(User, user.id).avatar_file == first
    assert (profiles.avatar_dir(settings) / first).is_file()


def test_removed_avatar_file_survives_a_rolled_back_removal(db, settings, make_user, sign_in, png_bytes):
    user = make_user()
    _, actor = sign_in(user)
    first = profiles.set_avatar(db, settings, actor, png_bytes()).avatar_file
    db.commit()
    profiles.remove_avatar(db, settings, actor)
    db.rollback()
    db.expire_all()
    assert db.get(User, user.id).avatar_file == first
    assert (profiles.avatar_dir(settings) / first).is_file()
