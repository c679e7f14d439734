"""Role rules and the post-sign-in redirect target."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from lms_app.core.users import ROLES
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA, home_for, require_role, safe_next


def actor(role: str) -> Actor:
    return Actor(user_id=1, role=role, session_id=1)


@pytest.mark.parametrize("area, allowed", [
    (LEARNER_AREA, {"learner", "teacher", "admin"}),
    (TEACHER_AREA, {"teacher", "admin"}),
    (ADMIN_AREA, {"admin"}),
])
def test_require_role(area, allowed):
    for role in ROLES:
        if role in allowed:
            assert require_role(actor(role), area).role == role
        else:
            with pytest.raises(PermissionDenied):
                require_role(actor(role), area)


@pytest.mark.parametrize("area", [LEARNER_AREA, TEACHER_AREA, ADMIN_AREA])
def test_anonymous_and_unknown_roles_are_refused(area):
    for who in (None, actor(""), actor("superuser"), actor("Admin")):
        with pytest.raises(PermissionDenied):
            require_role(who, area)


def test_home_for_each_role():
    assert [home_for(r) for r in ("learner", "teacher", "admin")] == ["/dashboard", "/teach", "/admin"]
    assert home_for("something-else") == "/dashboard"


@pytest.mark.parametrize("path", ["/dashboard", "/courses/python?tab=reviews", "/profile#avatar", "/teach"])
def test_safe_next_keeps_local_paths(path):
    assert safe_next(path, "/fallback") == path


@pytest.mark.parametrize("path", [
    "//evil.com", "//evil.com/dashboard", "https://x", "http://evil.com/", "javascript:alert(1)", "evil.com",
    "/\\evil.com", "\\\\evil.com", "/login", "/login?next=/x", "/register", "/api/session", "/ok\r\nSet-Cookie: x",
    "/tab\there", "/" + "a" * 500, "", None, 42, ["/dashboard"], "data:text/html,hi",
])
def test_safe_next_refuses_anything_else(path):
    assert safe_next(path, "/fallback") == "/fallback"


@given(st.one_of(st.text(max_size=40), st.text(max_size=40).map(lambda s: "/" + s),
                 st.text(max_size=40).map(lambda s: "//" + s)))
def test_safe_next_property_never_leaves_the_site(path):
    result = safe_next(path, "/fallback")
    if result != "/fallback":
        assert result == path
        # What a browser would make of it (it drops tabs and newlines anywhere) stays on this site.
        seen = "".join(ch for ch in path if ch not in "\t\r\n")
        assert seen.startswith("/") and not seen.startswith("//") and "\\" not in seen
