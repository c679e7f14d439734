"""Refunds reverse everything; webhooks need a valid signature and count once; receipts are private."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.types import utcnow
from lms_app.commerce.models import Coupon, CouponRedemption, LedgerEntry, Order, WebhookEvent
from lms_app.core.courses import Course
from lms_app.commerce.services import orders, provider_checkout, refunds, revenue
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.commerce.gateways.webhook_provider import WebhookProvider, sign
from tests.unit.commerce.commerce_support import buy, counts, make_coupon

SECRET = "whsec_test_0123456789abcdef"


def refund(actor, order_id, reason="Requested by the learner"):
    with lms_app.core.db.session_scope() as s:
        return refunds.refund(s, actor, order_id, reason)


def test_refund_removes_access_reverses_ledger_and_releases_coupon(make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    learner, admin = make_user(), make_user(role="admin")
    _, actor = sign_in(learner)
    _, admin_actor = sign_in(admin)
    make_coupon(code="TEN", amount=10, max_redemptions=1)
    order = buy(actor, course.slug, "TEN")
    refund(admin_actor, order.id)
    assert counts(learner.id)["enrollments"] == 0
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, order.id).status == "refunded"
        assert s.get(Course, course.id).student_count == 0
        assert s.exec(select(func.sum(LedgerEntry.amount_minor))).one() == 0
        assert s.exec(select(func.sum(LedgerEntry.teacher_share_minor))).one() == 0
        assert s.exec(select(Coupon.used_count)).one() == 0
        assert s.exec(select(func.count(CouponRedemption.id))).one() == 0
        history = orders.history(s, actor)
    assert [(h["status"], h["refund_reason"]) for h in history] == [("refunded", "Requested by the learner")]
    with pytest.raises(ServiceError, match="Only paid"):
        refund(admin_actor, order.id)
    again = buy(actor, course.slug, "TEN")  # the coupon use came back; the learner may buy again
    assert again.amount_minor == 4500


def test_only_admins_refund(make_course, make_user, sign_in):
    course = make_course(price_minor=5000)
    _, actor = sign_in(make_user())
    order = buy(actor, course.slug)
    for role in ("learner", "teacher"):
        with pytest.raises(PermissionDenied):
            refund(sign_in(make_user(role=role))[1], order.id)
    _, admin = sign_in(make_user(role="admin"))
    for junk in (None, "x", -1, True, {"id": 1}, 10**30):
        with pytest.raises(ServiceError):
            refund(admin, junk)
    with pytest.raises(ServiceError, match="why"):
        refund(admin, order.id, "   ")


def test_revenue_per_course_month_and_platform(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=10000)
    _, actor = sign_in(make_user())
    buy(actor, course.slug)
    with lms_app.core.db.session_scope() as s:
        mine = revenue.teacher_revenue(s, sign_in(teacher)[1])
        assert mine["courses"][0]["share"] == "$80.00" and mine["courses"][0]["sales"] == 1
        assert [m["label"] for m in mine["months"]] == [utcnow().strftime("%Y-%m")]
        other = revenue.teacher_revenue(s, sign_in(make_user(role="teacher"))[1])
        assert other == {"courses": [], "months": []}
        platform = revenue.platform_summary(s, sign_in(make_user(role="admin"))[1])
        assert platform[0]["fee"] == "$20.00"
        with pytest.raises(PermissionDenied):
            revenue.platform_summary(s, sign_in(teacher)[1])


# --- webhook provider against a local fake ------------------------------------------------

class FakeProvider:
    """Plays the provider's side: signs and sends events to our webhook route."""

    def __init__(self, client: TestClient, secret: str = SECRET):
        self.client, self.secret, self.n = client, secret, 0

    def event(self, reference, amount, kind="payment.succeeded", currency="USD", event_id=None):
        self.n += 1
        return json.dumps({"id": event_id or f"evt_{self.n}", "type": kind,
                           "data": {"reference": reference, "amount_minor": amount, "currency": currency}}).encode()

    def send(self, body: bytes, signature: str | None = None):
        return self.client.post("/api/webhooks/payments", content=body,
                                headers={"x-lms-signature": signature if signature is not None else sign(self.secret, body)})


@pytest.fixture
def webhook_env(monkeypatch):
    from lms_app.core.settings import get_settings

    monkeypatch.setenv("LMS_PAYMENT_GATEWAY", "webhook")
    monkeypatch.setenv("LMS_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield FakeProvider(TestClient(build_api()))
    monkeypatch.undo()
    get_settings.cache_clear()


def start(actor, slug, coupon=""):
    with lms_app.core.db.session_scope() as s:
        return provider_checkout.start(s, actor, slug, coupon, WebhookProvider(SECRET))


def reference_of(order_id):
    from lms_app.commerce.models import Payment

    with lms_app.core.db.session_scope() as s:
        return s.exec(select(Payment.reference).where(Payment.order_id == order_id)).one()


def test_webhook_flow_signature_and_replay(webhook_env, make_course, make_user, sign_in):
    fake = webhook_env
    course = make_course(price_minor=3000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, url = start(actor, course.slug)
    assert start(actor, course.slug)[0] == order_id  # a second tab gets the same open payment
    ref = reference_of(order_id)
    assert ref in url
    body = fake.event(ref, 3000)
    assert fake.send(body, signature="sha256=" + "0" * 64).status_code == 400
    assert fake.send(body, signature="").status_code == 400
    assert fake.send(body.replace(b"3000", b"1"), signature=sign(SECRET, body)).status_code == 400  # tampered
    assert counts(learner.id)["enrollments"] == 0
    first = fake.send(body)
    assert first.status_code == 200 and first.json() == {"result": "ok"}
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}
    replay = fake.send(body)
    assert replay.json() == {"result": "duplicate"}
    assert fake.send(fake.event(ref, 3000)).json() == {"result": "ignored"}  # new id, order already paid
    assert counts(learner.id) == {"orders": 1, "paid": 1, "payments": 1, "enrollments": 1, "ledger": 1}
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(WebhookEvent.id))).one() == 2


def test_webhook_failure_or_wrong_amount_releases_the_order(webhook_env, make_course, make_user, sign_in):
    fake = webhook_env
    course = make_course(price_minor=3000)
    learner = make_user()
    _, actor = sign_in(learner)
    make_coupon(code="WH", amount=10, max_redemptions=1)
    order_id, _ = start(actor, course.slug, "WH")
    assert fake.send(fake.event(reference_of(order_id), 1)).json() == {"result": "ok"}  # paid the wrong amount
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, order_id).status == "failed"
        assert s.exec(select(Coupon.used_count)).one() == 0
    assert counts(learner.id)["enrollments"] == 0
    order_id, _ = start(actor, course.slug, "WH")  # may try again
    fake.send(fake.event(reference_of(order_id), 2700, kind="payment.failed"))
    assert counts(learner.id)["paid"] == 0


# --- receipts -------------------------------------------------------------------------------

def test_receipt_pdf_only_for_its_buyer_or_an_admin(make_course, make_user, sign_in):
    course = make_course(price_minor=2500, title="Receipts 101")
    owner_token, owner = sign_in(make_user())
    order = buy(owner, course.slug)
    client = TestClient(build_api())
    url = f"/api/orders/{order.id}/receipt.pdf"

    def get(token):
        client.cookies.clear()
        if token:
            client.cookies.set(SESSION_COOKIE, token)
        return client.get(url)

    ok = get(owner_token)
    assert ok.status_code == 200 and ok.content.startswith(b"%PDF-")
    assert ok.headers["content-type"] == "application/pdf"
    assert "no-store" in ok.headers["cache-control"]
    assert get(sign_in(make_user(role="admin"))[0]).status_code == 200
    for token in (None, "forged", sign_in(make_user())[0], sign_in(make_user(role="teacher"))[0]):
        assert get(token).status_code == 404
    assert get(owner_token).status_code == 200
    client.cookies.set(SESSION_COOKIE, owner_token)
    assert client.get("/api/orders/999999/receipt.pdf").status_code == 404
    assert client.get("/api/orders/abc/receipt.pdf").status_code == 404


def test_two_admins_refunding_at_once_reverse_once(make_course, make_user, sign_in):
    import threading

    course = make_course(price_minor=5000)
    learner = make_user()
    order = buy(sign_in(learner)[1], course.slug)
    admins = [sign_in(make_user(role="admin"))[1] for _ in range(6)]
    barrier, results = threading.Barrier(len(admins)), []

    def attempt(admin):
        barrier.wait()
        try:
            refund(admin, order.id)
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.message)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in admins]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 1, results
    with lms_app.core.db.session_scope() as s:
        kinds = s.exec(select(LedgerEntry.kind).order_by(LedgerEntry.id)).all()
        assert kinds == ["sale", "refund"]
        assert s.get(Course, course.id).student_count == 0
