"""POST /api/progress/position: the video position a leaving page sends with navigator.sendBeacon.

The websocket cannot be relied on while a tab closes or navigates away, so the player's hooks
(assets/player_hooks.js) send the last position here as JSON. The request guard
(core/request_guard.py) has already refused bodies over 1 KB, non-JSON bodies and origins
that are not trusted; the HttpOnly session cookie names the learner and the same service
function as the websocket handler decides: enrolled, the lesson open to them, a sane number.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.request_guard import KB, route_policy

MAX_BODY = KB


def _save(session, token, lesson_id, position, duration):
    from lms_app.learning.services import progress

    actor = actor_or_none(session, token)
    if actor is None:
        return 401
    try:
        progress.save_position(session, actor, lesson_id, position, duration)
    except PermissionDenied:
        return 403
    except ServiceError:
        return 400
    return 204


@route_policy(max_body=MAX_BODY)
async def save_position(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return Response(status_code=413)
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return Response(status_code=400)
    if not isinstance(data, dict):
        return Response(status_code=400)
    status = await run_db(_save, request.cookies.get(SESSION_COOKIE), data.get("lesson_id"), data.get("position"),
                          data.get("duration"))
    return Response(status_code=status, headers={"Cache-Control": "no-store"})


ROUTES = [Route("/api/progress/position", save_position, methods=["POST"])]
