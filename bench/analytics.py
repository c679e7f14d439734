"""Analytics at scale: time of every SQL statement of the admin analytics page and of the
teacher analytics page, their statement count, and the chart data size sent to the browser.

Data (PostgreSQL, generated in SQL with generate_series, ~1 min): 10,000 users (200 teachers,
10 admins), 12 categories, 1,000 courses with 10 lessons each, 200,000 enrolments,
2,000,000 learning events over the last 365 days (200,000 enrolled + lesson started/completed,
quiz submitted, course completed, paid, refunded), 40,000 paid orders with their ledger sales,
2,000 refunds, 5,000 coupon redemptions.

Targets: each analytics query <= 200 ms; the page (session lookup + dashboard) <= 12 queries;
chart data sent to the browser <= 50 KB. Measured for the default range (last 30 days) and for
a year (weekly buckets); then the teacher page for the busiest teacher.

Usage: python bench/analytics.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_analytics
       [--repeat 5] [--explain]
(a schema ``analytics_bench_<random>`` is created there and dropped at the end).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402

GENERATE = [
    # 10,000 users: ids 1..10 admins, 11..210 teachers, the rest learners; joined over 365 days.
    """INSERT INTO users (id, email, password_hash, name, role, is_active, created_at, updated_at)
       SELECT i, 'u' || i || '@bench.test', '!', 'User ' || i,
              CASE WHEN i <= 10 THEN 'admin' WHEN i <= 210 THEN 'teacher' ELSE 'learner' END, true,
              now() - (((i::bigint * 7919) % 365) || ' days')::interval - ((i % 86400) || ' seconds')::interval, now()
       FROM generate_series(1, 10000) i""",
    """INSERT INTO categories (id, name, slug, position)
       SELECT i, 'Category ' || i, 'category-' || i, i FROM generate_series(1, 12) i""",
    """INSERT INTO courses (id, slug, title, teacher_id, category_id, status, price_minor, rating_count, student_count,
                            rating_avg, created_at, updated_at, published_at)
       SELECT i, 'course-' || i, 'Course ' || i, 11 + (i % 200), 1 + (i % 12),
              CASE WHEN i % 20 = 0 THEN 'pending' WHEN i % 25 = 0 THEN 'draft' ELSE 'published' END,
              CASE WHEN i % 3 = 0 THEN 0 ELSE 1000 + (i % 9) * 1000 END, i % 50, 200, 3.5 + (i % 15) / 10.0,
              now() - interval '400 days', now(), now() - interval '400 days'
       FROM generate_series(1, 1000) i""",
    """INSERT INTO modules (id, course_id, title, position) SELECT i, i, 'Module', 0 FROM generate_series(1, 1000) i""",
    """INSERT INTO lessons (id, module_id, course_id, title, lesson_type, position, is_preview, duration_seconds)
       SELECT (c - 1) * 10 + p, c, c, 'Lesson ' || p, 'text', p, p = 1, 0
       FROM generate_series(1, 1000) c, generate_series(1, 10) p""",
    # 200,000 distinct (learner, course) pairs: user u takes courses (u*31 + k*47) mod 1000 for k = 0..
    """INSERT INTO enrollments (id, user_id, course_id, created_at)
       SELECT i + 1, 211 + (i % 9790), 1 + ((((i % 9790) * 31) + (i / 9790) * 47) % 1000),
              now() - (((i::bigint * 104729) % 365) || ' days')::interval - ((i % 86400) || ' seconds')::interval
       FROM generate_series(0, 199999) i""",
    """INSERT INTO learning_events (kind, occurred_at, user_id, course_id)
       SELECT 'enrolled', created_at, user_id, course_id FROM enrollments""",
    # 1,800,000 more events on those enrolments: started / completed lessons, quizzes, completions.
    """INSERT INTO learning_events (kind, occurred_at, user_id, course_id, lesson_id, score)
       SELECT CASE WHEN j % 9 < 4 THEN 'lesson_started' WHEN j % 9 < 7 THEN 'lesson_completed'
                   WHEN j % 9 < 8 THEN 'quiz_submitted' ELSE 'course_completed' END,
              e.created_at + ((j % 30) || ' days')::interval - interval '30 days' + ((j % 3600) || ' seconds')::interval,
              e.user_id, e.course_id,
              CASE WHEN j % 9 < 8 THEN (e.course_id - 1) * 10 + 1 + (j % 10) END,
              CASE WHEN j % 9 = 7 THEN ((e.id + j) * 37) % 101 END
       FROM enrollments e, generate_series(0, 8) j""",
    # 40,000 paid orders (every 5th enrolment of a paid course), their ledger sales and paid events.
    """INSERT INTO orders (id, user_id, course_id, status, currency, list_price_minor, discount_minor, amount_minor,
                           course_title, created_at, paid_at)
       SELECT e.id, e.user_id, e.course_id, CASE WHEN e.id % 100 = 5 THEN 'refunded' ELSE 'paid' END, 'USD',
              c.price_minor, 0, c.price_minor, c.title, e.created_at, e.created_at
       FROM enrollments e JOIN courses c ON c.id = e.course_id
       WHERE e.id % 5 = 0 AND c.price_minor > 0""",
    """INSERT INTO ledger_entries (order_id, course_id, teacher_id, kind, currency, list_price_minor, discount_minor,
                                   amount_minor, platform_fee_minor, teacher_share_minor, created_at)
       SELECT o.id, o.course_id, c.teacher_id, 'sale', 'USD', o.amount_minor, 0, o.amount_minor,
              o.amount_minor / 5, o.amount_minor - o.amount_minor / 5, o.paid_at
       FROM orders o JOIN courses c ON c.id = o.course_id""",
    """INSERT INTO ledger_entries (order_id, course_id, teacher_id, kind, currency, list_price_minor, discount_minor,
                                   amount_minor, platform_fee_minor, teacher_share_minor, created_at)
       SELECT order_id, course_id, teacher_id, 'refund', 'USD', -list_price_minor, 0, -amount_minor,
              -platform_fee_minor, -teacher_share_minor, created_at + interval '2 days'
       FROM ledger_entries WHERE kind = 'sale' AND order_id % 100 = 5""",
    """INSERT INTO learning_events (kind, occurred_at, user_id, course_id, amount_minor, currency)
       SELECT CASE WHEN kind = 'sale' THEN 'paid' ELSE 'refunded' END, l.created_at, o.user_id, l.course_id,
              abs(l.amount_minor), 'USD'
       FROM ledger_entries l JOIN orders o ON o.id = l.order_id""",
    """INSERT INTO coupons (id, code, kind, amount, currency, active, used_count, created_at)
       VALUES (1, 'BENCH10', 'percent', 10, 'USD', true, 0, now())""",
    """INSERT INTO coupon_redemptions (coupon_id, user_id, order_id, created_at)
       SELECT DISTINCT ON (user_id) 1, user_id, id, created_at FROM orders ORDER BY user_id, id LIMIT 5000""",
    "INSERT INTO teacher_applications (user_id, motivation, status, created_at) "
    "SELECT i, 'Bench motivation text', 'pending', now() FROM generate_series(300, 340) i",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", required=True, help="PostgreSQL URL (generate_series); a scratch schema is used")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--explain", action="store_true", help="print the slowest statement in full")
    ap.add_argument("--keep-schema", metavar="NAME",
                    help="use (and keep) this schema; data is generated only when it is empty (for iterating)")
    args = ap.parse_args()
    if args.keep_schema:
        sys.exit(kept(args))
    with scratch_database(args.database_url, "analytics"):
        sys.exit(run(args.repeat, args.explain))


def kept(args) -> int:
    import os
    import tempfile
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    name = "".join(ch for ch in args.keep_schema if ch.isalnum() or ch == "_")
    admin = create_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))
    admin.dispose()
    os.environ["LMS_ENV"] = "test"
    os.environ["LMS_DATA_DIR"] = tempfile.mkdtemp(prefix="lms-bench-analytics-")
    sep = "&" if "?" in args.database_url else "?"
    os.environ["LMS_DATABASE_URL"] = f"{args.database_url}{sep}options={quote(f'-csearch_path={name}')}"
    return run(args.repeat, args.explain)


def run(repeat: int, explain: bool) -> int:
    from alembic import command
    from sqlalchemy import event, text
    from sqlmodel import Session

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.analytics.services import platform as analytics, teacher as teacher_analytics
    from lms_app.core import sessions
    from lms_app.core.sessions import Actor, actor_for_token

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    started = time.perf_counter()
    with engine.begin() as conn:
        already = conn.execute(text("SELECT count(*) FROM users")).scalar()
    with engine.begin() as conn:
        for statement in GENERATE if not already else []:
            conn.execute(text(statement))
        for table in ("users", "courses", "modules", "lessons", "enrollments", "orders", "ledger_entries",
                      "coupons", "coupon_redemptions", "teacher_applications"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in
                  ("users", "courses", "enrollments", "learning_events", "ledger_entries")}
    print(f"generated in {time.perf_counter() - started:.1f} s: {counts}")

    with lms_app.core.db.session_scope() as s:
        _, token = sessions.create_session(s, 1, 30)  # the admin's session, looked up like the guard does
    admin = Actor(user_id=1, role="admin", session_id=0)
    timings: list[tuple[str, float]] = []
    pending: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        pending[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append((statement, (time.perf_counter() - pending.pop(id(cursor))) * 1000))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    failures = 0

    def page(label: str, fn) -> dict:
        nonlocal failures
        per_statement: dict[int, list[float]] = {}
        texts: dict[int, str] = {}
        result, count, totals = None, 0, []
        for _ in range(repeat):
            timings.clear()
            t0 = time.perf_counter()
            with Session(engine, expire_on_commit=False) as s:
                actor_for_token(s, token)  # what the guard does first
                result = fn(s)
                s.commit()
            totals.append((time.perf_counter() - t0) * 1000)
            count = len(timings)
            for i, (statement, ms) in enumerate(timings):
                per_statement.setdefault(i, []).append(ms)
                texts[i] = statement
        worst = max(statistics.median(v) for v in per_statement.values())
        print(f"\n{label}: {count} statements (target <= 12), page median {statistics.median(totals):.0f} ms, "
              f"slowest statement median {worst:.1f} ms (target <= 200)")
        for i, values in per_statement.items():
            first_line = " ".join(texts[i].split())[:90]
            print(f"  {statistics.median(values):7.1f} ms  {first_line}")
        if count > 12 or worst > 200:
            failures += 1
        if explain:
            slow = max(per_statement, key=lambda i: statistics.median(per_statement[i]))
            print("  slowest statement:", " ".join(texts[slow].split())[:400])
        return result

    for label, start in (("admin analytics, last 30 days", None), ("admin analytics, last 365 days", "year")):
        from datetime import timedelta

        from lms_app.core.types import utcnow

        first = (utcnow() - timedelta(days=364)).date().isoformat() if start else None
        data = page(label, lambda s: analytics.dashboard(s, admin, first, None))
        charts = {k: data[k] for k in ("activity", "revenue", "by_enrollments", "by_revenue", "categories", "cards")}
        size = len(json.dumps(charts).encode())
        print(f"  chart + KPI data sent to the browser: {size / 1024:.1f} KB (target <= 50 KB); "
              f"{len(data['activity'])} buckets of {data['period']['grain']}")
        if size > 50 * 1024:
            failures += 1
    with Session(engine) as s:
        busiest = s.exec(text("SELECT teacher_id FROM courses GROUP BY teacher_id ORDER BY count(*) DESC LIMIT 1")).one()[0]
        course = s.exec(text(f"SELECT min(id) FROM courses WHERE teacher_id = {int(busiest)}")).one()[0]
    teacher = Actor(user_id=int(busiest), role="teacher", session_id=0)
    data = page(f"teacher analytics (teacher {busiest}, course {course} funnel)",
                lambda s: teacher_analytics.overview(s, teacher, None, None, course))
    size = len(json.dumps({k: data[k] for k in ("courses", "enrollments", "funnel", "scores")}).encode())
    print(f"  chart data sent to the browser: {size / 1024:.1f} KB")
    print("\nRESULT:", "all targets met" if not failures else f"{failures} target(s) missed")
    return 1 if failures else 0


if __name__ == "__main__":
    main()
