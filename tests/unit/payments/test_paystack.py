"""Paystack over its REST API against a local stand-in: initialize, HMAC-SHA512 webhooks
(forgery, replay, tampering), verify on the return trip, refunds."""

from __future__ import annotations

import json

import lms_app.core.db
from lms_app.commerce.services import refunds
from tests.unit.commerce.commerce_support import counts
from tests.unit.payments.fakes import paystack_signature
from tests.unit.payments.support import flags, gateway, order_status, reference_of, start


def charge_success(data: dict) -> bytes:
    return json.dumps({"event": "charge.success", "data": data}).encode()


def send(api, body, signature=None):
    return api.post("/api/webhooks/paystack", content=body,
                    headers={"x-paystack-signature": paystack_signature(body) if signature is None else signature})


def test_initialize_sends_amount_currency_and_email(fake_paystack, make_course, make_user, sign_in):
    course = make_course(price_minor=250000, currency="NGN")
    learner = make_user(email="ada@example.test")
    _, actor = sign_in(learner)
    order_id, url = start(actor, course.slug)
    ref = reference_of(order_id)
    sent = fake_paystack.transactions[ref]
    assert (sent["amount"], sent["currency"], sent["customer"]["email"]) == (250000, "NGN", "ada@example.test")
    assert url == f"{fake_paystack.base}/pay/{ref}"
    assert sent["callback_url"].endswith("/api/payments/paystack/return")
    assert start(actor, course.slug)[0] == order_id and len(fake_paystack.transactions) == 1


def test_signed_charge_success_enrols_once(fake_paystack, api, make_course, make_user, sign_in):
    course = make_course(price_minor=250000, currency="NGN")
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = charge_success(fake_paystack.pay(reference_of(order_id)))
    assert send(api, body, signature=paystack_signature(body, "sk_test_attacker")).status_code == 400
    assert send(api, body, signature="").status_code == 400
    assert send(api, body.replace(b"250000", b"100"), signature=paystack_signature(body)).status_code == 400
    assert counts(learner.id)["enrollments"] == 0
    assert send(api, body).json() == {"result": "ok"}
    assert send(api, body).json() == {"result": "duplicate"}
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}


def test_amount_tampering_is_refused_and_flagged(fake_paystack, api, make_course, make_user, sign_in):
    course = make_course(price_minor=250000, currency="NGN")
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    data = dict(fake_paystack.pay(reference_of(order_id)), amount=100)
    assert send(api, charge_success(data)).json() == {"result": "mismatch"}
    assert order_status(order_id) == "failed" and flags() == 1
    assert counts(learner.id)["enrollments"] == 0


def test_return_trip_verifies_with_paystack(fake_paystack, api, make_course, make_user, sign_in):
    course = make_course(price_minor=250000, currency="NGN")
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    ref = reference_of(order_id)
    assert api.get(f"/api/payments/paystack/return?reference={ref}", follow_redirects=False).status_code == 303
    assert counts(learner.id)["enrollments"] == 0  # abandoned at Paystack: nothing
    fake_paystack.pay(ref)
    back = api.get(f"/api/payments/paystack/return?reference={ref}", follow_redirects=False)
    assert back.headers["location"] == f"/orders/{order_id}"
    assert counts(learner.id)["enrollments"] == 1
    assert send(api, charge_success(fake_paystack.pay(ref))).json() == {"result": "ignored"}
    assert counts(learner.id)["ledger"] == 1


def test_refund_through_the_api(fake_paystack, api, make_course, make_user, sign_in):
    course = make_course(price_minor=250000, currency="NGN")
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    order_id, _ = start(actor, course.slug)
    ref = reference_of(order_id)
    assert send(api, charge_success(fake_paystack.pay(ref))).json() == {"result": "ok"}
    with lms_app.core.db.session_scope() as s:
        refunds.refund(s, admin, order_id, "Duplicate purchase", gateway())
    assert fake_paystack.refunds == [{"transaction": ref, "amount": 250000}]
    assert counts(learner.id)["enrollments"] == 0 and order_status(order_id) == "refunded"
