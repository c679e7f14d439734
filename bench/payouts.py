"""Payout statements at scale: time of the teacher's Payouts page, the admin's Payouts page (all
ended months, and one month), one statement's PDF and CSV, and mark paid.

Data (PostgreSQL, generated in SQL): 2,000 users (200 teachers, the rest buyers), 1,000 courses,
200,000 paid orders with their ledger sales spread over the last 24 months, 10,000 refunds.

Usage: python bench/payouts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB [--repeat 5]
(a schema ``payouts_bench_<random>`` is created there and dropped at the end).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402

GENERATE = [
    """INSERT INTO users (id, email, password_hash, name, role, is_active, created_at, updated_at)
       SELECT i, 'u' || i || '@bench.test', '!', 'User ' || i,
              CASE WHEN i = 1 THEN 'admin' WHEN i <= 201 THEN 'teacher' ELSE 'learner' END, true,
              now() - interval '800 days', now()
       FROM generate_series(1, 2000) i""",
    """INSERT INTO courses (id, slug, title, teacher_id, status, price_minor, currency, rating_count, student_count,
                            rating_avg, created_at, updated_at, published_at)
       SELECT i, 'course-' || i, 'Course ' || i, 2 + (i % 200), 'published', 1000 + (i % 9) * 1001,
              CASE WHEN i % 10 = 0 THEN 'EUR' ELSE 'USD' END, 0, 0, 0,
              now() - interval '800 days', now(), now() - interval '800 days'
       FROM generate_series(1, 1000) i""",
    # 200,000 orders: buyer b buys course (b*37 + k) — distinct (user, course) pairs.
    """INSERT INTO orders (id, user_id, course_id, status, currency, list_price_minor, discount_minor, amount_minor,
                           course_title, created_at, paid_at)
       SELECT i + 1, 202 + (i % 1799), 1 + (((i % 1799) * 37 + i / 1799) % 1000),
              CASE WHEN i % 20 = 7 THEN 'refunded' ELSE 'paid' END, c.currency, c.price_minor, 0, c.price_minor,
              c.title, now() - ((i % 730) || ' days')::interval - ((i % 86400) || ' seconds')::interval,
              now() - ((i % 730) || ' days')::interval - ((i % 86400) || ' seconds')::interval
       FROM generate_series(0, 199999) i JOIN courses c ON c.id = 1 + (((i % 1799) * 37 + i / 1799) % 1000)""",
    """INSERT INTO ledger_entries (order_id, course_id, item_kind, teacher_id, kind, currency, list_price_minor,
                                   discount_minor, amount_minor, platform_fee_minor, teacher_share_minor, created_at)
       SELECT o.id, o.course_id, 'course', c.teacher_id, 'sale', o.currency, o.amount_minor, 0, o.amount_minor,
              (o.amount_minor * 40 + 100) / 200, o.amount_minor - (o.amount_minor * 40 + 100) / 200, o.paid_at
       FROM orders o JOIN courses c ON c.id = o.course_id""",
    """INSERT INTO ledger_entries (order_id, course_id, item_kind, teacher_id, kind, currency, list_price_minor,
                                   discount_minor, amount_minor, platform_fee_minor, teacher_share_minor, created_at)
       SELECT order_id, course_id, 'course', teacher_id, 'refund', currency, -list_price_minor, 0, -amount_minor,
              -platform_fee_minor, -teacher_share_minor, created_at + interval '9 days'
       FROM ledger_entries WHERE order_id IN (SELECT id FROM orders WHERE status = 'refunded')""",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with scratch_database(args.database_url, "payouts"):
        sys.exit(run(args.repeat))


def run(repeat: int) -> int:
    from alembic import command
    from sqlalchemy import event, text
    from sqlmodel import Session

    import lms_app.core.db
    from lms_app.core.sessions import Actor
    from lms_app.manage import alembic_config
    from lms_app.payouts import services

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for statement in GENERATE:
            conn.execute(text(statement))
        for table in ("users", "courses", "orders", "ledger_entries"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        n = conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar()
        busiest = conn.execute(text("SELECT teacher_id FROM ledger_entries WHERE currency = 'USD' GROUP BY teacher_id "
                                    "ORDER BY count(*) DESC LIMIT 1")).scalar()
    print(f"generated {n} ledger entries in {time.perf_counter() - t0:.1f} s")
    admin = Actor(user_id=1, role="admin", session_id=0)
    teacher = Actor(user_id=busiest, role="teacher", session_id=0)
    last = services.current_month()
    year, month = int(last[:4]), int(last[5:]) - 1
    prev = f"{year - (month == 0):04d}-{(month or 12):02d}"
    count = [0]
    event.listen(engine, "before_cursor_execute", lambda *a: count.__setitem__(0, count[0] + 1))

    def measure(label, fn, times=repeat):
        ms = []
        for _ in range(times):
            count[0] = 0
            start = time.perf_counter()
            with Session(engine, expire_on_commit=False) as s:
                fn(s)
                s.commit()
            ms.append((time.perf_counter() - start) * 1000)
        print(f"{label:58s} median {statistics.median(ms):7.1f} ms  max {max(ms):7.1f} ms  {count[0]} statements")

    measure("teacher page (busiest teacher, page 1)", lambda s: services.teacher_statements(s, teacher))
    measure("admin page: all ended months, page 1", lambda s: services.admin_statements(s, admin))
    measure("admin page: all ended months, page 40", lambda s: services.admin_statements(s, admin, page=40))
    measure(f"admin page: month {prev}", lambda s: services.admin_statements(s, admin, month=prev))
    measure("admin page: status due", lambda s: services.admin_statements(s, admin, status="due"))
    measure("statement with lines (JSON)", lambda s: services.statement(s, teacher, busiest, prev, "USD"))
    measure("statement PDF", lambda s: services.statement_pdf(s, teacher, busiest, prev, "USD", "Bench"))
    measure("statement CSV", lambda s: services.statement_csv(s, teacher, busiest, prev, "USD"))
    measure("mark paid", lambda s: services.mark_paid(s, admin, busiest, prev, "USD", "BENCH"), times=1)
    return 0


if __name__ == "__main__":
    main()
