"""RFC 8058 one-click unsubscribe: mail clients POST ``List-Unsubscribe=One-Click`` to the URL in
the ``List-Unsubscribe`` header. The mail provider's server calls it (no browser Origin, a form
body), so the route opts out of the browser CSRF checks: the HMAC-signed token in the path is
what authenticates it, and it can only turn one kind of e-mail off for one user."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core.plugin_api import route_policy
from lms_app.notifications import services

_NO_STORE = {"Cache-Control": "no-store"}


@route_policy(max_body=1024, server_to_server=True)
async def one_click_unsubscribe(request: Request) -> JSONResponse:
    label = await run_db(services.unsubscribe, request.path_params.get("token", ""))
    if label is None:
        return JSONResponse({"error": "unknown link"}, status_code=404, headers=_NO_STORE)
    return JSONResponse({"unsubscribed": label}, headers=_NO_STORE)


ROUTES = [Route("/api/unsubscribe/{token}", one_click_unsubscribe, methods=["POST"])]
