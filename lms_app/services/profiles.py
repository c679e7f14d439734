"""The avatar part of a profile (files live in the private media folder)."""

from __future__ import annotations

from sqlmodel import Session

from lms_app.models import User
from lms_app.models.types import utcnow
from lms_app.services import images
from lms_app.services.accounts import Actor
from lms_app.services.errors import ServiceError
from lms_app.settings import Settings

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_SIZE = (256, 256)


def avatar_dir(settings: Settings):
    return settings.media_dir / "avatars"


def avatar_url(user_id: int, avatar_file: str | None) -> str:
    return f"/media/avatars/{avatar_file}" if avatar_file else ""


def set_avatar(session: Session, settings: Settings, actor: Actor, data: bytes) -> User:
    """Check, re-encode and store a new avatar; the old file is removed after commit-safe swap."""
    processed = images.process_image(data, max_bytes=AVATAR_MAX_BYTES, size=AVATAR_SIZE, crop=True, field="avatar")
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise ServiceError("Your account is no longer active. Sign in again.")
    old = user.avatar_file
    user.avatar_file = images.store(avatar_dir(settings), processed)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    if old:
        stale = images.safe_child(avatar_dir(settings), old)
        if stale is not None:
            stale.unlink(missing_ok=True)
    return user


def remove_avatar(session: Session, settings: Settings, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None:
        raise ServiceError("Your account is no longer active. Sign in again.")
    old, user.avatar_file = user.avatar_file, None
    session.add(user)
    session.flush()
    if old:
        stale = images.safe_child(avatar_dir(settings), old)
        if stale is not None:
            stale.unlink(missing_ok=True)
    return user
