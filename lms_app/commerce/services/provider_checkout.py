"""Checkout through a redirect + webhook provider (``gateways.base.RedirectGateway``).

``start`` holds the order as ``pending`` (the partial unique index allows one open or paid
order per learner and course, so a second tab gets the same payment back) together with the
coupon use, and returns the provider's confirmation URL. ``handle_webhook`` verifies the
signature, stores the event id (unique: a replay changes nothing), checks amount and currency
against the order and then fulfils it (enrolment, payment, ledger) or releases it.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.commerce.models import CouponRedemption, Order, Payment, WebhookEvent
from lms_app.core.types import utcnow
from lms_app.commerce.services import coupons, invoices, ledger
from lms_app.learning.services import enrollment
from lms_app.core.sessions import Actor
from lms_app.commerce.services.checkout import ALREADY_ENROLLED, price, require_verified
from lms_app.core.errors import ServiceError
from lms_app.core.settings import Settings


# How other features fulfil or release a pending order of their item kind (e.g. "bundle": enrol in
# each course); called inside the webhook's transaction, once per order (the status flip guards).
_ITEM_PAID: dict[str, object] = {}
_ITEM_FAILED: dict[str, object] = {}


def on_item_paid(item_kind: str, fulfil, release) -> None:
    """Register ``fulfil(session, settings, order)`` (book the sale, grant access) and
    ``release(session, order)`` for pending orders with ``item_kind`` paid through a redirect provider."""
    _ITEM_PAID[item_kind] = fulfil
    _ITEM_FAILED[item_kind] = release


def start(session: Session, actor: Actor, slug: object, coupon_code: object, gateway,
          billing: object = None, currency: object = None) -> tuple[int, str]:
    """(order id, confirmation URL) for a pending order in ``currency`` (None: the course's own);
    reuses the learner's open one. The buyer's billing details (``invoices.billing_from``) are held
    with the order; the webhook that marks it paid gives the invoice its number."""
    require_verified(session, actor)
    bill = invoices.billing_from(billing)
    p = price(session, actor, slug, coupon_code, currency)
    if p.coupon_error:
        raise ServiceError(p.coupon_error, "coupon")
    course, q = p.course, p.quote
    if enrollment.owns(session, actor.user_id, course.id):
        raise ServiceError(ALREADY_ENROLLED)
    if q.amount_minor == 0:
        raise ServiceError("Nothing to pay: use the free checkout.")
    open_order = session.exec(select(Order.id, Payment.reference).join(Payment, Payment.order_id == Order.id)
                              .where(Order.user_id == actor.user_id, Order.course_id == course.id,
                                     Order.status == "pending")).first()
    if open_order is not None:
        if bill is not None:
            invoices.hold(session, session.get(Order, open_order[0]), bill)
        resume = getattr(gateway, "resume_url", None)  # providers whose confirmation URL is theirs
        return open_order[0], (resume(open_order[1]) if resume else f"{gateway.confirm_base}?reference={open_order[1]}")
    try:
        if p.coupon is not None and not coupons.take_one_use(session, p.coupon.id):
            raise ServiceError(coupons.USED_UP, "coupon")
        order = Order(user_id=actor.user_id, course_id=course.id, status="pending", currency=q.currency,
                      list_price_minor=q.list_price_minor, discount_minor=q.discount_minor,
                      amount_minor=q.amount_minor, coupon_id=p.coupon.id if p.coupon else None,
                      coupon_code=p.coupon.code if p.coupon else "", gateway=gateway.name, course_title=course.title)
        session.add(order)
        session.flush()
        if p.coupon is not None:
            session.add(CouponRedemption(coupon_id=p.coupon.id, user_id=actor.user_id, order_id=order.id,
                                             once_per_account=p.coupon.once_per_account))
        if getattr(gateway, "wants_details", False):  # Stripe/Paystack show the title and need the e-mail
            reference, url = gateway.create_payment(q.amount_minor, q.currency, order.id, description=course.title,
                                                    email=_email_of(session, actor.user_id))
        else:
            reference, url = gateway.create_payment(q.amount_minor, q.currency, order.id)
        session.add(Payment(order_id=order.id, gateway=gateway.name, reference=reference, status="pending",
                            amount_minor=q.amount_minor, currency=q.currency))
        session.flush()
        if bill is not None:
            invoices.hold(session, order, bill)
    except IntegrityError:
        session.rollback()
        raise ServiceError("A payment for this course is already in progress.") from None
    return order.id, url


def _email_of(session: Session, user_id: int) -> str:
    from lms_app.core.users import User

    user = session.get(User, user_id)
    return user.email if user is not None else ""


def handle_webhook(session: Session, settings: Settings, gateway, body: bytes, headers: dict[str, str]) -> str:
    """'ok', 'duplicate' or 'ignored'; raises BadSignature for an unsigned or forged body."""
    outcome = apply_event(session, settings, gateway.name, gateway.parse_webhook(body, headers))
    return "ok" if outcome == "mismatch" else outcome


def apply_event(session: Session, settings: Settings, provider: str, event) -> str:
    """Apply one verified ``GatewayEvent`` of ``provider`` once: 'ok', 'duplicate', 'ignored', or
    'mismatch' (the provider reported another amount or currency than the order's: the order
    fails and is never fulfilled; the caller flags it)."""
    if session.exec(select(WebhookEvent.id).where(WebhookEvent.provider == provider,
                                                  WebhookEvent.event_id == event.event_id)).first():
        return "duplicate"
    try:
        session.add(WebhookEvent(provider=provider, event_id=event.event_id, kind=event.kind))
        session.flush()
    except IntegrityError:
        session.rollback()
        return "duplicate"
    payment = session.exec(select(Payment).where(Payment.gateway == provider,
                                                 Payment.reference == event.reference)).first()
    order = session.get(Order, payment.order_id) if payment else None
    if order is None or order.status != "pending" or payment.status != "pending":
        return "ignored"
    if event.kind == "payment.succeeded" and (event.amount_minor, event.currency) == (order.amount_minor,
                                                                                       order.currency):
        claimed = session.execute(update(Order).where(Order.id == order.id, Order.status == "pending")
                                  .values(status="paid", paid_at=utcnow()).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return "ignored"
        payment.status = "succeeded"
        session.add(payment)
        if order.course_id is None and order.item_kind in _ITEM_PAID:
            session.refresh(order)
            _ITEM_PAID[order.item_kind](session, settings, order)
            return "ok"
        if not enrollment.owns(session, order.user_id, order.course_id):
            enrollment.add(session, order.user_id, order.course_id)
        session.refresh(order)
        course = session.get(Course, order.course_id)
        ledger.record_sale(session, order, course, settings.platform_fee_percent)
        invoices.issue(session, settings, order, course.teacher_id)  # the billing details held at start
        return "ok"
    if event.kind in ("payment.failed", "payment.succeeded"):  # failed, or paid the wrong amount
        order.status, payment.status = "failed", "failed"
        session.add_all([order, payment])
        coupons.release(session, order.id)
        if order.item_kind in _ITEM_FAILED:
            _ITEM_FAILED[order.item_kind](session, order)
        return "mismatch" if event.kind == "payment.succeeded" else "ok"
    return "ignored"
