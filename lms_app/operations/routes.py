"""``GET /api/health`` (database, Redis, job queue) and ``GET /metrics`` (Prometheus).

/metrics needs ``Authorization: Bearer $LMS_METRICS_TOKEN`` when that is set (the production
checks require it); without a token it answers outside production only, so a deployment can
never publish its figures by forgetting a setting."""

from __future__ import annotations

import asyncio
import hmac

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lms_app.core import metrics, plugins
from lms_app.core.settings import get_settings
from lms_app.operations import health as health_checks

_NO_STORE = {"Cache-Control": "no-store"}


async def health(request: Request) -> Response:
    result = await asyncio.to_thread(health_checks.check, get_settings())
    return JSONResponse({"status": "ok" if health_checks.healthy(result) else "down", **result},
                        status_code=200 if health_checks.healthy(result) else 503, headers=_NO_STORE)


def metrics_allowed(authorization: str | None, token: str | None, production: bool) -> bool:
    if not token:
        return not production
    expected = f"Bearer {token}".encode()
    return hmac.compare_digest((authorization or "").encode(), expected)


async def prometheus(request: Request) -> Response:
    settings = get_settings()
    if not metrics_allowed(request.headers.get("authorization"), plugins.setting("LMS_METRICS_TOKEN"),
                           settings.is_production):
        return JSONResponse({"error": "metrics need the bearer token (LMS_METRICS_TOKEN)"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer", **_NO_STORE})
    body = await asyncio.to_thread(metrics.exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=_NO_STORE)


ROUTES = [Route("/api/health", health, methods=["GET"]), Route("/metrics", prometheus, methods=["GET"])]
