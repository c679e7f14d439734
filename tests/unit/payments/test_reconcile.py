"""The reconciliation job: payments still pending after 15 minutes are settled from what the
provider's API says; mismatches are flagged; a provider that is down changes nothing."""

from __future__ import annotations

from datetime import timedelta

import lms_app.core.db
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.payments.services import webhooks
from tests.unit.commerce.commerce_support import counts
from tests.unit.payments.support import flags, order_status, reference_of, start


def reconcile(minutes_later=20):
    with lms_app.core.db.session_scope() as s:
        return webhooks.reconcile(s, get_settings(), now=utcnow() + timedelta(minutes=minutes_later))


def test_reconcile_settles_lost_webhooks_once_and_flags_mismatches(fake_stripe, make_course, make_user, sign_in):
    course, other, third = (make_course(price_minor=5000) for _ in range(3))
    learner = make_user()
    _, actor = sign_in(learner)
    paid, _ = start(actor, course.slug)
    tampered, _ = start(actor, other.slug)
    open_, _ = start(actor, third.slug)
    fake_stripe.complete(reference_of(paid))
    fake_stripe.sessions[reference_of(tampered)].update(status="complete", payment_status="paid", amount_total=1)
    assert reconcile(minutes_later=5) == 0  # too early: the webhook may still come
    assert reconcile() == 2
    assert (order_status(paid), order_status(tampered), order_status(open_)) == ("paid", "failed", "pending")
    assert flags() == 1 and counts(learner.id)["enrollments"] == 1
    assert reconcile() == 0  # settled orders are not asked again


def test_reconcile_survives_a_provider_outage(fake_stripe, make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    _, actor = sign_in(make_user())
    order_id, _ = start(actor, course.slug)
    fake_stripe.close()
    assert reconcile() == 0 and order_status(order_id) == "pending"


def test_reconcile_does_nothing_for_other_gateways(make_course):
    assert reconcile() == 0
