"""ProfileState through its handlers: errors shown, database unchanged on refusal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reflex as rx
from starlette.datastructures import Headers

from lms_app.core.users import User
from lms_app.accounts.pages.profile import ProfileState
from lms_app.accounts.services import passwords, profiles
from lms_app.core import sessions
from lms_app.core.auth_state import AuthState

PW = "correct horse battery"


def upload(data: bytes, name: str = "avatar.png", content_type: str = "image/png") -> rx.UploadFile:
    """What Reflex hands the handler for one uploaded file."""
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data),
                         headers=Headers({"content-type": content_type}))


@pytest.fixture
def signed_in(states, make_user, sign_in):
    """(user, token, profile state, root) for a signed-in learner on /profile."""
    user = make_user(password=PW, name="Pat Original", bio="Original bio")
    token, _ = sign_in(user)
    root = states.root(token, path="/profile")
    profile = states.sub(root, ProfileState)
    states.call(profile, "load")
    assert profile.loaded and profile.name == "Pat Original"
    root._clean()
    return user, token, profile, root


def fresh(db, user_id) -> User:
    db.expire_all()
    return db.get(User, user_id)


def test_load_shows_the_callers_own_profile(signed_in, states):
    user, _, profile, root = signed_in
    auth = states.sub(root, AuthState)
    assert (profile.name, profile.bio, profile.timezone) == ("Pat Original", "Original bio", "UTC")
    assert auth.signed_in and auth.user["email"] == user.email


def test_save_profile_with_a_bad_timezone_changes_nothing(signed_in, states, db):
    user, _, profile, _ = signed_in
    events = states.call(profile, "save_profile", {"name": "New Name", "bio": "New bio", "timezone": "Mars/Base"})
    assert profile.errors["timezone"] == "Choose a time zone from the list."
    assert profile.errors["name"] == profile.errors["bio"] == ""
    assert [level for level, _ in states.toasts(events)] == ["error"]
    assert profile.saving is False and profile.name == "Pat Original"
    stored = fresh(db, user.id)
    assert (stored.name, stored.bio, stored.timezone, stored.updated_at) == (
        "Pat Original", "Original bio", "UTC", user.updated_at)


def test_save_profile_success_updates_db_and_navbar(signed_in, states, db):
    user, _, profile, root = signed_in
    events = states.call(profile, "save_profile", {"name": " Pat  New ", "bio": "Hi", "timezone": "Asia/Tokyo"})
    assert [level for level, _ in states.toasts(events)] == ["success"]
    assert (profile.name, profile.timezone) == ("Pat New", "Asia/Tokyo")
    assert states.sub(root, AuthState).user["name"] == "Pat New"
    assert fresh(db, user.id).timezone == "Asia/Tokyo"


def test_change_password_with_a_wrong_old_password_is_a_field_error(signed_in, states, db, sign_in):
    user, token, profile, _ = signed_in
    other_token, _ = sign_in(user)
    events = states.call(profile, "change_password", {"old_password": "not my password",
                                                      "new_password": "another good one"})
    assert profile.password_errors == {"old_password": "The current password is incorrect.", "new_password": ""}
    assert states.toasts(events) == []
    assert passwords.verify_password(PW, fresh(db, user.id).password_hash)
    assert sessions.resolve_session(db, other_token) is not None


def test_change_password_success_keeps_this_session_only(signed_in, states, db, sign_in):
    user, token, profile, _ = signed_in
    other_token, _ = sign_in(user)
    key = profile.password_form_key
    events = states.call(profile, "change_password", {"old_password": PW, "new_password": "another good one"})
    assert [level for level, _ in states.toasts(events)] == ["success"]
    assert "1 other session was signed out" in states.toasts(events)[0][1]
    assert profile.password_form_key == key + 1
    assert passwords.verify_password("another good one", fresh(db, user.id).password_hash)
    db.expire_all()
    assert sessions.resolve_session(db, token) is not None
    assert sessions.resolve_session(db, other_token) is None


@pytest.mark.parametrize("data, name", [
    (b"just some text, honestly\n" * 40, "avatar.png"),
    (b"MZ\x90\x00\x03 not an image", "photo.jpg"),
])
def test_upload_of_a_non_image_sets_avatar_error_and_changes_nothing(signed_in, states, db, settings, data, name):
    user, _, profile, root = signed_in
    events = states.call(profile, "upload_avatar", [upload(data, name)])
    assert profile.avatar_error == "That file is not a PNG, JPEG, WebP or GIF image."
    assert profile.uploading is False
    assert states.toasts(events) == []
    stored = fresh(db, user.id)
    assert stored.avatar_file is None and stored.updated_at == user.updated_at
    assert not profiles.avatar_dir(settings).exists() or not any(profiles.avatar_dir(settings).iterdir())
    assert states.sub(root, AuthState).user["avatar_url"] == ""


def test_upload_over_the_limit_is_refused(signed_in, states, db, png_bytes):
    user, _, profile, _ = signed_in
    data = png_bytes() + b"\0" * profiles.AVATAR_MAX_BYTES
    states.call(profile, "upload_avatar", [upload(data)])
    assert "larger than 2 MB" in profile.avatar_error
    assert fresh(db, user.id).avatar_file is None


@pytest.mark.parametrize("files", [[], None, "avatar.png", {"file": 1}])
def test_upload_needs_exactly_one_file(signed_in, states, files, png_bytes):
    _, _, profile, _ = signed_in
    if files == []:
        files = [upload(png_bytes()), upload(png_bytes())]
    states.call(profile, "upload_avatar", files)
    assert profile.avatar_error == "Choose one image file."


def test_upload_of_a_real_png_sets_the_avatar(signed_in, states, db, png_bytes, settings):
    user, _, profile, root = signed_in
    events = states.call(profile, "upload_avatar", [upload(png_bytes(300, 200), "me.png")])
    assert profile.avatar_error == ""
    assert [level for level, _ in states.toasts(events)] == ["success"]
    stored = fresh(db, user.id).avatar_file
    assert stored and stored.endswith(".webp")
    assert states.sub(root, AuthState).user["avatar_url"] == f"/media/avatars/{stored}"
    states.call(profile, "remove_avatar")
    assert fresh(db, user.id).avatar_file is None
    assert states.sub(root, AuthState).user["avatar_url"] == ""
