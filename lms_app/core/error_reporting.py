"""Optional error reports to Sentry (``LMS_SENTRY_DSN``), in the web process and the job worker.

sentry-sdk is imported only when a DSN is set, so a deployment without Sentry pays nothing.
``send_default_pii`` stays off and the log redaction of ``core/log_hygiene.py`` runs before
Sentry's logging integration sees a record, so no password, token or card number is sent.
"""

from __future__ import annotations

from lms_app.core.settings import Settings

_installed = False


def install(settings: Settings) -> bool:
    """Start the Sentry client once per process; False when no DSN is configured."""
    global _installed
    if not settings.sentry_dsn or _installed:
        return _installed
    import sentry_sdk

    sentry_sdk.init(dsn=settings.sentry_dsn, environment=settings.environment, send_default_pii=False,
                    traces_sample_rate=0.0)
    _installed = True
    return True
