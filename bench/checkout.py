"""Checkout figures: SQL statements and server time per purchase, and 100 concurrent purchases.

1. One purchase through ``services.checkout.purchase`` with the test gateway (what the Pay
   handler runs in its worker thread, plus the session lookup the guard does): statements counted,
   median time over ``--repeat`` purchases (each by a new learner), with and without a coupon.
   Target: <= 10 statements.
2. 100 threads, each its own learner buying a different course at the same moment (barrier):
   all must succeed (no deadlock, no lock timeout); prints the wall time.

SQLite (default): a temporary database file. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a schema ``checkout_bench_<random>`` is created there and dropped at the end).

Usage: python bench/checkout.py [--database-url URL] [--repeat 50] [--concurrent 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--concurrent", type=int, default=100)
    args = ap.parse_args()
    with scratch_database(args.database_url, "checkout"):
        run(args.repeat, args.concurrent)


def run(repeat: int, concurrent: int) -> None:
    from alembic import command
    from sqlalchemy import event, func, select

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.commerce.models import Coupon, Order
    from lms_app.core.courses import Course, Enrollment
    from lms_app.core.users import User
    from lms_app.commerce.services import checkout
    from lms_app.core import sessions
    from lms_app.core.sessions import Actor
    from lms_app.commerce.gateways.base import CardDetails
    from lms_app.commerce.gateways.test_gateway import TestGateway
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    settings, gateway = get_settings(), TestGateway()
    card = CardDetails(number="4242424242424242", expiry="12/39", cvc="123")
    n_users = 2 * repeat + concurrent
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        s.add_all([User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!",
                        email_verified_at=utcnow())
                   for i in range(n_users)])
        s.add_all([Course(slug=f"c{i}", title=f"Course {i}", teacher_id=teacher.id, status="published",
                          price_minor=4900, currency="USD") for i in range(concurrent + 1)])
        s.add(Coupon(code="BENCH20", kind="percent", amount=20))
        s.flush()
        users = s.exec(select(User.id).where(User.role == "learner").order_by(User.id)).scalars().all()
        tokens = [sessions.create_session(s, uid, 30)[1] for uid in users]

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731

    def purchase(token: str, slug: str, coupon: str) -> None:
        """What CheckoutState.pay does: the guard's session lookup, then one purchase transaction."""
        with lms_app.core.db.session_scope() as s:
            user, row = sessions.resolve_session(s, token)
            actor = Actor(user_id=user.id, role=user.role, session_id=row.id)
        with lms_app.core.db.session_scope() as s:
            checkout.purchase(s, settings, actor, slug, coupon, card, gateway)

    print(f"backend: {engine.dialect.name}\n")
    print(f"{'purchase':>16} {'queries':>8} {'guard':>6} {'median ms':>10}")
    event.listen(engine, "before_cursor_execute", listener)
    statements.clear()
    with lms_app.core.db.session_scope() as s:
        sessions.resolve_session(s, tokens[-1])
    guard_queries = len(statements)
    event.remove(engine, "before_cursor_execute", listener)
    cursor = 0
    for label, coupon in (("no coupon", ""), ("20% coupon", "BENCH20")):
        times, counts = [], []
        for _ in range(repeat):
            token = tokens[cursor]
            cursor += 1
            event.listen(engine, "before_cursor_execute", listener)
            statements.clear()
            t = time.perf_counter()
            purchase(token, "c0", coupon)
            times.append((time.perf_counter() - t) * 1000)
            event.remove(engine, "before_cursor_execute", listener)
            counts.append(len(statements))
        print(f"{label:>16} {max(counts) - guard_queries:>8} {'+' + str(guard_queries):>6} "
              f"{statistics.median(times):10.2f}")
    print("  (queries: the purchase transaction itself; guard: the session lookup every guarded handler does)\n")

    barrier = threading.Barrier(concurrent)
    failures: list[str] = []

    def one(i: int) -> None:
        barrier.wait()
        try:
            purchase(tokens[cursor + i], f"c{i + 1}", "")
        except Exception as exc:  # noqa: BLE001 - the bench reports every failure
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(concurrent)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    wall = time.perf_counter() - t
    with lms_app.core.db.session_scope() as s:
        paid = s.exec(select(func.count(Order.id)).where(Order.status == "paid")).one()[0]
        enrolled = s.exec(select(func.count(Enrollment.id))).one()[0]
    print(f"{concurrent} concurrent purchases (different learners, different courses): "
          f"{concurrent - len(failures)} succeeded, {len(failures)} failed, wall {wall:.2f} s")
    print(f"  paid orders in total: {paid}, enrolments: {enrolled}, hung threads: {sum(th.is_alive() for th in threads)}")
    for failure in failures[:5]:
        print("  failure:", failure)
    print("\ntarget: <= 10 statements per purchase; all concurrent purchases succeed")


if __name__ == "__main__":
    main()
