"""The FastAPI app behind ``/api/v1``: auth and ``/me`` from here, every feature's router from
the ``lms_api_routers`` hook. Mounted beside Reflex through ``lms_http_routes`` (so the request
guard runs in front of it) by ``api/plugin.py``."""

from __future__ import annotations

import functools
import re

from fastapi import Depends, FastAPI
from starlette.routing import Mount

from lms_app.api import errors
from lms_app.api.deps import ip_limit
from lms_app.core.request_guard import RoutePolicy, upload_limit

PREFIX = "/api/v1"
VERSION = "1.0.0"
# Bodies are small JSON documents; the guard refuses larger ones before they are read.
API_POLICY = RoutePolicy(max_body=64 * 1024, bearer_auth=True)

DESCRIPTION = """The Lumen Learning REST API.

Sign in with `POST /auth/token` (email + password) for a 15-minute access token and a refresh
token, or create a personal access token on your profile (scopes: read, learn, teach, admin).
Send it as `Authorization: Bearer <token>`. Every error is `{"error", "code", "field"}`.
Rate limits are announced in `RateLimit-*` headers; 429 comes with `Retry-After`."""


def build_app() -> FastAPI:
    from lms_app.api import auth, hygiene
    from lms_app.core import plugins

    app = FastAPI(title="Lumen Learning API", version=VERSION, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None,
                  dependencies=[Depends(ip_limit)],
                  # Every request may meet the guard (size, content type) and the rate limits.
                  responses=errors.responses(404, 413, 415, 429))
    errors.install(app)

    @app.middleware("http")
    async def no_store(request, call_next):
        # Tokens and private data must not be cached by browsers or proxies.
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.include_router(auth.router)
    app.include_router(hygiene.router)
    for router in plugins.collected("lms_api_routers"):
        app.include_router(router)
    return app


# API operations that take a file (multipart/form-data) up to the largest lesson-type limit; each
# endpoint then enforces its own type's limit while reading. Bearer only, like the rest.
UPLOADS = (("PUT", re.compile(r"^/teach/lessons/[0-9]+/file$")),)


@functools.cache
def upload_policy() -> RoutePolicy:
    return RoutePolicy(max_body=upload_limit(), content_types=("multipart/form-data",), bearer_auth=True)


class ApiMount(Mount):
    """The mount of the API app; carries the request guard's policy for everything under it
    (small JSON bodies), except the upload operations (``UPLOADS``)."""

    lms_route_policy = API_POLICY

    def lms_policy_for(self, scope) -> RoutePolicy:
        path = scope["path"][len(PREFIX):] if scope["path"].startswith(PREFIX) else scope["path"]
        if any(scope["method"] == m and rx.match(path) for m, rx in UPLOADS):
            return upload_policy()
        return API_POLICY


def mount() -> ApiMount:
    return ApiMount(PREFIX, app=build_app())
