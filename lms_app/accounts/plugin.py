"""Accounts: sign-in, registration and profile pages, the session cookie route, avatars,
and the periodic purges of expired sessions, sign-in tickets and throttling counters."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, ScheduledJob, hookimpl, pages_of


@hookimpl
def lms_pages():
    from lms_app.accounts.pages import login, profile, register

    return pages_of(login, register, profile)


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Profile", "/profile", "user", order=10)]


@hookimpl
def lms_http_routes():
    from lms_app.accounts import api

    return api.ROUTES


@hookimpl
def lms_scheduled_jobs():
    from lms_app.core import sessions

    from lms_app.accounts.services import throttle

    return [ScheduledJob("purge-expired-sessions", 60, lambda session, settings: sessions.purge_expired(session),
                         help="Delete expired or long-revoked sessions and spent sign-in tickets."),
            ScheduledJob("purge-throttle-counters", 60,
                         lambda session, settings: throttle.purge(session, settings.login_window_minutes),
                         help="Delete sign-in and registration throttling counters whose window has passed.")]
