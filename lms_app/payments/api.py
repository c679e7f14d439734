"""Payments' HTTP routes: the providers' webhooks and the learner's return trip from their pages.

Webhooks are called by the provider's servers (no browser Origin): the signature is what
authenticates them, and a bad one is answered 400 before anything is read. Return trips ask
the provider's API what happened; nothing the browser sends is trusted.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from lms_app.commerce.gateways.base import BadSignature
from lms_app.core.db import run_db
from lms_app.core.request_guard import KB, route_policy
from lms_app.core.settings import get_settings
from lms_app.payments import config

_NO_STORE = {"Cache-Control": "no-store"}
STRIPE_SESSION = re.compile(r"cs_[A-Za-z0-9_]{1,200}")
PAYSTACK_REF = re.compile(r"[A-Za-z0-9_-]{1,80}")


def _stripe():
    from lms_app.payments.stripe_gateway import StripeGateway

    return StripeGateway(get_settings()) if config.get("LMS_STRIPE_SECRET_KEY") else None


def _paystack():
    from lms_app.payments.paystack_gateway import PaystackGateway

    return PaystackGateway(get_settings()) if config.get("LMS_PAYSTACK_SECRET_KEY") else None


async def _webhook(request: Request, gateway, handler) -> Response:
    if gateway is None:
        return Response("Not found", status_code=404)
    body = await request.body()
    try:
        outcome = await run_db(handler, get_settings(), gateway, body, dict(request.headers))
    except BadSignature:
        return JSONResponse({"error": "bad signature"}, status_code=400, headers=_NO_STORE)
    return JSONResponse({"result": outcome}, headers=_NO_STORE)


@route_policy(max_body=256 * KB, server_to_server=True)
async def stripe_webhook(request: Request) -> Response:
    from lms_app.payments.services import webhooks

    return await _webhook(request, _stripe(), webhooks.stripe_webhook)


@route_policy(max_body=256 * KB, server_to_server=True)
async def paystack_webhook(request: Request) -> Response:
    from lms_app.payments.services import webhooks

    return await _webhook(request, _paystack(), webhooks.paystack_webhook)


async def stripe_return(request: Request) -> Response:
    from lms_app.payments.services import webhooks

    gateway, ref = _stripe(), request.query_params.get("session_id", "")
    if gateway is None or not STRIPE_SESSION.fullmatch(ref):
        return RedirectResponse("/orders", status_code=303)
    try:
        target = await run_db(webhooks.stripe_return, get_settings(), gateway, ref)
    except Exception:  # Stripe unreachable or unknown session: the webhook will still come
        target = "/orders"
    return RedirectResponse(target, status_code=303, headers=_NO_STORE)


async def paystack_return(request: Request) -> Response:
    from lms_app.payments.services import webhooks

    gateway, ref = _paystack(), request.query_params.get("reference", "")
    if gateway is None or not PAYSTACK_REF.fullmatch(ref):
        return RedirectResponse("/orders", status_code=303)
    try:
        target = await run_db(webhooks.paystack_return, get_settings(), gateway, ref)
    except Exception:  # Paystack unreachable: the webhook will still come
        target = "/orders"
    return RedirectResponse(target, status_code=303, headers=_NO_STORE)


ROUTES = [
    Route("/api/webhooks/stripe", stripe_webhook, methods=["POST"]),
    Route("/api/webhooks/paystack", paystack_webhook, methods=["POST"]),
    Route("/api/payments/stripe/return", stripe_return, methods=["GET"]),
    Route("/api/payments/paystack/return", paystack_return, methods=["GET"]),
]
