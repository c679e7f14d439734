"""Paystack subscriptions through the same services as Stripe Billing, against the local Paystack
stand-in: the plan is created at Paystack once, the learner pays the first period on Paystack's
page, HMAC-SHA512 signed webhooks (charge.success with a plan, subscription.create,
invoice.payment_failed, subscription.not_renew, subscription.disable) move the subscription;
every paid charge is booked in the ledger; access follows through the one rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry, Order
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.payments.models import Plan, Subscription
from lms_app.payments.paystack_gateway import PaystackGateway
from lms_app.payments.services import subscriptions, webhooks
from tests.unit.payments.fakes import FakePaystack
from tests.unit.payments.test_subscriptions import lesson_of, plan


@pytest.fixture
def world(fake_paystack, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    lesson_id = lesson_of(course)
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    plan_id = plan(admin, currency="NGN", price_minor=500000)
    return fake_paystack, api, course, lesson_id, learner, actor, admin, plan_id


def post(api, event, data):
    body, headers = FakePaystack.event(event, data)
    return api.post("/api/webhooks/paystack", content=body, headers=headers)


def subscribe(actor, plan_id):
    with lms_app.core.db.session_scope() as s:
        return subscriptions.subscribe(s, actor, plan_id, subscriptions.billing_gateway(get_settings()))


def sub_of(user_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(Subscription).where(Subscription.user_id == user_id)).one()


def opens(actor, course, lesson_id, now=None):
    from lms_app.core.courses import Course, Lesson
    from lms_app.learning.services import course_access

    with lms_app.core.db.session_scope() as s:
        if now is not None:
            return subscriptions.grants_access(s, actor.user_id, course.id, now=now)
        return course_access.may_open_lesson(s, actor, s.get(Course, course.id), s.get(Lesson, lesson_id))


def orders(user_id):
    with lms_app.core.db.session_scope() as s:
        return [(o.item_kind, o.status, o.amount_minor, o.currency, o.gateway)
                for o in s.exec(select(Order).where(Order.user_id == user_id).order_by(Order.id)).all()]


def first_payment(fake, api, actor, plan_id):
    """The learner subscribes and pays on Paystack's page: (reference, charge data, subscription data)."""
    url = subscribe(actor, plan_id)
    ref = url.rsplit("/", 1)[1]
    charge = fake.pay(ref)
    charge["plan"] = dict(fake.plans[fake.transactions[ref]["plan"]])
    assert post(api, "charge.success", charge).json() == {"result": "ok"}
    created = fake.subscribe(ref)
    assert post(api, "subscription.create", created).json() == {"result": "ok"}
    return ref, charge, created


def test_the_plan_is_created_at_paystack_once_and_the_checkout_names_it(world, make_user, sign_in):
    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    url = subscribe(actor, plan_id)
    ref = url.rsplit("/", 1)[1]
    assert url == f"{fake.base}/pay/{ref}" and ref.startswith(f"lms_sub_{learner.id}_")
    (code, made), = fake.plans.items()
    assert (made["interval"], made["amount"], made["currency"]) == ("monthly", 500000, "NGN")
    sent = fake.transactions[ref]
    assert (sent["plan"], sent["amount"], sent["currency"]) == (code, 500000, "NGN")
    with lms_app.core.db.session_scope() as s:
        assert s.get(Plan, plan_id).paystack_code == code
    _, other = sign_in(make_user())
    subscribe(other, plan_id)
    assert len(fake.plans) == 1  # the second subscriber reuses the plan code
    assert sub_of(learner.id).status == "incomplete" and not opens(actor, course, lesson_id)


def test_first_payment_then_subscription_create_open_the_course_and_book_the_charge(world):
    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    ref, charge, created = first_payment(fake, api, actor, plan_id)
    sub = sub_of(learner.id)
    assert (sub.status, sub.provider_ref) == ("active", created["subscription_code"])
    assert abs((sub.current_period_end - utcnow()) - timedelta(days=30)) < timedelta(minutes=5)
    assert opens(actor, course, lesson_id)
    assert orders(learner.id) == [("subscription", "paid", 500000, "NGN", "paystack")]
    # Replays and a second delivery of the same charge change nothing.
    assert post(api, "charge.success", charge).json() == {"result": "duplicate"}
    assert post(api, "subscription.create", created).json() == {"result": "duplicate"}
    assert len(orders(learner.id)) == 1


def test_renewal_failed_payment_grace_and_disable(world):
    from lms_app.mail.models import MailMessage
    from lms_app.payments import config

    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    ref, charge, created = first_payment(fake, api, actor, plan_id)
    code = created["subscription_code"]
    renewal = fake.renewal(code)
    assert post(api, "charge.success", renewal).json() == {"result": "ok"}  # found by plan + customer
    assert [o[2] for o in orders(learner.id)] == [500000, 500000]
    with lms_app.core.db.session_scope() as s:
        rows = s.exec(select(LedgerEntry).join(Order, Order.id == LedgerEntry.order_id)
                      .where(Order.user_id == learner.id)).all()
    assert all(e.teacher_id is None and e.platform_fee_minor + e.teacher_share_minor == e.amount_minor for e in rows)
    failed = {"id": 99, "invoice_code": "INV_1", "subscription": {"subscription_code": code}, "paid": False}
    assert post(api, "invoice.payment_failed", failed).json() == {"result": "ok"}
    sub = sub_of(learner.id)
    assert sub.status == "past_due"
    grace = config.get("LMS_SUBSCRIPTION_GRACE_DAYS")
    end = sub.current_period_end
    assert opens(actor, course, lesson_id, now=end + timedelta(days=grace - 1))
    assert not opens(actor, course, lesson_id, now=end + timedelta(days=grace + 1))
    disabled = {"id": created["id"], "subscription_code": code, "status": "complete"}
    assert post(api, "subscription.disable", disabled).json() == {"result": "ok"}
    assert sub_of(learner.id).status == "ended" and not opens(actor, course, lesson_id)
    # Ended is terminal: a late subscription.create does not bring it back.
    assert post(api, "subscription.create", dict(created, id=12345)).json() == {"result": "ignored"}
    assert sub_of(learner.id).status == "ended"
    with lms_app.core.db.session_scope() as s:
        subjects = s.exec(select(MailMessage.subject).where(MailMessage.user_id == learner.id)).all()
    assert "Your payment did not go through" in subjects and "Your subscription has ended" in subjects


def test_cancel_disables_renewal_at_paystack_and_access_lasts_the_period(world):
    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    ref, charge, created = first_payment(fake, api, actor, plan_id)
    sub = sub_of(learner.id)
    with lms_app.core.db.session_scope() as s:
        subscriptions.cancel_at_period_end(s, actor, sub.id, PaystackGateway(get_settings()))
    assert fake.disabled == [{"code": created["subscription_code"], "token": created["email_token"]}]
    assert post(api, "subscription.not_renew", dict(created, status="non-renewing")).json() == {"result": "ok"}
    sub = sub_of(learner.id)
    assert sub.cancel_at_period_end and sub.status == "active"
    assert opens(actor, course, lesson_id, now=sub.current_period_end - timedelta(hours=1))
    assert not opens(actor, course, lesson_id, now=sub.current_period_end + timedelta(hours=1))  # no grace


def test_forged_and_unsigned_paystack_events_are_refused(world):
    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    url = subscribe(actor, plan_id)
    ref = url.rsplit("/", 1)[1]
    charge = fake.pay(ref)
    charge["plan"] = dict(fake.plans[fake.transactions[ref]["plan"]])
    body, headers = FakePaystack.event("charge.success", charge)
    assert api.post("/api/webhooks/paystack", content=body,
                    headers={"x-paystack-signature": "0" * 128}).status_code == 400
    assert api.post("/api/webhooks/paystack", content=body).status_code == 400
    tampered = body.replace(b'"amount": 500000', b'"amount": 5')
    assert api.post("/api/webhooks/paystack", content=tampered, headers=headers).status_code == 400
    assert sub_of(learner.id).status == "incomplete" and orders(learner.id) == []


def test_the_return_trip_asks_paystack_and_lands_on_the_plans_page(world):
    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    url = subscribe(actor, plan_id)
    ref = url.rsplit("/", 1)[1]
    fake.pay(ref)  # paid at Paystack, the webhook is late
    with lms_app.core.db.session_scope() as s:
        target = webhooks.paystack_return(s, get_settings(), PaystackGateway(get_settings()), ref)
    assert target == "/plans?subscribed=1"
    assert sub_of(learner.id).status == "active" and opens(actor, course, lesson_id)
    assert len(orders(learner.id)) == 1
    charge = dict(fake.transactions[ref], plan=dict(fake.plans[fake.transactions[ref]["plan"]]))
    assert post(api, "charge.success", charge).json() == {"result": "duplicate"}  # the webhook, later
    assert len(orders(learner.id)) == 1


def test_the_hosted_page_flow_posts_signed_events_to_the_app(world):
    """The stand-in's Pay button (used by browser tests) sends charge.success then
    subscription.create to the app over HTTP, signed."""
    import urllib.error
    import urllib.request

    fake, api, course, lesson_id, learner, actor, admin, plan_id = world
    url = subscribe(actor, plan_id)
    ref = url.rsplit("/", 1)[1]
    sent = []
    fake.post_webhook = lambda path, body, headers: sent.append(api.post(path, content=body, headers=headers)) or 200
    req = urllib.request.Request(f"{fake.base}/pay/{ref}", data=b"", method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=20)
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
    assert [r.json() for r in sent] == [{"result": "ok"}, {"result": "ok"}]
    assert sub_of(learner.id).provider_ref.startswith("SUB_") and opens(actor, course, lesson_id)
