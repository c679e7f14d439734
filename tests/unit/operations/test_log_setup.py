"""Logging: JSON lines in production with the request id on each, readable lines elsewhere, the
same id in the X-Request-ID reply, and no secret on any line (redaction happens before format)."""

from __future__ import annotations

import dataclasses
import io
import json
import logging

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_app.core import log_hygiene, log_setup

log = logging.getLogger("lms.test.requests")


@pytest.fixture
def handler_for():
    """Our own root handler on a StringIO (the app's, if an earlier test imported the app, is set
    aside meanwhile: configure() returns an existing one instead of adding a second)."""
    root = logging.getLogger()
    existing = [h for h in root.handlers if getattr(h, "lms_handler", False)]
    for handler in existing:
        root.removeHandler(handler)
    installed = []

    def make(settings):
        stream = io.StringIO()
        handler = log_setup.configure(settings, stream=stream)
        installed.append(handler)
        return stream

    yield make
    for handler in installed:
        root.removeHandler(handler)
    for handler in existing:
        root.addHandler(handler)


@pytest.fixture
def client():
    async def sign_in(request):
        log.warning("sign-in attempt password=hunter2-secret for %s", "ada@example.org")
        return PlainTextResponse("ok")

    log_hygiene.install()
    log.disabled = False  # an earlier test's logging.config (Alembic's fileConfig) may have disabled it
    return TestClient(log_setup.RequestId(Starlette(routes=[Route("/x", sign_in)])))


def test_production_lines_are_json_with_the_request_id(settings, handler_for, client):
    stream = handler_for(dataclasses.replace(settings, environment="production"))
    response = client.get("/x")
    request_id = response.headers["x-request-id"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if "lms.test.requests" in line]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == request_id and line["level"] == "WARNING" and line["logger"] == "lms.test.requests"
    assert "hunter2" not in stream.getvalue()
    assert "[redacted]" in line["message"]


def test_development_lines_are_text_and_a_sane_proxy_id_is_kept(settings, handler_for, client):
    stream = handler_for(settings)
    response = client.get("/x", headers={"X-Request-ID": "edge-1234abcd"})
    assert response.headers["x-request-id"] == "edge-1234abcd"
    line = next(line for line in stream.getvalue().splitlines() if "lms.test.requests" in line)
    assert "WARNING [edge-1234abcd] lms.test.requests:" in line
    assert not line.startswith("{")


def test_an_insane_proxy_id_is_replaced(settings, handler_for, client):
    handler_for(settings)
    response = client.get("/x", headers={"X-Request-ID": "a\"}; injected"})
    assert response.headers["x-request-id"] != "a\"}; injected"
    assert len(response.headers["x-request-id"]) == 16


def test_configure_is_idempotent(settings, handler_for):
    handler_for(settings)
    before = len(logging.getLogger().handlers)
    log_setup.configure(settings)
    assert len(logging.getLogger().handlers) == before


def test_job_runs_carry_their_task_id(settings, handler_for):
    from lms_app.jobs.queue import run_recorded

    stream = handler_for(settings)
    log.disabled = False
    run_recorded("t", lambda session: log.warning("inside the job") or 1, periodic=False, task_id="abc123def456")
    line = next(line for line in stream.getvalue().splitlines() if "inside the job" in line)
    assert "[job-abc123def456]" in line
    assert log_setup.CONTEXT.get() == ""  # reset after the run
