"""LoginState: errors stay on the page; success hands a one-time ticket to the cookie route."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import func, select

from lms_app.core.db import session_scope
from lms_app.core.users import LoginTicket, ThrottleCounter
from lms_app.accounts.pages.login import LoginState
from lms_app.core import sessions
from lms_app.accounts.services.accounts import BAD_CREDENTIALS

PW = "correct horse battery"


def ticket_in(script: str) -> str:
    m = re.search(r"ticket:(\"[^\"]*\")", script)
    assert m, script
    return json.loads(m.group(1))


def next_in(script: str) -> str:
    m = re.search(r"r\.ok\?(\"[^\"]*\"):", script)
    assert m, script
    return json.loads(m.group(1))


def submit(states, form, query=None):
    root = states.root(path="/login", query=query)
    login = states.sub(root, LoginState)
    events = states.call(login, "submit", form)
    return login, events


def test_wrong_password_sets_error_and_returns_no_session_script(states, make_user, db):
    make_user(email="lena@example.com", password=PW)
    login, events = submit(states, {"email": "lena@example.com", "password": "not the password"})
    assert login.error == BAD_CREDENTIALS
    assert login.busy is False
    assert states.scripts(events) == []
    assert db.exec(select(func.count(LoginTicket.id))).one() == 0
    # The attempt was counted (per address and account, per address, per account) and committed.
    assert db.exec(select(func.count(ThrottleCounter.id)).where(ThrottleCounter.count == 1)).one() == 3


@pytest.mark.parametrize("form", [{}, None, "email=a", {"email": ["x"], "password": {"a": 1}}])
def test_garbage_forms_are_plain_failures(states, form):
    login, events = submit(states, form)
    assert login.error == BAD_CREDENTIALS
    assert states.scripts(events) == []


@pytest.mark.parametrize("role, home", [("learner", "/dashboard"), ("teacher", "/teach"), ("admin", "/admin")])
def test_correct_password_yields_the_session_script_to_the_role_home(states, make_user, db, role, home):
    user = make_user(email=f"{role}@example.com", password=PW, role=role)
    login, events = submit(states, {"email": f"{role.upper()}@example.com", "password": PW})
    assert login.error == ""
    [script] = states.scripts(events)
    assert "/api/session" in script and "method:'POST'" in script
    assert next_in(script) == home
    # The ticket in the script is real, one-time, and leads to this user.
    with session_scope() as s:
        token = sessions.redeem_login_ticket(s, ticket_in(script), 1)
    with session_scope() as s:
        assert sessions.resolve_session(s, token)[0].id == user.id
        assert sessions.redeem_login_ticket(s, ticket_in(script), 1) is None


def test_local_next_path_is_kept(states, make_user):
    make_user(email="n@example.com", password=PW)
    _, events = submit(states, {"email": "n@example.com", "password": PW}, query={"next": "/profile"})
    assert next_in(states.scripts(events)[0]) == "/profile"


@pytest.mark.parametrize("evil", ["//evil.com", "https://evil.com/x", "/\\evil.com", "javascript:alert(1)",
                                  "/login?next=//evil.com"])
def test_foreign_next_falls_back_to_the_role_home(states, make_user, evil):
    make_user(email="t@example.com", password=PW, role="teacher")
    _, events = submit(states, {"email": "t@example.com", "password": PW}, query={"next": evil})
    [script] = states.scripts(events)
    assert next_in(script) == "/teach"
    assert "evil" not in script


def test_locked_account_shows_the_throttle_message(states, make_user, settings):
    make_user(email="lock@example.com", password=PW)
    for _ in range(settings.login_max_failures):
        submit(states, {"email": "lock@example.com", "password": "wrong password"})
    login, events = submit(states, {"email": "lock@example.com", "password": PW})
    assert login.error.startswith("Too many failed attempts")
    assert states.scripts(events) == []


@pytest.mark.parametrize("query, notice", [
    ({"signed_out": "1"}, "You have been signed out."),
    ({"expired": "1"}, "Your sign-in expired. Please sign in again."),
    ({"next": "/profile"}, "Sign in to continue to that page."),
    ({}, ""),
])
def test_load_explains_why_the_visitor_is_here(states, query, notice):
    root = states.root(path="/login", query=query)
    login = states.sub(root, LoginState)
    login.error = "stale"
    states.call(login, "load")
    assert (login.notice, login.error) == (notice, "")


@pytest.mark.parametrize("next_path, expected", [(None, "/teach"), ("/profile", "/profile"),
                                                 ("//evil.com", "/teach"), ("https://evil.com", "/teach")])
def test_signed_in_visitor_is_sent_on_but_only_to_local_paths(states, make_user, sign_in, next_path, expected):
    from lms_app.core.auth_state import AuthState

    token, _ = sign_in(make_user(role="teacher"))
    root = states.root(token, path="/login", query={"next": next_path} if next_path else None)
    states.call(states.sub(root, AuthState), "refresh")
    events = states.call(states.sub(root, LoginState), "load")
    assert states.redirects(events) == [expected]
