"""Quiz start burst: 300 learners start the same quiz within one second.

Each learner is enrolled and signed in (a real session row). Their starts are spread evenly
over one second on one asyncio loop, each running what ``QuizState.start`` runs: the guard's
session lookup, then ``await run_db(quiz_attempts.start_attempt, actor, lesson_id)`` (a worker
thread, one transaction). With ``--clicks 2`` every learner sends two starts at the same moment
(a double click), which the attempt-number constraint must absorb.

Prints: starts that failed, learners with exactly one attempt, the wall time from the first
start until every learner has their questions, and per-start latency (p50/p95/max).
Targets: no errors; every learner exactly one attempt.

SQLite (default): a temporary database. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a schema ``quizburst_bench_<random>`` is created there and dropped at the end).

Usage: python bench/quiz_start_burst.py [--database-url URL] [--learners 300] [--clicks 1]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--learners", type=int, default=300)
    ap.add_argument("--clicks", type=int, default=1)
    ap.add_argument("--questions", type=int, default=20)
    args = ap.parse_args()
    with scratch_database(args.database_url, "quizburst"):
        return run(args.learners, args.clicks, args.questions)


def setup(learners: int, questions: int):
    from alembic import command
    from sqlmodel import select

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.quizzes.models import Quiz, QuizQuestion
    from lms_app.core.users import User
    from lms_app.core import sessions

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        course = Course(slug="burst", title="Burst", teacher_id=teacher.id, status="published")
        s.add(course)
        s.flush()
        module = Module(course_id=course.id, title="M", position=0)
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, title="Quiz", lesson_type="quiz")
        s.add(lesson)
        s.flush()
        quiz = Quiz(lesson_id=lesson.id, course_id=course.id, pass_percent=70, time_limit_minutes=15, max_attempts=2,
                    shuffle_questions=True, shuffle_options=True, pool_size=max(1, questions // 2))
        s.add(quiz)
        s.flush()
        s.add_all([QuizQuestion(quiz_id=quiz.id, position=i, kind="single", prompt=f"Question {i}?",
                                options=["a", "b", "c", "d"], answer_key={"choice": i % 4}, points=1)
                   for i in range(questions)])
        s.add_all([User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!")
                   for i in range(learners)])
        s.flush()
        ids = s.exec(select(User.id).where(User.role == "learner").order_by(User.id)).all()
        s.add_all([Enrollment(user_id=uid, course_id=course.id) for uid in ids])
        tokens = [sessions.create_session(s, uid, 30)[1] for uid in ids]
        return lesson.id, tokens, ids


def run(learners: int, clicks: int, questions: int) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    import lms_app.core.db
    from lms_app.core.db import run_db
    from lms_app.quizzes.models import QuizAttempt
    from lms_app.accounts.services import accounts
    from lms_app.quizzes.services import attempts as quiz_attempts

    lesson_id, tokens, ids = setup(learners + 5, questions)
    engine = lms_app.core.db.get_engine()
    # First, alone: statements and time of one start (5 learners kept out of the burst).
    from sqlalchemy import event

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    solo_ms = []
    for token in tokens[learners:]:
        event.listen(engine, "before_cursor_execute", listener)
        statements.clear()
        t = time.perf_counter()
        with lms_app.core.db.session_scope() as s:
            actor, _ = sessions.actor_for_token(s, token)
        with lms_app.core.db.session_scope() as s:
            quiz_attempts.start_attempt(s, actor, lesson_id)
        solo_ms.append((time.perf_counter() - t) * 1000)
        event.remove(engine, "before_cursor_execute", listener)
    solo_statements = len(statements)
    tokens, ids = tokens[:learners], ids[:learners]
    latencies: list[float] = []
    failures: list[str] = []

    async def start(token: str, delay: float) -> None:
        await asyncio.sleep(delay)
        t = time.perf_counter()
        try:
            actor, _ = await run_db(sessions.actor_for_token, token)  # the guard
            attempt = await run_db(quiz_attempts.start_attempt, actor, lesson_id)
            assert attempt.questions, "no questions drawn"
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            failures.append(f"{type(exc).__name__}: {exc}")
        latencies.append((time.perf_counter() - t) * 1000)

    async def burst() -> float:
        jobs = [start(token, i / learners) for i, token in enumerate(tokens) for _ in range(clicks)]
        t = time.perf_counter()
        await asyncio.gather(*jobs)
        return time.perf_counter() - t

    wall = asyncio.run(burst())
    with lms_app.core.db.session_scope() as s:
        per_user = dict(s.exec(select(QuizAttempt.user_id, func.count(QuizAttempt.id))
                               .group_by(QuizAttempt.user_id)).all())
    exactly_one = sum(1 for uid in ids if per_user.get(uid) == 1)
    lat = sorted(latencies)
    print(f"backend: {engine.dialect.name}; learners: {learners}; starts per learner: {clicks}; "
          f"questions drawn per attempt: {max(1, questions // 2)} of {questions}")
    print(f"one start alone (guard + start_attempt): {solo_statements} statements, "
          f"median {statistics.median(solo_ms):.1f} ms")
    print(f"starts: {len(lat)}, failed: {len(failures)}")
    print(f"learners with exactly one attempt: {exactly_one}/{learners} (rows in total: {sum(per_user.values())})")
    print(f"time until all have their questions: {wall:.2f} s (starts spread over the first 1.00 s)")
    print(f"per start (guard + start_attempt): p50 {statistics.median(lat):.1f} ms, "
          f"p95 {lat[int(0.95 * (len(lat) - 1))]:.1f} ms, max {lat[-1]:.1f} ms")
    for failure in failures[:5]:
        print("  failure:", failure)
    ok = not failures and exactly_one == learners
    print("target: no errors, every learner exactly one attempt:", "met" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
