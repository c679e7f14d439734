"""Invoice figures: what billing details add to a purchase, and numbering under concurrency.

1. Statements and median server time of ``checkout.purchase`` (test gateway) without and with
   billing details (the invoice row, the seller's counter row lock, the number), ``--repeat`` each.
2. ``--concurrent`` threads, each its own learner buying a different course of ONE seller at the
   same moment, every fourth with a declined card: the paid ones must hold invoice numbers
   1..N with no gap and no duplicate; prints the wall time (the counter row serialises them).

SQLite (default): a temporary database file. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a scratch schema, dropped at the end).

Usage: python bench/invoices.py [--database-url URL] [--repeat 30] [--concurrent 40]
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

BILL = {"billing_name": "Bench GmbH", "billing_address": "Hauptstraße 5\n10115 Berlin", "billing_country": "DE",
        "billing_tax_id": "DE123456789"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--concurrent", type=int, default=40)
    args = ap.parse_args()
    with scratch_database(args.database_url, "invoices"):
        run(args.repeat, args.concurrent)


def run(repeat: int, concurrent: int) -> None:
    from alembic import command
    from sqlalchemy import event, select

    import lms_app.core.db
    from lms_app.commerce.gateways.base import CardDetails
    from lms_app.commerce.gateways.test_gateway import TestGateway
    from lms_app.commerce.invoice_models import Invoice
    from lms_app.commerce.services import checkout
    from lms_app.core.courses import Course
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow
    from lms_app.core.users import User
    from lms_app.manage import alembic_config

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    settings, gateway = get_settings(), TestGateway()
    ok = CardDetails(number="4242424242424242", expiry="12/39", cvc="123")
    declined = CardDetails(number="4000000000000002", expiry="12/39", cvc="123")
    n_users = 2 * repeat + concurrent
    with lms_app.core.db.session_scope() as s:
        teachers = [User(email=f"t{i}@example.com", name=f"Bench Teacher {i}", role="teacher", password_hash="!")
                    for i in range(2)]
        s.add_all(teachers)
        s.flush()
        s.add_all([User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!",
                        email_verified_at=utcnow()) for i in range(n_users)])
        s.add(Course(slug="c0", title="Course 0", teacher_id=teachers[0].id, status="published",
                     price_minor=4900, currency="EUR"))
        s.add_all([Course(slug=f"one{i}", title=f"One seller {i}", teacher_id=teachers[1].id, status="published",
                          price_minor=4900, currency="EUR") for i in range(concurrent)])
        s.flush()
        learners = s.exec(select(User.id).where(User.role == "learner").order_by(User.id)).scalars().all()
        seller = teachers[1].id
    actors = [Actor(user_id=uid, role="learner", session_id=0) for uid in learners]

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731

    def purchase(actor, slug, card, billing) -> None:
        with lms_app.core.db.session_scope() as s:
            checkout.purchase(s, settings, actor, slug, "", card, gateway, billing)

    print(f"backend: {engine.dialect.name}\n")
    print(f"{'purchase':>22} {'queries':>8} {'median ms':>10}")
    cursor = 0
    for label, billing in (("receipt (no billing)", None), ("invoice (billing)", BILL)):
        times, counts = [], []
        for _ in range(repeat):
            actor = actors[cursor]
            cursor += 1
            event.listen(engine, "before_cursor_execute", listener)
            statements.clear()
            t = time.perf_counter()
            purchase(actor, "c0", ok, billing)
            times.append((time.perf_counter() - t) * 1000)
            event.remove(engine, "before_cursor_execute", listener)
            counts.append(len(statements))
        print(f"{label:>22} {max(counts):>8} {statistics.median(times):10.2f}")

    barrier = threading.Barrier(concurrent)
    failures: list[str] = []
    declines = 0

    def one(i: int) -> None:
        nonlocal declines
        barrier.wait()
        try:
            purchase(actors[cursor + i], f"one{i}", declined if i % 4 == 3 else ok, BILL)
        except checkout.PaymentDeclined:
            declines += 1
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
        seqs = sorted(s.exec(select(Invoice.seq).where(Invoice.seller_id == seller)).scalars().all())
    paid = concurrent - declines - len(failures)
    print(f"\n{concurrent} concurrent purchases of one seller's courses ({declines} declined cards): "
          f"{paid} paid, {len(failures)} failed, wall {wall:.2f} s")
    print(f"  invoice numbers 1..{paid} without gap or duplicate: {seqs == list(range(1, paid + 1))}")
    for failure in failures[:5]:
        print("  failure:", failure)


if __name__ == "__main__":
    main()
