"""``GET /api/privacy/exports/<id>.zip``: a personal-data export, for its owner (or an admin)
while it has not expired; 404 for anyone else, signed in or not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core import storage_http
from lms_app.core.db import run_db
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}


def _lookup(session, token, export_id):
    from lms_app.privacy.services import personal_data

    actor = actor_or_none(session, token) if token else None
    return personal_data.export_file(session, get_settings(), actor, export_id)


async def export_zip(request: Request) -> Response:
    found = await run_db(_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["export_id"])
    if found is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    from lms_app.privacy.services import personal_data

    name, key = found
    settings = get_settings()
    return storage_http.serve(personal_data.exports_storage(settings), settings, key, media_type="application/zip",
                              filename=name,
                              headers={**_NO_STORE, "X-Content-Type-Options": "nosniff", "Vary": "Cookie",
                                       "Content-Disposition": f'attachment; filename="{name}"'})


ROUTES = [Route("/api/privacy/exports/{export_id}.zip", export_zip, methods=["GET"])]
