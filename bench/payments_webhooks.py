"""Payments figures: Stripe webhook handling (verify + apply) and statements per purchase.

1. ``--orders`` pending Stripe orders (each its own learner) are created through
   ``provider_checkout.start`` against the local Stripe stand-in; then one signed
   ``checkout.session.completed`` per order is POSTed to ``/api/webhooks/stripe`` (the ASGI app
   in-process, Starlette TestClient) from ``--threads`` threads at a target rate
   (``--rate`` deliveries/s). Prints p50/p95/max latency, the achieved rate, and SQL statements
   per delivery (first delivery and replay).
2. The same for Paystack's HMAC-SHA512 signed ``charge.success``.
3. Statements per purchase start (``provider_checkout.start``) through Stripe and Paystack, and
   per subscription start and per paid subscription invoice/charge through each.

SQLite (default) or ``--database-url postgresql+psycopg://...`` (a scratch schema).
Usage: python bench/payments_webhooks.py [--orders 300] [--rate 100] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def rate_run(label, bodies, send, rate: float, threads: int) -> None:
    """POST the bodies from ``threads`` threads, the i-th due at i / rate seconds; print latencies."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))
    t0 = time.perf_counter()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                i, body = queue.pop(0)
            due = t0 + i / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            t = time.perf_counter()
            result = send(body).json()
            assert result == {"result": "ok"}, result
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"{label}: {len(latencies)} deliveries at target {rate:.0f}/s with {threads} threads: achieved "
          f"{len(latencies) / wall:.0f}/s; p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
          f"max {latencies[-1]:.1f} ms")


def subscription_figures(uids, stripe_fake, paystack_fake, client, engine, settings) -> None:
    from sqlalchemy import event

    import lms_app.core.db
    from lms_app.core.sessions import Actor
    from lms_app.payments.services import subscriptions
    from lms_app.payments.paystack_gateway import PaystackGateway
    from lms_app.payments.stripe_gateway import StripeGateway
    from tests.unit.payments.fakes import paystack_signature, stripe_event, stripe_signature

    admin = Actor(user_id=uids[0], role="admin", session_id=0)
    with lms_app.core.db.session_scope() as s:
        plan_id = subscriptions.create_plan(s, admin, "Bench plan", "month", 2900).id
    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731

    def counted(fn):
        event.listen(engine, "before_cursor_execute", listener)
        statements.clear()
        out = fn()
        event.remove(engine, "before_cursor_execute", listener)
        return out, len(statements)

    def subscribe(uid, gateway):
        with lms_app.core.db.session_scope() as s:
            return subscriptions.subscribe(s, Actor(user_id=uid, role="learner", session_id=0), plan_id, gateway)

    def stripe_post(kind, obj):
        body = stripe_event(kind, obj)
        return client.post("/api/webhooks/stripe", content=body,
                           headers={"Stripe-Signature": stripe_signature(body)}).json()

    _, n_start = counted(lambda: subscribe(uids[0], StripeGateway(settings)))
    sid = [k for k, v in stripe_fake.sessions.items() if v["mode"] == "subscription"][-1]
    obj = stripe_fake.complete(sid)
    stripe_post("checkout.session.completed", obj)
    invoice = stripe_fake.invoice(obj["subscription"], 2900, int(time.time()) + 30 * 86400)
    out, n_invoice = counted(lambda: stripe_post("invoice.paid", invoice))
    assert out == {"result": "ok"}, out
    print(f"statements per subscription start (stripe): {n_start}; per paid invoice (invoice.paid: order + "
          f"payment + platform ledger sale + period): {n_invoice}")

    url, n_start = counted(lambda: subscribe(uids[1], PaystackGateway(settings)))
    ref = url.rsplit("/", 1)[1]
    data = paystack_fake.pay(ref)
    data["plan"] = dict(paystack_fake.plans[paystack_fake.transactions[ref]["plan"]])
    body = json.dumps({"event": "charge.success", "data": data}).encode()
    out, n_charge = counted(lambda: client.post("/api/webhooks/paystack", content=body,
                                                headers={"x-paystack-signature": paystack_signature(body)}).json())
    assert out == {"result": "ok"}, out
    print(f"statements per subscription start (paystack, plan code created at Paystack): {n_start}; "
          f"per paid charge with a plan (charge.success): {n_charge}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--orders", type=int, default=300)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args()
    with scratch_database(args.database_url, "payments"):
        run(args.orders, args.rate, args.threads)


def run(n: int, rate: float, threads: int) -> None:
    from alembic import command
    from sqlalchemy import event, select
    from starlette.testclient import TestClient

    import lms_app.core.db
    from lms_app.commerce.models import Payment
    from lms_app.commerce.services import provider_checkout
    from lms_app.core import plugins
    from lms_app.core.courses import Course
    from lms_app.core.http import build_api
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow
    from lms_app.core.users import User
    from lms_app.manage import alembic_config
    from lms_app.payments.paystack_gateway import PaystackGateway
    from lms_app.payments.stripe_gateway import StripeGateway
    from tests.unit.payments.fakes import (PAYSTACK_SECRET, STRIPE_WEBHOOK_SECRET, FakePaystack, FakeStripe,
                                           paystack_signature, stripe_event, stripe_signature)

    stripe_fake, paystack_fake = FakeStripe(), FakePaystack()
    os.environ.update(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_test_bench",
                      LMS_STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET, LMS_STRIPE_API_BASE=stripe_fake.base,
                      LMS_PAYSTACK_SECRET_KEY=PAYSTACK_SECRET, LMS_PAYSTACK_BASE_URL=paystack_fake.base)
    get_settings.cache_clear()
    plugins._plugin_settings.cache_clear()
    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    settings = get_settings()
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="T", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        s.add_all([User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!",
                        email_verified_at=utcnow()) for i in range(2 * n + 4)])
        s.add(Course(slug="c0", title="Course", teacher_id=teacher.id, status="published", price_minor=4900,
                     currency="USD"))
        s.flush()
        users = s.exec(select(User.id).where(User.role == "learner").order_by(User.id)).scalars().all()

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731

    def start(uid, gateway):
        with lms_app.core.db.session_scope() as s:
            return provider_checkout.start(s, Actor(user_id=uid, role="learner", session_id=0), "c0", "", gateway)

    print(f"backend: {engine.dialect.name}")
    for label, gateway, uid in (("stripe", StripeGateway(settings), users[-1]),
                                ("paystack", PaystackGateway(settings), users[-2])):
        event.listen(engine, "before_cursor_execute", listener)
        statements.clear()
        start(uid, gateway)
        event.remove(engine, "before_cursor_execute", listener)
        print(f"statements per purchase start ({label}): {len(statements)}")

    stripe_gw = StripeGateway(settings)
    order_ids = [start(uid, stripe_gw)[0] for uid in users[:n]]
    with lms_app.core.db.session_scope() as s:
        refs = dict(s.exec(select(Payment.order_id, Payment.reference).where(Payment.order_id.in_(order_ids))).all())
    bodies = [stripe_event("checkout.session.completed", stripe_fake.complete(refs[o])) for o in order_ids]
    # One event-loop thread for every request (a TestClient used outside ``with`` starts a thread
    # and a loop per request, which the figures would otherwise include).
    client = TestClient(build_api())
    client.__enter__()

    def send(body):
        return client.post("/api/webhooks/stripe", content=body, headers={"Stripe-Signature": stripe_signature(body)})

    event.listen(engine, "before_cursor_execute", listener)
    statements.clear()
    assert send(bodies[0]).json() == {"result": "ok"}
    first = len(statements)
    statements.clear()
    assert send(bodies[0]).json() == {"result": "duplicate"}
    replay = len(statements)
    event.remove(engine, "before_cursor_execute", listener)
    print(f"statements per webhook (stripe): {first} (paid order: enrol + payment + ledger), replay {replay}")

    rate_run("stripe", bodies[1:], send, rate, threads)

    # Paystack: the same for one-off payments (charge.success, HMAC-SHA512).
    paystack_gw = PaystackGateway(settings)
    p_ids = [start(uid, paystack_gw)[0] for uid in users[n:2 * n]]
    with lms_app.core.db.session_scope() as s:
        p_refs = dict(s.exec(select(Payment.order_id, Payment.reference).where(Payment.order_id.in_(p_ids))).all())
    p_bodies = [json.dumps({"event": "charge.success", "data": paystack_fake.pay(p_refs[o])}).encode()
                for o in p_ids]

    def send_paystack(body):
        return client.post("/api/webhooks/paystack", content=body,
                           headers={"x-paystack-signature": paystack_signature(body)})

    event.listen(engine, "before_cursor_execute", listener)
    statements.clear()
    assert send_paystack(p_bodies[0]).json() == {"result": "ok"}
    first = len(statements)
    statements.clear()
    assert send_paystack(p_bodies[0]).json() == {"result": "duplicate"}
    replay = len(statements)
    event.remove(engine, "before_cursor_execute", listener)
    print(f"statements per webhook (paystack): {first}, replay {replay}")
    rate_run("paystack", p_bodies[1:], send_paystack, rate, threads)

    # Subscriptions: statements per paid invoice (order + payment + platform ledger sale).
    subscription_figures(users[2 * n:2 * n + 2], stripe_fake, paystack_fake, client, engine, settings)
    client.__exit__(None, None, None)
    stripe_fake.close()
    paystack_fake.close()


if __name__ == "__main__":
    main()
