"""The bundle REST routes: public list and detail, buying with the test card gateway."""

from __future__ import annotations

from sqlmodel import select

from lms_app.core.courses import Enrollment
from tests.unit.api.conftest import api, bearer, login  # noqa: F401  (fixtures)
from tests.unit.bundles.bundles_support import make_bundle
from tests.unit.commerce.commerce_support import make_coupon

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def test_list_detail_and_purchase(api, make_user, make_course, login, db):  # noqa: F811
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=p) for p in (2000, 3000)]
    _bid, slug = make_bundle(teacher, courses, price="40")
    listed = api.get("/api/v1/bundles")
    assert listed.status_code == 200 and [b["slug"] for b in listed.json()["items"]] == [slug]
    anon = api.get(f"/api/v1/bundles/{slug}").json()
    assert anon["savings_label"] == "$10.00" and anon["total_label"] == "$40.00"
    assert api.get("/api/v1/bundles/no-such").status_code == 404
    assert api.post(f"/api/v1/bundles/{slug}/purchase", json={"card": CARD}).status_code == 401

    learner = make_user()
    auth = bearer(login(learner)["access_token"])
    make_coupon(code="API10", amount=10)
    quote = api.get(f"/api/v1/bundles/{slug}?coupon=API10", headers=auth).json()
    assert quote["total_label"] == "$36.00" and quote["coupon_code"] == "API10"
    declined = api.post(f"/api/v1/bundles/{slug}/purchase", headers=auth,
                        json={"card": {**CARD, "card_number": "4000 0000 0000 0002"}})
    assert declined.status_code == 402 and declined.json()["code"] == "payment_declined"
    paid = api.post(f"/api/v1/bundles/{slug}/purchase", headers=auth, json={"coupon_code": "API10", "card": CARD})
    assert paid.status_code == 200, paid.text
    order = api.get(f"/api/v1/me/orders/{paid.json()['order_id']}", headers=auth).json()
    assert order["status"] == "paid" and order["course_title"] == "Starter bundle"
    assert len(db.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).all()) == 2
    again = api.post(f"/api/v1/bundles/{slug}/purchase", headers=auth, json={"card": CARD})
    assert again.status_code == 422 and "already" in again.json()["error"]
    assert api.get(f"/api/v1/bundles/{slug}", headers=auth).json()["bought"] is True
