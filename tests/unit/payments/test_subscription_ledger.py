"""Subscription revenue in the ledger: every paid invoice (first payment and renewals) is an order
(item_kind 'subscription') + a ledger sale whose seller is the platform (no teacher: all of it
is fee, share 0); booked once per invoice whatever Stripe sends (invoice.paid and
invoice.payment_succeeded, replays); refunds (at Stripe or by an admin) reverse it exactly.
Property: fee + teacher share = paid for every sale, renewal and refund."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry, Order, Payment
from lms_app.commerce.services import refunds, revenue
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.payments.stripe_gateway import StripeGateway
from tests.unit.payments.test_subscriptions import activate, plan, send

_n = itertools.count(1)


@pytest.fixture
def subscribed(fake_stripe, api, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    _, sub = activate(fake_stripe, api, actor, plan(admin, price_minor=2900))
    return fake_stripe, api, learner, admin, sub


def end_in(days):
    return int((utcnow() + timedelta(days=days)).timestamp())


def booked(user_id):
    with lms_app.core.db.session_scope() as s:
        return [(o.status, o.item_kind, o.amount_minor, o.list_price_minor, o.discount_minor, o.course_id)
                for o in s.exec(select(Order).where(Order.user_id == user_id).order_by(Order.id)).all()]


def entries(order_ids=None):
    with lms_app.core.db.session_scope() as s:
        q = select(LedgerEntry).join(Order, Order.id == LedgerEntry.order_id).where(Order.item_kind == "subscription")
        if order_ids is not None:
            q = q.where(LedgerEntry.order_id.in_(order_ids))
        return [(e.order_id, e.kind, e.teacher_id, e.amount_minor, e.platform_fee_minor, e.teacher_share_minor)
                for e in s.exec(q.order_by(LedgerEntry.id)).all()]


def test_first_payment_and_renewal_are_booked_once_each_as_platform_sales(subscribed):
    fake, api, learner, admin, sub = subscribed
    first = fake.invoice(sub["id"], 2900, end_in(30))
    assert send(api, "invoice.paid", first).json() == {"result": "ok"}
    assert send(api, "invoice.payment_succeeded", first).json() == {"result": "duplicate"}  # same invoice
    assert send(api, "invoice.paid", first).json() == {"result": "duplicate"}  # a new event id, same invoice
    renewal = fake.invoice(sub["id"], 2500, end_in(60))  # a provider-side coupon: less than the price
    assert send(api, "invoice.payment_succeeded", renewal).json() == {"result": "ok"}
    trial = fake.invoice(sub["id"], 0, end_in(90))  # a trial's zero invoice books nothing
    assert send(api, "invoice.paid", trial).json() == {"result": "ok"}
    assert booked(learner.id) == [("paid", "subscription", 2900, 2900, 0, None),
                                  ("paid", "subscription", 2500, 2900, 400, None)]
    rows = entries()
    assert [(kind, teacher, amount, fee, share) for _, kind, teacher, amount, fee, share in rows] == [
        ("sale", None, 2900, 2900, 0), ("sale", None, 2500, 2500, 0)]


def test_a_paid_invoice_arriving_after_the_end_is_still_booked_but_does_not_reopen(subscribed):
    fake, api, learner, admin, sub = subscribed
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    late = fake.invoice(sub["id"], 2900, end_in(30))
    assert send(api, "invoice.paid", late).json() == {"result": "ok"}
    assert booked(learner.id) == [("paid", "subscription", 2900, 2900, 0, None)]
    with lms_app.core.db.session_scope() as s:
        from lms_app.payments.models import Subscription

        assert s.exec(select(Subscription.status).where(Subscription.user_id == learner.id)).one() == "ended"


def test_a_refund_at_stripe_reverses_the_sale_and_a_partial_one_is_flagged(subscribed):
    from tests.unit.payments.support import flags

    fake, api, learner, admin, sub = subscribed
    paid = fake.invoice(sub["id"], 2900, end_in(30))
    other = fake.invoice(sub["id"], 2900, end_in(60))
    send(api, "invoice.paid", paid)
    send(api, "invoice.paid", other)
    charge = {"id": "ch_1", "object": "charge", "invoice": paid["id"], "refunded": True, "amount_refunded": 2900}
    assert send(api, "charge.refunded", charge).json() == {"result": "ok"}
    assert send(api, "charge.refunded", charge).json() == {"result": "ignored"}  # already refunded
    partial = {"id": "ch_2", "object": "charge", "invoice": other["id"], "refunded": False, "amount_refunded": 900}
    before = flags()
    assert send(api, "charge.refunded", partial).json() == {"result": "flagged"}
    assert flags() == before + 1
    assert [o[0] for o in booked(learner.id)] == ["refunded", "paid"]
    rows = entries()
    assert [(kind, amount, fee, share) for _, kind, _, amount, fee, share in rows] == [
        ("sale", 2900, 2900, 0), ("sale", 2900, 2900, 0), ("refund", -2900, -2900, 0)]


def test_an_admin_refund_of_an_invoice_refunds_it_at_stripe(subscribed, sign_in):
    fake, api, learner, admin, sub = subscribed
    paid = fake.invoice(sub["id"], 2900, end_in(30))
    send(api, "invoice.paid", paid)
    with lms_app.core.db.session_scope() as s:
        order_id = s.exec(select(Order.id).where(Order.user_id == learner.id)).one()
        refunds.refund(s, admin, order_id, "Charged twice by mistake", StripeGateway(get_settings()))
    assert [(r["payment_intent"], r["amount"]) for r in fake.refunds] == [(paid["payment_intent"], 2900)]
    assert [kind for _, kind, *_ in entries()] == ["sale", "refund"]


def test_platform_sales_are_in_the_platform_totals_and_no_teachers_revenue(subscribed, make_user, sign_in):
    fake, api, learner, admin, sub = subscribed
    send(api, "invoice.paid", fake.invoice(sub["id"], 2900, end_in(30)))
    _, teacher = sign_in(make_user(role="teacher"))
    with lms_app.core.db.session_scope() as s:
        assert revenue.teacher_revenue(s, teacher) == {"courses": [], "months": []}
        assert revenue.teacher_revenue(s, admin) == {"courses": [], "months": []}  # not the admin's either
        assert revenue.platform_summary(s, admin) == [{"label": "USD", "sales": 1, "gross": "$29.00",
                                                       "fee": "$29.00", "share": "$0.00"}]


def test_the_database_refuses_a_teacherless_entry_that_pays_a_share(subscribed):
    fake, api, learner, admin, sub = subscribed
    send(api, "invoice.paid", fake.invoice(sub["id"], 2900, end_in(30)))
    with lms_app.core.db.session_scope() as s:
        order_id = s.exec(select(Order.id).where(Order.user_id == learner.id)).one()
    with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
        s.add(LedgerEntry(order_id=order_id, teacher_id=None, kind="refund", currency="USD", amount_minor=-2900,
                          platform_fee_minor=-2000, teacher_share_minor=-900, item_kind="subscription"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10**7), st.booleans()), min_size=1, max_size=4))
def test_fee_plus_share_is_paid_for_every_renewal_and_refund(subscribed, renewals):
    fake, api, learner, admin, sub = subscribed
    invoices = []
    for i, (amount, refund_it) in enumerate(renewals):
        inv = fake.invoice(sub["id"], amount, end_in(30 * (next(_n) + i)))
        assert send(api, "invoice.paid", inv).json() == {"result": "ok"}
        invoices.append((inv, amount, refund_it))
    with lms_app.core.db.session_scope() as s:
        ids = {ref: oid for ref, oid in s.exec(select(Payment.reference, Payment.order_id).where(
            Payment.reference.in_([inv["id"] for inv, _, _ in invoices]))).all()}
    for inv, amount, refund_it in invoices:
        if refund_it:
            charge = {"id": f"ch_{inv['id']}", "object": "charge", "invoice": inv["id"], "refunded": True,
                      "amount_refunded": amount}
            assert send(api, "charge.refunded", charge).json() == {"result": "ok"}
    rows = entries(list(ids.values()))
    for order_id, kind, teacher, amount, fee, share in rows:
        assert fee + share == amount and teacher is None and share == 0
    for inv, amount, refund_it in invoices:
        mine = [r for r in rows if r[0] == ids[inv["id"]]]
        assert [r[3] for r in mine] == ([amount, -amount] if refund_it else [amount])
    assert sum(r[3] for r in rows) == sum(a for _, a, r in invoices if not r)
