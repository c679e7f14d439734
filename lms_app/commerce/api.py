"""Commerce's HTTP routes: PDF receipts (buyer or admin) and the payment provider's webhook."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from lms_app.core import images
from lms_app.core.db import run_db
from lms_app.core.sessions import SESSION_COOKIE, actor_or_none
from lms_app.core.request_guard import KB, route_policy
from lms_app.core.settings import get_settings

_NO_STORE = {"Cache-Control": "no-store"}


def _receipt_lookup(session, token, order_id):
    from lms_app.commerce.services import receipts

    return receipts.receipt_pdf(session, get_settings(), actor_or_none(session, token), order_id)


async def receipt(request: Request) -> Response:
    """An order's PDF receipt: its buyer or an admin; everyone else gets 404 (ids reveal nothing)."""
    found = await run_db(_receipt_lookup, request.cookies.get(SESSION_COOKIE), request.path_params["order_id"])
    if found is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    name, data = found
    return Response(data, media_type="application/pdf",
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": f'attachment; filename="{name}"', "Vary": "Cookie"})


# Provider events are a few KB; 256 KB leaves room and stops a memory-exhaustion body. The
# provider's server calls it (no browser Origin): the HMAC signature is what authenticates it.
@route_policy(max_body=256 * KB, server_to_server=True)
async def payment_webhook(request: Request) -> Response:
    """Signed provider events (see services/gateways/webhook_provider.py); bad signature → 400."""
    from lms_app.commerce.services import provider_checkout
    from lms_app.commerce.gateways import get_gateway
    from lms_app.commerce.gateways.base import BadSignature

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


ROUTES = [
    Route("/api/orders/{order_id}/receipt.pdf", receipt, methods=["GET"]),
    Route("/api/webhooks/payments", payment_webhook, methods=["POST"]),
]
