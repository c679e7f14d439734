"""Checkout, orders, refunds and coupons handlers, driven without a browser."""

from __future__ import annotations

import lms_app.core.db
from sqlmodel import select
from lms_app.core.courses import Course
from lms_app.commerce.pages.admin_orders import AdminOrdersState
from lms_app.commerce.pages.checkout import CheckoutState
from lms_app.commerce.pages.coupons import CouponsState
from lms_app.catalog.pages.course import CoursePageState
from lms_app.commerce.pages.orders import OrdersState, ReceiptState
from tests.unit.commerce.commerce_support import counts, make_coupon

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def checkout(states, token, slug):
    root = states.root(token, path=f"/checkout/{slug}")
    state = states.sub(root, CheckoutState)
    states.call(state, "load")
    return root, state


def test_checkout_applies_coupon_live_and_pays_the_server_price(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    make_coupon(code="DEMO20")
    root, state = checkout(states, token, course.slug)
    assert state.found and state.summary["total_label"] == "$49.00"
    states.call(state, "apply_coupon", {"coupon": "nope"})
    assert state.coupon_error == "This code does not exist. Check the spelling." and state.summary["coupon_code"] == ""
    states.call(state, "apply_coupon", {"coupon": "demo20"})
    assert state.coupon_error == "" and state.summary["total_label"] == "$39.20"
    events = states.call(state, "pay", {**CARD, "amount": 1, "amount_minor": 1, "price": 0})
    [target] = states.redirects(events)
    assert target.startswith("/orders/")
    order_id = int(target.rsplit("/", 1)[1])
    snapshot = states.serialize(states.snapshot(root))
    assert "4242" not in snapshot and "123" not in snapshot.replace(str(order_id), "")
    receipt = states.sub(states.root(token, path=target), ReceiptState)
    states.call(receipt, "load")
    assert receipt.found and receipt.order["amount_label"] == "$39.20" and receipt.order["payment_label"].endswith("4242")
    history = states.sub(states.root(token, path="/orders"), OrdersState)
    states.call(history, "load")
    assert [o["id"] for o in history.rows] == [order_id]


def test_declined_card_shows_why_and_stores_nothing(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    _, state = checkout(states, token, course.slug)
    events = states.call(state, "pay", {**CARD, "card_number": "4000 0000 0000 0002"})
    assert states.redirects(events) == [] and "declined" in state.error and not state.busy
    assert counts(learner.id)["orders"] == 0 and counts(learner.id)["enrollments"] == 0


def test_full_coupon_enrols_without_card(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    make_coupon(code="ALL", amount=100)
    _, state = checkout(states, token, course.slug)
    states.call(state, "apply_coupon", {"coupon": "ALL"})
    assert state.summary["is_free_now"]
    assert states.redirects(states.call(state, "pay", {}))
    assert counts(learner.id)["enrollments"] == 1


def test_course_page_enroll_button_joins_free_course_and_opens_the_first_lesson(states, make_course, make_user,
                                                                                 sign_in):
    from lms_app.core.courses import Lesson, Module

    course = make_course(price_minor=0)
    with lms_app.core.db.session_scope() as s:
        second, first = Module(course_id=course.id, title="Later", position=1), Module(course_id=course.id,
                                                                                      title="Start", position=0)
        s.add_all([second, first])
        s.flush()
        s.add_all([Lesson(module_id=second.id, course_id=course.id, title="B", lesson_type="text", position=0),
                   Lesson(module_id=first.id, course_id=course.id, title="A2", lesson_type="text", position=1),
                   Lesson(module_id=first.id, course_id=course.id, title="A1", lesson_type="text", position=0)])
        s.flush()
        first_lesson = s.exec(select(Lesson.id).where(Lesson.title == "A1")).one()
    token, _ = sign_in(make_user())
    root = states.root(token, path=f"/courses/{course.slug}")
    page = states.sub(root, CoursePageState)
    states.call(page, "load")
    assert page.cta["kind"] == "enroll"
    assert states.redirects(states.call(page, "enroll")) == [f"/learn/{course.slug}/{first_lesson}"]
    states.call(page, "load")
    assert page.cta["kind"] == "continue"
    with lms_app.core.db.session_scope() as s:
        assert s.get(Course, course.id).student_count == 1


def test_admin_refund_flow(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    _, state = checkout(states, token, course.slug)
    states.call(state, "pay", CARD)
    admin_token, _ = sign_in(make_user(role="admin"))
    admin = states.sub(states.root(admin_token, path="/admin/orders"), AdminOrdersState)
    states.call(admin, "load")
    [row] = admin.rows
    states.call(admin, "ask_refund", row["id"])
    assert admin.target_id == row["id"]
    states.call(admin, "refund", {"reason": ""})
    assert admin.error == "Say why the order is refunded." and admin.target_id == row["id"]
    # The field is not ``required``: the browser submits and the dialog shows the error (inline).
    from lms_app.commerce.pages.admin_orders import refund_dialog
    rendered = str(refund_dialog().render())
    assert "refund-reason" in rendered and "required:true" not in rendered.replace(" ", "")
    states.call(admin, "refund", {"reason": "Duplicate purchase"})
    assert admin.target_id == 0 and admin.rows[0]["status"] == "refunded"
    assert counts(learner.id)["enrollments"] == 0


def test_teacher_coupons_only_for_own_courses(states, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    mine, other = make_course(teacher=teacher), make_course()
    token, _ = sign_in(teacher)
    page = states.sub(states.root(token, path="/teach/coupons"), CouponsState)
    states.call(page, "load")
    assert [c["id"] for c in page.choices] == [str(mine.id)]
    states.call(page, "create", {"code": "SITEWIDE", "kind": "percent", "amount": "10", "course_id": "all"})
    assert "own courses" in page.error and page.rows == []
    states.call(page, "create", {"code": "THEIRS", "kind": "percent", "amount": "10", "course_id": str(other.id)})
    assert "own courses" in page.error
    states.call(page, "create", {"code": "MINE10", "kind": "percent", "amount": "10", "course_id": str(mine.id)})
    assert page.error == "" and [c["code"] for c in page.rows] == ["MINE10"]
    states.call(page, "toggle", page.rows[0]["id"], False)
    assert page.rows[0]["active"] is False
    admin = states.sub(states.root(sign_in(make_user(role="admin"))[0], path="/admin/coupons"), CouponsState)
    states.call(admin, "load")
    states.call(admin, "create", {"code": "SITE5", "kind": "fixed", "amount": "500", "course_id": "all",
                                  "valid_from": "2020-01-01", "valid_until": "2019-01-01"})
    assert admin.error_field == "valid_until"
    states.call(admin, "create", {"code": "SITE5", "kind": "fixed", "amount": "500", "course_id": "all"})
    assert {c["code"] for c in admin.rows} == {"MINE10", "SITE5"}


def test_admin_orders_search_filter_and_pages(states, make_course, make_user, sign_in):
    from lms_app.commerce.services import orders
    from tests.unit.commerce.commerce_support import buy

    course = make_course(price_minor=1500, title="Painting 101")
    other = make_course(price_minor=900, title="Knots")
    bought = []
    for i in range(orders.ADMIN_PAGE_SIZE + 3):
        _, actor = sign_in(make_user(email=f"buyer{i:02d}@example.com"))
        bought.append(buy(actor, (other if i == 0 else course).slug))
    admin_token, _ = sign_in(make_user(role="admin"))
    admin = states.sub(states.root(admin_token, path="/admin/orders"), AdminOrdersState)
    states.call(admin, "load")
    assert len(admin.rows) == orders.ADMIN_PAGE_SIZE and admin.older_than and admin.first_page
    states.call(admin, "older")
    assert len(admin.rows) == 3 and not admin.older_than and not admin.first_page
    assert admin.rows[-1]["buyer"] == "buyer00@example.com"
    states.call(admin, "filter", {"search": "KNOTS", "status": ""})
    assert [r["buyer"] for r in admin.rows] == ["buyer00@example.com"] and admin.first_page
    states.call(admin, "filter", {"search": admin.rows[0]["number"], "status": "paid"})
    assert [r["course_title"] for r in admin.rows] == ["Knots"]
    states.call(admin, "filter", {"search": "buyer0_", "status": ""})  # _ is a letter here, not a wildcard
    assert admin.rows == []
    states.call(admin, "filter", {"search": "", "status": "refunded"})
    assert admin.rows == []
    states.call(admin, "filter", {"search": ["junk"], "status": "'; drop"})
    assert len(admin.rows) == orders.ADMIN_PAGE_SIZE and admin.status == "" and admin.search == ""
