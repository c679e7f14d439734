"""Role rules in one place: which roles may use which area."""

from __future__ import annotations

from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied

# Everyone signed in learns; teachers author; admins may also look at teacher pages.
LEARNER_AREA = ("learner", "teacher", "admin")
TEACHER_AREA = ("teacher", "admin")
ADMIN_AREA = ("admin",)

HOME_FOR_ROLE = {"learner": "/dashboard", "teacher": "/teach", "admin": "/admin"}


def home_for(role: str) -> str:
    return HOME_FOR_ROLE.get(role, "/dashboard")


def require_role(actor: Actor | None, roles: tuple[str, ...]) -> Actor:
    if actor is None or actor.role not in roles:
        raise PermissionDenied()
    return actor


def safe_next(path: object, fallback: str) -> str:
    """A local path to return to after sign-in; anything else (other sites, scripts) → fallback."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return fallback
    if len(path) > 500 or any(ch in path for ch in "\r\n\t") or path.startswith(("/login", "/register", "/api/")):
        return fallback
    return path
