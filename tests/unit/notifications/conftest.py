"""A fresh SQLite job queue per test, so mail queued by notifications lands in a queue we control."""

from __future__ import annotations

import uuid

import pytest

from lms_app.core.settings import get_settings
from lms_app.jobs import queue


@pytest.fixture(autouse=True)
def jobs_queue(tmp_path):
    instance = queue.build_huey(get_settings(), name=f"n-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"),
                                retry_delay=0)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)


from tests.unit.mail.conftest import smtp_server  # noqa: E402,F401  (a real SMTP server, aiosmtpd)
