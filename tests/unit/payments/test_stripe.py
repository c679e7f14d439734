"""Stripe through the official library against a local stand-in: Checkout Sessions, signed
webhooks (forgery, staleness, replay, tampering), the return trip, refunds, production checks."""

from __future__ import annotations

import time

import pytest

import lms_app.core.db
from lms_app.commerce.services import refunds
from lms_app.payments import config
from tests.unit.commerce.commerce_support import counts, make_coupon
from tests.unit.payments.fakes import stripe_event, stripe_signature
from tests.unit.payments.support import flags, order_status, reference_of, start


def send(api, body, signature=None):
    headers = {"Stripe-Signature": stripe_signature(body) if signature is None else signature}
    return api.post("/api/webhooks/stripe", content=body, headers=headers)


def test_checkout_session_carries_the_order_amount_and_a_second_tab_resumes_it(fake_stripe, make_course,
                                                                                 make_user, sign_in):
    course = make_course(price_minor=5000, title="Rust for Pythonistas")
    learner = make_user()
    _, actor = sign_in(learner)
    make_coupon(code="TEN", amount=10)
    order_id, url = start(actor, course.slug, "TEN")
    ref = reference_of(order_id)
    assert ref.startswith("cs_test_") and url == f"{fake_stripe.base}/pay/{ref}"
    sent = fake_stripe.sessions[ref]
    assert (sent["amount_total"], sent["currency"], sent["mode"]) == (4500, "usd", "payment")
    assert sent["metadata"] == {"order_id": str(order_id)}
    assert sent["success_url"].endswith(f"/api/payments/stripe/return?session_id={ref}")
    assert start(actor, course.slug) == (order_id, url)  # the open payment, not a second session
    assert len(fake_stripe.sessions) == 1
    assert counts(learner.id)["enrollments"] == 0


def test_signed_webhook_enrols_once_and_a_replay_changes_nothing(fake_stripe, api, make_course, make_user,
                                                                  sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = stripe_event("checkout.session.completed", fake_stripe.complete(reference_of(order_id)))
    first = send(api, body)
    assert first.status_code == 200 and first.json() == {"result": "ok"}
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}
    assert send(api, body).json() == {"result": "duplicate"}
    again = stripe_event("checkout.session.completed", fake_stripe.complete(reference_of(order_id)))
    assert send(api, again).json() == {"result": "ignored"}  # a new event id: the order is already paid
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}


def test_forged_stale_and_unsigned_webhooks_are_refused(fake_stripe, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = stripe_event("checkout.session.completed", fake_stripe.complete(reference_of(order_id)))
    other = stripe_event("checkout.session.completed", fake_stripe.complete(reference_of(order_id)))
    assert send(api, body, signature=stripe_signature(body, secret="whsec_attacker")).status_code == 400
    assert send(api, body, signature=stripe_signature(other)).status_code == 400  # signature of another body
    assert send(api, body, signature="").status_code == 400
    assert send(api, body, signature="t=1,v1=deadbeef").status_code == 400
    stale = stripe_signature(body, timestamp=int(time.time()) - 3600)  # a replay captured an hour ago
    assert send(api, body, signature=stale).status_code == 400
    assert counts(learner.id)["enrollments"] == 0 and order_status(order_id) == "pending"


@pytest.mark.parametrize("amount,currency", [(1, None), (5000, "eur"), (4999, None)])
def test_amount_or_currency_tampering_is_refused_and_flagged(fake_stripe, api, make_course, make_user, sign_in,
                                                             amount, currency):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    obj = fake_stripe.complete(reference_of(order_id), amount_total=amount, currency=currency)
    assert send(api, stripe_event("checkout.session.completed", obj)).json() == {"result": "mismatch"}
    assert order_status(order_id) == "failed"
    assert counts(learner.id)["enrollments"] == 0 and counts()["ledger"] == 0
    assert flags() == 1


def test_return_trip_asks_stripe_and_never_trusts_the_browser(fake_stripe, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    ref = reference_of(order_id)
    early = api.get(f"/api/payments/stripe/return?session_id={ref}", follow_redirects=False)
    assert early.status_code == 303 and counts(learner.id)["enrollments"] == 0  # not paid at Stripe yet
    assert api.get("/api/payments/stripe/return?session_id=../../x", follow_redirects=False).headers["location"] \
        == "/orders"
    fake_stripe.complete(ref)
    back = api.get(f"/api/payments/stripe/return?session_id={ref}", follow_redirects=False)
    assert back.headers["location"] == f"/orders/{order_id}"
    assert counts(learner.id)["enrollments"] == 1 and order_status(order_id) == "paid"
    late = stripe_event("checkout.session.completed", fake_stripe.complete(ref))
    assert send(api, late).json() == {"result": "ignored"}  # the webhook after the return trip: once only
    assert counts(learner.id)["ledger"] == 1


def test_refund_goes_through_the_api_and_a_late_paid_event_does_not_resurrect_access(
        fake_stripe, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    order_id, _ = start(actor, course.slug)
    ref = reference_of(order_id)
    paid = stripe_event("checkout.session.completed", fake_stripe.complete(ref))
    assert send(api, paid).json() == {"result": "ok"}
    from tests.unit.payments.support import gateway

    with lms_app.core.db.session_scope() as s:
        refunds.refund(s, admin, order_id, "Asked for it", gateway())
    assert fake_stripe.refunds == [{"id": fake_stripe.refunds[0]["id"], "object": "refund", "amount": 5000,
                                    "payment_intent": fake_stripe.sessions[ref]["payment_intent"],
                                    "status": "succeeded"}]
    assert counts(learner.id)["enrollments"] == 0 and order_status(order_id) == "refunded"
    late = stripe_event("checkout.session.completed", fake_stripe.complete(ref))  # out of order, new id
    assert send(api, late).json() == {"result": "ignored"}
    assert send(api, paid).json() == {"result": "duplicate"}
    assert counts(learner.id)["enrollments"] == 0 and order_status(order_id) == "refunded"


def test_failed_or_expired_session_releases_the_order(fake_stripe, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    obj = dict(fake_stripe.sessions[reference_of(order_id)], status="expired")
    assert send(api, stripe_event("checkout.session.expired", obj)).json() == {"result": "ok"}
    assert order_status(order_id) == "failed" and flags() == 0
    assert start(actor, course.slug)[0] != order_id  # may try again


def test_webhook_route_is_absent_without_keys(api, use_env):
    from lms_app.core import plugins

    use_env(LMS_STRIPE_SECRET_KEY=None)
    plugins._plugin_settings.cache_clear()
    assert api.post("/api/webhooks/stripe", content=b"{}", headers={"Stripe-Signature": "x"}).status_code == 404


def test_production_refuses_test_keys_and_a_missing_webhook_secret(use_env):
    from lms_app.core import plugins

    def problems(**env):
        settings = use_env(LMS_ENV="production", **env)
        plugins._plugin_settings.cache_clear()
        try:
            return " ".join(config.production_problems(settings))
        finally:
            plugins._plugin_settings.cache_clear()

    assert "test key" in problems(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_test_x",
                                  LMS_STRIPE_WEBHOOK_SECRET="whsec_abc")
    assert "LMS_STRIPE_WEBHOOK_SECRET" in problems(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_live_x",
                                                   LMS_STRIPE_WEBHOOK_SECRET=None)
    assert "LMS_STRIPE_SECRET_KEY is empty" in problems(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY=None)
    assert problems(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_live_x",
                    LMS_STRIPE_WEBHOOK_SECRET="whsec_abc") == ""
    assert problems(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_test_x", LMS_STRIPE_WEBHOOK_SECRET="whsec_a",
                    LMS_PAYMENTS_ALLOW_TEST_KEYS="1") == ""  # a demo site says so explicitly
    assert "test key" in problems(LMS_PAYMENT_GATEWAY="paystack", LMS_PAYSTACK_SECRET_KEY="sk_test_x",
                                  LMS_PAYMENTS_ALLOW_TEST_KEYS=None)
    assert "LMS_PAYSTACK_SECRET_KEY is empty" in problems(LMS_PAYMENT_GATEWAY="paystack", LMS_PAYSTACK_SECRET_KEY=None)


def test_flags_are_listed_for_admins(fake_stripe, api, make_course, make_user, sign_in):
    from lms_app.payments.services import subscriptions

    course = make_course(price_minor=5000)
    _, actor = sign_in(make_user())
    order_id, _ = start(actor, course.slug)
    ref = reference_of(order_id)
    send(api, stripe_event("checkout.session.completed", fake_stripe.complete(ref, amount_total=100)))
    with lms_app.core.db.session_scope() as s:
        [flag] = subscriptions.flags_view(s, sign_in(make_user(role="admin"))[1])
    assert flag["reference"] == ref and flag["detail"] == "provider reported 100 USD, order says 5000 USD"
