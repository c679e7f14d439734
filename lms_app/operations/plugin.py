"""Operations: /api/health, /metrics (Prometheus, bearer token), optional Sentry error reports."""

from __future__ import annotations

from lms_app.core.plugin_api import PluginSetting, hookimpl


def _token(raw: str) -> str:
    if len(raw) < 24:
        raise ValueError("must be at least 24 characters")
    return raw


@hookimpl
def lms_settings():
    return [PluginSetting("LMS_METRICS_TOKEN", None, _token,
                          "bearer token for /metrics; without one /metrics is closed in production and open "
                          "elsewhere"),
            PluginSetting("LMS_SENTRY_DSN", None, str, "send unhandled errors to Sentry (sentry-sdk); empty: off")]


@hookimpl
def lms_http_routes():
    from lms_app.operations import routes

    return routes.ROUTES
