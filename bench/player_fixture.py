"""Rows the course-player benchmarks need: a published course of N video lessons, enrolled
learners with server-side sessions. Written with the real models in an open SQLModel session.

Used by player_queries.py, player_bytes.py and player_load.py (import lms_app only after the
environment of the database is set).
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy import insert, select

# The SQLite database of bench/player_server.sh.
SERVER_DB = "sqlite:////tmp/bench-player-data/lms.db"


def use_database(database_url: str) -> None:
    """Point lms_app at a running server's (already migrated) database; call before importing lms_app."""
    os.environ["LMS_ENV"] = "test"
    os.environ["LMS_DATABASE_URL"] = database_url
    if database_url.startswith("sqlite:///"):
        os.environ["LMS_DATA_DIR"] = str(Path(database_url.removeprefix("sqlite:///")).parent)
    else:
        os.environ["LMS_DATA_DIR"] = tempfile.mkdtemp(prefix="lms-bench-player-")


def make_teacher(s, tag: str):
    from lms_app.core.users import User

    teacher = User(email=f"bench-teacher-{tag}@example.com", name="Bench Teacher", role="teacher",
                   password_hash="!", bio="Bench.")
    s.add(teacher)
    s.flush()
    return teacher.id


def make_course(s, teacher_id: int, slug: str, lessons: int, modules: int, sequential: bool = False):
    """A published course with ``lessons`` video lessons spread over ``modules``; returns (id, lesson ids)."""
    from lms_app.core.courses import Course, Lesson, Module
    from lms_app.core.types import utcnow

    course = Course(slug=slug, title=f"Bench course: {lessons} lessons", teacher_id=teacher_id, status="published",
                    published_at=utcnow(), description="A course for the player benchmarks.",
                    outcomes=["One", "Two"], sequential=sequential)
    s.add(course)
    s.flush()
    mods = [Module(course_id=course.id, title=f"Module {m + 1}: a realistic module title", position=m)
            for m in range(modules)]
    s.add_all(mods)
    s.flush()
    per = -(-lessons // modules)
    s.execute(insert(Lesson), [dict(
        module_id=mods[i // per].id, course_id=course.id, title=f"Lesson {i + 1}: a typical lesson title",
        lesson_type="video", position=i % per, is_preview=i == 0, duration_seconds=600,
        video_url="https://media.example.com/bench/lesson.mp4", body="Notes. " * 200,
    ) for i in range(lessons)])
    s.flush()
    ids = list(s.execute(select(Lesson.id).join(Module, Module.id == Lesson.module_id)
                      .where(Lesson.course_id == course.id)
                      .order_by(Module.position, Module.id, Lesson.position, Lesson.id)).scalars())
    return course.id, ids


def make_learners(s, count: int, course_ids: list[int], tag: str, days: int = 2) -> list[tuple[int, str]]:
    """``count`` learners, each enrolled in every course and signed in: [(user id, raw session token)]."""
    from lms_app.core.courses import Enrollment
    from lms_app.core.users import User
    from lms_app.core import sessions

    tag = f"{tag}-{secrets.token_hex(3)}"
    users = [User(email=f"bench-learner-{tag}-{i}@example.com", name=f"Bench Learner {i}", role="learner",
                  password_hash="!") for i in range(count)]
    s.add_all(users)
    s.flush()
    s.add_all([Enrollment(user_id=u.id, course_id=c) for u in users for c in course_ids])
    s.flush()
    out = []
    for u in users:
        _, token = sessions.create_session(s, u.id, days, "bench")
        out.append((u.id, token))
    return out
