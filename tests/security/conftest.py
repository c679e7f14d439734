"""A live backend shared by the attack tests that need real HTTP (see live_server.py)."""

from __future__ import annotations

import pytest

from tests.log_secrets import secrets_in
from tests.security import live

WEBHOOK_SECRET = "webhook-secret-for-the-security-tests"


@pytest.fixture(scope="session")
def live_backend(_schema):
    """The production ASGI stack in its own process, on the test database (development mode:
    no LMS_PUBLIC_URL, localhost origins trusted), with the signed-webhook gateway on."""
    running = live.start({"LMS_PAYMENT_GATEWAY": "webhook", "LMS_WEBHOOK_SECRET": WEBHOOK_SECRET})
    yield running
    live.stop(running)
    log = running.log()
    running.log_path.unlink(missing_ok=True)
    assert not secrets_in(log), f"secrets in the live server's log: {secrets_in(log)}"
    assert "Traceback" not in log, "a traceback in the live server's log:\n" + log[-3000:]
