"""A redirect + signed-webhook provider (the shape of Stripe Checkout or Paystack).

1. ``create_payment`` registers the order's amount and returns (reference, confirmation URL).
   This generic adapter talks to no network: the learner confirms at the provider (in tests a
   local fake), which then POSTs ``/api/webhooks/payments``.
2. The webhook body is JSON ``{"id", "type", "data": {"reference", "amount_minor", "currency"}}``
   signed with ``X-LMS-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``. A missing or
   wrong signature is refused (``BadSignature``) before the body is even parsed.
3. The checkout service stores ``id`` in ``webhook_events`` (unique), so a replay changes
   nothing, and checks the amount and currency against the order before fulfilling it.

A Stripe adapter would replace the signature scheme (``Stripe-Signature: t=..,v1=..``) and the
URL of step 1; nothing else changes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from lms_app.commerce.gateways.base import BadSignature, GatewayEvent

SIGNATURE_HEADER = "x-lms-signature"
MAX_BODY = 64 * 1024


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookProvider:
    name = "webhook"

    def __init__(self, secret: str, confirm_base: str = "/checkout/confirm"):
        self.secret = secret
        self.confirm_base = confirm_base
        self.refunds: list[tuple[str, int]] = []

    def create_payment(self, amount_minor: int, currency: str, order_id: int) -> tuple[str, str]:
        reference = f"wh_{order_id}_{secrets.token_hex(8)}"
        return reference, f"{self.confirm_base}?reference={reference}"

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> GatewayEvent:
        if not self.secret or len(body) > MAX_BODY:
            raise BadSignature("webhooks are not configured or the body is too large")
        given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), sign(self.secret, body).encode()):
            raise BadSignature("signature mismatch")
        try:
            data = json.loads(body)
            inner = data["data"]
            event = GatewayEvent(event_id=str(data["id"])[:100], kind=str(data["type"]),
                                 reference=str(inner["reference"])[:80], amount_minor=int(inner["amount_minor"]),
                                 currency=str(inner["currency"])[:3])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadSignature("signed but malformed body") from exc
        return event

    def refund(self, reference: str, amount_minor: int) -> None:
        self.refunds.append((reference, amount_minor))
