"""Invoices for what is sold through ``purchase_item`` besides courses: a bundle (card and
redirect provider) and a live-session seat take the buyer's billing details and get the seller's
next number; bad details are refused before anything is written; without details: a receipt."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.bundles import services as bundles
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.commerce.invoice_models import Invoice
from lms_app.commerce.models import Order, Payment
from lms_app.core.errors import ServiceError
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.live import services as live
from tests.unit.bundles.bundles_support import make_bundle
from tests.unit.commerce.commerce_support import SUCCESS
from tests.unit.commerce.test_invoices import BILL, invoice_of
from tests.unit.live.live_support import CARD, make_offering, make_slots


@pytest.fixture
def shop(make_user, make_course, use_env):
    use_env(LMS_TAX_RATES="DE:19")
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=3000, currency="USD") for _ in range(2)]
    _bid, slug = make_bundle(teacher, courses, price="50.00")
    return teacher, slug


def test_bundle_with_billing_gets_the_sellers_next_number(shop, make_user, sign_in):
    teacher, slug = shop
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        with pytest.raises(ServiceError, match="country"):
            bundles.buy(s, get_settings(), actor, slug, "", SUCCESS, TestGateway(), {**BILL, "billing_country": "XX"})
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(Order.id))).one() == 0  # refused before anything was written
    with lms_app.core.db.session_scope() as s:
        order_id = bundles.buy(s, get_settings(), actor, slug, "", SUCCESS, TestGateway(), BILL).id
    inv = invoice_of(order_id)
    assert inv.number == f"T{teacher.id}-{utcnow().year}-00001" and inv.seller_id == teacher.id
    assert (inv.gross_minor, inv.tax_minor, inv.tax_id) == (5000, 798, "DE123456789")

    # Another buyer without details: a receipt, and no number taken.
    _, other = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        assert invoice_of(bundles.buy(s, get_settings(), other, slug, "", SUCCESS, TestGateway()).id) is None


def test_bundle_through_a_redirect_provider_is_numbered_when_paid(shop, make_user, sign_in):
    from lms_app.commerce.gateways.base import GatewayEvent
    from lms_app.commerce.gateways.webhook_provider import WebhookProvider
    from lms_app.commerce.services import provider_checkout

    teacher, slug = shop
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        paid = bundles.pay(s, get_settings(), actor, slug, "", {}, WebhookProvider("secret"), billing=BILL)
        reference = s.exec(select(Payment.reference).where(Payment.order_id == paid.order_id)).one()
    assert invoice_of(paid.order_id).seq is None  # held, not numbered yet
    with lms_app.core.db.session_scope() as s:
        assert provider_checkout.apply_event(s, get_settings(), "webhook", GatewayEvent(
            event_id="ev-b1", kind="payment.succeeded", reference=reference, amount_minor=5000,
            currency="USD")) == "ok"
    assert invoice_of(paid.order_id).number == f"T{teacher.id}-{utcnow().year}-00001"


def test_live_seat_with_billing_gets_an_invoice(make_user, sign_in):
    teacher_user = make_user(role="teacher")
    teacher = sign_in(teacher_user)[1]
    slot = make_slots(teacher, make_offering(teacher, price="99.99").id)[0]
    _, learner = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        booking = live.book(s, get_settings(), learner, slot.id, "", CARD, TestGateway(), billing=BILL)
        order_id = booking.order_id
    inv = invoice_of(order_id)
    assert inv.number == f"T{teacher_user.id}-{utcnow().year}-00001" and inv.billing_name == BILL["billing_name"]
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(Invoice.order_id))).one() == 1
