"""The REST API: mounts ``/api/v1`` (FastAPI) and redirects ``/api/docs`` to its docs page."""

from __future__ import annotations

from lms_app.api import models  # noqa: F401  (registers the token tables on SQLModel.metadata)
from lms_app.core.plugin_api import PersonalData, PluginSetting, hookimpl


@hookimpl
def lms_http_routes():
    from starlette.responses import RedirectResponse
    from starlette.routing import Route

    from lms_app.api.app import PREFIX, mount

    async def docs(request):
        return RedirectResponse(f"{PREFIX}/docs")

    return [mount(), Route("/api/docs", docs, methods=["GET"])]


@hookimpl
def lms_settings():
    from lms_app.api.ratelimit import DEFAULTS, parse_rate

    from lms_app.api.services.tokens import parse_keys

    return [PluginSetting(f"LMS_API_RATE_{kind.upper()}", value, parse_rate,
                          f"API rate limit per {what}, like '{value}'")
            for (kind, value), what in zip(DEFAULTS.items(), ("client address", "token",
                                                              "address for sign-in and refresh"))] + [
        PluginSetting("LMS_JWT_KEYS", (), parse_keys,
                      "API access-token keys 'kid:secret,...' (32+ characters each): the first signs, all "
                      "verify (rotation); empty: one key derived from LMS_SECRET_KEY")]


@hookimpl
def lms_credentials_revoked(session, user_id, reason):
    from lms_app.api.services import tokens

    return tokens.on_credentials_revoked(session, user_id, reason)


@hookimpl
def lms_profile_sections():
    from lms_app.api import pages
    from lms_app.core.plugin_api import ProfileSection

    return [ProfileSection("api-tokens", pages.section, order=300)]


@hookimpl
def lms_personal_data():
    return [PersonalData("api_refresh_tokens", ("user_id",), "delete", export=False, secret=("token_hash",),
                         why="API sign-ins: revoked with the account; hashes only, never exported."),
            PersonalData("api_tokens", ("user_id",), "delete", secret=("token_hash",),
                         why="Personal access tokens (name, scopes, last use; never the token itself).")]
