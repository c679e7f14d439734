"""Prometheus metrics of one app process (prometheus_client): HTTP and event-handler latency,
the database pool, active websocket connections, and the gauges plugins add through the
``lms_metrics`` hook (the job queue's depth and failures: ``jobs/plugin.py``).

One registry per process (not the library's global one, so tests and a second app in one
process cannot collide). Labels are bounded on purpose: HTTP requests are labelled by method,
status class and the *route template* a request matched (``/api/certificates/{number}``), never
the raw path, and events are not labelled by handler name — a client can send any name, and
one label value per invented name would be a memory leak anyone could drive.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REGISTRY = CollectorRegistry()
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_SECONDS = Histogram("lms_http_request_seconds", "HTTP request latency (to the end of the response body)",
                         ["method", "route", "status"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
EVENT_SECONDS = Histogram("lms_event_seconds", "Reflex event handler latency (event received to state update)",
                          buckets=LATENCY_BUCKETS, registry=REGISTRY)
EVENTS = Counter("lms_events", "Reflex events processed", registry=REGISTRY)

_app_getter: Callable | None = None


def _builtin_gauges():
    """The core's own gauges: the database pool (QueuePool on PostgreSQL; SQLite's pool has no
    size, so those reads are skipped) and this worker's connected tabs."""
    from lms_app.core.db import get_engine
    from lms_app.core.plugin_api import MetricGauge

    gauges = [MetricGauge("lms_db_pool_checked_out", "Database connections in use",
                          lambda: get_engine().pool.checkedout()),
              MetricGauge("lms_db_pool_size", "Database pool size", lambda: get_engine().pool.size())]
    if _app_getter is not None:
        gauges.append(MetricGauge("lms_websocket_connections", "Browser tabs connected to this worker",
                                  lambda: len(_app_getter().event_namespace.sid_to_token)))
    return gauges


class _Gauges(Collector):
    """Reads every gauge (the core's and the plugins' ``lms_metrics``) at scrape time."""

    def collect(self):
        from lms_app.core import plugins

        for gauge in [*_builtin_gauges(), *plugins.collected("lms_metrics")]:
            try:
                value = float(gauge.read())
            except Exception:  # noqa: BLE001 - a gauge whose source is down is left out of the scrape
                continue
            yield GaugeMetricFamily(gauge.name, gauge.help, value=value)


REGISTRY.register(_Gauges())


def install(app) -> None:
    """Time the app's events and count its connections (called once by the app assembly)."""
    global _app_getter
    app.add_middleware(EventMetrics())
    _app_getter = lambda: app  # noqa: E731


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def _route_of(scope: Scope, routes) -> str:
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "path", "") or "other"
    path = scope.get("path", "")
    if path.startswith("/_"):  # Reflex's own endpoints: /_upload, /_event, /_health
        return "/" + path.split("/")[1]
    return "page" if scope.get("method") == "GET" else "other"


class HttpMetrics:
    """ASGI wrapper timing every HTTP request by its matched route template."""

    def __init__(self, app: ASGIApp, routes=()):
        self.app = app
        self.routes = list(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = ["5xx"]

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = f"{message['status'] // 100}xx"
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            HTTP_SECONDS.labels(scope.get("method", ""), _route_of(scope, self.routes), status[0]).observe(
                time.perf_counter() - started)


class EventMetrics:
    """Reflex event middleware (``app.add_middleware``): time from the handler's start to each
    state update it sends."""

    _started: dict[int, float]

    def __init__(self):
        self._started = {}

    async def preprocess(self, app, state, event):
        if len(self._started) > 10_000:  # handlers that raised never reached postprocess: forget them
            self._started.clear()
        self._started[id(event)] = time.perf_counter()
        EVENTS.inc()
        return None

    async def postprocess(self, app, state, event, update):
        started = self._started.pop(id(event), None)
        if started is not None:
            EVENT_SECONDS.observe(time.perf_counter() - started)
        return update


__all__ = ["EVENT_SECONDS", "EventMetrics", "HTTP_SECONDS", "HttpMetrics", "REGISTRY", "exposition", "install"]
