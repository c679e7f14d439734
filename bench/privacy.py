"""Personal-data figures: building the export zip and erasing an account, by size.

A learner enrolled in ``--courses`` courses with ``--lessons`` completed lessons each (progress
rows and learning events), plus a review per course: time and SQL statements to build the zip
(``personal_data.build_zip``) and to erase the account (``personal_data.erase_account``). The
statement count of both is independent of the number of rows (one query per declaration).

SQLite (default) or ``--database-url postgresql+psycopg://...`` (a scratch schema, dropped after).
Usage: python bench/privacy.py [--courses 20] [--lessons 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_db import scratch_database  # noqa: E402


def run(courses: int, lessons: int) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import event

    import lms_app.core.db
    from lms_app.accounts.services import passwords
    from lms_app.core import plugins
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow
    from lms_app.core.users import User
    from lms_app.learning.models import LessonProgress, Review
    from lms_app.privacy.services import personal_data

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    command.upgrade(cfg, "heads")
    plugins.manager()
    settings = get_settings()
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="T", role="teacher", password_hash="!")
        learner = User(email="l@example.com", name="L", password_hash=passwords.hash_password("pw-pw-pw-pw", 4))
        s.add_all([teacher, learner])
        s.flush()
        for c in range(courses):
            course = Course(slug=f"c{c}", title=f"Course {c}", teacher_id=teacher.id, status="published")
            s.add(course)
            s.flush()
            module = Module(course_id=course.id, title="M", position=0)
            s.add(module)
            s.flush()
            rows = [Lesson(module_id=module.id, course_id=course.id, title=f"L{i}", lesson_type="text", position=i)
                    for i in range(lessons)]
            s.add_all(rows)
            s.flush()
            s.add(Enrollment(user_id=learner.id, course_id=course.id))
            s.add(Review(user_id=learner.id, course_id=course.id, rating=4, comment="ok " * 50))
            s.add_all([LessonProgress(user_id=learner.id, course_id=course.id, lesson_id=r.id, completed_at=utcnow())
                       for r in rows])
        learner_id = learner.id

    statements = []
    engine = lms_app.core.db.get_engine()
    listener = lambda *a: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    with lms_app.core.db.session_scope() as s:
        t0 = time.perf_counter()
        data = personal_data.build_zip(s, settings, learner_id)
        t1 = time.perf_counter()
    built = len(statements)
    statements.clear()
    with lms_app.core.db.session_scope() as s:
        t2 = time.perf_counter()
        personal_data.erase_account(s, settings, Actor(learner_id, "learner", 0), "pw-pw-pw-pw")
        s.flush()
        t3 = time.perf_counter()
    event.remove(engine, "before_cursor_execute", listener)
    rows = courses * (lessons + 2)
    print(f"{engine.dialect.name}: {rows} rows about the learner ({courses} courses x {lessons} lessons)")
    print(f"  export zip: {(t1 - t0) * 1e3:.0f} ms, {len(data) / 1024:.0f} KB, {built} SQL statements")
    print(f"  erase:      {(t3 - t2) * 1e3:.0f} ms (incl. one bcrypt check at cost 4), {len(statements)} SQL statements")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with scratch_database(args.database_url, "privacy"):
        run(args.courses, args.lessons)


if __name__ == "__main__":
    main()
