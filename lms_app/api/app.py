"""The FastAPI app behind ``/api/v1``: auth and ``/me`` from here, every feature's router from
the ``lms_api_routers`` hook. Mounted beside Reflex through ``lms_http_routes`` (so the request
guard runs in front of it) by ``api/plugin.py``."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from starlette.routing import Mount

from lms_app.api import errors
from lms_app.api.deps import ip_limit
from lms_app.core.request_guard import RoutePolicy

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
    routers = list(plugins.collected("lms_api_routers"))
    for router in routers:
        app.include_router(router)
    app.state.lms_routers = [auth.router, *routers]  # the upload endpoints are found in them (ApiMount)
    return app


def upload(max_bytes):
    """Mark an API endpoint as a multipart file upload of at most ``max_bytes`` (plus framing), an
    int or a function returning one (read when the API is mounted, once the plugins are loaded):
    the request guard lets its body through with that limit instead of the API's JSON policy."""

    def mark(endpoint):
        endpoint.lms_upload_limit = max_bytes
        return endpoint

    return mark


class ApiMount(Mount):
    """The mount of the API app; carries the request guard's policy for everything under it
    (``lms_policy_for``: the JSON policy, or the upload policy of an endpoint marked ``upload``)."""

    lms_route_policy = API_POLICY

    def __init__(self, path: str, app: FastAPI):
        super().__init__(path, app=app)
        from fastapi.routing import APIRoute

        from lms_app.core.request_guard import MULTIPART_SLACK

        self.uploads = [(route.path_regex, route.methods, RoutePolicy(
            max_body=_limit(route.endpoint.lms_upload_limit) + MULTIPART_SLACK, content_types=("multipart/form-data",),
            bearer_auth=True)) for router in getattr(app.state, "lms_routers", ()) for route in router.routes
            if isinstance(route, APIRoute) and getattr(route.endpoint, "lms_upload_limit", None)]

    def lms_policy_for(self, scope) -> RoutePolicy:
        path = scope["path"]
        if self.uploads and path.startswith(PREFIX + "/"):
            inner = path[len(PREFIX):]
            for regex, methods, policy in self.uploads:
                if scope["method"] in methods and regex.match(inner):
                    return policy
        return API_POLICY


def _limit(value) -> int:
    return value() if callable(value) else value


def mount() -> ApiMount:
    return ApiMount(PREFIX, app=build_app())
