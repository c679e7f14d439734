"""Plain HTTP routes: the session cookie hand-over and media files.

The login handler runs over the websocket and cannot set an HttpOnly cookie, so it leaves a
one-time ticket; ``POST /api/session`` trades it for a new session and sets the cookie here.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from lms_app.db import run_db
from lms_app.services import images, sessions
from lms_app.services.profiles import avatar_dir
from lms_app.settings import get_settings

SESSION_COOKIE = "lms_session"
_NO_STORE = {"Cache-Control": "no-store"}


async def start_session(request: Request) -> Response:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = {}
    ticket = body.get("ticket") if isinstance(body, dict) else None
    settings = get_settings()
    token = await run_db(sessions.redeem_login_ticket, ticket, settings.session_days,
                         request.headers.get("user-agent", ""))
    if token is None:
        return JSONResponse({"error": "The sign-in link expired. Please sign in again."}, status_code=400,
                            headers=_NO_STORE)
    response = JSONResponse({"ok": True}, headers=_NO_STORE)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_days * 86400, path="/",
                        httponly=True, samesite="lax", secure=settings.cookie_secure)
    return response


async def end_session(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_db(sessions.revoke_token, token)
    response = JSONResponse({"ok": True}, headers=_NO_STORE)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=get_settings().cookie_secure)
    return response


async def avatar(request: Request) -> Response:
    """Avatars are public pictures, stored privately under unguessable names."""
    path = images.safe_child(avatar_dir(get_settings()), request.path_params["name"])
    if path is None:
        return Response("Not found", status_code=404)
    return FileResponse(path, media_type="image/webp",
                        headers={"Cache-Control": "public, max-age=31536000, immutable",
                                 "X-Content-Type-Options": "nosniff"})


async def thumbnail(request: Request) -> Response:
    """Course thumbnails are public pictures, stored privately under unguessable names."""
    from lms_app.services.authoring import thumbnail_dir

    path = images.safe_child(thumbnail_dir(get_settings()), request.path_params["name"])
    if path is None:
        return Response("Not found", status_code=404)
    return FileResponse(path, media_type="image/webp",
                        headers={"Cache-Control": "public, max-age=31536000, immutable",
                                 "X-Content-Type-Options": "nosniff"})


def _actor(session, token):
    """The signed-in actor behind the request's session cookie, or None."""
    from lms_app.services.accounts import actor_for_token

    found = actor_for_token(session, token)
    return found[0] if found else None


def _lesson_file_lookup(session, token, lesson_id):
    from lms_app.services import course_access

    return course_access.lesson_file(session, get_settings(), _actor(session, token), lesson_id)


async def lesson_file(request: Request) -> Response:
    """A lesson's stored file, only for viewers who may open the lesson (404 for everyone else)."""
    found = await run_db(_lesson_file_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["lesson_id"])
    if found is None:
        return Response("Not found", status_code=404, headers={"Cache-Control": "no-store"})
    disposition = "inline" if found.mime in ("application/pdf", "video/mp4", "video/webm") else "attachment"
    safe_name = "".join(ch for ch in found.name if ch.isalnum() or ch in " ._-")[:120] or "lesson"
    return FileResponse(found.path, media_type=found.mime,
                        headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff",
                                 "Content-Disposition": f'{disposition}; filename="{safe_name}"',
                                 "Vary": "Cookie"})


def _receipt_lookup(session, token, order_id):
    from lms_app.services import receipts

    return receipts.receipt_pdf(session, get_settings(), _actor(session, token), order_id)


async def receipt(request: Request) -> Response:
    """An order's PDF receipt: its buyer or an admin; everyone else gets 404 (ids reveal nothing)."""
    found = await run_db(_receipt_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["order_id"])
    if found is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    name, data = found
    return Response(data, media_type="application/pdf",
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f'attachment; filename="{name}"', "Vary": "Cookie"})


async def payment_webhook(request: Request) -> Response:
    """Signed provider events (see services/gateways/webhook_provider.py); bad signature → 400."""
    from lms_app.services import provider_checkout
    from lms_app.services.gateways import get_gateway
    from lms_app.services.gateways.base import BadSignature

    settings = get_settings()
    try:
        gateway = get_gateway(settings)
    except RuntimeError:
        return Response("Not found", status_code=404)
    if not hasattr(gateway, "parse_webhook"):
        return Response("Not found", status_code=404)
    body = await request.body()
    try:
        outcome = await run_db(provider_checkout.handle_webhook, settings, gateway, body, dict(request.headers))
    except BadSignature:
        return JSONResponse({"error": "bad signature"}, status_code=400, headers=_NO_STORE)
    return JSONResponse({"result": outcome}, headers=_NO_STORE)


def build_api() -> Starlette:
    from lms_app.api.progress import save_position
    from lms_app.api.sitemap import sitemap
    from lms_app.api import certificates as certificate_routes
    from lms_app.api import submission_files

    return Starlette(routes=[
        Route("/sitemap.xml", sitemap, methods=["GET", "HEAD"]),
        Route("/sitemap-courses.xml", sitemap, methods=["GET", "HEAD"]),
        Route("/api/session", start_session, methods=["POST"]),
        Route("/api/session", end_session, methods=["DELETE"]),
        Route("/media/avatars/{name}", avatar, methods=["GET", "HEAD"]),
        Route("/media/thumbnails/{name}", thumbnail, methods=["GET", "HEAD"]),
        Route("/media/lessons/{lesson_id}", lesson_file, methods=["GET", "HEAD"]),
        Route("/api/orders/{order_id}/receipt.pdf", receipt, methods=["GET"]),
        Route("/api/webhooks/payments", payment_webhook, methods=["POST"]),
        *certificate_routes.ROUTES,
        *submission_files.ROUTES,
        Route("/api/progress/position", save_position, methods=["POST"]),
    ])
