"""Checkout invariants: price from the database, one order under any number of clicks, declines store nothing."""

from __future__ import annotations

import inspect
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import Coupon, LedgerEntry, Order
from lms_app.core.courses import Course
from lms_app.core.types import utcnow
from lms_app.commerce.services import checkout, coupons
from lms_app.learning.services import enrollment
from lms_app.core.errors import ServiceError
from lms_app.commerce.gateways import test_gateway
from tests.unit.commerce.commerce_support import DECLINED, INSUFFICIENT, buy, counts, make_coupon


@pytest.fixture
def paid(make_course):
    return make_course(price_minor=4900, currency="USD")


def test_successful_purchase_pays_enrols_and_books_the_ledger(paid, make_user, sign_in, settings):
    learner = make_user()
    _, actor = sign_in(learner)
    order = buy(actor, paid.slug)
    assert (order.status, order.amount_minor, order.list_price_minor, order.discount_minor) == ("paid", 4900, 4900, 0)
    assert counts(learner.id, paid.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}
    with lms_app.core.db.session_scope() as s:
        entry = s.exec(select(LedgerEntry)).one()
        assert entry.platform_fee_minor == 4900 * settings.platform_fee_percent // 100
        assert entry.platform_fee_minor + entry.teacher_share_minor == 4900
        assert s.get(Course, paid.id).student_count == 1


def test_price_is_read_from_the_database_and_no_amount_parameter_exists(paid, make_user, sign_in):
    assert not {"amount", "amount_minor", "price", "total"} & set(inspect.signature(checkout.purchase).parameters)
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:  # the teacher raises the price just before the purchase
        s.get(Course, paid.id).price_minor = 5900
    order = buy(actor, paid.slug)
    assert order.amount_minor == 5900


@pytest.mark.parametrize("card,reason", [(DECLINED, test_gateway.DECLINED_REASON),
                                         (INSUFFICIENT, test_gateway.INSUFFICIENT_REASON)])
def test_declined_card_charges_nothing_and_enrols_nothing(paid, make_user, sign_in, card, reason):
    learner = make_user()
    _, actor = sign_in(learner)
    coupon = make_coupon(code="HALF", amount=50, max_redemptions=5)
    before = len(test_gateway.CHARGES)
    with pytest.raises(checkout.PaymentDeclined, match=reason.split(".")[0]):
        buy(actor, paid.slug, "HALF", card)
    assert len(test_gateway.CHARGES) == before
    assert counts(learner.id) == {"orders": 0, "paid": 0, "payments": 0, "enrollments": 0, "ledger": 0}
    with lms_app.core.db.session_scope() as s:
        assert s.get(Coupon, coupon.id).used_count == 0
    assert buy(actor, paid.slug, "HALF").amount_minor == 2450  # and the learner can still pay


@pytest.mark.parametrize("number,expiry,cvc", [("4242 4242 4242 4241", "12/39", "123"),
                                               ("4242424242424242", "01/20", "123"),
                                               ("4242424242424242", "13/39", "123"),
                                               ("4242424242424242", "12/39", "12a")])
def test_invalid_card_forms_are_refused_before_any_charge(paid, make_user, sign_in, number, expiry, cvc):
    from lms_app.commerce.gateways.base import CardDetails

    learner = make_user()
    _, actor = sign_in(learner)
    with pytest.raises(checkout.PaymentDeclined):
        buy(actor, paid.slug, card=CardDetails(number=number, expiry=expiry, cvc=cvc))
    assert counts(learner.id)["enrollments"] == 0


def test_refused_coupon_charges_nothing(paid, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError, match="does not exist"):
        buy(actor, paid.slug, "NOPE")
    assert len(test_gateway.CHARGES) == before and counts(learner.id)["orders"] == 0


def test_full_coupon_enrols_without_a_card(paid, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    make_coupon(code="FREE100", amount=100)
    order = buy(actor, paid.slug, "free100", card=None)
    assert (order.amount_minor, order.gateway) == (0, "coupon")
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 0, "enrollments": 1, "ledger": 1}


def test_second_click_is_refused_without_a_second_charge(paid, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    buy(actor, paid.slug)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError, match="already enrolled"):
        buy(actor, paid.slug)
    assert len(test_gateway.CHARGES) == before
    assert counts(learner.id)["orders"] == 1


def test_twenty_concurrent_attempts_make_one_order_one_charge_one_enrolment(paid, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    make_coupon(code="RACE", amount=10)
    before = len(test_gateway.CHARGES)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def attempt():
        barrier.wait()
        try:
            buy(actor, paid.slug, "RACE")
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == 20
    assert len(test_gateway.CHARGES) - before == 1
    assert counts(learner.id, paid.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "RACE")).one() == 1
        assert s.get(Course, paid.id).student_count == 1


def test_coupon_cap_is_exact_under_concurrency(make_course, make_user, sign_in):
    course = make_course(price_minor=1000)
    make_coupon(code="FIVE", amount=10, max_redemptions=5)
    actors = [sign_in(make_user())[1] for _ in range(12)]
    barrier = threading.Barrier(len(actors))
    results: list[str] = []

    def attempt(actor):
        barrier.wait()
        try:
            buy(actor, course.slug, "FIVE")
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.message)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 5, results
    assert all(r in ("ok", coupons.USED_UP) for r in results), results
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "FIVE")).one() == 5


def test_free_course_enrols_in_one_click_idempotently(make_course, make_user, sign_in):
    free = make_course(price_minor=0)
    learner = make_user()
    _, actor = sign_in(learner)
    for _ in range(2):
        with lms_app.core.db.session_scope() as s:
            enrollment.enroll_free(s, actor, free.slug)
    assert counts(learner.id)["enrollments"] == 1
    with lms_app.core.db.session_scope() as s:
        assert s.get(Course, free.id).student_count == 1
        with pytest.raises(ServiceError):
            enrollment.enroll_free(s, actor, "no-such-course")


def test_free_course_cannot_be_bought_and_paid_course_cannot_be_joined_free(paid, make_course, make_user, sign_in):
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="paid"):
        enrollment.enroll_free(s, actor, paid.slug)
    with pytest.raises(ServiceError, match="free"):
        buy(actor, make_course(price_minor=0).slug)
    with pytest.raises(ServiceError):
        buy(actor, make_course(price_minor=900, status="draft").slug)


def test_order_table_refuses_impossible_amounts(paid, make_user):
    from sqlalchemy.exc import IntegrityError

    learner = make_user()
    for bad in (dict(list_price_minor=100, discount_minor=200, amount_minor=-100),
                dict(list_price_minor=100, discount_minor=0, amount_minor=50)):
        with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
            s.add(Order(user_id=learner.id, course_id=paid.id, status="failed", currency="USD", **bad))


def test_coupon_refusal_reasons(paid, make_course, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    now = utcnow()
    make_coupon(code="OLD", valid_until=now - timedelta(days=1))
    make_coupon(code="SOON", valid_from=now + timedelta(days=1))
    make_coupon(code="OTHER", course_id=make_course(price_minor=100).id)
    make_coupon(code="GONE", max_redemptions=1, used_count=1)
    make_coupon(code="OFF", active=False)
    make_coupon(code="ONCE")
    expected = {"NOPE": coupons.UNKNOWN, "OLD": coupons.EXPIRED, "SOON": coupons.NOT_YET,
                "OTHER": coupons.WRONG_COURSE, "GONE": coupons.USED_UP, "OFF": coupons.INACTIVE}
    with lms_app.core.db.session_scope() as s:
        for code, reason in expected.items():
            assert checkout.quote_view(s, actor, paid.slug, code)["coupon_error"] == reason
        view = checkout.quote_view(s, actor, paid.slug, " once ")
        assert view["coupon_error"] == "" and view["total_label"] == "$39.20"
    buy(actor, make_course(price_minor=500).slug, "ONCE")
    with lms_app.core.db.session_scope() as s:
        assert checkout.quote_view(s, actor, paid.slug, "ONCE")["coupon_error"] == coupons.ALREADY_USED


def test_the_demo_coupon_takes_20_percent_off_every_course_a_learner_buys(make_course, make_user, sign_in):
    """The README: "The demo coupon DEMO20 takes 20 % off any course" - not only the first one."""
    from lms_app.commerce.services.demo import ensure_demo_coupons

    with lms_app.core.db.session_scope() as s:
        assert ensure_demo_coupons(s) == 1
    _, actor = sign_in(make_user())
    first, second = make_course(price_minor=2900), make_course(price_minor=4900)
    assert buy(actor, first.slug, "DEMO20").amount_minor == 2320
    with lms_app.core.db.session_scope() as s:
        assert checkout.quote_view(s, actor, second.slug, "DEMO20")["coupon_error"] == ""
    assert buy(actor, second.slug, "demo20").amount_minor == 3920
    with lms_app.core.db.session_scope() as s:
        demo = s.exec(select(Coupon).where(Coupon.code == "DEMO20")).one()
        assert demo.used_count == 2 and ensure_demo_coupons(s) == 0


def test_once_per_account_is_kept_by_the_database(paid, make_course, make_user, sign_in):
    from sqlalchemy.exc import IntegrityError
    from lms_app.commerce.models import CouponRedemption

    learner = make_user()
    _, actor = sign_in(learner)
    once = make_coupon(code="ONLYONCE")
    order = buy(actor, make_course(price_minor=500).slug, "ONLYONCE")
    with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
        s.add(CouponRedemption(coupon_id=once.id, user_id=learner.id, order_id=order.id, once_per_account=True))


def test_unverified_learner_cannot_buy_but_can_join_free_courses(paid, make_course, make_user, sign_in):
    learner = make_user(email_verified_at=None)
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError, match="Confirm your e-mail"):
        buy(actor, paid.slug)
    assert len(test_gateway.CHARGES) == before and counts(learner.id)["orders"] == 0
    with lms_app.core.db.session_scope() as s:
        assert checkout.quote_view(s, actor, paid.slug)["email_verified"] is False
        enrollment.enroll_free(s, actor, make_course(price_minor=0).slug)
    assert counts(learner.id)["enrollments"] == 1
