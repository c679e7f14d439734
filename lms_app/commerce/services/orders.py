"""Orders as people see them: the learner's history and receipts, the admin's order list.

A learner sees only their own orders; admins see all. Anyone else asking for an order id gets
``None`` (the page says "not found"), so ids reveal nothing.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.commerce.models import Order, Payment
from lms_app.core.users import User
from lms_app.core.sessions import Actor
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, require_role
from lms_app.commerce.services.refunds import order_id_of
from lms_app.core.text_match import ESCAPE, contains
from lms_app.core.errors import ServiceError
from lms_app.commerce.services.invoices import number_of

STATUS_LABELS = {"paid": "Paid", "refunded": "Refunded", "pending": "Awaiting payment", "failed": "Failed"}


def _money(minor: int, currency: str) -> str:
    return format_amount(minor, currency)


class OrderView(TypedDict):
    """One order as the pages and the API show it (``order_row``)."""
    id: int
    number: str
    course_title: str
    course_slug: str
    status: str
    status_label: str
    list_label: str
    discount_label: str
    amount_label: str
    coupon_code: str
    date_label: str
    refunded_label: str
    refund_reason: str
    buyer: str
    payment_label: str
    # The invoice number when the order was bought with billing details (services/invoices.py).
    invoice_number: str


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
                                                                    else order.gateway),
            "invoice_number": ""}


def history(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(Order, Course.slug).outerjoin(Course, Course.id == Order.course_id)
                        .where(Order.user_id == actor.user_id, Order.status != "failed")
                        .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)).all()
    return [order_row(o, slug or "") for o, slug in rows]


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
    row = order_row(order, slug, buyer, last4)
    row["invoice_number"] = number_of(session, order.id)
    return row


ADMIN_PAGE_SIZE = 25
ADMIN_STATUSES = ("paid", "refunded", "pending")


def _search_terms(raw: object) -> tuple[int | None, str]:
    """An order number ("#000042", "42") or a piece of the buyer's email / the course title."""
    text = raw.strip()[:120] if isinstance(raw, str) else ""
    digits = text.lstrip("#")
    if digits.isdigit() and len(digits) < 12:
        return int(digits), ""
    return None, text.lower()


def admin_page(session: Session, actor: Actor, search: object = "", status: object = "", before: object = None
               ) -> tuple[list[dict], int]:
    """One page of orders for admins, newest first (one query): (rows, id the next page starts before, or 0).

    Failed attempts are left out (they are not purchases); ``status`` narrows to paid, refunded or
    awaiting payment.
    """
    require_role(actor, ADMIN_AREA)
    query = (select(Order, Course.slug, User.email).outerjoin(Course, Course.id == Order.course_id)
             .join(User, User.id == Order.user_id).where(Order.status != "failed"))
    if status in ADMIN_STATUSES:
        query = query.where(Order.status == status)
    number, text = _search_terms(search)
    if number is not None:
        query = query.where(Order.id == number)
    elif text:
        pattern = contains(text)
        query = query.where(func.lower(User.email).like(pattern, escape=ESCAPE)
                            | func.lower(Order.course_title).like(pattern, escape=ESCAPE))
    if isinstance(before, int) and not isinstance(before, bool) and before > 0:
        query = query.where(Order.id < before)
    found = session.exec(query.order_by(Order.id.desc()).limit(ADMIN_PAGE_SIZE + 1)).all()
    rows = [order_row(o, slug or "", email) for o, slug, email in found[:ADMIN_PAGE_SIZE]]
    return rows, (rows[-1]["id"] if len(found) > ADMIN_PAGE_SIZE else 0)
