"""SQL statements and time for the home page's data (lms_app.catalog.services.queries.home_page).

Builds the schema with the real migrations, then generates data directly with SQLModel rows
(categories, one teacher, N published courses) and calls ``home_page(session)``:
- with 12 published courses, then with 1,200 (the same database, 1,188 more added);
- counts the SQL statements of one call (SQLAlchemy ``before_cursor_execute``);
- times many calls and prints the median.

Target: <= 3 statements per call, and the same count for both sizes (no N+1).

SQLite (default): a temporary database under a temp LMS_DATA_DIR.
PostgreSQL: ``--database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench``. The
script creates its own schema there (``bench_<random>``, via ``search_path``), so existing
tables are never touched, and drops it at the end. Use a dedicated database anyway.

Usage: python bench/home_queries.py [--database-url URL] [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_QUERIES = 3
SIZES = (12, 1200)
N_CATEGORIES = 8


def _configure(url: str | None) -> tuple[str | None, str | None]:
    """Set LMS_* for this process; returns (temp dir to delete, PG schema to drop)."""
    os.environ["LMS_ENV"] = "test"
    if url is None:
        tmp = tempfile.mkdtemp(prefix="lms-bench-home-")
        os.environ["LMS_DATA_DIR"] = tmp
        os.environ.pop("LMS_DATABASE_URL", None)
        return tmp, None
    if not url.startswith("postgresql"):
        raise SystemExit("--database-url must be a postgresql+psycopg:// URL (SQLite is the default)")
    schema = f"bench_{secrets.token_hex(4)}"
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    os.environ["LMS_DATABASE_URL"] = f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    return None, schema


def _drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[str] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.statements.append(statement)

    @contextmanager
    def counting(self):
        self.statements.clear()
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


def _seed_base(session) -> tuple[int, list[int]]:
    from lms_app.core.courses import Category
    from lms_app.core.users import User

    teacher = User(email="bench-teacher@example.com", name="Bench Teacher", role="teacher",
                   password_hash="$2b$12$" + "x" * 53)  # never used to sign in
    session.add(teacher)
    categories = [Category(name=f"Category {i}", slug=f"category-{i}", position=i) for i in range(N_CATEGORIES)]
    session.add_all(categories)
    session.flush()
    return teacher.id, [c.id for c in categories]


def _add_courses(session, start: int, count: int, teacher_id: int, category_ids: list[int]) -> None:
    from lms_app.core.courses import Course
    from lms_app.core.types import utcnow

    rng = random.Random(start)
    now = utcnow()
    for i in range(start, start + count):
        rating_count = rng.randint(0, 400)
        session.add(Course(
            slug=f"bench-course-{i}", title=f"Bench course number {i}", subtitle="Generated for the benchmark",
            category_id=category_ids[i % len(category_ids)], teacher_id=teacher_id,
            level=("beginner", "intermediate", "advanced")[i % 3],
            price_minor=rng.choice((0, 1900, 4900, 9900)), currency="USD", status="published",
            rating_avg=round(rng.uniform(3.0, 5.0), 2) if rating_count else 0.0, rating_count=rating_count,
            student_count=rng.randint(0, 5000), published_at=now - timedelta(days=i % 365),
        ))
    session.flush()


def _measure(engine, counter: StatementCounter, repeat: int) -> dict:
    from sqlmodel import Session

    from lms_app.catalog.services.queries import home_page

    with Session(engine) as session:  # cold: first call on a fresh session
        t0 = time.perf_counter()
        with counter.counting() as stmts:
            featured, categories = home_page(session)
        cold_ms = (time.perf_counter() - t0) * 1000
        first_statements = list(stmts)
    times = []
    counts = set()
    for _ in range(repeat):
        with Session(engine) as session:  # a page load opens its own session
            t0 = time.perf_counter()
            with counter.counting() as stmts:
                home_page(session)
            times.append((time.perf_counter() - t0) * 1000)
            counts.add(len(stmts))
    return {
        "queries": len(first_statements), "statements": first_statements, "other_counts": counts,
        "cold_ms": cold_ms, "median_ms": statistics.median(times),
        "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
        "featured": len(featured), "categories": len(categories),
        "category_total": sum(c["course_count"] for c in categories),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=200, help="timed calls per size")
    parser.add_argument("--show-sql", action="store_true", help="print the statements")
    args = parser.parse_args()

    tmp, schema = _configure(args.database_url)
    try:
        import logging

        from sqlalchemy import text

        from lms_app import manage
        from lms_app.core.db import get_engine, reset_engine, session_scope

        manage.migrate()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        engine = get_engine()
        with engine.connect():
            pass  # the dialect learns the server version on first connect
        backend = f"{engine.dialect.name} {'.'.join(map(str, engine.dialect.server_version_info or ()))}"
        print(f"home_page benchmark on {backend}" + (f", schema {schema}" if schema else f", {tmp}"))
        counter = StatementCounter(engine)

        with session_scope() as session:
            teacher_id, category_ids = _seed_base(session)
        results = {}
        have = 0
        ok = True
        for size in SIZES:
            with session_scope() as session:
                _add_courses(session, have, size - have, teacher_id, category_ids)
            have = size
            with engine.begin() as conn:  # fresh planner statistics, as autovacuum would give
                conn.execute(text("ANALYZE"))
            r = results[size] = _measure(engine, counter, args.repeat)
            stable = r["other_counts"] == {r["queries"]}
            print(f"\n{size:>5} published courses, {N_CATEGORIES} categories:")
            print(f"  SQL statements per home_page call : {r['queries']}"
                  + ("" if stable else f"  (varied across calls: {sorted(r['other_counts'])})"))
            print(f"  median time ({args.repeat} calls)        : {r['median_ms']:.2f} ms   "
                  f"(p95 {r['p95_ms']:.2f} ms, first call {r['cold_ms']:.2f} ms)")
            print(f"  returned                           : {r['featured']} featured cards, "
                  f"{r['categories']} categories counting {r['category_total']} courses")
            if r["category_total"] != size:
                print("  WARNING: category counts do not add up to the published courses")
                ok = False
            if args.show_sql:
                for s in r["statements"]:
                    print("    SQL: " + " ".join(s.split()))
        counts = [results[s]["queries"] for s in SIZES]
        same = len(set(counts)) == 1
        within = max(counts) <= TARGET_QUERIES
        print(f"\nTarget: <= {TARGET_QUERIES} statements and equal for {' and '.join(map(str, SIZES))} courses "
              f"-> {counts} -> {'OK' if same and within else 'NOT MET'}")
        reset_engine()
        return 0 if ok and same and within else 1
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if schema:
            _drop_schema(args.database_url, schema)


if __name__ == "__main__":
    raise SystemExit(main())
