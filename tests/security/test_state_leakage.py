"""No secret reaches a public var: hashes, session tokens, tickets, other people's emails.

Signs in through a real server-side session (the token only in the websocket's Cookie header),
runs every page's ``load`` handler and ``AuthState.refresh``, then serializes every public var of
every state the way Reflex sends them (the full hydrate dict and each delta) and searches the
JSON for secrets.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlmodel import select

import lms_app.app  # noqa: F401
from lms_app.core.users import User
from lms_app.admin.pages.console import AdminState
from lms_app.accounts.pages.login import LoginState
from lms_app.core.auth_state import AuthState
from app_inventory import app_states

PW = "correct horse battery"


LOADERS = sorted((cls for cls in app_states() if "load" in cls.event_handlers), key=lambda c: c.__name__)


@pytest.fixture
def people(make_user, make_course, enroll, make_category):
    """A small world: the viewer's classmates and teachers are exactly who must not leak."""
    teacher = make_user(role="teacher", email="teacher.private@example.com", name="Tess Teacher")
    classmate = make_user(email="classmate.private@example.com", name="Cleo Classmate")
    admin = make_user(role="admin", email="admin.private@example.com", name="Ada Admin")
    learner = make_user(email="me.learner@example.com", name="Lee Learner", password=PW)
    category = make_category(name="Security")
    course = make_course(teacher=teacher, category=category, title="Threat Modelling")
    enroll(learner, course)
    enroll(classmate, course)
    return {"teacher": teacher, "classmate": classmate, "admin": admin, "learner": learner}


def secrets_of(db, token: str) -> dict[str, str]:
    found = {"raw session token": token, "token sha256": hashlib.sha256(token.encode()).hexdigest()}
    for email, pw_hash in db.exec(select(User.email, User.password_hash)).all():
        found[f"password hash of {email}"] = pw_hash
    return found


def run_page_loads(states, root, handlers) -> list[str]:
    """Run handlers like a visit would; return the JSON of every delta plus the final full state."""
    sent = []
    for cls, name in handlers:
        states.call(states.sub(root, cls), name)
        sent.append(states.serialize(root.get_delta()))
        root._clean()
    sent.append(states.serialize(root.dict()))
    return sent


def assert_clean(sent: list[str], secrets: dict[str, str], foreign_emails: list[str]) -> None:
    blob = "\n".join(sent)
    for label, value in secrets.items():
        assert value not in blob, f"{label} reached the browser"
    assert "$2b$" not in blob, "a bcrypt hash reached the browser"
    for email in foreign_emails:
        assert email not in blob, f"another user's email ({email}) reached the browser"


def test_learner_pages_leak_nothing(states, db, people, sign_in):
    token, _ = sign_in(people["learner"])
    root = states.root(token, path="/dashboard")
    handlers = [(AuthState, "refresh")] + [(cls, "load") for cls in LOADERS]
    sent = run_page_loads(states, root, handlers)
    blob = "\n".join(sent)
    # Controls: the learner's own data and the pages' data really were serialized.
    assert "me.learner@example.com" in blob and "Threat Modelling" in blob and "Tess Teacher" in blob
    assert_clean(sent, secrets_of(db, token),
                 [people[p].email for p in ("teacher", "classmate", "admin")])


def test_admin_overview_leaks_no_emails_or_hashes(states, db, people, sign_in):
    token, _ = sign_in(people["admin"])
    root = states.root(token, path="/admin")
    sent = run_page_loads(states, root, [(AuthState, "refresh"), (AdminState, "load")])
    admin_state = states.sub(root, AdminState)
    assert admin_state.loaded and {r["name"] for r in admin_state.recent} >= {"Lee Learner", "Cleo Classmate"}
    assert_clean(sent, secrets_of(db, token), [people[p].email for p in ("teacher", "classmate", "learner")])


@pytest.mark.parametrize("role", ["teacher", "admin"])
def test_every_page_load_as_other_roles_leaks_nothing(states, db, people, sign_in, role):
    token, _ = sign_in(people[role])
    root = states.root(token)
    sent = run_page_loads(states, root, [(AuthState, "refresh")] + [(cls, "load") for cls in LOADERS])
    others = [people[p].email for p in people if p != role]
    assert_clean(sent, secrets_of(db, token), others)


def test_login_ticket_and_session_token_never_become_vars(states, db, people):
    root = states.root(path="/login")
    login = states.sub(root, LoginState)
    events = states.call(login, "submit", {"email": "me.learner@example.com", "password": PW})
    [script] = states.scripts(events)
    ticket = re.search(r'ticket:"([^"]+)"', script).group(1)
    blob = states.serialize(root.get_delta()) + states.serialize(root.dict())
    assert ticket not in blob and hashlib.sha256(ticket.encode()).hexdigest() not in blob
    assert PW not in blob
    assert "$2b$" not in blob


def test_the_cookie_header_itself_is_not_sent_back(states, people, sign_in):
    token, _ = sign_in(people["learner"])
    root = states.root(token)
    assert states.sub(root, AuthState).router.headers.cookie.endswith(token)  # the server sees it
    assert token not in states.serialize(root.dict())


def test_public_vars_hold_dtos_not_rows():
    """A SQLModel row in a public var would send every column, password_hash included."""
    from sqlmodel import SQLModel

    for cls in app_states():
        for name, var in cls.base_vars.items():
            annotation = var._var_type
            args = getattr(annotation, "__args__", ()) or ()
            for t in (annotation, *args):
                assert not (isinstance(t, type) and issubclass(t, SQLModel)), f"{cls.__name__}.{name}: {t}"
