"""Live sessions' HTTP route: the personal calendar feed (``/api/live/calendar.ics?token=...``).

Calendar apps fetch it without cookies, so the secret token in the URL is the credential (only its
hash is stored; the user rotates or revokes it on the dashboard). The token travels as a query
parameter so the log redaction (``token=...``) keeps it out of access logs."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core.db import run_db


async def calendar_feed(request: Request) -> Response:
    from lms_app.live import services

    text = await run_db(services.feed_for_token, request.query_params.get("token"))
    if text is None:
        return Response("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    return Response(text, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": 'inline; filename="live-sessions.ics"'})


ROUTES = [Route("/api/live/calendar.ics", calendar_feed, methods=["GET"])]
