"""Every public event handler is a public endpoint: prove each one refuses who it must.

Inventory: every State subclass defined under ``lms_app`` (all pages imported through
``lms_app.app``), every name in its ``event_handlers`` (exactly what the browser can call:
Reflex registers the same names in its registry, cross-checked below). Each handler must be
guarded (``__lms_guard__``, set by ``lms_app.core.guard.guarded``) or be listed in ALLOW_LIST
with the reason it is public by design. A new unguarded handler makes this test fail.

Reflex built-ins, decided from the 0.10.1 source:
- ``setvar`` exists on every state. It calls ``set_<var>`` and only works for vars that have a
  setter; ``state_auto_setters`` is off, so no app state has any. Checked below: there is no
  ``set_*`` attribute on app states and ``setvar`` refuses every public var.
- Handlers of Reflex's own states (root ``hydrate``/``set_is_hydrated``/``hydrate_and_load``,
  ``OnLoadInternalState``, ``UpdateVarsInternalState``, ``FrontendEventExceptionState``,
  ``SharedStateBaseInternal``) live outside ``lms_app`` and are not in the inventory.
  ``update_vars_internal`` can write client-storage vars (rx.Cookie/LocalStorage) of any state,
  so app states must declare none: checked below.
"""

from __future__ import annotations

import inspect
import typing
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update
from sqlmodel import SQLModel, func, select

import lms_app.app  # noqa: F401  (registers every page and its state)
from lms_app.core.db import session_scope
from lms_app.core.users import ROLES, User, UserSession
from lms_app.core.types import utcnow
from lms_app.core.permissions import home_for
from app_inventory import app_states, is_app_state
from reflex.state import State

ALLOW_LIST = {
    "HomeState.load": "public catalog: published courses and categories only",
    "PlansState.load": "public plans page: active plans' names, prices and scope only",
    "CatalogState.load": "public catalog: published courses only, filters parsed and validated from the URL",
    "CatalogState.search": "only builds the next catalog URL (redirect); reads nothing private",
    "CatalogState.choose_option": "only builds the next catalog URL from a validated sort/language/size",
    "CatalogState.toggle_free": "only builds the next catalog URL",
    "CatalogState.apply_price": "only builds the next catalog URL from validated price bounds",
    "CatalogState.use_saved_currency": "only builds the catalog URL for a validated currency code",
    "NavSearchState.go": "only builds the catalog URL for the typed words (redirect)",
    "CoursePageState.load": "public course page: the service shows hidden courses only to their teacher/admins "
                            "(viewer resolved from the cookie) and never loads lesson content",
    "LoginState.load": "reads only the page's own query string to choose a notice",
    "LoginState.submit": "sign-in itself: the service throttles and checks the password",
    "LoginState.submit_code": "two-factor code step: works only with the challenge this tab's password step "
                              "left in a backend var; per-challenge attempts and per-account/IP throttling",
    "LoginState.restart": "forgets this tab's own two-factor challenge; touches nothing else",
    "RegisterState.load": "only resets the form",
    "RegisterState.submit": "self-registration: the service validates and always creates a learner",
    "VerifyEmailState.load": "spends only the one-time link in the page's own URL and verifies only the account "
                             "that link was issued for",
    "ForgotPasswordState.load": "only resets the form",
    "ForgotPasswordState.submit": "asks for a reset mail: the same answer and work for unknown addresses, "
                                  "throttled per account, the link goes only to the account's own address",
    "ResetPasswordState.load": "only says whether the link in the page's own URL is still usable",
    "ResetPasswordState.submit": "needs the unguessable one-time link from the account's mailbox; sets only that "
                                 "account's password",
    "AuthState.refresh": "shows the caller their own user, resolved from the HttpOnly cookie",
    "AuthState.logout": "revokes only the caller's own cookie session",
    "ReviewsState.load": "visible reviews of a course the viewer may see (course_page.may_view); hidden reviews "
                         "only for admins; the viewer is resolved from the cookie",
    "LearnState.beat": "only asks this tab's browser whether it is visible; the time is recorded by the guarded "
                       "record_beat",
    "LearnState.poll_position": "only asks this tab's video player for its time; the guarded save_position "
                                "records it",
    "LearnState.toggle_sidebar": "flips a layout flag of this tab; reads and writes no data",
    "LearnState.load": "preview lessons open signed out; course_access.lesson_page checks access server-side "
                       "before any content is put in state (tests/security/test_lesson_access.py)",
    "VerifyState.load": "public certificate verification: certificates.public_view returns only the listed "
                        "fields (name, course, teacher, date, issuer, status) for a random, unguessable number",
    "CoursePageAnnouncementsState.load": "the course page's announcements: the service answers the course's members "
                                         "only (user from the HttpOnly cookie) and nothing to anyone else",
    "NotificationBellState.load": "counts only the caller's own unread notifications; the user is resolved from the "
                                  "HttpOnly cookie inside the one query (0 when signed out)",
    "UnsubscribeState.load": "one-click unsubscribe: the HMAC-signed token in the page's own URL names one user and "
                             "one kind and can only turn that kind's e-mail off",
    "LiveListState.load": "only asks this tab's browser for its time zone",
    "LiveListState.with_tz": "public list of active live sessions with upcoming times (services.catalog): titles, "
                             "teachers, prices; no meeting links, no learners; the zone is validated",
    "LiveListState.find": "only builds the next /live URL from the typed words",
    "LiveOfferingState.load": "only asks this tab's browser for its time zone",
    "LiveOfferingState.with_tz": "public offering page (services.offering_page): inactive offerings only for their "
                                 "teacher/admins, seats left per time, the viewer's own bookings; never the meeting "
                                 "link or other learners (tests/security/test_live_security.py)",
    "BundleListState.load": "public list of active bundles whose courses are all published: titles, teachers, "
                            "prices; the page number is validated",
    "BundlePageState.load": "public bundle page (bundles.services.page_view): inactive bundles only for their "
                            "teacher/admins; the viewer (from the HttpOnly cookie) sees only their own ownership "
                            "and price",
}
BUILTINS = {"setvar"}  # see the module docstring; behaviour checked in test_setvar_cannot_set_any_var


APP_STATES = app_states()
HANDLERS = [(cls, name) for cls in APP_STATES for name in sorted(cls.event_handlers) if name not in BUILTINS]
GUARDED = [(cls, name) for cls, name in HANDLERS if getattr(cls.event_handlers[name].fn, "__lms_guard__", None)]


def key(cls, name) -> str:
    return f"{cls.__name__}.{name}"


def ids(pairs):
    return [key(c, n) for c, n in pairs]


# --- inventory ---------------------------------------------------------------------------

def test_inventory_found_the_app_states():
    names = {c.__name__ for c in APP_STATES}
    assert {"AuthState", "HomeState", "LoginState", "RegisterState", "ProfileState"} <= names
    assert len(names) == len(APP_STATES), "two app states share a class name; make ALLOW_LIST keys unique"
    assert GUARDED, "no guarded handler found: the inventory is broken"


def _plugin_public(cls, name) -> bool:
    """An installed plugin's handler marked ``@public("reason")`` (it cannot edit ALLOW_LIST)."""
    fn = cls.event_handlers[name].fn
    return not cls.__module__.startswith("lms_app.") and bool(getattr(fn, "__lms_public_reason__", ""))


def test_every_handler_is_guarded_or_explicitly_public():
    unguarded = [key(c, n) for c, n in HANDLERS
                 if not getattr(c.event_handlers[n].fn, "__lms_guard__", None) and key(c, n) not in ALLOW_LIST
                 and not _plugin_public(c, n)]
    assert unguarded == [], (
        "These handlers can be called by anyone from a browser but have no @guarded(...): "
        f"{unguarded}. Guard them, or add them to ALLOW_LIST with the reason they are public.")


def test_allow_list_entries_exist_are_unguarded_and_marked_public():
    existing = {key(c, n): c.event_handlers[n].fn for c, n in HANDLERS}
    stale = sorted(set(ALLOW_LIST) - set(existing))
    assert stale == [], f"ALLOW_LIST names handlers that no longer exist: {stale}"
    for name in ALLOW_LIST:
        fn = existing[name]
        assert not getattr(fn, "__lms_guard__", None), f"{name} is guarded: drop it from ALLOW_LIST"
        assert getattr(fn, "__lms_public__", False), f"{name} should carry @public (lms_app.core.guard)"
        assert ALLOW_LIST[name].strip(), f"{name} needs a reason"


def test_guard_roles_are_real_roles():
    for cls, name in GUARDED:
        roles = cls.event_handlers[name].fn.__lms_guard__
        assert roles and set(roles) <= set(ROLES), (key(cls, name), roles)


def test_inventory_matches_what_reflex_registered():
    from reflex_base.registry import RegistrationContext

    inventory = {(c.get_full_name(), n) for c in APP_STATES for n in c.event_handlers}
    registered = set()
    for full_name in RegistrationContext.get().event_handlers:
        state_name, _, handler = full_name.rpartition(".")
        cls = State.get_class_substate(state_name)
        if is_app_state(cls):
            registered.add((state_name, handler))
        else:
            assert cls.__module__.startswith("reflex"), f"handler of an unknown state: {full_name}"
    assert registered == inventory


def test_setvar_cannot_set_any_var(states, make_user, sign_in):
    token, _ = sign_in(make_user(role="admin"))
    root = states.root(token)
    for cls in APP_STATES:
        # Only names the app defines: the root's own ``set_is_hydrated`` is a Reflex built-in.
        setters = [n for n in dir(cls) if n.startswith("set_") and not hasattr(State, n)]
        assert setters == [], f"{cls.__name__} has setters the browser can reach through setvar: {setters}"
        state = states.sub(root, cls)
        for var in list(cls.base_vars) + list(cls.computed_vars) + ["_apply", "router", "user", "loaded"]:
            before = states.snapshot(root)
            with pytest.raises(AttributeError):
                cls.event_handlers["setvar"].fn(state, var, {"id": 1, "role": "admin"})
            assert states.snapshot(root) == before


def test_no_app_state_declares_client_storage_vars():
    for cls in APP_STATES:
        storage = [n for n in cls.base_vars if cls._is_client_storage(n)]
        assert storage == [], f"{cls.__name__}: browser-writable vars {storage} (update_vars_internal sets them)"


# --- behaviour ---------------------------------------------------------------------------

def placeholders(fn) -> dict:
    """None / {} / [] per parameter, from the handler's annotations, by name (as Reflex calls)."""
    target = inspect.unwrap(fn)
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # unresolvable annotation: fall back to None everywhere
        hints = {}
    args = {}
    for param in list(inspect.signature(target).parameters.values())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        origin = typing.get_origin(hints.get(param.name)) or hints.get(param.name)
        args[param.name] = {} if origin is dict else [] if origin is list else None
    return args


def table_counts() -> dict[str, int]:
    with session_scope() as s:
        return {t.name: s.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


PAGE, QUERY = "/some/page", {"tab": "x&y"}
LOGIN_REDIRECT = f"/login?next={quote(PAGE + '?tab=x%26y', safe='')}"


def call_and_check_untouched(states, root, cls, name):
    state = states.sub(root, cls)
    before, rows = states.snapshot(root), table_counts()
    events = states.call(state, name, **placeholders(cls.event_handlers[name].fn))
    assert states.snapshot(root) == before, f"{key(cls, name)} changed vars for a refused caller"
    assert states.dirty(root) == {}, f"{key(cls, name)} dirtied vars for a refused caller"
    assert table_counts() == rows
    return events


@pytest.mark.parametrize("cls, name", GUARDED, ids=ids(GUARDED))
def test_anonymous_caller_is_sent_to_login_and_nothing_changes(states, make_user, cls, name):
    make_user()  # a row in the DB, so "nothing changes" is not trivially true
    root = states.root(None, path=PAGE, query=QUERY)
    events = call_and_check_untouched(states, root, cls, name)
    assert states.redirects(events) == [LOGIN_REDIRECT]
    assert [level for level, _ in states.toasts(events)] == ["info"]


def _expired(db_user, token):
    with session_scope() as s:
        s.exec(update(UserSession).where(UserSession.user_id == db_user.id)
               .values(expires_at=utcnow() - timedelta(seconds=1)))


def _revoked(db_user, token):
    from lms_app.core import sessions

    with session_scope() as s:
        sessions.revoke_token(s, token)


def _deactivated(db_user, token):
    with session_scope() as s:
        s.exec(update(User).where(User.id == db_user.id).values(is_active=False))


BAD_COOKIES = {
    "expired": (_expired, lambda t: t),
    "revoked": (_revoked, lambda t: t),
    "deactivated-user": (_deactivated, lambda t: t),
    "tampered": (None, lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB")),
    "hash-as-token": (None, lambda t: __import__("hashlib").sha256(t.encode()).hexdigest()),
    "oversized": (None, lambda t: t * 20),
}


@pytest.mark.parametrize("kind", sorted(BAD_COOKIES))
@pytest.mark.parametrize("cls, name", GUARDED, ids=ids(GUARDED))
def test_bad_session_cookies_count_as_anonymous(states, make_user, sign_in, cls, name, kind):
    roles = cls.event_handlers[name].fn.__lms_guard__
    user = make_user(role=roles[0])
    token, _ = sign_in(user)
    spoil, mangle = BAD_COOKIES[kind]
    if spoil:
        spoil(user, token)
    root = states.root(mangle(token), path=PAGE, query=QUERY)
    events = call_and_check_untouched(states, root, cls, name)
    assert states.redirects(events) == [LOGIN_REDIRECT]


@pytest.mark.parametrize("cookie", ['lms_session="unterminated', "lms_session=; lms_session=", "\x00\x01;;=="])
def test_malformed_cookie_headers_count_as_anonymous(states, cookie):
    cls, name = GUARDED[0]
    root = states.root(cookie=cookie, path=PAGE, query=QUERY)
    events = call_and_check_untouched(states, root, cls, name)
    assert states.redirects(events) == [LOGIN_REDIRECT]


WRONG_ROLE = [(cls, name, role) for cls, name in GUARDED for role in ROLES
              if role not in cls.event_handlers[name].fn.__lms_guard__]


@pytest.mark.parametrize("cls, name, role", WRONG_ROLE, ids=[f"{key(c, n)}-as-{r}" for c, n, r in WRONG_ROLE])
def test_wrong_role_is_refused_and_nothing_changes(states, make_user, sign_in, cls, name, role):
    token, _ = sign_in(make_user(role=role))
    root = states.root(token, path=PAGE, query=QUERY)
    events = call_and_check_untouched(states, root, cls, name)
    # Refused with a message, and sent to the role's own home (never to a login loop).
    assert states.redirects(events) == [home_for(role)]
    toasts = states.toasts(events)
    assert [level for level, _ in toasts] == ["error"] and "does not have access" in toasts[0][1]


def test_wrong_role_cases_exist():
    assert WRONG_ROLE, "no handler is limited to some roles: the wrong-role test would prove nothing"


ALLOWED = [(cls, name, role) for cls, name in GUARDED for role in cls.event_handlers[name].fn.__lms_guard__]


@pytest.mark.parametrize("cls, name, role", ALLOWED, ids=[f"{key(c, n)}-as-{r}" for c, n, r in ALLOWED])
def test_allowed_role_gets_past_the_guard_and_survives_placeholder_arguments(states, make_user, sign_in, cls,
                                                                             name, role):
    """The control for the refusals above; also: junk arguments must not crash a handler."""
    token, _ = sign_in(make_user(role=role))
    root = states.root(token, path=PAGE, query=QUERY)
    events = states.call(states.sub(root, cls), name, **placeholders(cls.event_handlers[name].fn))
    assert not any(r.startswith("/login") for r in states.redirects(events))
    assert not any("does not have access" in text for _, text in states.toasts(events))
