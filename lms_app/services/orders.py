"""Orders as people see them: the learner's history and receipts, the admin's order list.

A learner sees only their own orders; admins see all. Anyone else asking for an order id gets
``None`` (the page says "not found"), so ids reveal nothing.
"""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.models import Course, Order, Payment, User
from lms_app.services.accounts import Actor
from lms_app.services.money import format_amount
from lms_app.services.permissions import ADMIN_AREA, LEARNER_AREA, require_role
from lms_app.services.refunds import order_id_of
from lms_app.services.errors import ServiceError

STATUS_LABELS = {"paid": "Paid", "refunded": "Refunded", "pending": "Awaiting payment", "failed": "Failed"}


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


def order_row(order: Order, slug: str = "", buyer: str = "", last4: str = "") -> dict:
    return {"id": order.id, "number": f"#{order.id:06d}", "course_title": order.course_title, "course_slug": slug,
            "status": order.status, "status_label": STATUS_LABELS.get(order.status, order.status),
            "list_label": _money(order.list_price_minor, order.currency),
            "discount_label": _money(order.discount_minor, order.currency) if order.discount_minor else "",
            "amount_label": _money(order.amount_minor, order.currency), "coupon_code": order.coupon_code,
            "date_label": (order.paid_at or order.created_at).strftime("%d %b %Y, %H:%M UTC"),
            "refunded_label": order.refunded_at.strftime("%d %b %Y") if order.refunded_at else "",
            "refund_reason": order.refund_reason, "buyer": buyer,
            "payment_label": f"Card ending {last4}" if last4 else ("Coupon (no charge)" if order.gateway == "coupon"
                                                                    else order.gateway)}


def history(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(Order, Course.slug).join(Course, Course.id == Order.course_id)
                        .where(Order.user_id == actor.user_id, Order.status != "failed")
                        .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)).all()
    return [order_row(o, slug) for o, slug in rows]


def visible_order(session: Session, actor: Actor | None, raw_id: object) -> Order | None:
    """The order if this actor may read it (its buyer or an admin), else None."""
    if actor is None:
        return None
    try:
        order_id = order_id_of(raw_id)
    except ServiceError:
        return None
    order = session.get(Order, order_id)
    if order is None or (order.user_id != actor.user_id and actor.role != "admin"):
        return None
    return order


def detail(session: Session, actor: Actor, raw_id: object) -> dict | None:
    order = visible_order(session, actor, raw_id)
    if order is None:
        return None
    slug = session.exec(select(Course.slug).where(Course.id == order.course_id)).first() or ""
    last4 = session.exec(select(Payment.card_last4).where(Payment.order_id == order.id)).first() or ""
    buyer = session.exec(select(User.name).where(User.id == order.user_id)).first() or ""
    return order_row(order, slug, buyer, last4)


def admin_list(session: Session, actor: Actor, limit: int = 200) -> list[dict]:
    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(Order, Course.slug, User.email).join(Course, Course.id == Order.course_id)
                        .join(User, User.id == Order.user_id).where(Order.status != "failed")
                        .order_by(Order.id.desc()).limit(limit)).all()
    return [order_row(o, slug, email) for o, slug, email in rows]
