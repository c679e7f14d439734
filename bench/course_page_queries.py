"""SQL statements and time for the course page (session lookup + lms_app.catalog.services.course_page).

Builds the schema with the real migrations, creates a course with 5 lessons and one with 500
(spread over 5 and 25 modules), then for each, and for each viewer (signed out; a signed-in
learner, which adds the session lookup the page handler does and the enrolment check):
counts the SQL statements and times the median of many calls.

Target: <= 5 statements, the same for 5 and 500 lessons.

SQLite (default): a temporary database. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a schema ``course_page_bench_<random>`` is created there and dropped at the end).

Usage: python bench/course_page_queries.py [--database-url URL] [--repeat 200]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    with scratch_database(args.database_url, "course_page"):
        run(args.repeat)


def run(repeat: int) -> None:
    from alembic import command
    from sqlalchemy import event, insert
    from sqlmodel import Session

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.core.users import User
    from lms_app.catalog.services import course_page
    from lms_app.core import sessions
    from lms_app.core.sessions import Actor

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()

    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!", bio="Hi.")
        learner = User(email="l@example.com", name="Bench Learner", role="learner", password_hash="!")
        s.add_all([teacher, learner])
        s.flush()
        slugs = {}
        for lessons, modules in ((5, 5), (500, 25)):
            course = Course(slug=f"bench-{lessons}", title=f"{lessons} lessons", teacher_id=teacher.id,
                            status="published", description="Bench course.", outcomes=["One", "Two"])
            s.add(course)
            s.flush()
            mods = [Module(course_id=course.id, title=f"M{m}", position=m) for m in range(modules)]
            s.add_all(mods)
            s.flush()
            s.execute(insert(Lesson), [dict(module_id=mods[i % modules].id, course_id=course.id, title=f"L{i}",
                                            lesson_type="video", position=i, is_preview=i == 0,
                                            duration_seconds=300, body="x" * 2000) for i in range(lessons)])
            s.add(Enrollment(user_id=learner.id, course_id=course.id))
            slugs[lessons] = course.slug
        _, token = sessions.create_session(s, learner.id, 30)

    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def page_load(slug: str, signed_in: bool):
        """What CoursePageState.load does: resolve the cookie's session, then the page service."""
        with Session(engine, expire_on_commit=False) as s:
            viewer = None
            if signed_in:
                user, row = sessions.resolve_session(s, token)
                viewer = Actor(user_id=user.id, role=user.role, session_id=row.id)
            result = course_page.course_page(s, slug, viewer)
            s.commit()
            return result

    print(f"backend: {engine.dialect.name}; medians of {repeat} calls\n")
    print(f"{'lessons':>8} {'viewer':>10} {'queries':>8} {'ms':>8}")
    for lessons, slug in slugs.items():
        for signed_in in (False, True):
            page_load(slug, signed_in)  # warm
            statements.clear()
            detail, modules, cta, _ = page_load(slug, signed_in)
            n = len(statements)
            assert sum(m["lesson_count"] for m in modules) == lessons
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                page_load(slug, signed_in)
                times.append((time.perf_counter() - t) * 1000)
            print(f"{lessons:8d} {'learner' if signed_in else 'anonymous':>10} {n:8d} {statistics.median(times):8.2f}"
                  f"   (cta: {cta['kind']})")
    print("\ntarget: <= 5 queries, the same for 5 and 500 lessons")


if __name__ == "__main__":
    main()
