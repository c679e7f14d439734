"""RegisterState: field errors next to the field, no account on refusal, always a learner."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from lms_app.core.users import User
from lms_app.accounts.pages.register import RegisterState

PW = "correct horse battery"


def submit(states, form, query=None):
    root = states.root(path="/register", query=query)
    reg = states.sub(root, RegisterState)
    return reg, states.call(reg, "submit", form)


def users(db) -> int:
    db.expire_all()
    return db.exec(select(func.count(User.id))).one()


def test_duplicate_email_any_case_is_a_field_error(states, make_user, db):
    make_user(email="taken@example.com")
    reg, events = submit(states, {"name": "Copy Cat", "email": "Taken@Example.com", "password": PW})
    assert "already exists" in reg.errors["email"]
    assert reg.errors["name"] == reg.errors["password"] == ""
    assert states.scripts(events) == []
    assert users(db) == 1


@pytest.mark.parametrize("form, field, message", [
    ({"name": "Ann", "email": "ann@example.com", "password": "short"}, "password", "at least 8"),
    ({"name": "Ann", "email": "ann@example.com", "password": "p" * 129}, "password", "at most 128"),
    ({"name": "Ann", "email": "ann@@example", "password": PW}, "email", "valid email"),
    ({"name": "Ann", "email": "", "password": PW}, "email", "Enter your email"),
    ({"name": "", "email": "ann@example.com", "password": PW}, "name", "Enter your name"),
    ({}, "name", "Enter your name"),
])
def test_bad_fields_are_reported_and_no_user_is_created(states, db, form, field, message):
    reg, events = submit(states, form)
    assert message in reg.errors[field]
    assert all(v == "" for k, v in reg.errors.items() if k != field)
    assert reg.busy is False
    assert states.scripts(events) == []
    assert users(db) == 0


def test_success_creates_a_learner_even_if_the_form_asks_for_admin(states, db):
    reg, events = submit(states, {"name": "Eve", "email": "eve@example.com", "password": PW, "role": "admin"})
    [script] = states.scripts(events)
    assert "/api/session" in script and '"/dashboard"' in script
    user = db.exec(select(User).where(User.email == "eve@example.com")).one()
    assert user.role == "learner"
    assert all(v == "" for v in reg.errors.values()) and reg.error == ""


def test_success_honours_only_a_local_next(states, db):
    _, events = submit(states, {"name": "Bo", "email": "bo@example.com", "password": PW},
                       query={"next": "//evil.com"})
    assert '"/dashboard"' in states.scripts(events)[0] and "evil" not in states.scripts(events)[0]


def test_load_clears_previous_errors(states):
    root = states.root(path="/register")
    reg = states.sub(root, RegisterState)
    reg.errors = {"name": "x", "email": "y", "password": "z"}
    reg.error = "old"
    states.call(reg, "load")
    assert reg.errors == {"name": "", "email": "", "password": ""} and reg.error == ""
