"""SQL statements and time of the course player's page load for an enrolled learner.

What ``LearnState.load`` runs in its worker thread: ``services.course_access.lesson_page(session,
actor, course, lesson)`` in one transaction (the guard's session lookup, ``actor_for_token``, is a
separate transaction before it and is counted separately, for information).

Builds the schema with the real migrations, creates a published course of 5 video lessons
(5 modules) and one of 500 (25 modules), one learner enrolled in both with a server-side
session, and opens a lesson in the middle of each course. Statements are counted with a
SQLAlchemy ``before_cursor_execute`` listener on one call; the first open of a lesson (which
creates the learner's progress row) is shown separately from the steady state (reopening it);
the time is the median of ``--repeat`` reopenings, each in a new session.

Target: **<= 4 statements for lesson_page, the same for 5 and 500 lessons**.

SQLite (default): a temporary database. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a schema ``player_bench_<random>`` is created there and dropped at the end).

Usage: python bench/player_queries.py [--database-url URL] [--repeat 200] [--show-sql]
Exit status 1 when the target is missed.
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

TARGET = 4


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--show-sql", action="store_true")
    args = ap.parse_args()
    with scratch_database(args.database_url, "player"):
        return run(args.repeat, args.show_sql)


def run(repeat: int, show_sql: bool) -> int:
    from alembic import command
    from sqlalchemy import event
    from sqlmodel import Session

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.accounts.services import accounts
    from lms_app.learning.services import course_access

    from player_fixture import make_course, make_learners, make_teacher

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()

    courses = {}
    with lms_app.core.db.session_scope() as s:
        teacher = make_teacher(s, "q")
        for lessons, modules in ((5, 5), (500, 25)):
            cid, ids = make_course(s, teacher, f"player-bench-{lessons}", lessons, modules)
            courses[lessons] = (f"player-bench-{lessons}", ids)
        [(_, token)] = make_learners(s, 1, [cid for cid in _course_ids(s)], "q")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def resolve():
        with Session(engine, expire_on_commit=False) as s:
            found = sessions.actor_for_token(s, token)
            s.commit()
            return found[0]

    def page_load(actor, slug, lesson_id):
        with Session(engine, expire_on_commit=False) as s:
            result = course_access.lesson_page(s, actor, slug, str(lesson_id))
            s.commit()
            return result

    def counted(fn, *args):
        statements.clear()
        result = fn(*args)
        return result, list(statements)

    actor, session_sql = counted(resolve)
    print(f"backend: {engine.dialect.name}; medians of {repeat} calls\n")
    print(f"session lookup (guard, separate transaction): {len(session_sql)} statement(s)\n")
    print(f"{'lessons':>8} {'first open':>11} {'reopen':>7} {'ms':>8} {'outline rows':>13}")
    ok = True
    counts = {}
    for lessons, (slug, ids) in courses.items():
        lesson_id = ids[len(ids) // 2]
        page, first_sql = counted(page_load, actor, slug, lesson_id)
        assert page.state == "ok" and page.tracking, (page.state, page.tracking)
        assert len(page.outline) == lessons, len(page.outline)
        page, sql = counted(page_load, actor, slug, lesson_id)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            page_load(actor, slug, lesson_id)
            times.append((time.perf_counter() - t) * 1000)
        counts[lessons] = len(sql)
        print(f"{lessons:8d} {len(first_sql):11d} {len(sql):7d} {statistics.median(times):8.2f} {len(page.outline):13d}")
        if show_sql:
            for label, stmts in (("first open", first_sql), ("reopen", sql)):
                print(f"  -- {label}:")
                for st in stmts:
                    print("     " + " ".join(st.split())[:220])
        ok &= len(sql) <= TARGET
    same = len(set(counts.values())) == 1
    print(f"\ntarget: <= {TARGET} statements per lesson_page (reopen; the first open, which also records the start,"
          " is shown for information), the same for 5 and 500 lessons")
    if not same:
        print("FAIL: the statement count depends on the number of lessons (N+1)")
    print("OK" if ok and same else "OVER TARGET")
    return 0 if ok and same else 1


def _course_ids(s) -> list[int]:
    from sqlalchemy import select

    from lms_app.core.courses import Course

    return list(s.execute(select(Course.id).where(Course.slug.like("player-bench-%"))).scalars())


if __name__ == "__main__":
    raise SystemExit(main())
