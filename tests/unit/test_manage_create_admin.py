"""``manage create-admin``: the documented first step of a production install (README, Docker)."""

from __future__ import annotations

from sqlmodel import select

from lms_app import manage
from lms_app.core.db import session_scope
from lms_app.core.users import User


def test_create_admin_without_name_uses_the_default(monkeypatch):
    monkeypatch.setenv("LMS_ADMIN_PASSWORD", "A-long-enough-password-123")
    assert manage.main(["create-admin", "--email", "first-admin@example.org"]) == 0
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == "first-admin@example.org")).one()
        assert (user.role, user.name) == ("admin", "Administrator")


def test_create_admin_with_a_name(monkeypatch):
    monkeypatch.setenv("LMS_ADMIN_PASSWORD", "A-long-enough-password-123")
    assert manage.main(["create-admin", "--email", "named-admin@example.org", "--name", "Ada Admin"]) == 0
    with session_scope() as session:
        assert session.exec(select(User.name).where(User.email == "named-admin@example.org")).one() == "Ada Admin"
