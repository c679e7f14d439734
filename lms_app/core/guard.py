"""The one guard for event handlers and pages.

Every public method of a Reflex state is an endpoint anyone can call with any arguments. A
handler that reads or changes private data is decorated with ``@guarded(ROLES)``: before the
handler body runs, the guard resolves the signed-in user from the HttpOnly session cookie of
this very websocket connection (server-side headers, not anything the client sends in the
event), checks the role, and exposes the result through ``current_actor()``. Anonymous
callers are sent to the login page with a way back; wrong roles get a refusal toast.

Stack it under ``@rx.event``; ``functools.wraps`` keeps the argument names Reflex inspects.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

import reflex as rx

from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.db import run_db
from lms_app.core.sessions import Actor, actor_for_token
from lms_app.core.permissions import LEARNER_AREA, home_for

_current: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("lms_actor", default=None)


def current_actor() -> Actor:
    """The actor the enclosing guarded handler was authorised for."""
    actor = _current.get()
    if actor is None:
        raise RuntimeError("current_actor() used outside a @guarded handler")
    return actor


def session_token(state: rx.State) -> str | None:
    """The session token from this connection's Cookie header (never from event payloads)."""
    raw = state.router.headers.cookie or ""
    try:
        morsel = SimpleCookie(raw).get(SESSION_COOKIE)
    except CookieError:
        return None
    return morsel.value if morsel else None


async def resolve(state: rx.State):
    """(Actor, User row) for the caller, or None when signed out, expired, revoked or disabled."""
    token = session_token(state)
    if not token:
        return None
    return await run_db(actor_for_token, token)


def login_redirect(state: rx.State):
    url = state.router.url
    here = url.path + (f"?{url.query}" if url.query else "")
    return rx.redirect(f"/login?next={quote(here, safe='')}" if here not in ("", "/") else "/login")


def _refusal(state: rx.State, actor: Actor | None, roles: tuple[str, ...]):
    """Anonymous → sign in and come back; wrong role → say so and go to the role's own home.

    Each toast has an id: a page whose sections load themselves (dashboard cards, the bell) is
    refused once per section, and the person should read the reason once."""
    if actor is None:
        if session_token(state):  # a cookie that no longer opens a session: expired, revoked or forged
            return [rx.toast.warning("Your session has ended. Please sign in again.", id="guard-session-ended"),
                    login_redirect(state)]
        return [rx.toast.info("Please sign in to continue.", id="guard-sign-in"), login_redirect(state)]
    return [rx.toast.error("Your account does not have access to that page or action.", id="guard-no-access"),
            rx.redirect(home_for(actor.role), replace=True)]


def guarded(roles: tuple[str, ...] = LEARNER_AREA):
    """Allow the handler only for signed-in users whose role is in ``roles``."""

    def decorate(fn):
        if inspect.isasyncgenfunction(fn):

            @functools.wraps(fn)
            async def gen_wrapper(self, *args, **kwargs):
                found = await resolve(self)
                actor = found[0] if found else None
                if actor is None or actor.role not in roles:
                    yield _refusal(self, actor, roles)
                    return
                token = _current.set(actor)
                try:
                    async for update in fn(self, *args, **kwargs):
                        yield update
                finally:
                    try:
                        _current.reset(token)
                    except ValueError:  # resumed in another context; it dies with it
                        pass

            wrapper = gen_wrapper
        else:

            @functools.wraps(fn)
            async def wrapper(self, *args, **kwargs):
                found = await resolve(self)
                actor = found[0] if found else None
                if actor is None or actor.role not in roles:
                    return _refusal(self, actor, roles)
                token = _current.set(actor)
                try:
                    result = fn(self, *args, **kwargs)
                    if inspect.isawaitable(result):
                        result = await result
                    return result
                finally:
                    _current.reset(token)

        wrapper.__lms_guard__ = roles  # read by the handler-inventory security test
        return wrapper

    return decorate


def public(fn_or_reason):
    """Mark a handler as public by design (it must touch nothing private); see the inventory test.

    ``@public`` for the built-in features (their reasons are listed in the inventory test);
    plugins give the reason in the code: ``@public("only builds a URL from the typed words")``.
    """
    if isinstance(fn_or_reason, str):
        reason = fn_or_reason.strip()
        if not reason:
            raise ValueError("@public(reason) needs a reason")

        def mark(fn):
            fn.__lms_public__ = True
            fn.__lms_public_reason__ = reason
            return fn

        return mark
    fn_or_reason.__lms_public__ = True
    return fn_or_reason
