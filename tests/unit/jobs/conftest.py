"""Queues for the job tests: a fresh SQLite file per test and, when a Redis answers, a Redis queue
on its own database number and key prefix (parallel runs never share keys)."""

from __future__ import annotations

import os
import uuid

import pytest

from lms_app.core.settings import get_settings
from lms_app.jobs import queue


def redis_url() -> str | None:
    """LMS_TEST_REDIS_URL, else a Redis on 127.0.0.1:6379 (db 13) if one answers a ping."""
    url = os.environ.get("LMS_TEST_REDIS_URL") or "redis://127.0.0.1:6379/13"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - no Redis here: those tests skip
        return None
    return url


REDIS_URL = redis_url()


def _sqlite_queue(tmp_path):
    return queue.build_huey(get_settings(), name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"),
                            retry_delay=0)


def _redis_queue(tmp_path):
    if REDIS_URL is None:
        pytest.skip("no Redis reachable (set LMS_TEST_REDIS_URL)")
    return queue.build_huey(get_settings(), name=f"lms-test-{uuid.uuid4().hex}", redis_url=REDIS_URL, retry_delay=0)


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def huey(request, tmp_path):
    """The app's queue for this test, on each storage; restored and flushed afterwards."""
    instance = _sqlite_queue(tmp_path) if request.param == "sqlite" else _redis_queue(tmp_path)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)
    instance.flush()


@pytest.fixture
def sqlite_huey(tmp_path):
    instance = _sqlite_queue(tmp_path)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)
