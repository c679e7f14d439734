"""The avatar part of a profile (files live in the private media folder)."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session

from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.core import images, storage
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.core.settings import Settings

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_SIZE = (256, 256)


AREA = "avatars"  # storage key prefix (core/storage.py)


def avatar_dir(settings: Settings):
    """Where avatars live with local storage (the layout of ``LMS_STORAGE=local``)."""
    return settings.media_dir / AREA


def _settle_files(session: Session, settings: Settings, *, remove_on_commit: str | None,
                  remove_on_rollback: str | None = None) -> None:
    """Delete a file only once the transaction's outcome is known.

    The old avatar goes when the new name is committed; if the transaction rolls back, the
    row still names the old file, so it stays, and the new file (now unreferenced) goes.
    """

    settled = False

    def unlink(name: str | None) -> None:
        nonlocal settled
        if settled:  # the first outcome of the transaction decides; later ones are other work
            return
        settled = True
        if name:
            storage.remove(settings, AREA, [name])

    event.listen(session, "after_commit", lambda _s: unlink(remove_on_commit), once=True)
    event.listen(session, "after_rollback", lambda _s: unlink(remove_on_rollback), once=True)


def set_avatar(session: Session, settings: Settings, actor: Actor, data: bytes) -> User:
    """Check, re-encode and store a new avatar; the old file is removed once the swap commits."""
    processed = images.process_image(data, max_bytes=AVATAR_MAX_BYTES, size=AVATAR_SIZE, crop=True, field="avatar")
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise ServiceError("Your account is no longer active. Sign in again.")
    old = user.avatar_file
    user.avatar_file = storage.put_bytes(settings, AREA, processed, suffix=".webp", content_type="image/webp")
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    _settle_files(session, settings, remove_on_commit=old, remove_on_rollback=user.avatar_file)
    return user


def remove_avatar(session: Session, settings: Settings, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None:
        raise ServiceError("Your account is no longer active. Sign in again.")
    old, user.avatar_file = user.avatar_file, None
    session.add(user)
    session.flush()
    _settle_files(session, settings, remove_on_commit=old)
    return user
