"""Payout statement downloads (PDF and CSV): the statement's teacher or an admin, by the session
cookie like the receipts; everyone else gets 404 (the address reveals nothing)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}


def _lookup(session, token, kind, teacher_id, month, currency):
    from lms_app.payouts import services

    actor = actor_or_none(session, token)
    try:
        if kind == "pdf":
            return services.statement_pdf(session, actor, teacher_id, month, currency, get_settings().site_name)
        return services.statement_csv(session, actor, teacher_id, month, currency)
    except ServiceError:  # PermissionDenied included: not yours → not found
        return None


def _download(kind: str, media_type: str):
    async def endpoint(request: Request) -> Response:
        p = request.path_params
        found = await run_db(_lookup, request.cookies.get(SESSION_COOKIE), kind, p["teacher_id"], p["month"],
                             p["currency"])
        if found is None:
            return Response("Not found", status_code=404, headers=_NO_STORE)
        name, data = found
        return Response(data, media_type=media_type,
                        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                                 "Content-Disposition": f'attachment; filename="{name}"', "Vary": "Cookie"})

    endpoint.__name__ = f"payout_statement_{kind}"
    return endpoint


ROUTES = [
    Route("/api/payouts/{teacher_id}/{month}/{currency}/statement.pdf", _download("pdf", "application/pdf"),
          methods=["GET"]),
    Route("/api/payouts/{teacher_id}/{month}/{currency}/statement.csv", _download("csv", "text/csv; charset=utf-8"),
          methods=["GET"]),
]
