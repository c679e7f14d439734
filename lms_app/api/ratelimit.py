"""Rate limits per client address and per credential (the ``limits`` library).

Counters live in memory (one process) by default and in Redis when ``LMS_REDIS_URL`` is set (all
workers share them). A refused request gets 429 with ``Retry-After``; every limited response
carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``. Sign-in and refresh
have their own, stricter limit per address (and sign-in keeps the web login's failure throttle).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from lms_app.api.errors import ApiError
from lms_app.core.settings import get_settings

DEFAULTS = {"ip": "300/minute", "token": "600/minute", "auth": "20/minute"}


def parse_rate(raw: str) -> str:
    parse(raw)  # raises ValueError when it is not "N/period"
    return raw


@functools.cache
def limiter() -> MovingWindowRateLimiter:
    url = get_settings().redis_url
    storage = storage_from_string(url if url else "memory://", **({"key_prefix": "lms-api"} if url else {}))
    return MovingWindowRateLimiter(storage)


def _configured(kind: str) -> str:
    from lms_app.core import plugins

    try:
        return plugins.setting(f"LMS_API_RATE_{kind.upper()}") or DEFAULTS[kind]
    except KeyError:
        return DEFAULTS[kind]


@functools.cache
def item(kind: str) -> RateLimitItem:
    return parse(_configured(kind))


def reset() -> None:
    """Forget the limiter and the parsed limits (tests change them)."""
    if limiter.cache_info().currsize:
        limiter().storage.reset()
    limiter.cache_clear()
    item.cache_clear()


@dataclass
class Window:
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> dict[str, str]:
        return {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                "RateLimit-Reset": str(self.reset_seconds)}


def hit(kind: str, key: str) -> Window:
    """Count one request for ``key`` under limit ``kind``; raise 429 when over."""
    rate = item(kind)
    ok = limiter().hit(rate, kind, key)
    stats = limiter().get_window_stats(rate, kind, key)
    reset_seconds = max(1, math.ceil(stats.reset_time - time.time()))
    window = Window(rate.amount, max(0, stats.remaining), reset_seconds)
    if not ok:
        raise ApiError(429, f"Too many requests. Try again in {reset_seconds} seconds.", "rate_limited",
                       headers={"Retry-After": str(reset_seconds), **window.headers()})
    return window
