"""Accounts: sign-in, registration and profile pages, the session cookie route, avatars,
and the periodic purges of expired sessions, sign-in tickets and throttling counters."""

from __future__ import annotations

from lms_app.accounts import models  # noqa: F401  (registers account_tokens on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, ScheduledJob, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData


@hookimpl
def lms_pages():
    from lms_app.accounts.pages import forgot_password, login, profile, register, reset_password, verify_email

    return pages_of(login, register, profile, forgot_password, reset_password, verify_email)


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Profile", "/profile", "user", order=10)]


@hookimpl
def lms_http_routes():
    from lms_app.accounts import api

    return api.ROUTES


@hookimpl
def lms_scheduled_jobs():
    from lms_app.accounts.services import throttle, tokens
    from lms_app.core import sessions

    return [ScheduledJob("purge-expired-sessions", 60,
                         lambda session, settings: sessions.purge_expired(session) + tokens.purge(session),
                         help="Delete expired or long-revoked sessions, spent sign-in tickets and old e-mail links."),
            ScheduledJob("purge-throttle-counters", 60,
                         lambda session, settings: throttle.purge(session, settings.login_window_minutes),
                         help="Delete sign-in and registration throttling counters whose window has passed.")]


@hookimpl
def lms_personal_data():
    return [PersonalData("account_tokens", ("user_id",), "delete", secret=("token_hash",),
                         why="E-mail verification and reset links: useless once the account is gone.")]
