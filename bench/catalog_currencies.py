"""Catalog figures with prices in several currencies (issue 20), on PostgreSQL.

Reuses ``bench/catalog_search.py``'s generator (its own schema, ``currency_bench`` by default, built
by the real migrations and kept between runs), then gives a third of the paid courses a EUR price
and prints, for ``search_courses`` (results, total, categories), the statements per page and the
median server time of:

- browsing with no currency chosen, a USD price range, a EUR price range (the correlated
  ``course_prices`` lookup), EUR cards on the first page;
- a price sort in a chosen currency (not served by an index: every match is priced) against the
  plain price sort, first page and the next keyset page.

Usage: python bench/catalog_currencies.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_catalog_bench]
                                          [--courses 20000] [--repeat 15] [--fresh]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalog_search import DEFAULT_URL, configure, ensure_schema, generate  # noqa: E402


def add_prices() -> int:
    from sqlalchemy import insert, text
    from sqlmodel import Session, func, select

    import lms_app.core.db
    from lms_app.core.courses import Course, CoursePrice

    engine = lms_app.core.db.get_engine()
    with Session(engine) as s:
        if s.exec(select(func.count()).select_from(CoursePrice)).one():
            return s.exec(select(func.count()).select_from(CoursePrice)).one()
        rng = random.Random(7)
        rows = [dict(course_id=cid, currency="EUR", price_minor=price * 92 // 100)
                for cid, price in s.exec(select(Course.id, Course.price_minor).where(Course.price_minor > 0)).all()
                if rng.random() < 1 / 3]
        for i in range(0, len(rows), 5000):
            s.execute(insert(CoursePrice), rows[i:i + 5000])
        s.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE course_prices"))
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=DEFAULT_URL)
    ap.add_argument("--schema", default="currency_bench")
    ap.add_argument("--courses", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    configure(args.database_url, args.schema)
    ensure_schema(args.database_url, args.schema, args.fresh)
    generate(args.courses)
    print(f"{add_prices():,} EUR prices")

    from sqlalchemy import event
    from sqlmodel import Session

    import lms_app.core.db
    from lms_app.catalog.services import params as catalog_params, search as catalog_search

    engine = lms_app.core.db.get_engine()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def timed(session, query: dict) -> tuple[float, int, dict]:
        times, page = [], None
        for _ in range(args.repeat):
            statements.clear()
            t = time.perf_counter()
            page = catalog_search.search_courses(session, catalog_params.parse_params(query))
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times), len(statements), page

    cases = [("browse, no currency", {}),
             ("USD 20-50", {"price_min": "20", "price_max": "50"}),
             ("EUR 20-50", {"price_min": "20", "price_max": "50", "currency": "EUR"}),
             ("EUR cards, newest", {"currency": "EUR"}),
             ("price low-high (primary price)", {"sort": "price_asc", "price_min": "1"}),
             ("price low-high in EUR", {"sort": "price_asc", "price_min": "1", "currency": "EUR"})]
    with Session(engine) as session:
        print(f"{'case':38} {'median ms':>10} {'statements':>11} {'matches':>8}")
        for label, query in cases:
            ms, n, page = timed(session, query)
            print(f"{label:38} {ms:10.1f} {n:11d} {page['total_label']:>8}")
            if query.get("sort") and page["next_url"]:
                nxt = {k: v[0] for k, v in parse_qs(urlsplit(page["next_url"]).query).items()}
                ms, n, _ = timed(session, nxt)
                print(f"{'  next keyset page':38} {ms:10.1f} {n:11d}")


if __name__ == "__main__":
    main()
