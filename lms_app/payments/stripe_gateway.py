"""Stripe through the official ``stripe`` library: Checkout Sessions (redirect), signed webhooks, refunds.

- ``create_payment`` creates a Checkout Session (mode ``payment``) for the order's amount and
  returns (session id, Stripe's hosted page URL). Card data is entered at Stripe only.
- ``parse_webhook`` verifies ``Stripe-Signature`` with ``stripe.Webhook.construct_event``
  (timestamp tolerance 5 minutes: an old replay is refused too) and maps
  ``checkout.session.completed`` (paid) / ``checkout.session.async_payment_succeeded`` to
  ``payment.succeeded`` and ``checkout.session.expired`` / ``async_payment_failed`` to
  ``payment.failed``, with Stripe's amount and currency (checked against the order by checkout).
- ``confirm`` asks Stripe for a session (the success redirect): only what Stripe's API says counts.
- ``refund`` refunds the session's payment intent through the API.

``LMS_STRIPE_API_BASE`` points the client at a local stand-in in tests (no network).
"""

from __future__ import annotations

import stripe

from lms_app.commerce.gateways.base import BadSignature, GatewayEvent
from lms_app.payments import config

NAME = "stripe"
MAX_BODY = 256 * 1024
PAID_KINDS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
FAILED_KINDS = ("checkout.session.expired", "checkout.session.async_payment_failed")


def client() -> stripe.StripeClient:
    base = config.get("LMS_STRIPE_API_BASE")
    return stripe.StripeClient(config.get("LMS_STRIPE_SECRET_KEY") or "sk_unset",
                               base_addresses={"api": base} if base else None, max_network_retries=1)


def webhook_secret(settings) -> str:
    return config.get("LMS_STRIPE_WEBHOOK_SECRET") or settings.webhook_secret


def verify(body: bytes, headers: dict[str, str], secret: str):
    """The verified Stripe event, or BadSignature (no secret, forged, stale or malformed)."""
    header = {k.lower(): v for k, v in headers.items()}.get("stripe-signature", "")
    if not secret or not header or len(body) > MAX_BODY:
        raise BadSignature("missing signature or secret")
    try:
        return stripe.Webhook.construct_event(body, header, secret)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature("signature mismatch") from exc


def as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else (obj if isinstance(obj, dict) else {})


def event_of(event_id: str, kind: str, obj) -> GatewayEvent | None:
    """A one-off payment event from a Checkout Session object (None for subscriptions and others)."""
    obj = as_dict(obj)
    if obj.get("object") != "checkout.session" or obj.get("mode") not in (None, "payment"):
        return None
    if kind in PAID_KINDS:
        if obj.get("payment_status") != "paid":
            return None  # completed but an async method is still pending
        mapped = "payment.succeeded"
    elif kind in FAILED_KINDS:
        mapped = "payment.failed"
    else:
        return None
    return GatewayEvent(event_id=str(event_id)[:100], kind=mapped, reference=str(obj.get("id", ""))[:80],
                        amount_minor=int(obj.get("amount_total") or 0), currency=str(obj.get("currency", "")).upper()[:3])


class StripeGateway:
    name = NAME
    wants_details = True

    def __init__(self, settings):
        self.settings = settings
        self.secret = webhook_secret(settings)
        self.public = (settings.public_url or "http://localhost:3000").rstrip("/")

    def create_payment(self, amount_minor: int, currency: str, order_id: int, description: str = "",
                       email: str = "") -> tuple[str, str]:
        params = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {"currency": currency.lower(), "unit_amount": amount_minor,
                                                          "product_data": {"name": description or f"Order {order_id}"}}}],
            "client_reference_id": str(order_id),
            "metadata": {"order_id": str(order_id)},
            "success_url": f"{self.public}/api/payments/stripe/return?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{self.public}/orders",
        }
        if email:
            params["customer_email"] = email
        # No idempotency key of ours: an order id can come back after a rollback on SQLite; the
        # library adds one per request, reused on its own retries.
        session = client().v1.checkout.sessions.create(params=params)
        return session.id, session.url

    def resume_url(self, reference: str) -> str:
        return client().v1.checkout.sessions.retrieve(reference).url or f"{self.public}/orders"

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> GatewayEvent:
        event = verify(body, headers, self.secret)
        mapped = event_of(event.id, event.type, event.data.object)
        if mapped is None:
            return GatewayEvent(event_id=event.id, kind=event.type, reference="", amount_minor=0, currency="")
        return mapped

    def confirm(self, reference: str) -> GatewayEvent | None:
        """What Stripe's API says about a session now (the success redirect), as an event."""
        obj = as_dict(client().v1.checkout.sessions.retrieve(reference))
        kind = "checkout.session.completed" if obj.get("status") == "complete" else "checkout.session.expired" \
            if obj.get("status") == "expired" else ""
        return event_of(f"confirm:{reference}", kind, obj) if kind else None

    def refund(self, reference: str, amount_minor: int) -> None:
        if reference.startswith("in_"):  # a subscription invoice (payments.services.subscriptions)
            invoice = as_dict(client().v1.invoices.retrieve(reference))
            target = {"payment_intent": invoice["payment_intent"]} if invoice.get("payment_intent") \
                else {"charge": invoice.get("charge")}
        else:
            target = {"payment_intent": client().v1.checkout.sessions.retrieve(reference).payment_intent}
        client().v1.refunds.create(params={**target, "amount": amount_minor},
                                   options={"idempotency_key": f"refund-{reference}"})

    # Stripe Billing ------------------------------------------------------------------------

    def create_subscription(self, plan, user_id: int, email: str = "") -> tuple[str, str]:
        """A Checkout Session in subscription mode for the plan; (session id, hosted URL)."""
        params = {
            "mode": "subscription",
            "line_items": [{"quantity": 1, "price_data": {
                "currency": plan.currency.lower(), "unit_amount": plan.price_minor,
                "recurring": {"interval": plan.interval}, "product_data": {"name": plan.name}}}],
            "client_reference_id": str(user_id),
            "metadata": {"plan_id": str(plan.id), "user_id": str(user_id)},
            "success_url": f"{self.public}/api/payments/stripe/return?session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{self.public}/plans",
        }
        if plan.trial_days:
            params["subscription_data"] = {"trial_period_days": plan.trial_days}
        if email:
            params["customer_email"] = email
        session = client().v1.checkout.sessions.create(params=params)
        return session.id, session.url

    def cancel_subscription(self, provider_ref: str) -> None:
        client().v1.subscriptions.update(provider_ref, params={"cancel_at_period_end": True})

    def session_dict(self, reference: str) -> dict:
        return as_dict(client().v1.checkout.sessions.retrieve(reference))
