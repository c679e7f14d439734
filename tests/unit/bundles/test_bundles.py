"""Bundles: price from the database, coupons, owned-course pricing, one purchase under any number
of clicks, and refunds that remove exactly the access the bundle granted."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import lms_app.core.db
from lms_app.bundles import services
from lms_app.bundles.models import Bundle, BundleGrant, BundlePurchase
from lms_app.commerce.gateways import test_gateway
from lms_app.commerce.models import Coupon, LedgerEntry, Order, Payment
from lms_app.commerce.services import refunds, revenue
from lms_app.core.courses import Course
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from tests.unit.bundles.bundles_support import buy, make_bundle, state
from tests.unit.commerce.commerce_support import DECLINED, make_coupon


@pytest.fixture
def shop(make_user, make_course):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=p, currency="USD") for p in (3000, 3000, 4000)]
    bundle_id, slug = make_bundle(teacher, courses, price="60.00")
    return teacher, courses, bundle_id, slug


def _refund(order_id, admin=None):
    """The admin orders page's refund (``refunds.refund``) when ``admin`` is given, else the
    internal path without the admin check."""
    with lms_app.core.db.session_scope() as s:
        if admin is not None:
            return refunds.refund(s, Actor(admin.id, "admin", 0), str(order_id), "Asked for a refund")
        return refunds.refund_order(s, Actor(0, "learner", 0), order_id, "Asked for a refund")


def test_buying_enrols_in_each_course_once_books_one_sale(shop, make_user, sign_in, settings):
    teacher, courses, bundle_id, slug = shop
    learner = make_user()
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    order = buy(actor, slug)
    assert (order.status, order.item_kind, order.item_id, order.course_id) == ("paid", "bundle", bundle_id, None)
    assert (order.list_price_minor, order.amount_minor) == (6000, 6000)
    assert len(test_gateway.CHARGES) - before == 1
    assert state(learner.id) == {"orders": 1, "payments": 1, "ledger": 1, "purchases": 1, "grants": 3,
                                 "enrolled": sorted(c.id for c in courses)}
    with lms_app.core.db.session_scope() as s:
        sale = s.exec(select(LedgerEntry)).one()
        assert (sale.teacher_id, sale.item_kind, sale.course_id) == (teacher.id, "bundle", None)
        assert sale.platform_fee_minor + sale.teacher_share_minor == 6000
        assert [s.get(Course, c.id).student_count for c in courses] == [1, 1, 1]


def test_teacher_revenue_lists_the_bundle(shop, make_user, sign_in):
    teacher, _courses, _bid, slug = shop
    _, actor = sign_in(make_user())
    buy(actor, slug)
    with lms_app.core.db.session_scope() as s:
        rows = revenue.teacher_revenue(s, Actor(teacher.id, "teacher", 0))["courses"]
    assert [r["label"] for r in rows] == ["Bundle: Starter bundle"]


def test_site_coupon_applies_and_course_coupon_is_refused(shop, make_user, sign_in):
    _teacher, courses, _bid, slug = shop
    make_coupon(code="SITE25", amount=25)
    make_coupon(code="ONECOURSE", amount=50, course_id=courses[0].id)
    learner = make_user()
    _, actor = sign_in(learner)
    with pytest.raises(ServiceError, match="one course only"):
        buy(actor, slug, "ONECOURSE")
    assert state(learner.id)["orders"] == 0
    order = buy(actor, slug, "site25")
    assert (order.list_price_minor, order.discount_minor, order.amount_minor, order.coupon_code) == \
        (6000, 1500, 4500, "SITE25")
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "SITE25")).one() == 1
        sale = s.exec(select(LedgerEntry)).one()
        assert sale.amount_minor == 4500 == sale.platform_fee_minor + sale.teacher_share_minor


def test_full_coupon_needs_no_card(shop, make_user, sign_in):
    make_coupon(code="ALLFREE", amount=100)
    learner = make_user()
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    order = buy(actor, shop[3], "ALLFREE", card=None)
    assert (order.amount_minor, order.gateway) == (0, "coupon")
    assert len(test_gateway.CHARGES) == before
    assert len(state(learner.id)["enrolled"]) == 3


def test_prorate_takes_the_owned_share_off_and_does_not_enrol_twice(shop, make_user, sign_in, enroll):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    enroll(learner, courses[2])  # 4000 of 10000 separately: 40 % of 6000 = 2400 off
    _, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        view = services.page_view(s, slug, actor)
    assert [c["owned"] for c in view["courses"]] == [False, False, True]
    assert view["total_label"] == "$36.00" and view["owned_count"] == 1
    order = buy(actor, slug)
    assert order.amount_minor == 3600
    st_ = state(learner.id)
    assert st_["grants"] == 2 and st_["enrolled"] == sorted(c.id for c in courses)
    with lms_app.core.db.session_scope() as s:
        assert s.get(Course, courses[2].id).student_count == 0  # the fixture's enrol() did not count; no +1


def test_same_price_policy_charges_the_bundle_price(make_user, make_course, sign_in, enroll):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=5000) for _ in range(2)]
    _bid, slug = make_bundle(teacher, courses, price="80", policy="same")
    learner = make_user()
    enroll(learner, courses[0])
    _, actor = sign_in(learner)
    assert buy(actor, slug).amount_minor == 8000
    assert state(learner.id)["grants"] == 1


def test_owning_every_course_refuses_without_charging(shop, make_user, sign_in, enroll):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    for c in courses:
        enroll(learner, c)
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError, match="already own every course"):
        buy(actor, slug)
    assert len(test_gateway.CHARGES) == before and state(learner.id)["orders"] == 0


def test_second_purchase_is_refused_before_the_card(shop, make_user, sign_in, enroll):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    _, actor = sign_in(learner)
    buy(actor, slug)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError):
        buy(actor, slug)
    assert len(test_gateway.CHARGES) == before
    assert state(learner.id)["orders"] == 1


def test_database_refuses_a_second_paid_purchase(shop, make_user):
    learner = make_user()
    with pytest.raises(IntegrityError):
        with lms_app.core.db.session_scope() as s:
            s.add_all([BundlePurchase(bundle_id=shop[2], user_id=learner.id),
                       BundlePurchase(bundle_id=shop[2], user_id=learner.id)])
            s.flush()


def test_concurrent_clicks_charge_once(shop, make_user, sign_in):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt():
        barrier.wait()
        try:
            buy(actor, slug)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count("ok") == 1, outcomes
    assert len(test_gateway.CHARGES) - before == 1
    assert state(learner.id) == {"orders": 1, "payments": 1, "ledger": 1, "purchases": 1, "grants": 3,
                                 "enrolled": sorted(c.id for c in courses)}


def test_declined_card_stores_nothing(shop, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    with pytest.raises(ServiceError):
        buy(actor, shop[3], card=DECLINED)
    assert state(learner.id) == {"orders": 0, "payments": 0, "ledger": 0, "purchases": 0, "grants": 0,
                                 "enrolled": []}


def test_refund_removes_exactly_the_granted_courses(shop, make_user, sign_in, enroll):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    enroll(learner, courses[0])  # owned before: must survive the refund
    _, actor = sign_in(learner)
    make_coupon(code="TEN", amount=10)
    order = buy(actor, slug, "TEN")
    admin = make_user(role="admin")
    _refund(order.id, admin)
    after = state(learner.id)
    assert after["enrolled"] == [courses[0].id]
    assert after["ledger"] == 2
    with lms_app.core.db.session_scope() as s:
        purchase = s.exec(select(BundlePurchase)).one()
        assert purchase.status == "refunded"
        assert not any(g.active for g in s.exec(select(BundleGrant)).all())
        entries = s.exec(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).all()
        assert sum(e.amount_minor for e in entries) == 0
        assert sum(e.platform_fee_minor + e.teacher_share_minor for e in entries) == 0
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "TEN")).one() == 0
    # refunding again changes nothing; buying again works (the partial index only holds paid purchases)
    with pytest.raises(ServiceError):
        _refund(order.id, admin)
    again = buy(actor, slug)
    assert again.status == "paid" and len(state(learner.id)["enrolled"]) == 3


def test_unpublished_course_takes_the_bundle_off_sale(shop, make_user, sign_in):
    _teacher, courses, _bid, slug = shop
    with lms_app.core.db.session_scope() as s:
        s.get(Course, courses[1].id).status = "draft"
        assert services.public_list(s)["items"] == []
    _, actor = sign_in(make_user())
    with pytest.raises(ServiceError, match="not on sale"):
        buy(actor, slug)


def test_teacher_cannot_buy_own_bundle(shop, sign_in):
    _, actor = sign_in(shop[0])
    with pytest.raises(ServiceError, match="You teach"):
        buy(actor, shop[3])


# --- teacher side ----------------------------------------------------------------------------

def test_teacher_bundles_only_own_published_paid_courses_in_one_currency(make_user, make_course):
    teacher, other = make_user(role="teacher"), make_user(role="teacher")
    mine = [make_course(teacher=teacher, price_minor=1000) for _ in range(2)]
    theirs = make_course(teacher=other, price_minor=1000)
    draft = make_course(teacher=teacher, price_minor=1000, status="draft")
    free = make_course(teacher=teacher, price_minor=0)
    euro = make_course(teacher=teacher, price_minor=1000, currency="EUR")
    actor = Actor(teacher.id, "teacher", 0)

    def save(courses, **form):
        with lms_app.core.db.session_scope() as s:
            return services.save(s, actor, {"title": "My bundle", "price": "15", "owned_policy": "same",
                                             "courses": [str(c.id) for c in courses], **form})

    for bad, message in (([mine[0], theirs], "only your own"), ([mine[0], draft], "not published"),
                         ([mine[0], free], "is free"), ([mine[0], euro], "same currency"),
                         ([mine[0]], "at least two")):
        with pytest.raises(ServiceError, match=message):
            save(bad)
    with pytest.raises(ServiceError, match="price"):
        save(mine, price="0")
    with pytest.raises(ServiceError, match="Choose how"):
        save(mine, owned_policy="free-for-owners")
    bundle = save(mine)
    assert (bundle.price_minor, bundle.currency, bundle.slug) == (1500, "USD", "my-bundle")
    assert save(mine).slug == "my-bundle-2"
    with lms_app.core.db.session_scope() as s:
        assert [r["courses"] for r in services.teacher_list(s, actor)] == [2, 2]
        with pytest.raises(PermissionDenied):
            services.set_active(s, Actor(other.id, "teacher", 0), bundle.id, False)
        with pytest.raises(PermissionDenied):
            services.save(s, Actor(other.id, "teacher", 0), {"title": "Hijack", "price": "1",
                                                              "courses": [str(theirs.id), str(theirs.id)]},
                          bundle.id)
        with pytest.raises(PermissionDenied):
            services.course_choices(s, Actor(teacher.id, "learner", 0))


def test_edit_and_deactivate(shop, make_user, sign_in):
    teacher, courses, bundle_id, slug = shop
    actor = Actor(teacher.id, "teacher", 0)
    with lms_app.core.db.session_scope() as s:
        services.save(s, actor, {"title": "Renamed", "price": "50", "owned_policy": "same",
                                 "courses": [str(courses[0].id), str(courses[1].id)]}, bundle_id)
        view = services.edit_view(s, actor, bundle_id)
    assert (view["title"], view["price"], view["owned_policy"]) == ("Renamed", "50.00", "same")
    assert view["course_ids"] == [str(courses[0].id), str(courses[1].id)]
    with lms_app.core.db.session_scope() as s:
        services.set_active(s, actor, bundle_id, False)
        assert services.public_list(s)["items"] == []
        assert services.page_view(s, slug, None) is None
        assert services.page_view(s, slug, actor)["active"] is False  # its teacher still sees it
    _, learner = sign_in(make_user())
    with pytest.raises(ServiceError, match="no longer on sale"):
        buy(learner, slug)


def test_public_list_pages_with_a_fixed_number_of_queries(make_user, make_course, count_queries):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=1000) for _ in range(3)]
    for i in range(services.PAGE_SIZE + 2):
        make_bundle(teacher, courses[:2] if i % 2 else courses, price="15", title=f"Bundle {i}")
    with lms_app.core.db.session_scope() as s, count_queries() as n:
        first = services.public_list(s, 1)
    assert len(first["items"]) == services.PAGE_SIZE and first["has_next"] and n.count <= 4
    with lms_app.core.db.session_scope() as s:
        second = services.public_list(s, 2)
    assert len(second["items"]) == 2 and not second["has_next"]
    assert first["items"][0]["savings_label"] in ("$15.00", "$5.00")


def test_page_view_signed_out_shows_prices_and_savings(shop):
    with lms_app.core.db.session_scope() as s:
        view = services.page_view(s, shop[3], None)
    assert (view["price_label"], view["separate_label"], view["savings_label"]) == ("$60.00", "$100.00", "$40.00")
    assert view["signed_in"] is False and not any(c["owned"] for c in view["courses"])
    with lms_app.core.db.session_scope() as s:
        assert services.page_view(s, "no-such-bundle", None) is None
        assert services.page_view(s, {"slug": 1}, None) is None


# --- ledger property --------------------------------------------------------------------------

def _empty_tables() -> None:
    from sqlmodel import SQLModel

    with lms_app.core.db.get_engine().begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@hsettings(max_examples=25)
@given(prices=st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=4),
       bundle_price=st.integers(min_value=1, max_value=10**6), pct=st.integers(min_value=0, max_value=100),
       coupon=st.integers(min_value=0, max_value=100), owned=st.integers(min_value=0, max_value=3))
def test_bundle_sale_and_refund_split_exactly(prices, bundle_price, pct, coupon, owned):
    """fee + teacher share = paid for every bundle sale and its refund, whatever the prices,
    platform fee, coupon and owned courses."""
    from lms_app.core.settings import get_settings

    import os

    old = os.environ.get("LMS_PLATFORM_FEE_PERCENT")
    os.environ["LMS_PLATFORM_FEE_PERCENT"] = str(pct)
    get_settings.cache_clear()
    try:
        with lms_app.core.db.session_scope() as s:
            from lms_app.core.users import User
            teacher = User(email="t@example.test", name="T", role="teacher", password_hash="x")
            learner = User(email="l@example.test", name="L", role="learner", password_hash="x",
                           email_verified_at=utcnow())
            s.add_all([teacher, learner])
            s.flush()
            courses = [Course(slug=f"c{i}", title=f"C{i}", teacher_id=teacher.id, status="published",
                              price_minor=p) for i, p in enumerate(prices)]
            s.add_all(courses)
            s.flush()
            bundle = Bundle(teacher_id=teacher.id, slug="b", title="B", price_minor=bundle_price,
                            owned_policy="prorate")
            s.add(bundle)
            s.flush()
            from lms_app.bundles.models import BundleCourse
            from lms_app.core.courses import Enrollment
            s.add_all([BundleCourse(bundle_id=bundle.id, course_id=c.id, position=i) for i, c in enumerate(courses)])
            s.add_all([Enrollment(user_id=learner.id, course_id=c.id) for c in courses[:min(owned, len(courses) - 1)]])
            if coupon:
                s.add(Coupon(code="PROP", kind="percent", amount=coupon, once_per_account=False))
            learner_id = learner.id
        actor = Actor(learner_id, "learner", 0)
        order = buy(actor, "b", "PROP" if coupon else "")
        _refund(order.id)
        with lms_app.core.db.session_scope() as s:
            entries = s.exec(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).all()
            assert {e.kind for e in entries} == {"sale", "refund"}
            for e in entries:
                assert e.platform_fee_minor + e.teacher_share_minor == e.amount_minor
            sale = next(e for e in entries if e.kind == "sale")
            assert sale.amount_minor == order.amount_minor >= 0
            assert sale.platform_fee_minor == (order.amount_minor * pct * 2 + 100) // 200
            assert sum(e.amount_minor for e in entries) == 0
    finally:
        if old is None:
            os.environ.pop("LMS_PLATFORM_FEE_PERCENT", None)
        else:
            os.environ["LMS_PLATFORM_FEE_PERCENT"] = old
        get_settings.cache_clear()
        _empty_tables()


# --- redirect providers (Stripe, Paystack, the signed-webhook provider) ------------------------

def _event(event_id, kind, reference, amount, currency="USD"):
    from lms_app.commerce.gateways.base import GatewayEvent

    return GatewayEvent(event_id=event_id, kind=kind, reference=reference, amount_minor=amount, currency=currency)


def _apply(event):
    from lms_app.commerce.services import provider_checkout
    from lms_app.core.settings import get_settings

    with lms_app.core.db.session_scope() as s:
        return provider_checkout.apply_event(s, get_settings(), "webhook", event)


def _start(actor, slug, coupon=""):
    from lms_app.commerce.gateways.webhook_provider import WebhookProvider
    from lms_app.core.settings import get_settings

    with lms_app.core.db.session_scope() as s:
        paid = services.pay(s, get_settings(), actor, slug, coupon, {}, WebhookProvider("secret"))
        reference = s.exec(select(Payment.reference).where(Payment.order_id == paid.order_id)).one()
        return paid, reference


def test_redirect_provider_pending_then_webhook_enrols_once(shop, make_user, sign_in, enroll):
    _teacher, courses, _bid, slug = shop
    learner = make_user()
    enroll(learner, courses[0])
    _, actor = sign_in(learner)
    make_coupon(code="HALFOFF", amount=50)
    paid, reference = _start(actor, slug, "HALFOFF")
    assert paid.redirect_url.endswith(f"reference={reference}")
    again, _ = _start(actor, slug, "HALFOFF")  # a second tab gets the same payment back
    assert again.order_id == paid.order_id
    before = state(learner.id)
    assert before["enrolled"] == [courses[0].id] and before["ledger"] == 0 and before["orders"] == 1
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, paid.order_id)
        assert (order.status, order.item_kind, order.amount_minor) == ("pending", "bundle", 2100)  # (6000-1800)/2
        assert s.exec(select(BundlePurchase.status)).one() == "pending"
    assert _apply(_event("ev1", "payment.succeeded", reference, 2100)) == "ok"
    assert _apply(_event("ev1", "payment.succeeded", reference, 2100)) == "duplicate"
    assert _apply(_event("ev2", "payment.succeeded", reference, 2100)) == "ignored"
    after = state(learner.id)
    assert after["enrolled"] == sorted(c.id for c in courses) and after["grants"] == 2 and after["ledger"] == 1
    with lms_app.core.db.session_scope() as s:
        sale = s.exec(select(LedgerEntry)).one()
        assert sale.amount_minor == 2100 == sale.platform_fee_minor + sale.teacher_share_minor
        assert s.exec(select(BundlePurchase.status)).one() == "paid"
    admin = make_user(role="admin")
    _refund(paid.order_id, admin)
    assert state(learner.id)["enrolled"] == [courses[0].id]


@pytest.mark.parametrize("kind,amount,outcome", [("payment.failed", 6000, "ok"),
                                                 ("payment.succeeded", 1, "mismatch")])
def test_redirect_failure_or_wrong_amount_frees_the_place(shop, make_user, sign_in, kind, amount, outcome):
    learner = make_user()
    _, actor = sign_in(learner)
    make_coupon(code="ONCE", amount=10, max_redemptions=1)
    paid, reference = _start(actor, shop[3], "ONCE")
    assert _apply(_event("evf", kind, reference, amount)) == outcome
    assert state(learner.id)["enrolled"] == [] and state(learner.id)["ledger"] == 0
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(BundlePurchase.status)).one() == "failed"
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "ONCE")).one() == 0
    second, _ = _start(actor, shop[3], "ONCE")  # the learner may try again
    assert second.order_id != paid.order_id


def test_a_course_opened_by_a_subscription_is_not_owned_the_bundle_grants_it(shop, make_user, sign_in):
    from lms_app.core.courses import Enrollment

    _teacher, courses, _bid, slug = shop
    learner = make_user()
    with lms_app.core.db.session_scope() as s:
        s.add(Enrollment(user_id=learner.id, course_id=courses[0].id, source="plan"))
    _, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        view = services.page_view(s, slug, actor)
    assert not any(c["owned"] for c in view["courses"]) and view["total_label"] == "$60.00"
    assert buy(actor, slug).amount_minor == 6000
    assert state(learner.id)["grants"] == 3
    with lms_app.core.db.session_scope() as s:
        sources = s.exec(select(Enrollment.source).where(Enrollment.user_id == learner.id)).all()
    assert sorted(sources) == ["direct"] * 3  # bought: no longer ends with the plan


def test_refunding_one_bundle_keeps_a_course_another_paid_bundle_holds(make_user, make_course, sign_in):
    """Bundle A (courses 1, 2) then bundle B (2, 3), which skipped course 2 as owned through A.
    Refunding A removes course 1 only: B paid for course 2 too, so it keeps it (now B's grant), and a
    later refund of B removes 2 and 3."""
    teacher = make_user(role="teacher")
    c1, c2, c3 = (make_course(teacher=teacher, price_minor=3000, currency="USD") for _ in range(3))
    _, slug_a = make_bundle(teacher, [c1, c2], price="50.00", title="Bundle A")
    _, slug_b = make_bundle(teacher, [c2, c3], price="50.00", policy="same", title="Bundle B")
    learner = make_user()
    _, actor = sign_in(learner)
    order_a, order_b = buy(actor, slug_a), buy(actor, slug_b)
    assert state(learner.id)["enrolled"] == sorted([c1.id, c2.id, c3.id])
    admin = make_user(role="admin")
    _refund(order_a.id, admin)
    assert state(learner.id)["enrolled"] == sorted([c2.id, c3.id])
    _refund(order_b.id, admin)
    assert state(learner.id)["enrolled"] == []
