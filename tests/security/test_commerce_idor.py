"""Another learner's orders and receipts are unreachable through every handler and route.

Every commerce surface that names an order or a coupon by id is listed here; a new handler on
a commerce page state that is not in HANDLERS makes ``test_every_commerce_handler_is_covered`` fail.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.commerce.models import Coupon, Order
from lms_app.commerce.pages.admin_orders import AdminOrdersState
from lms_app.commerce.pages.checkout import CheckoutState
from lms_app.commerce.pages.coupons import CouponsState
from lms_app.commerce.pages.orders import OrdersState, ReceiptState
from lms_app.commerce.pages.revenue import RevenueState
from lms_app.commerce.services import orders, receipts
from tests.unit.commerce.commerce_support import buy

HANDLERS = {
    CheckoutState: {"load", "apply_coupon", "remove_coupon", "pay",  # take no order id: own purchase only
                    "choose_currency", "prefer_currency"},  # a currency code only; the price is the server's
    OrdersState: {"load"},
    ReceiptState: {"load"},
    AdminOrdersState: {"load", "filter", "older", "newest", "ask_refund", "cancel_refund", "refund"},
    CouponsState: {"load", "load_admin", "create", "toggle"},  # load_admin: no id; teachers are redirected
    RevenueState: {"load"},
}


def test_every_commerce_handler_is_covered():
    for cls, names in HANDLERS.items():
        assert set(cls.event_handlers) - {"setvar"} == names, cls.__name__


@pytest.fixture
def victim_order(make_course, make_user, sign_in):
    course = make_course(price_minor=4200, title="Victim course")
    victim = make_user(name="Victim Person")
    _, actor = sign_in(victim)
    return buy(actor, course.slug)


def test_other_learner_cannot_read_the_order_in_services(victim_order, make_user, sign_in, db, settings):
    for role in ("learner", "teacher"):
        _, other = sign_in(make_user(role=role))
        assert orders.detail(db, other, victim_order.id) is None
        assert orders.visible_order(db, other, str(victim_order.id)) is None
        assert receipts.receipt_pdf(db, settings, other, victim_order.id) is None
        assert orders.history(db, other) == []


def test_other_learner_cannot_read_the_order_through_handlers(states, victim_order, make_user, sign_in):
    token, _ = sign_in(make_user())
    root = states.root(token, path=f"/orders/{victim_order.id}")
    receipt = states.sub(root, ReceiptState)
    states.call(receipt, "load")
    assert not receipt.found and receipt.order["id"] == 0
    history = states.sub(states.root(token, path="/orders"), OrdersState)
    states.call(history, "load")
    assert history.rows == []
    snapshot = states.serialize(states.snapshot(root))
    assert "Victim" not in snapshot and "42.00" not in snapshot


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_non_admins_cannot_list_or_refund_orders(states, victim_order, make_user, sign_in, role):
    token, _ = sign_in(make_user(role=role))
    admin = states.sub(states.root(token, path="/admin/orders"), AdminOrdersState)
    for name, args in (("load", ()), ("ask_refund", (victim_order.id,)), ("refund", ({"reason": "x"},))):
        events = states.call(admin, name, *args)
        assert [level for level, _ in states.toasts(events)] == ["error"]
    assert admin.rows == []
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, victim_order.id).status == "paid"


def test_refund_target_cannot_be_planted_from_the_client(states, victim_order, make_user, sign_in):
    """ask_refund only accepts ids of rows the admin page loaded; refund uses the server-side target."""
    token, _ = sign_in(make_user(role="admin"))
    admin = states.sub(states.root(token, path="/admin/orders"), AdminOrdersState)
    events = states.call(admin, "ask_refund", victim_order.id)  # not loaded yet
    assert [level for level, _ in states.toasts(events)] == ["error"] and admin.target_id == 0
    states.call(admin, "refund", {"reason": "no target"})
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, victim_order.id).status == "paid"


def test_receipt_route_hides_other_orders(victim_order, make_user, sign_in):
    client = TestClient(build_api())
    for role in ("learner", "teacher"):
        client.cookies.set(SESSION_COOKIE, sign_in(make_user(role=role))[0])
        assert client.get(f"/api/orders/{victim_order.id}/receipt.pdf").status_code == 404
    client.cookies.clear()
    assert client.get(f"/api/orders/{victim_order.id}/receipt.pdf").status_code == 404


def test_teacher_cannot_toggle_someone_elses_coupon(states, make_course, make_user, sign_in):
    owner = make_user(role="teacher")
    course = make_course(teacher=owner)
    with lms_app.core.db.session_scope() as s:
        s.add(Coupon(code="OWNERS", kind="percent", amount=10, course_id=course.id, created_by=owner.id))
        s.add(Coupon(code="SITEWIDE", kind="percent", amount=10))
    token, _ = sign_in(make_user(role="teacher"))
    page = states.sub(states.root(token, path="/teach/coupons"), CouponsState)
    states.call(page, "load")
    assert page.rows == []
    with lms_app.core.db.session_scope() as s:
        ids = s.exec(select(Coupon.id)).all()
    for coupon_id in ids:
        events = states.call(page, "toggle", coupon_id, False)
        assert [level for level, _ in states.toasts(events)] == ["error"]
    with lms_app.core.db.session_scope() as s:
        assert all(s.exec(select(Coupon.active)).all())
