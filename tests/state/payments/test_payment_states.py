"""Checkout through Stripe, plans and the subscription card, driven without a browser."""

from __future__ import annotations

import lms_app.core.db
from lms_app.commerce.pages.checkout import CheckoutState
from lms_app.payments.pages.plans import AdminPlansState, PlansState, SubscriptionSectionState
from lms_app.payments.services import subscriptions
from tests.unit.commerce.commerce_support import counts, make_coupon
from tests.unit.payments.fakes import stripe_event, stripe_signature


def test_checkout_with_stripe_redirects_to_the_hosted_page_without_a_card_form(states, fake_stripe, make_course,
                                                                                make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    state = states.sub(states.root(token, path=f"/checkout/{course.slug}"), CheckoutState)
    states.call(state, "load")
    assert state.hosted_label == "Stripe Checkout"
    events = states.call(state, "pay", {"card_number": "4242424242424242", "amount": 1})
    [target] = states.redirects(events)
    assert target.startswith(f"{fake_stripe.base}/pay/cs_test_")
    session = fake_stripe.sessions[target.rsplit("/", 1)[1]]
    assert session["amount_total"] == 4900  # the server's price; the client's "amount" is never read
    assert counts(learner.id)["enrollments"] == 0


def test_full_coupon_with_stripe_enrols_without_the_provider(states, fake_stripe, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    make_coupon(code="FREE", kind="percent", amount=100)
    state = states.sub(states.root(token, path=f"/checkout/{course.slug}"), CheckoutState)
    states.call(state, "load")
    states.call(state, "apply_coupon", {"coupon": "free"})
    [target] = states.redirects(states.call(state, "pay", {}))
    assert target.startswith("/orders/") and fake_stripe.sessions == {}
    assert counts(learner.id)["enrollments"] == 1


def test_admin_creates_a_plan_for_chosen_courses_learner_subscribes_and_cancels(states, fake_stripe, api,
                                                                                  make_course, make_user, sign_in):
    course, other = make_course(price_minor=4900), make_course(price_minor=4900)
    admin_token, _ = sign_in(make_user(role="admin"))
    admin = states.sub(states.root(admin_token, path="/admin/plans"), AdminPlansState)
    states.call(admin, "load")
    assert {c["id"] for c in admin.choices} >= {str(course.id), str(other.id)}
    states.call(admin, "create", {"name": "Data pass", "interval": "year", "price": "abc"})
    assert admin.error_field == "price"
    states.call(admin, "create", {"name": "Data pass", "interval": "year", "price": "99.00", "currency": "usd",
                                  "scope": "list", f"course-{course.id}": "on"})
    assert admin.error == "" and [p["price_label"] for p in admin.plans] == ["$99.00 / year"]
    assert admin.plans[0]["scope"] == "1 course"

    token, actor = sign_in(make_user())
    plans = states.sub(states.root(token, path="/plans"), PlansState)
    states.call(plans, "load")
    [target] = states.redirects(states.call(plans, "subscribe", plans.plans[0]["id"]))
    sid = target.rsplit("/", 1)[1]
    body = stripe_event("checkout.session.completed", fake_stripe.complete(sid))
    assert api.post("/api/webhooks/stripe", content=body,
                    headers={"Stripe-Signature": stripe_signature(body)}).json() == {"result": "ok"}
    with lms_app.core.db.session_scope() as s:
        assert subscriptions.grants_access(s, actor.user_id, course.id)
        assert not subscriptions.grants_access(s, actor.user_id, other.id)
    states.call(plans, "load")  # the viewer's own plan is marked, not offered again
    assert plans.plans[0]["current"] and plans.plans[0]["current_note"].startswith("Your plan")
    anonymous = states.sub(states.root(path="/plans"), PlansState)
    states.call(anonymous, "load")
    assert anonymous.plans[0]["current"] is False

    card = states.sub(states.root(token, path="/profile"), SubscriptionSectionState)
    states.call(card, "load")
    assert [(x["plan"], x["can_cancel"]) for x in card.subs] == [("Data pass", True)]
    states.call(card, "cancel")  # nothing asked yet: nothing happens
    assert fake_stripe.subscription_updates == []
    states.call(card, "ask", card.subs[0]["id"])
    states.call(card, "cancel")
    assert len(fake_stripe.subscription_updates) == 1 and card.subs[0]["can_cancel"] is False


def test_learners_cannot_use_the_admin_plan_handlers_nor_cancel_others(states, fake_stripe, make_user, sign_in):
    token, _ = sign_in(make_user())
    admin = states.sub(states.root(token, path="/admin/plans"), AdminPlansState)
    states.call(admin, "create", {"name": "Mine", "interval": "month", "price": "1.00"})
    with lms_app.core.db.session_scope() as s:
        assert subscriptions.plans_view(s) == []
    card = states.sub(states.root(token, path="/profile"), SubscriptionSectionState)
    states.call(card, "ask", 999999)
    states.call(card, "cancel")
    assert fake_stripe.subscription_updates == [] and not card.busy
    from lms_app.core.errors import PermissionDenied
    import pytest
    with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
        subscriptions.flags_view(s, sign_in(make_user())[1])
