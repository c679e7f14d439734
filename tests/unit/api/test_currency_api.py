"""REST and prices in several currencies (issue 20): the course shows its prices per currency, the
catalog filters within a currency, and checkout takes a currency but never an amount."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry, Order, Payment
from lms_app.core.courses import CoursePrice
from tests.unit.api.conftest import bearer

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def with_prices(course, **prices):
    with lms_app.core.db.session_scope() as s:
        s.add_all([CoursePrice(course_id=course.id, currency=c, price_minor=p) for c, p in prices.items()])
    return course


def test_course_detail_lists_prices_and_catalog_filters_within_a_currency(api, make_course):
    course = with_prices(make_course(title="Multi", price_minor=3000), EUR=2800, GBP=2500)
    make_course(title="Euro fifty", price_minor=5000, currency="EUR")
    detail = api.get(f"/api/v1/courses/{course.slug}").json()["course"]
    assert detail["prices"] == [
        {"currency": "USD", "price_minor": 3000, "label": "$30.00", "primary": True},
        {"currency": "EUR", "price_minor": 2800, "label": "€28.00", "primary": False},
        {"currency": "GBP", "price_minor": 2500, "label": "£25.00", "primary": False}]
    listed = api.get("/api/v1/courses", params={"price_min": 0, "price_max": 40}).json()["courses"]
    assert [c["title"] for c in listed] == ["Multi"]  # 50 EUR is not "0-40" in USD
    listed = api.get("/api/v1/courses", params={"price_min": 45, "price_max": 60, "currency": "EUR"}).json()
    assert [c["title"] for c in listed["courses"]] == ["Euro fifty"]
    eur = {c["title"]: c["price_label"] for c in api.get("/api/v1/courses", params={"currency": "EUR"}).json()["courses"]}
    assert eur == {"Multi": "€28.00", "Euro fifty": "€50.00"}


def test_checkout_in_a_currency_ignores_any_amount_sent(api, make_course, make_user, login, db):
    course = with_prices(make_course(price_minor=3000), EUR=2800)
    auth = bearer(login(make_user())["access_token"])
    quote = api.get(f"/api/v1/checkout/{course.slug}", headers=auth, params={"currency": "EUR"}).json()
    assert (quote["currency"], quote["total_label"]) == ("EUR", "€28.00")
    assert [o["currency"] for o in quote["currency_options"]] == ["USD", "EUR"]
    refused = api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={"card": CARD, "currency": "GBP"})
    assert refused.status_code == 422 and refused.json()["error"] == \
        "This course is not sold in GBP. Choose one of: USD, EUR."
    paid = api.post(f"/api/v1/checkout/{course.slug}", headers=auth,
                    json={"card": CARD, "currency": "EUR", "amount_minor": 1, "price": 1, "total": "0.01"})
    assert paid.status_code == 200, paid.text
    order_id = paid.json()["order"]["id"]
    order = db.get(Order, order_id)
    assert (order.currency, order.amount_minor) == ("EUR", 2800)
    assert db.exec(select(Payment.currency, Payment.amount_minor).where(Payment.order_id == order_id)).one() == \
        ("EUR", 2800)
    assert db.exec(select(LedgerEntry.currency).where(LedgerEntry.order_id == order_id)).one() == "EUR"
    assert "€28.00" in paid.text
