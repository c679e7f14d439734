"""``/media/submissions/<file id>``: a submission's file for its author, an assigned peer reviewer
(under an anonymous name), the course's teacher or an admin; 404 for everyone else."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core import storage, storage_http
from lms_app.core.db import run_db
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.settings import get_settings


def _lookup(session, token, file_id):
    from lms_app.assignments.services import submissions

    return submissions.readable_file(session, get_settings(), actor_or_none(session, token), file_id)


async def submission_file(request: Request) -> Response:
    found = await run_db(_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["file_id"])
    if found is None:
        return Response("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    key, mime, name = found
    disposition = "inline" if mime in ("application/pdf", "image/png", "image/jpeg", "image/gif",
                                       "image/webp") else "attachment"
    safe_name = "".join(ch for ch in name if ch.isalnum() or ch in " ._-")[:120] or "submission"
    settings = get_settings()
    return storage_http.serve(storage.get_storage(settings), settings, key, media_type=mime, filename=safe_name,
                              disposition=disposition,
                              headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff",
                                       "Content-Disposition": f'{disposition}; filename="{safe_name}"',
                                       "Content-Security-Policy": "default-src 'none'; sandbox", "Vary": "Cookie"})


ROUTES = [Route("/media/submissions/{file_id}", submission_file, methods=["GET", "HEAD"])]
