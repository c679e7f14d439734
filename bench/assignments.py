"""Assignment figures: peer assignment, the player panel and the grading queue at scale.

1. ``--learners`` learners (default 300) each submit to one peer-graded assignment (2 reviews):
   median ms per submission (including the automatic reviewer assignment) and the check that
   every submission got exactly 2 reviewers and nobody reviews themselves.
2. The assignment panel of one learner: SQL statements and median ms.
3. The teacher's grading queue with ``--queue`` submissions waiting (default 5,000, across
   teacher-graded lessons): statements and median ms for page 1 and a deep page.

SQLite (default): a temporary database file. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a scratch schema, dropped at the end).

Usage: python bench/assignments.py [--database-url URL] [--learners 300] [--queue 5000]
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
    ap.add_argument("--learners", type=int, default=300)
    ap.add_argument("--queue", type=int, default=5000)
    args = ap.parse_args()
    with scratch_database(args.database_url, "assignments"):
        run(args.learners, args.queue)


def run(n_learners: int, n_queue: int) -> None:
    from alembic import command
    from sqlalchemy import event, func, select

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.core.users import User
    from lms_app.assignments.models import AssignmentSettings, PeerReview, RubricCriterion, Submission
    from lms_app.core.types import utcnow
    from lms_app.assignments.services import (
        grading as assignment_grading,
        views as assignment_views,
        submissions,
    )
    from lms_app.core.sessions import Actor

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    levels = [{"label": "Good", "points": 2}, {"label": "Weak", "points": 0}]
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        course = Course(slug="bench", title="Bench", teacher_id=teacher.id, status="published")
        s.add(course)
        s.flush()
        module = Module(course_id=course.id, title="M")
        s.add(module)
        s.flush()
        peer = Lesson(module_id=module.id, course_id=course.id, title="Peer", lesson_type="assignment")
        graded = [Lesson(module_id=module.id, course_id=course.id, title=f"T{i}", lesson_type="assignment",
                         position=i + 1) for i in range(5)]
        s.add_all([peer, *graded])
        s.flush()
        s.add(AssignmentSettings(lesson_id=peer.id, grading_mode="peer", reviews_required=2))
        s.add_all([AssignmentSettings(lesson_id=g.id, grading_mode="teacher") for g in graded])
        s.add_all([RubricCriterion(lesson_id=x.id, title="C", levels=levels) for x in (peer, *graded)])
        users = [User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!")
                 for i in range(max(n_learners, n_queue // len(graded) + 1))]
        s.add_all(users)
        s.flush()
        s.add_all([Enrollment(user_id=u.id, course_id=course.id) for u in users])
        ids = [u.id for u in users]
        peer_id, graded_ids, teacher_id = peer.id, [g.id for g in graded], teacher.id
    print(f"backend: {engine.dialect.name}\n")

    times = []
    for uid in ids[:n_learners]:
        start = time.perf_counter()
        with lms_app.core.db.session_scope() as s:
            submissions.submit_text(s, Actor(user_id=uid, role="learner", session_id=0), peer_id, "My answer")
        times.append((time.perf_counter() - start) * 1000)
    with lms_app.core.db.session_scope() as s:
        per_sub = s.exec(select(PeerReview.submission_id, func.count()).group_by(PeerReview.submission_id)).all()
        self_reviews = s.execute(select(func.count()).select_from(PeerReview)
                                 .where(PeerReview.reviewer_id == PeerReview.author_id)).scalar_one()
    counts = sorted({c for _, c in per_sub})
    print(f"submit + peer assignment, {n_learners} learners: median {statistics.median(times):.1f} ms, "
          f"p95 {sorted(times)[int(len(times) * 0.95)]:.1f} ms; reviewers per submission {counts}, "
          f"self-reviews {self_reviews}")

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    actor = Actor(user_id=ids[n_learners // 2], role="learner", session_id=0)

    def measure(label: str, fn, *args, repeat: int = 20) -> None:
        statements.clear()
        event.listen(engine, "before_cursor_execute", listener)
        with lms_app.core.db.session_scope() as s:
            fn(s, *args)
        event.remove(engine, "before_cursor_execute", listener)
        n = len(statements)
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            with lms_app.core.db.session_scope() as s:
                fn(s, *args)
            runs.append((time.perf_counter() - start) * 1000)
        print(f"{label:<40} {n:>3} statements, median {statistics.median(runs):.1f} ms")

    measure("assignment panel (learner, 2 reviews)", assignment_views.panel, actor, peer_id)

    now = utcnow()
    with lms_app.core.db.session_scope() as s:
        rows = []
        for i in range(n_queue):
            lesson_id = graded_ids[i % len(graded_ids)]
            rows.append(Submission(lesson_id=lesson_id, course_id=course.id, user_id=ids[i // len(graded_ids)],
                                   text="x", status="awaiting_teacher", submitted_at=now, updated_at=now))
        s.add_all(rows)
    teacher_actor = Actor(user_id=teacher_id, role="teacher", session_id=0)
    measure(f"grading queue page 1 ({n_queue:,} waiting)", assignment_grading.queue, teacher_actor, 1)
    deep = max(1, n_queue // assignment_grading.PAGE_SIZE)
    measure(f"grading queue page {deep}", assignment_grading.queue, teacher_actor, deep)


if __name__ == "__main__":
    main()
