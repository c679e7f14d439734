"""Helpers for the payments tests."""

from __future__ import annotations

from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.models import Order, Payment
from lms_app.commerce.services import provider_checkout
from lms_app.core.settings import get_settings
from lms_app.payments.models import PaymentFlag


def gateway():
    from lms_app.commerce.gateways import get_gateway

    return get_gateway(get_settings())


def start(actor, slug, coupon=""):
    with lms_app.core.db.session_scope() as s:
        return provider_checkout.start(s, actor, slug, coupon, gateway())


def reference_of(order_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(Payment.reference).where(Payment.order_id == order_id)).one()


def order_status(order_id):
    with lms_app.core.db.session_scope() as s:
        return s.get(Order, order_id).status


def flags() -> int:
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(func.count(PaymentFlag.id))).one()
