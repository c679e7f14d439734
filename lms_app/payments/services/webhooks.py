"""Provider webhooks and return trips: verify, store the event id once, then apply.

One-off payments go to commerce's ``provider_checkout.apply_event`` (amount and currency
checked against the order there); a mismatch is refused there and flagged here
(``payment_flags``). Stripe Billing events go to ``subscriptions.apply_stripe_event``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.commerce.models import Order, Payment, WebhookEvent
from lms_app.commerce.services import provider_checkout
from lms_app.core.settings import Settings
from lms_app.payments.models import PaymentFlag
from lms_app.payments.services import subscriptions

log = logging.getLogger(__name__)


def _flag(session: Session, provider: str, event) -> None:
    order = session.exec(select(Order).join(Payment, Payment.order_id == Order.id)
                         .where(Payment.gateway == provider, Payment.reference == event.reference)).first()
    expected = f"{order.amount_minor} {order.currency}" if order else "?"
    session.add(PaymentFlag(provider=provider, reference=event.reference[:100], event_id=event.event_id[:100],
                            detail=f"provider reported {event.amount_minor} {event.currency}, order says {expected}"))
    log.warning("payment mismatch flagged: %s %s", provider, event.reference)


def apply_payment(session: Session, settings: Settings, provider: str, event) -> str:
    outcome = provider_checkout.apply_event(session, settings, provider, event)
    if outcome == "mismatch":
        _flag(session, provider, event)
    return outcome


def _once(session: Session, provider: str, event_id: str, kind: str) -> bool:
    if session.exec(select(WebhookEvent.id).where(WebhookEvent.provider == provider,
                                                  WebhookEvent.event_id == event_id)).first():
        return False
    try:
        with session.begin_nested():
            session.add(WebhookEvent(provider=provider, event_id=event_id[:100], kind=kind[:60]))
    except IntegrityError:
        return False
    return True


def stripe_webhook(session: Session, settings: Settings, gateway, body: bytes, headers: dict[str, str]) -> str:
    """'ok', 'duplicate', 'ignored' or 'mismatch'; BadSignature for a forged, stale or unsigned body."""
    from lms_app.payments.stripe_gateway import as_dict, event_of, verify

    event = verify(body, headers, gateway.secret)
    obj = as_dict(event.data.object)
    payment = event_of(event.id, event.type, obj)
    if payment is not None:
        return apply_payment(session, settings, "stripe", payment)
    if not _once(session, "stripe", event.id, event.type):
        return "duplicate"
    return subscriptions.apply_stripe_event(session, event.type, obj, getattr(event, "created", None))


def stripe_return(session: Session, settings: Settings, gateway, session_id: str) -> str:
    """Where to send the learner back from Stripe; applies what Stripe's API says (not the browser)."""
    from lms_app.payments.stripe_gateway import event_of

    obj = gateway.session_dict(session_id)
    if obj.get("mode") == "subscription":
        if obj.get("status") == "complete":
            subscriptions.apply_stripe_event(session, "checkout.session.completed", obj)
        return "/plans?subscribed=1"
    event = event_of(f"confirm:{session_id}", "checkout.session.completed", obj) \
        if obj.get("status") == "complete" else None
    if event is not None:
        apply_payment(session, settings, "stripe", event)
    return _order_target(session, "stripe", session_id)


def _order_target(session: Session, provider: str, reference: str) -> str:
    order_id = session.exec(select(Payment.order_id).where(Payment.gateway == provider,
                                                           Payment.reference == reference)).first()
    return f"/orders/{order_id}" if order_id else "/orders"


def paystack_webhook(session: Session, settings: Settings, gateway, body: bytes, headers: dict[str, str]) -> str:
    kind, data = gateway.verified_payload(body, headers)  # HMAC-SHA512 first: BadSignature otherwise
    if subscriptions.is_paystack_subscription_event(kind, data):
        if not _once(session, "paystack", subscriptions.paystack_event_id(kind, data), kind):
            return "duplicate"
        return subscriptions.apply_paystack_event(session, kind, data)
    event = gateway.parse_webhook(body, headers)
    if event.kind not in ("payment.succeeded", "payment.failed"):
        return "ignored"
    return apply_payment(session, settings, "paystack", event)


def paystack_return(session: Session, settings: Settings, gateway, reference: str) -> str:
    from lms_app.payments.models import Subscription

    if session.exec(select(Subscription.id).where(Subscription.provider == "paystack",
                                                  Subscription.checkout_ref == reference)).first():
        data = gateway.transaction(reference)  # what Paystack's API says, not the browser
        if data.get("status") == "success" and subscriptions.is_paystack_subscription_event("charge.success", data):
            subscriptions.apply_paystack_event(session, "charge.success", data)
        return "/plans?subscribed=1"
    event = gateway.confirm(reference)
    if event is not None:
        apply_payment(session, settings, "paystack", event)
    return _order_target(session, "paystack", reference)


RECONCILE_AFTER = timedelta(minutes=15)
RECONCILE_BATCH = 50


def reconcile(session: Session, settings: Settings, now=None) -> int:
    """Scheduled: ask the provider about payments still pending after 15 minutes (a lost webhook,
    a learner who closed the tab) and apply what it says, mismatches flagged like webhooks.
    Returns how many orders changed. Idempotent: a settled order is no longer pending."""
    from lms_app.commerce.gateways import get_gateway
    from lms_app.core.types import utcnow

    if settings.payment_gateway not in ("stripe", "paystack"):
        return 0
    gateway = get_gateway(settings)
    cutoff = (now or utcnow()) - RECONCILE_AFTER
    refs = session.exec(select(Payment.reference).join(Order, Order.id == Payment.order_id)
                        .where(Payment.gateway == gateway.name, Payment.status == "pending",
                               Order.status == "pending", Order.created_at < cutoff)
                        .order_by(Order.id).limit(RECONCILE_BATCH)).all()
    changed = 0
    for ref in refs:
        try:
            event = gateway.confirm(ref)
        except Exception:  # provider down: next round
            log.warning("reconcile: %s did not answer for %s", gateway.name, ref)
            continue
        if event is not None and apply_payment(session, settings, gateway.name, event) in ("ok", "mismatch"):
            changed += 1
    return changed
