"""/api/health names the part that is down; /metrics exposes latency histograms labelled by route
template, the core's and plugins' gauges, and is closed by a bearer token (always in production)."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_app.core import metrics, plugins
from lms_app.core.settings import get_settings
from lms_app.jobs import queue
from lms_app.operations import routes

TOKEN = "t" * 12 + "0123456789ab"


@pytest.fixture
def client():
    async def hello(request):
        return PlainTextResponse("hi")

    app = Starlette(routes=[*routes.ROUTES, Route("/api/hello/{name}", hello)])
    with TestClient(metrics.HttpMetrics(app, routes=app.routes)) as test_client:
        yield test_client


@pytest.fixture
def own_queue(tmp_path):
    huey = queue.build_huey(get_settings(), name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"))
    previous = queue.use_huey(huey)
    yield huey
    queue.use_huey(previous)


@pytest.fixture
def settings_env(use_env):
    def apply(**values):
        settings = use_env(**values)
        plugins._plugin_settings.cache_clear()
        return settings

    yield apply
    plugins._plugin_settings.cache_clear()


def test_health_is_ok_when_database_and_queue_answer(client, own_queue):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "off", "jobs": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_health_names_redis_when_it_is_down(client, own_queue, settings_env):
    settings_env(LMS_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["redis"] == "down" and response.json()["database"] == "ok"
    assert "127.0.0.1" not in response.text


def _sample(text: str, name: str, **labels) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_requests_are_timed_by_route_template_not_raw_path(client, own_queue):
    for name in ("ada", "bob", "cy"):
        assert client.get(f"/api/hello/{name}").status_code == 200
    text = client.get("/metrics").text
    assert _sample(text, "lms_http_request_seconds_count", method="GET", route="/api/hello/{name}",
                   status="2xx") == 3
    assert "ada" not in text and "bob" not in text


def test_gauges_from_the_core_and_from_plugins(client, own_queue, db):
    from lms_app.jobs.models import JobRun

    own_queue.enqueue(own_queue.task()(lambda: None).s())
    db.add(JobRun(name="x", outcome="failed"))
    db.commit()
    text = client.get("/metrics").text
    assert _sample(text, "lms_jobs_queued") == 1
    assert _sample(text, "lms_jobs_failed_last_day") == 1
    assert re.search(r"^lms_events_total ", text, re.M)


def test_event_middleware_times_each_event():
    middleware = metrics.EventMetrics()
    before = metrics.EVENT_SECONDS.collect()[0].samples
    count = next(s.value for s in before if s.name.endswith("_count"))
    event = object()

    async def run():
        assert await middleware.preprocess(None, None, event) is None
        assert await middleware.postprocess(None, None, event, "update") == "update"

    asyncio.run(run())
    after = next(s.value for s in metrics.EVENT_SECONDS.collect()[0].samples if s.name.endswith("_count"))
    assert after == count + 1
    assert middleware._started == {}  # nothing kept per event once it is done


def test_metrics_token(client, own_queue, settings_env):
    settings_env(LMS_METRICS_TOKEN=TOKEN)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_production_without_a_token_keeps_metrics_closed(settings_env):
    settings_env(LMS_METRICS_TOKEN=None)
    assert routes.metrics_allowed(None, None, production=False)
    assert not routes.metrics_allowed(None, None, production=True)
    assert not routes.metrics_allowed("Bearer ", None, production=True)
    with pytest.raises(Exception, match="24"):
        settings_env(LMS_METRICS_TOKEN="short")
        plugins.setting("LMS_METRICS_TOKEN")
