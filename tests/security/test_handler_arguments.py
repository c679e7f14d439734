"""Type hints are not validation: any handler, called with any JSON, must not crash.

The browser can send an event to any handler with arbitrary JSON arguments (Reflex passes the
raw value on when coercion to the annotated type fails). Each handler of each app state is
called, as a caller it accepts, with JSON-shaped junk for every parameter; it must return
normally (refusing with a message is fine) and never change another user's data.
"""

from __future__ import annotations

import inspect

import pytest
from sqlmodel import select

import lms_app.app  # noqa: F401
from lms_app.core.db import session_scope
from lms_app.core.users import User
from app_inventory import app_states

JUNK = {
    "none": None, "empty-str": "", "str": "x' OR 1=1 --", "int": -1, "bool": True, "float": 1e308,
    "empty-list": [], "list-of-str": ["x"], "list-of-dict": [{"filename": "a.png", "read": "x"}],
    "empty-dict": {}, "nested-dict": {"email": ["a@b.c"], "password": {"$ne": ""}, "role": "admin"},
}

# (handler, junk kind) pairs known to crash; each is marked xfail(strict) so a fix shows up.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def params(fn) -> list[str]:
    sig = inspect.signature(inspect.unwrap(fn))
    return [p.name for p in list(sig.parameters.values())[1:] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


CASES = []
for _cls in app_states():
    for _name, _handler in sorted(_cls.event_handlers.items()):
        if _name == "setvar" or not params(_handler.fn):
            continue
        for _junk in JUNK:
            _id = f"{_cls.__name__}.{_name}"
            marks = ([pytest.mark.xfail(strict=True, raises=AttributeError, reason=KNOWN_BUGS[(_id, _junk)])]
                     if (_id, _junk) in KNOWN_BUGS else [])
            CASES.append(pytest.param(_cls, _name, _junk, id=f"{_id}-{_junk}", marks=marks))


def test_there_are_handlers_with_arguments():
    assert CASES


@pytest.mark.parametrize("cls, name, junk", CASES)
def test_junk_arguments_do_not_crash_handlers(states, make_user, sign_in, cls, name, junk):
    roles = getattr(cls.event_handlers[name].fn, "__lms_guard__", None)
    bystander = make_user(role="learner", name="Bystander", email="bystander@example.com")
    me = make_user(role=roles[0] if roles else "learner")
    token, _ = sign_in(me)
    root = states.root(token, path="/profile")
    kwargs = {p: JUNK[junk] for p in params(cls.event_handlers[name].fn)}
    states.call(states.sub(root, cls), name, **kwargs)
    with session_scope() as s:
        other = s.exec(select(User).where(User.id == bystander.id)).one()
        assert (other.name, other.email, other.role, other.password_hash, other.avatar_file) == (
            "Bystander", "bystander@example.com", "learner", bystander.password_hash, None)
