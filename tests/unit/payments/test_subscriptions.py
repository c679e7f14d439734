"""Subscriptions and all-access passes through Stripe Billing (local stand-in): access follows
the subscription through the ONE course-access rule; renewal, past due + grace, cancel at
period end, end; ended is terminal; replays change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.courses import Lesson, Module
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.learning.services import course_access
from lms_app.payments import config
from lms_app.payments.models import Subscription
from lms_app.payments.services import subscriptions
from lms_app.payments.stripe_gateway import StripeGateway
from tests.unit.payments.fakes import stripe_event, stripe_signature


def send(api, kind, obj, event_id=None):
    body = stripe_event(kind, obj, event_id)
    return api.post("/api/webhooks/stripe", content=body, headers={"Stripe-Signature": stripe_signature(body)})


def lesson_of(course):
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title="M", position=1)
        s.add(module)
        s.flush()
        lesson = Lesson(course_id=course.id, module_id=module.id, title="L", position=1, body="secret")
        s.add(lesson)
        s.flush()
        return lesson.id


def can_open(actor, course, lesson_id, now=None):
    with lms_app.core.db.session_scope() as s:
        from lms_app.core.courses import Course

        c, lesson = s.get(Course, course.id), s.get(Lesson, lesson_id)
        if now is None:
            return course_access.may_open_lesson(s, actor, c, lesson)
        return subscriptions.grants_access(s, actor.user_id, course.id, now=now)


def plan(admin, **kw):
    kw.setdefault("name", "All access")
    kw.setdefault("interval", "month")
    kw.setdefault("price_minor", 2900)
    with lms_app.core.db.session_scope() as s:
        return subscriptions.create_plan(s, admin, **kw).id


def subscribe(actor, plan_id):
    with lms_app.core.db.session_scope() as s:
        return subscriptions.subscribe(s, actor, plan_id, StripeGateway(get_settings()))


def sub_of(user_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(Subscription).where(Subscription.user_id == user_id)).one()


@pytest.fixture
def world(fake_stripe, api, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    lesson_id = lesson_of(course)
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    return fake_stripe, api, course, lesson_id, learner, actor, admin


def activate(fake, api, actor, plan_id, period_days=30):
    url = subscribe(actor, plan_id)
    sid = url.rsplit("/", 1)[1]
    obj = fake.complete(sid)
    assert send(api, "checkout.session.completed", obj).json() == {"result": "ok"}
    end = int((utcnow() + timedelta(days=period_days)).timestamp())
    sub = {"id": obj["subscription"], "object": "subscription", "status": "active", "cancel_at_period_end": False,
           "items": {"data": [{"current_period_end": end}]}}
    assert send(api, "customer.subscription.updated", sub).json() == {"result": "ok"}
    return sid, sub


def test_only_admins_create_plans_and_inputs_are_checked(world, make_user, sign_in):
    fake, api, course, lesson_id, learner, actor, admin = world
    with pytest.raises(PermissionDenied):
        plan(actor)
    for bad in ({"interval": "week"}, {"price_minor": 0}, {"price_minor": "9"}, {"name": " "},
                {"currency": "US"}, {"trial_days": 365}, {"course_ids": [10**9]}):
        with pytest.raises(ServiceError):
            plan(admin, **bad)


def test_subscription_checkout_then_access_through_the_one_rule(world):
    fake, api, course, lesson_id, learner, actor, admin = world
    plan_id = plan(admin, trial_days=7)
    assert not can_open(actor, course, lesson_id)
    url = subscribe(actor, plan_id)
    sid = url.rsplit("/", 1)[1]
    sent = fake.sessions[sid]
    assert (sent["mode"], sent["amount_total"], sent["interval"]) == ("subscription", 2900, "month")
    assert not can_open(actor, course, lesson_id)  # incomplete: no access before Stripe says so
    obj = fake.complete(sid)
    assert send(api, "checkout.session.completed", obj).json() == {"result": "ok"}
    assert can_open(actor, course, lesson_id)
    with lms_app.core.db.session_scope() as s:  # the lesson page and file route use the same rule
        page = course_access.lesson_page(s, actor, course.slug, str(lesson_id))
    assert page.state == "ok" and page.lesson["body"] == "secret"
    with pytest.raises(ServiceError, match="already"):
        subscribe(actor, plan_id)


def test_a_plan_with_a_course_list_opens_only_those(world, make_course):
    fake, api, course, lesson_id, learner, actor, admin = world
    other = make_course(price_minor=5000)
    other_lesson = lesson_of(other)
    activate(fake, api, actor, plan(admin, course_ids=[course.id]))
    assert can_open(actor, course, lesson_id) and not can_open(actor, other, other_lesson)


def test_cancel_at_period_end_keeps_access_until_then(world, make_user, sign_in):
    fake, api, course, lesson_id, learner, actor, admin = world
    activate(fake, api, actor, plan(admin), period_days=30)
    sub = sub_of(learner.id)
    _, stranger = sign_in(make_user())
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError):
        subscriptions.cancel_at_period_end(s, stranger, sub.id, StripeGateway(get_settings()))
    with lms_app.core.db.session_scope() as s:
        subscriptions.cancel_at_period_end(s, actor, sub.id, StripeGateway(get_settings()))
    assert fake.subscription_updates == [(sub.provider_ref, {"cancel_at_period_end": "true"})]
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError):
        subscriptions.cancel_at_period_end(s, actor, sub.id, StripeGateway(get_settings()))
    now = utcnow()
    assert can_open(actor, course, lesson_id, now=now + timedelta(days=29))
    assert not can_open(actor, course, lesson_id, now=now + timedelta(days=30, hours=1))  # no grace when cancelled
    with lms_app.core.db.session_scope() as s:
        assert subscriptions.mine(s, actor)[0]["note"].startswith("Ends on")


def test_renewal_past_due_grace_and_end(world):
    fake, api, course, lesson_id, learner, actor, admin = world
    _, sub = activate(fake, api, actor, plan(admin), period_days=30)
    now = utcnow()
    renewed = int((now + timedelta(days=60)).timestamp())
    invoice = {"id": "in_1", "object": "invoice", "subscription": sub["id"],
               "lines": {"data": [{"period": {"end": renewed}}]}}
    assert send(api, "invoice.paid", invoice).json() == {"result": "ok"}
    assert can_open(actor, course, lesson_id, now=now + timedelta(days=45))
    assert send(api, "invoice.payment_failed", dict(invoice, id="in_2")).json() == {"result": "ok"}
    assert sub_of(learner.id).status == "past_due"
    grace = config.get("LMS_SUBSCRIPTION_GRACE_DAYS")
    assert can_open(actor, course, lesson_id, now=now + timedelta(days=60 + grace - 1))  # grace period
    assert not can_open(actor, course, lesson_id, now=now + timedelta(days=60 + grace + 1))
    deleted = dict(sub, status="canceled")
    assert send(api, "customer.subscription.deleted", deleted).json() == {"result": "ok"}
    assert not can_open(actor, course, lesson_id)
    # Out of order: an 'active' update delivered after the deletion does not resurrect access.
    assert send(api, "customer.subscription.updated", sub).json() == {"result": "ignored"}
    assert send(api, "invoice.paid", dict(invoice, id="in_3")).json() == {"result": "ignored"}
    assert sub_of(learner.id).status == "ended" and not can_open(actor, course, lesson_id)


def test_replayed_subscription_events_apply_once(world):
    fake, api, course, lesson_id, learner, actor, admin = world
    _, sub = activate(fake, api, actor, plan(admin))
    body = stripe_event("customer.subscription.deleted", dict(sub, status="canceled"), "evt_once")
    headers = {"Stripe-Signature": stripe_signature(body)}
    assert api.post("/api/webhooks/stripe", content=body, headers=headers).json() == {"result": "ok"}
    assert api.post("/api/webhooks/stripe", content=body, headers=headers).json() == {"result": "duplicate"}


def test_subscription_access_is_not_granted_for_drafts(world, make_course):
    fake, api, course, lesson_id, learner, actor, admin = world
    draft = make_course(status="draft")
    draft_lesson = lesson_of(draft)
    activate(fake, api, actor, plan(admin))
    assert not can_open(actor, draft, draft_lesson)


def test_past_due_and_end_send_one_mail_each(world):
    from lms_app.mail.models import MailMessage

    fake, api, course, lesson_id, learner, actor, admin = world
    _, sub = activate(fake, api, actor, plan(admin))
    invoice = {"id": "in_9", "object": "invoice", "subscription": sub["id"], "lines": {"data": [{}]}}
    assert send(api, "invoice.payment_failed", invoice).json() == {"result": "ok"}
    assert send(api, "invoice.payment_failed", dict(invoice, id="in_10")).json() == {"result": "ok"}  # retry fails
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    with lms_app.core.db.session_scope() as s:
        mails = s.exec(select(MailMessage.subject).where(MailMessage.user_id == learner.id)
                       .order_by(MailMessage.id)).all()
    assert [m for m in mails if "subscription" in m.lower() or "payment" in m.lower()] == [
        "Your payment did not go through", "Your subscription has ended"]


def test_an_older_event_delivered_late_is_stale(world):
    fake, api, course, lesson_id, learner, actor, admin = world
    _, sub = activate(fake, api, actor, plan(admin))
    now = int(utcnow().timestamp())

    def post(kind, obj, created):
        body = stripe_event(kind, obj, created=created)
        return api.post("/api/webhooks/stripe", content=body,
                        headers={"Stripe-Signature": stripe_signature(body)}).json()

    assert post("customer.subscription.updated", dict(sub, status="past_due"), now + 60) == {"result": "ok"}
    assert post("customer.subscription.updated", dict(sub, status="active"), now + 30) == {"result": "ignored"}
    assert sub_of(learner.id).status == "past_due"
    assert post("customer.subscription.updated", dict(sub, status="active"), now + 90) == {"result": "ok"}
    assert sub_of(learner.id).status == "active"


def test_plans_page_marks_the_viewers_current_plan_and_its_renewal(world, make_user, sign_in):
    fake, api, course, lesson_id, learner, actor, admin = world
    monthly = plan(admin)
    plan(admin, name="Yearly", interval="year", price_minor=29000)

    def view(user_id):
        with lms_app.core.db.session_scope() as s:
            return {p["name"]: (p["current"], p["current_note"]) for p in subscriptions.plans_view(s, user_id)}

    assert view(learner.id) == {"All access": (False, ""), "Yearly": (False, "")}
    subscribe(actor, monthly)  # an abandoned checkout (incomplete) is not a current plan
    assert view(learner.id)["All access"] == (False, "")
    assert sub_of(learner.id).status == "incomplete"
    activate(fake, api, actor, monthly, period_days=30)
    current, note = view(learner.id)["All access"]
    assert current and note.startswith("Your plan: renews on ")
    assert view(learner.id)["Yearly"] == (False, "")
    assert view(None)["All access"] == (False, "")
    assert view(make_user().id)["All access"] == (False, "")
    sub = sub_of(learner.id)
    with lms_app.core.db.session_scope() as s:
        subscriptions.cancel_at_period_end(s, actor, sub.id, StripeGateway(get_settings()))
    assert view(learner.id)["All access"][1].startswith("Your plan: ends on ")
