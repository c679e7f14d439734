"""The revenue ledger: one sale entry per paid order, one reversal per refund.

Platform fee = ``LMS_PLATFORM_FEE_PERCENT`` of the amount paid (rounded half up to the minor
unit); the teacher share is the rest, so fee + share == paid exactly. A reversal repeats the
sale's figures negated; (order, kind) is unique, so an order is never booked or reversed twice.

Subscription invoices are sold by the platform itself, not by a teacher: their entries have no
``teacher_id``, the whole amount is the platform's fee and the teacher share is 0 (a CHECK
constraint says so), so fee + share == paid holds for them too and no teacher's revenue,
statement or analytics counts them; the platform totals (``revenue.platform_totals``) do.
"""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.commerce.models import LedgerEntry, Order
from lms_app.core import events
from lms_app.core.pricing import split_fee


def record_sale(session: Session, order: Order, course: Course, fee_percent: int) -> LedgerEntry:
    fee, share = split_fee(order.amount_minor, fee_percent)
    entry = LedgerEntry(order_id=order.id, course_id=course.id, item_kind=order.item_kind,
                        teacher_id=course.teacher_id, kind="sale",
                        currency=order.currency, list_price_minor=order.list_price_minor,
                        discount_minor=order.discount_minor, amount_minor=order.amount_minor,
                        platform_fee_minor=fee, teacher_share_minor=share)
    session.add(entry)
    events.record(session, "paid", user_id=order.user_id, course_id=course.id, amount_minor=order.amount_minor,
                  currency=order.currency)
    return entry


def record_refund(session: Session, order: Order) -> LedgerEntry | None:
    sale = session.exec(select(LedgerEntry).where(LedgerEntry.order_id == order.id,
                                                  LedgerEntry.kind == "sale")).first()
    if sale is None:
        return None
    entry = LedgerEntry(order_id=order.id, course_id=sale.course_id, item_kind=sale.item_kind,
                        teacher_id=sale.teacher_id, kind="refund",
                        currency=sale.currency, list_price_minor=-sale.list_price_minor,
                        discount_minor=-sale.discount_minor, amount_minor=-sale.amount_minor,
                        platform_fee_minor=-sale.platform_fee_minor, teacher_share_minor=-sale.teacher_share_minor)
    session.add(entry)
    return entry


def record_platform_sale(session: Session, order: Order) -> LedgerEntry:
    """A sale whose seller is the platform (a paid subscription invoice): all of it is fee."""
    entry = LedgerEntry(order_id=order.id, course_id=None, item_kind=order.item_kind, teacher_id=None, kind="sale",
                        currency=order.currency, list_price_minor=order.list_price_minor,
                        discount_minor=order.discount_minor, amount_minor=order.amount_minor,
                        platform_fee_minor=order.amount_minor, teacher_share_minor=0)
    session.add(entry)
    events.record(session, "paid", user_id=order.user_id, amount_minor=order.amount_minor, currency=order.currency)
    return entry
