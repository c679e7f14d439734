"""Catalog figures on PostgreSQL with 100,000 published courses (lms_app.catalog.services.queries).

Generates the data itself (in a schema of its own, ``catalog_bench`` by default, built by the
real migrations; kept between runs so the 100k rows are generated once — ``--fresh`` rebuilds),
then prints, for ``search_courses(session, params)`` (the whole page: results, total,
categories):

- SQL statements per page for page sizes 12 and 48, first page and a keyset page;
- median server time of the first page of searches (ranked full-text) and of browsing;
- page 500 reached with the keyset cursor (walked from page 1, as a visitor's "Next" clicks
  would) against page 1, and page 500 with OFFSET for comparison.

Targets: first page of a search <= 50 ms; page 500 (keyset) <= 2x page 1; <= 3 statements per
page whatever the page size and catalog size.

Usage: python bench/catalog_search.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_catalog_bench]
                                      [--courses 100000] [--repeat 30] [--fresh]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lms_catalog_bench"
TOPICS = ("python javascript typescript rust golang kotlin swift java sql postgres docker kubernetes terraform "
          "linux networking security cryptography design typography illustration photography video marketing "
          "finance accounting leadership negotiation writing statistics pandas numpy machine learning deep "
          "vision language robotics electronics arduino excel spreadsheets guitar piano drawing painting "
          "cooking baking nutrition fitness yoga meditation spanish french german japanese chinese "
          "physics chemistry biology astronomy calculus algebra geometry economics history philosophy "
          "react vue svelte django flask fastapi reflex graphql testing devops cloud aws azure gcp "
          "android ios flutter unity blender animation ux research product startup sales").split()
FILLER = ("learn build practical complete guide beginners advanced masterclass projects fundamentals modern "
          "essential hands real world step quick deep dive career professional bootcamp course skills "
          "techniques patterns tips tricks workshop introduction applied creative effective").split()
FIRST = "Ada Grace Alan Linus Barbara Edsger Donald Margaret Ken Dennis Bjarne Guido Anders Yukihiro Rasmus".split()
LAST = "Lovelace Hopper Turing Torvalds Liskov Dijkstra Knuth Hamilton Thompson Ritchie Stroustrup Rossum".split()


def configure(url: str, schema: str) -> None:
    os.environ["LMS_ENV"] = "test"
    os.environ.setdefault("LMS_DATA_DIR", "/tmp/catalog-bench-data")
    sep = "&" if "?" in url else "?"
    os.environ["LMS_DATABASE_URL"] = f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


def ensure_schema(url: str, schema: str, fresh: bool) -> bool:
    """Create (or reuse) the bench schema at migration head; True when it already had data."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    with admin.begin() as conn:
        if fresh:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        exists = conn.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                              {"s": schema}).first()
        if not exists:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    from alembic import command

    from lms_app.manage import alembic_config

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    return bool(exists)


def generate(n: int) -> None:
    from sqlalchemy import insert, text
    from sqlmodel import Session, func, select

    import lms_app.core.db
    from lms_app.core.courses import Category, Course
    from lms_app.core.users import User
    from lms_app.core.types import utcnow
    from lms_app.core.course_fields import search_text_for

    engine = lms_app.core.db.get_engine()
    with Session(engine) as s:
        have = s.exec(select(func.count()).select_from(Course)).one()
        if have >= n:
            print(f"reusing {have:,} courses")
            return
        rng = random.Random(42)
        cats = s.exec(select(Category)).all()
        if not cats:
            names = ["Programming", "Web Development", "Data Science", "Design", "Business", "DevOps",
                     "Mobile Development", "Cybersecurity", "Music", "Languages", "Science", "Lifestyle"]
            cats = [Category(name=x, slug=x.lower().replace(" ", "-"), position=i) for i, x in enumerate(names)]
            s.add_all(cats)
            s.flush()
        teachers = s.exec(select(User).where(User.role == "teacher")).all()
        if not teachers:
            teachers = [User(email=f"bench-teacher{i}@example.com", name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                             role="teacher", password_hash="!unusable", bio="") for i in range(500)]
            s.add_all(teachers)
            s.flush()
        now = utcnow()
        t0 = time.perf_counter()
        batch: list[dict] = []
        for i in range(have, n):
            topic = rng.choice(TOPICS)
            title = " ".join([topic.title()] + rng.sample(FILLER, rng.randint(2, 4))).capitalize()
            subtitle = " ".join(rng.sample(FILLER, 4) + [rng.choice(TOPICS)])
            description = " ".join(rng.choice(FILLER if rng.random() < 0.8 else TOPICS) for _ in range(60))
            teacher = teachers[i % len(teachers)]
            rated = rng.random() < 0.7
            batch.append(dict(
                slug=f"bench-{i}", title=title[:160], subtitle=subtitle, description=description,
                category_id=cats[i % len(cats)].id, teacher_id=teacher.id,
                level=("beginner", "intermediate", "advanced")[i % 3], language=("en", "en", "en", "es", "fr")[i % 5],
                price_minor=rng.choice((0, 0, 1900, 2900, 4900, 9900, 14900)), currency="USD", status="published",
                outcomes=[], duration_seconds=rng.randint(600, 40000),
                search_text=search_text_for(title, subtitle, description, teacher.name),
                rating_avg=round(rng.uniform(2.5, 5), 2) if rated else 0.0,
                rating_count=rng.randint(1, 3000) if rated else 0, student_count=rng.randint(0, 50000),
                created_at=now, updated_at=now, published_at=now - timedelta(seconds=rng.randint(0, 3 * 10**7)),
            ))
            if len(batch) == 5000:
                s.execute(insert(Course), batch)
                batch = []
        if batch:
            s.execute(insert(Course), batch)
        s.commit()
    # A settled table, as autovacuum leaves it in production (visibility map, statistics).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE courses"))
    if True:
        print(f"generated {n - have:,} courses in {time.perf_counter() - t0:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=DEFAULT_URL)
    ap.add_argument("--schema", default="catalog_bench")
    ap.add_argument("--courses", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--fresh", action="store_true")
    args = ap.parse_args()
    configure(args.database_url, args.schema)
    ensure_schema(args.database_url, args.schema, args.fresh)
    generate(args.courses)

    from sqlalchemy import event
    from sqlmodel import Session, func, select

    import lms_app.core.db
    from lms_app.core.courses import Course
    from lms_app.catalog.services import params as catalog_params, search as catalog_search

    engine = lms_app.core.db.get_engine()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def run(session, params):
        statements.clear()
        t = time.perf_counter()
        page = catalog_search.search_courses(session, params)
        return page, (time.perf_counter() - t) * 1000, len(statements)

    def median_ms(session, params) -> tuple[float, int, dict]:
        run(session, params)  # warm
        times, page, n = [], None, 0
        for _ in range(args.repeat):
            page, ms, n = run(session, params)
            times.append(ms)
        return statistics.median(times), n, page

    def query_of(url: str) -> dict:
        return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

    with Session(engine) as s:
        total = s.exec(select(func.count()).select_from(Course).where(Course.status == "published")).one()
        print(f"\nPostgreSQL, {total:,} published courses; medians of {args.repeat} runs (server time of the "
              "whole page: results + total + categories)\n")
        print(f"{'case':58} {'ms':>8} {'queries':>8} {'matches':>9}")
        rows = []
        for label, p in [
            ("search 'python' (relevance), page 1", {"q": "python"}),
            ("search 'machine learning' (relevance), page 1", {"q": "machine learning"}),
            ("search 'lovelace' (teacher name), page 1", {"q": "lovelace"}),
            ("search 'docker' + category + level, page 1", {"q": "docker", "category": "programming", "level": "beginner"}),
            ("search 'guide' (very common word), page 1", {"q": "guide"}),
            ("search 'python', sort by students, page 1", {"q": "python", "sort": "students"}),
            ("search 'kubernetes' (relevance), page 1", {"q": "kubernetes"}),
            ("search 'photography lovelace' (two words), page 1", {"q": "photography lovelace"}),
            ("browse newest, page 1", {}),
            ("browse price low-high, free excluded, page 1", {"sort": "price_asc", "price_min": "1"}),
            ("browse rating >= 4.5, most students, page 1", {"rating": "4.5", "sort": "students"}),
        ]:
            ms, n, page = median_ms(s, catalog_params.parse_params(p))
            rows.append((label, ms, n, page["total"]))
            print(f"{label:58} {ms:8.1f} {n:8d} {page['total_label']:>9}")

        print("\nQueries per page by page size (first page / a keyset page):")
        for size in (12, 48):
            for p in ({"q": "python"}, {"sort": "students"}):
                first, _, n1 = run(s, catalog_params.parse_params({**p, "size": str(size)}))
                _, _, n2 = run(s, catalog_params.parse_params(query_of(first["next_url"])))
                print(f"  size {size:2d}, {str(p):28} first page {n1} queries, next page {n2} queries")

        print("\nDeep pages: page 500 by keyset cursor (walked with Next from page 1) vs page 1, and OFFSET:")
        for label, p in [("newest", {}), ("most students", {"sort": "students"}),
                         ("price high-low", {"sort": "price_desc"}), ("highest rated", {"sort": "rating"})]:
            params = catalog_params.parse_params({**p, "size": "12"})
            page = catalog_search.search_courses(s, params)
            for _ in range(499):
                page = catalog_search.search_courses(s, catalog_params.parse_params(query_of(page["next_url"])))
            assert page["page"] == 500, page["page"]
            deep = catalog_params.parse_params(query_of(catalog_params.catalog_url(params, page=500, after="", before="")
                                                 .replace("/courses", "/courses")))
            keyset_params = catalog_params.parse_params(query_of(page["prev_url"]))  # page 499 cursor → exact page
            first_ms, _, _ = median_ms(s, params)
            # page 500 itself: the cursor that "Next" on page 499 carries
            p499 = catalog_search.search_courses(s, keyset_params)
            page500 = catalog_params.parse_params(query_of(p499["next_url"]))
            deep_ms, n, got = median_ms(s, page500)
            offset_ms, _, _ = median_ms(s, deep)
            print(f"  {label:16} page 1 {first_ms:6.1f} ms | page {got['page']} keyset {deep_ms:6.1f} ms "
                  f"({deep_ms / first_ms:4.2f}x, {n} queries) | page 500 OFFSET {offset_ms:6.1f} ms")

    worst_search = max(ms for label, ms, *_ in rows if label.startswith("search"))
    print(f"\nslowest first page of a search: {worst_search:.1f} ms (target <= 50 ms)")


if __name__ == "__main__":
    main()
