"""Authoring's HTTP routes: course thumbnails (public) and lesson files (for those who may open the lesson)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lms_app.core import storage, storage_http
from lms_app.core.db import run_db
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}


async def thumbnail(request: Request) -> Response:
    """Course thumbnails are public pictures, stored privately under unguessable names."""
    from lms_app.authoring.services.courses import THUMBNAILS

    settings = get_settings()
    return storage_http.serve(storage.get_storage(settings), settings,
                              storage.key(THUMBNAILS, request.path_params["name"]), media_type="image/webp",
                              public=True, headers={"Cache-Control": "public, max-age=31536000, immutable",
                                                    "X-Content-Type-Options": "nosniff"})


def _lesson_file_lookup(session, token, lesson_id):
    from lms_app.learning.services import course_access

    return course_access.lesson_file(session, get_settings(), actor_or_none(session, token), lesson_id)


async def lesson_file(request: Request) -> Response:
    """A lesson's stored file, only for viewers who may open the lesson (404 for everyone else)."""
    found = await run_db(_lesson_file_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["lesson_id"])
    if found is None:
        return Response("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    disposition = "inline" if found.mime in ("application/pdf", "video/mp4", "video/webm") else "attachment"
    safe_name = "".join(ch for ch in found.name if ch.isalnum() or ch in " ._-")[:120] or "lesson"
    settings = get_settings()
    return storage_http.serve(storage.get_storage(settings), settings, found.key, media_type=found.mime,
                              filename=safe_name, disposition=disposition,
                              headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff",
                                       "Content-Disposition": f'{disposition}; filename="{safe_name}"',
                                       "Vary": "Cookie"})


ROUTES = [
    Route("/media/thumbnails/{name}", thumbnail, methods=["GET", "HEAD"]),
    Route("/media/lessons/{lesson_id}", lesson_file, methods=["GET", "HEAD"]),
]
