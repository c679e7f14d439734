"""Accounts: sign-in, registration and profile pages, the session cookie route, avatars,
and the periodic purges of expired sessions, sign-in tickets and throttling counters."""

from __future__ import annotations

from lms_app.accounts import models  # noqa: F401  (registers account_tokens on SQLModel.metadata)
from lms_app.accounts.mfa import models as mfa_models  # noqa: F401  (two-factor sign-in tables)
from lms_app.accounts.oidc import models as oidc_models  # noqa: F401  (identity-provider tables)
from lms_app.core.plugin_api import NavItem, ProfileSection, ScheduledJob, hookimpl, pages_of
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
    from lms_app.accounts.oidc import api as oidc_api

    return api.ROUTES + oidc_api.ROUTES


@hookimpl
def lms_scheduled_jobs():
    from lms_app.accounts.services import throttle, tokens
    from lms_app.core import sessions

    return [ScheduledJob("purge-expired-sessions", 60,
                         lambda session, settings: sessions.purge_expired(session) + tokens.purge(session),
                         help="Delete expired or long-revoked sessions, spent sign-in tickets and old e-mail links."),
            ScheduledJob("purge-mfa-challenges", 60, lambda session, settings: _mfa().purge(session) + _oidc_purge(session),
                         help="Delete expired two-factor challenges, remembered devices and identity-provider sign-ins."),
            ScheduledJob("purge-throttle-counters", 60,
                         lambda session, settings: throttle.purge(session, settings.login_window_minutes),
                         help="Delete sign-in and registration throttling counters whose window has passed.")]


def _oidc_purge(session) -> int:
    from lms_app.accounts.oidc import service

    return service.purge(session)


def _mfa():
    from lms_app.accounts.mfa import service

    return service


@hookimpl
def lms_profile_sections():
    from lms_app.accounts.mfa import pages as mfa_pages

    from lms_app.accounts.oidc import pages as oidc_pages

    return [ProfileSection("two-factor", mfa_pages.section, order=20),
            ProfileSection("linked-sign-in", oidc_pages.section, order=21)]


@hookimpl
def lms_config_problems(settings):
    """In production every active admin must have two-factor sign-in (set it up on /profile, or
    ``manage mfa-setup EMAIL`` before the first start)."""
    from lms_app.accounts.oidc import providers

    problems = providers.load()[1]
    if not settings.is_production:
        return problems
    try:
        from lms_app.core.db import session_scope

        with session_scope() as session:
            missing = _mfa().admins_without_mfa(session)
    except Exception:  # no schema yet (first start before migrate): nothing to check
        return problems
    if not missing:
        return problems
    return problems + ["Admins without two-factor sign-in: " + ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            + ". Set it up on /profile (or python -m lms_app.manage mfa-setup EMAIL), or remove the admin role."]
@hookimpl
def lms_personal_data():
    return [PersonalData("account_tokens", ("user_id",), "delete", secret=("token_hash",),
                         why="E-mail verification and reset links: useless once the account is gone."),
            PersonalData("mfa_totp", ("user_id",), "delete", secret=("secret_enc",),
                         why="The two-factor key (exported as the fact that two-factor was on, never the key)."),
            PersonalData("mfa_recovery_codes", ("user_id",), "delete", secret=("code_hash",),
                         why="Two-factor recovery codes (hashes only; never exported)."),
            PersonalData("mfa_challenges", ("user_id",), "delete", export=False, secret=("token_hash",),
                         why="Five-minute sign-in challenges: bookkeeping, not the person's data."),
            PersonalData("mfa_devices", ("user_id",), "delete", secret=("claim_hash", "token_hash"),
                         why="Devices remembered for two-factor sign-in."),
            PersonalData("oidc_identities", ("user_id",), "delete",
                         why="Identity-provider accounts linked for sign-in (provider, subject, e-mail)."),
            PersonalData("oidc_flows", ("link_user_id",), "delete", export=False,
                         secret=("state_hash", "ticket_hash", "browser_hash", "nonce", "code_verifier"),
                         why="Ten-minute sign-in flows in progress: bookkeeping, not the person's data.")]
