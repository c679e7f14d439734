"""Attacks on the payment providers' endpoints, through the request guard: forged and replayed
webhooks, oversized bodies, and hostile references on the return trips (no request to the
provider with an attacker-chosen path)."""

from __future__ import annotations

import json
import time

import pytest
from starlette.testclient import TestClient

from lms_app.core.http import build_api, guard
from tests.unit.commerce.commerce_support import counts
from tests.unit.payments.conftest import fake_paystack, fake_stripe  # noqa: F401  (fixtures)
from tests.unit.payments.fakes import paystack_signature, stripe_event, stripe_signature
from tests.unit.payments.support import order_status, reference_of, start


@pytest.fixture
def client():
    return TestClient(guard(build_api()))


def test_stripe_forgery_replay_and_size(fake_stripe, client, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = stripe_event("checkout.session.completed", fake_stripe.complete(reference_of(order_id)))

    def post(b, sig):
        return client.post("/api/webhooks/stripe", content=b, headers={"Stripe-Signature": sig,
                                                                         "Content-Type": "application/json"})

    for sig in ("", "garbage", stripe_signature(body, "whsec_guess"), stripe_signature(body + b" "),
                stripe_signature(body, timestamp=int(time.time()) - 400)):
        assert post(body, sig).status_code == 400
    assert post(b"x" * (300 * 1024), stripe_signature(b"x")).status_code == 413
    assert order_status(order_id) == "pending"
    assert post(body, stripe_signature(body)).json() == {"result": "ok"}
    # The same event re-sent later (a captured delivery, timestamp still fresh): applied once.
    assert post(body, stripe_signature(body)).json() == {"result": "duplicate"}
    assert counts(learner.id)["ledger"] == 1


def test_paystack_forgery(fake_paystack, client, make_course, make_user, sign_in):
    course = make_course(price_minor=5000, currency="NGN")
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = json.dumps({"event": "charge.success", "data": fake_paystack.pay(reference_of(order_id))}).encode()
    for sig in ("", "0" * 128, paystack_signature(body, "sk_live_guess"), paystack_signature(body + b" ")):
        r = client.post("/api/webhooks/paystack", content=body, headers={"x-paystack-signature": sig,
                                                                        "Content-Type": "application/json"})
        assert r.status_code == 400
    assert counts(learner.id)["enrollments"] == 0


@pytest.mark.parametrize("value", ["../../v1/charges", "cs_x/../../v1/refunds", "cs_%2F..%2Fv1", "cs_" + "a" * 500,
                                   "http://evil.example/", ""])
def test_return_trips_never_call_the_provider_with_a_hostile_reference(fake_stripe, fake_paystack, client, value):
    before = (len(fake_stripe.calls), len(fake_paystack.calls))
    for path in (f"/api/payments/stripe/return?session_id={value}", f"/api/payments/paystack/return?reference={value}"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/orders"
    assert (len(fake_stripe.calls), len(fake_paystack.calls)) == before
