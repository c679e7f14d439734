"""The plain HTTP side of the app: every plugin's routes in one Starlette app, mounted beside
Reflex's websocket through ``rx.App(api_transformer=...)``, and the request guard
(``core/request_guard.py``) wrapped around all of it, Reflex's ``/_upload`` and ``/_event``
included, then the security headers, the latency metrics and, outermost, the request id that
every log line of the request carries (``core/log_setup.py``)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp

from lms_app.core import plugins
from lms_app.core.log_setup import RequestId
from lms_app.core.metrics import HttpMetrics
from lms_app.core.request_guard import RequestGuard
from lms_app.core.security_headers import SecurityHeaders


def build_api() -> Starlette:
    """Every plugin's HTTP routes (``lms_http_routes``), in plugin order."""
    return Starlette(routes=list(plugins.collected("lms_http_routes")))


def guard(app: ASGIApp) -> ASGIApp:
    """Size limits, CSRF and origin checks in front of ``app`` (see request_guard)."""
    return RequestGuard(app, routes=plugins.collected("lms_http_routes"))


def api_transformers() -> list:
    """For ``rx.App(api_transformer=...)``: Reflex mounts its own app under our routes, then the
    guard wraps the whole backend so nothing reaches an endpoint unchecked, and the security
    headers (``core/security_headers.py``) go on every response, the guard's refusals included."""
    return [build_api(), guard, SecurityHeaders, timed, RequestId]


def timed(app: ASGIApp) -> ASGIApp:
    """HTTP latency by route template for /metrics (``core/metrics.py``), refusals included."""
    return HttpMetrics(app, routes=plugins.collected("lms_http_routes"))
