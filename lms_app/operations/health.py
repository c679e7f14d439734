"""What the health check looks at: the database, Redis (when configured) and the job queue.

Used by the container's HEALTHCHECK and load balancers: 200 when every part answers, 503 with
the failing part named otherwise (no error text: that could carry hosts or credentials)."""

from __future__ import annotations

from sqlalchemy import text

from lms_app.core.db import get_engine
from lms_app.core.settings import Settings


def _database() -> None:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1")).one()


def _redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _jobs() -> None:
    from lms_app.jobs.queue import get_huey

    get_huey().pending_count()  # reads the queue's storage (SQLite file or Redis list)


def check(settings: Settings) -> dict[str, str]:
    """{"database": "ok"|"down", "redis": "ok"|"down"|"off", "jobs": "ok"|"down"}"""
    parts = {"database": _database, "redis": (lambda: _redis(settings.redis_url)) if settings.redis_url else None,
             "jobs": _jobs}
    result = {}
    for name, probe in parts.items():
        if probe is None:
            result[name] = "off"
            continue
        try:
            probe()
            result[name] = "ok"
        except Exception:  # noqa: BLE001 - any failure means "down"; the detail stays in the server
            result[name] = "down"
    return result


def healthy(result: dict[str, str]) -> bool:
    return all(value in ("ok", "off") for value in result.values())
