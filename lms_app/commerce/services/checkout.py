"""Quote and purchase: the price comes from the database, the database enforces the rest.

``purchase`` runs in the caller's single transaction. Every constraint that can refuse the
purchase is met *before* the card is charged:

1. read the course (price, currency) and the coupon, if any;
2. insert the enrolment (unique per learner and course: a second click, tab or thread blocks
   on the first and then fails here, before charging) and count the student;
3. take one coupon use with an atomic conditional UPDATE (the cap is exact under concurrency);
4. insert the order, already ``paid`` (a partial unique index allows one open or paid order per
   learner and course) and the coupon redemption (unique per coupon and learner);
5. charge the card; a decline raises ``PaymentDeclined`` and the rollback leaves nothing;
6. insert the payment and the ledger sale entry; the caller commits.

Any amount the client sends is never read: ``purchase`` has no parameter for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.commerce.models import Coupon, CouponRedemption, Order, Payment
from lms_app.core.courses import Course
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.commerce.services import coupons, invoices, ledger
from lms_app.learning.services import enrollment
from lms_app.core import currencies, pricing
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.commerce.gateways.base import CardDetails
from lms_app.core.money import format_amount
from lms_app.core.permissions import LEARNER_AREA, require_role
from lms_app.core.settings import Settings

ALREADY_ENROLLED = "You are already enrolled in this course."
IN_PROGRESS = "A payment for this course is already in progress."


class PaymentDeclined(ServiceError):
    """The gateway refused the charge; nothing was stored."""


@dataclass(frozen=True)
class Priced:
    course: Course
    coupon: Coupon | None
    quote: pricing.Quote
    coupon_error: str


def price(session: Session, actor: Actor, slug: object, coupon_code: object = "", currency: object = None) -> Priced:
    """The course's price now, with the coupon applied when it is valid for this learner. ``currency``
    (issue 20): one the course is sold in (None: its own); the amount is always the database's for
    that currency, and a fixed-amount coupon applies only in its own currency."""
    require_role(actor, LEARNER_AREA)
    course = enrollment.published_course(session, slug)
    list_price, code = currencies.price_in(session, course, currency)
    coupon, error = None, ""
    if isinstance(coupon_code, str) and coupon_code.strip():
        found = coupons.find(session, coupon_code)
        error = coupons.refusal(session, found, actor.user_id, course, currency=code) or ""
        coupon = None if error else found
    q = pricing.quote(list_price, code, coupon.kind if coupon else None, coupon.amount if coupon else 0)
    return Priced(course=course, coupon=coupon, quote=q, coupon_error=error)


VERIFY_FIRST = "Confirm your e-mail address before buying: follow the link we sent you."


def email_verified(session: Session, actor: Actor) -> bool:
    user = session.get(User, actor.user_id)
    return user is not None and user.email_verified_at is not None


def require_verified(session: Session, actor: Actor) -> None:
    """Buying needs a confirmed address (receipts, refunds and disputes go to it); free courses do not."""
    if not email_verified(session, actor):
        raise ServiceError(VERIFY_FIRST)


def quote_view(session: Session, actor: Actor, slug: object, coupon_code: object = "", currency: object = None) -> dict:
    """What the checkout page shows (labels only, nothing private)."""
    p = price(session, actor, slug, coupon_code, currency)
    q, c = p.quote, p.course
    return {"slug": c.slug, "title": c.title, "currency": q.currency,
            "currency_options": [{"currency": o.currency, "label": f"{o.currency} · {o.label}"}
                                 for o in currencies.course_options(session, c)],
            "list_label": format_amount(q.list_price_minor, q.currency),
            "discount_label": "-" + format_amount(q.discount_minor, q.currency) if q.discount_minor else "",
            "total_label": format_amount(q.amount_minor, q.currency),
            "is_free_now": q.amount_minor == 0, "coupon_code": p.coupon.code if p.coupon else "",
            "coupon_error": p.coupon_error, "email_verified": email_verified(session, actor),
            "enrolled": enrollment.owns(session, actor.user_id, c.id)}


def card_from(form: object) -> CardDetails:
    form = form if isinstance(form, dict) else {}

    def text(key: str, limit: int) -> str:
        value = form.get(key)
        return value.strip()[:limit] if isinstance(value, str) else ""

    return CardDetails(number=text("card_number", 40), expiry=text("expiry", 10), cvc=text("cvc", 6),
                       name=text("name", 120))


def purchase(session: Session, settings: Settings, actor: Actor, slug: object, coupon_code: object,
             card: CardDetails | None, gateway, billing: object = None, currency: object = None) -> Order:
    """Buy a paid course with a direct gateway (see the module docstring for the order of steps),
    in ``currency`` (one the course is sold in; None: its own). ``billing``: the buyer's invoice
    details (``invoices.billing_from``), checked before anything else; with them the paid order gets
    its invoice number in this transaction."""
    require_verified(session, actor)
    bill = invoices.billing_from(billing)
    p = price(session, actor, slug, coupon_code, currency)
    if p.coupon_error:
        raise ServiceError(p.coupon_error, "coupon")
    course, q = p.course, p.quote
    if course.price_minor == 0:
        raise ServiceError("This course is free: enroll from the course page.")
    if q.amount_minor > 0 and card is None:
        raise ServiceError("Enter your card details.", "card_number")
    course_id, course_title, user_id = course.id, course.title, actor.user_id
    step = "enrollment"
    try:
        enrollment.add(session, user_id, course_id)
        if p.coupon is not None and not coupons.take_one_use(session, p.coupon.id):
            raise ServiceError(coupons.USED_UP, "coupon")
        step = "order"
        now = utcnow()
        order = Order(user_id=user_id, course_id=course_id, status="paid", currency=q.currency,
                      list_price_minor=q.list_price_minor, discount_minor=q.discount_minor,
                      amount_minor=q.amount_minor, coupon_id=p.coupon.id if p.coupon else None,
                      coupon_code=p.coupon.code if p.coupon else "",
                      gateway=gateway.name if q.amount_minor else "coupon", course_title=course_title,
                      created_at=now, paid_at=now)
        session.add(order)
        session.flush()
        if p.coupon is not None:
            step = "coupon"
            session.add(CouponRedemption(coupon_id=p.coupon.id, user_id=user_id, order_id=order.id,
                                             once_per_account=p.coupon.once_per_account))
            session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError({"enrollment": ALREADY_ENROLLED, "order": IN_PROGRESS,
                            "coupon": coupons.ALREADY_USED}[step], "coupon" if step == "coupon" else None) from None
    if q.amount_minor > 0:
        result = gateway.charge(q.amount_minor, q.currency, card, order.id)
        if not result.ok:
            raise PaymentDeclined(result.reason or "The payment was declined.", "card_number")
        session.add(Payment(order_id=order.id, gateway=gateway.name, reference=result.reference,
                            amount_minor=q.amount_minor, currency=q.currency, card_last4=result.last4))
    ledger.record_sale(session, order, course, settings.platform_fee_percent)
    if bill is not None:  # after the charge: a decline burns no number
        invoices.issue(session, settings, order, course.teacher_id, bill)
    session.flush()
    return order


@dataclass(frozen=True)
class SaleItem:
    """Something other than a course sold through the same checkout (a live-session seat...).
    ``id`` is None so course-bound coupons refuse it; the price comes from the caller's database read."""

    kind: str
    item_id: int
    title: str
    teacher_id: int
    price_minor: int
    currency: str
    id: None = None


def purchase_item(session: Session, settings: Settings, actor: Actor, item: SaleItem, coupon_code: object,
                  card: CardDetails | None, gateway, billing: object = None) -> Order:
    """Charge for ``item`` in the caller's transaction: coupon use, paid order, redemption, charge,
    payment, ledger sale and (with ``billing``) the invoice number, in the order ``purchase`` uses.
    The caller has already inserted the row that makes a second click fail (e.g. the booking), so a
    duplicate never reaches the card."""
    require_verified(session, actor)
    bill = invoices.billing_from(billing)
    coupon = None
    if isinstance(coupon_code, str) and coupon_code.strip():
        found = coupons.find(session, coupon_code)
        error = coupons.refusal(session, found, actor.user_id, item)
        if error:
            raise ServiceError(error, "coupon")
        coupon = found
    q = pricing.quote(item.price_minor, item.currency, coupon.kind if coupon else None, coupon.amount if coupon else 0)
    if q.amount_minor > 0 and card is None:
        raise ServiceError("Enter your card details.", "card_number")
    if coupon is not None and not coupons.take_one_use(session, coupon.id):
        raise ServiceError(coupons.USED_UP, "coupon")
    now = utcnow()
    order = Order(user_id=actor.user_id, course_id=None, item_kind=item.kind, item_id=item.item_id, status="paid",
                  currency=q.currency, list_price_minor=q.list_price_minor, discount_minor=q.discount_minor,
                  amount_minor=q.amount_minor, coupon_id=coupon.id if coupon else None,
                  coupon_code=coupon.code if coupon else "", gateway=gateway.name if q.amount_minor else "coupon",
                  course_title=item.title[:160], created_at=now, paid_at=now)
    session.add(order)
    session.flush()
    if coupon is not None:
        session.add(CouponRedemption(coupon_id=coupon.id, user_id=actor.user_id, order_id=order.id,
                                     once_per_account=coupon.once_per_account))
        try:
            session.flush()
        except IntegrityError:
            raise ServiceError(coupons.ALREADY_USED, "coupon") from None
    if q.amount_minor > 0:
        result = gateway.charge(q.amount_minor, q.currency, card, order.id)
        if not result.ok:
            raise PaymentDeclined(result.reason or "The payment was declined.", "card_number")
        session.add(Payment(order_id=order.id, gateway=gateway.name, reference=result.reference,
                            amount_minor=q.amount_minor, currency=q.currency, card_last4=result.last4))
    ledger.record_sale(session, order, item, settings.platform_fee_percent)
    if bill is not None:  # after the charge: a decline burns no number
        invoices.issue(session, settings, order, item.teacher_id, bill)
    session.flush()
    return order


def owned_course_slug(session: Session, order_id: int) -> str:
    return session.exec(select(Course.slug).join(Order, Order.course_id == Course.id)
                        .where(Order.id == order_id)).first() or ""


@dataclass(frozen=True)
class Paid:
    """What paying led to: a paid order (direct gateway, or nothing to pay under a 100 % coupon),
    or a pending order and the redirect gateway's confirmation URL."""

    order_id: int
    redirect_url: str = ""


def pay(session: Session, settings: Settings, actor: Actor, slug: object, coupon_code: object, card_form: object,
        gateway=None, billing: object = None, currency: object = None) -> Paid:
    """Pay for a course with the configured gateway (the checkout page and the API): a direct
    gateway charges the card now; a redirect gateway gets a pending order and answers its URL; a
    total of 0 under a coupon needs no gateway at all."""
    from lms_app.commerce.gateways import get_gateway
    from lms_app.commerce.services import provider_checkout

    gateway = gateway or get_gateway(settings)
    direct = hasattr(gateway, "charge")
    if direct or price(session, actor, slug, coupon_code, currency).quote.amount_minor == 0:
        order = purchase(session, settings, actor, slug, coupon_code, card_from(card_form) if direct else None, gateway,
                         billing, currency=currency)
        return Paid(order_id=order.id)
    order_id, url = provider_checkout.start(session, actor, slug, coupon_code, gateway, billing, currency=currency)
    return Paid(order_id=order_id, redirect_url=url)
