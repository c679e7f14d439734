"""Helpers shared by the commerce tests."""

from __future__ import annotations

from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.models import Coupon, LedgerEntry, Order, Payment
from lms_app.core.courses import Enrollment
from lms_app.commerce.services import checkout
from lms_app.commerce.gateways.base import CardDetails
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.core.settings import get_settings

SUCCESS = CardDetails(number="4242 4242 4242 4242", expiry="12/39", cvc="123", name="Ada")
DECLINED = CardDetails(number="4000 0000 0000 0002", expiry="12/39", cvc="123")
INSUFFICIENT = CardDetails(number="4000000000009995", expiry="12/39", cvc="123")


def buy(actor, slug, coupon="", card=SUCCESS, gateway=None):
    with lms_app.core.db.session_scope() as s:
        return checkout.purchase(s, get_settings(), actor, slug, coupon, card, gateway or TestGateway())


def counts(user_id=None, course_id=None) -> dict[str, int]:
    with lms_app.core.db.session_scope() as s:
        def n(model, *where):
            return s.exec(select(func.count(model.id)).where(*where)).one()

        o = [Order.user_id == user_id] if user_id else []
        e = [Enrollment.user_id == user_id] if user_id else []
        if course_id:
            o.append(Order.course_id == course_id)
            e.append(Enrollment.course_id == course_id)
        return {"orders": n(Order, *o), "paid": n(Order, Order.status == "paid", *o), "payments": n(Payment),
                "enrollments": n(Enrollment, *e), "ledger": n(LedgerEntry)}


def make_coupon(**fields) -> Coupon:
    fields.setdefault("kind", "percent")
    fields.setdefault("amount", 20)
    coupon = Coupon(**fields)
    with lms_app.core.db.session_scope() as s:
        s.add(coupon)
    return coupon
