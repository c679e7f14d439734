"""Grading a 50-question attempt: server time and SQL statements per submission.

A quiz of 50 questions (10 of each type: single, multiple, true/false, short, number). Each
round starts an attempt for a new learner, saves all 50 answers, then times
``quiz_attempts.submit_attempt`` (what ``QuizState.submit`` runs in its worker thread: lock the
attempt, check the enrolment, grade the stored snapshot, write the result and the learning
event) and counts its SQL statements. Three cases:

- a failing attempt (the common retry case);
- a passing attempt of a learner whose lesson is already complete;
- a first pass, which also completes the lesson (``progress.record_pass``: progress row, events,
  course-completion check), reported separately.

Also the pure ``quiz_grading.grade`` time for the 50 questions. Target: a submission
<= 50 ms and <= 5 statements (first pass: shown, not targeted).

SQLite (default): a temporary database. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a schema ``quizgrade_bench_<random>`` is created there and dropped at the end).

Usage: python bench/quiz_grading.py [--database-url URL] [--repeat 30]
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

KINDS = ("single", "multiple", "true_false", "short", "numeric")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    with scratch_database(args.database_url, "quizgrade"):
        return run(args.repeat)


def question(i: int, kind: str):
    from lms_app.quizzes.models import QuizQuestion

    options, key = [], {}
    if kind == "single":
        options, key = ["a", "b", "c", "d"], {"choice": i % 4}
    elif kind == "multiple":
        options, key = ["a", "b", "c", "d"], {"choices": [0, 2]}
    elif kind == "true_false":
        options, key = ["True", "False"], {"choice": i % 2}
    elif kind == "short":
        key = {"accepted": [f"answer {i}", f"reply {i}"]}
    else:
        key = {"value": i * 1.5, "tolerance": 0.1}
    return QuizQuestion(position=i, kind=kind, prompt=f"Question {i}?", options=options, answer_key=key, points=1 + i % 3,
                        explanation=f"Because {i}.")


def answers_for(attempt, right: bool) -> dict:
    out = {}
    for q in attempt.questions:
        key, kind = q["key"], q["kind"]
        if kind in ("single", "true_false"):
            out[q["id"]] = key["choice"] if right else (key["choice"] + 1) % len(q["options"])
        elif kind == "multiple":
            out[q["id"]] = key["choices"] if right else [1]
        elif kind == "short":
            out[q["id"]] = key["accepted"][0].upper() if right else "no idea"
        else:
            out[q["id"]] = str(key["value"]) if right else "-1"
    return out


def run(repeat: int) -> int:
    from alembic import command
    from sqlalchemy import event

    import lms_app.core.db
    from lms_app.manage import alembic_config
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.quizzes.models import Quiz
    from lms_app.core.users import User
    from lms_app.quizzes.services import attempts as quiz_attempts, grading as quiz_grading
    from lms_app.core.sessions import Actor

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    n_learners = 3 * repeat + 2
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        s.flush()
        course = Course(slug="grading", title="Grading", teacher_id=teacher.id, status="published")
        s.add(course)
        s.flush()
        module = Module(course_id=course.id, title="M", position=0)
        s.add(module)
        s.flush()
        lessons = [Lesson(module_id=module.id, course_id=course.id, title=f"L{i}", lesson_type="text" if i else "quiz",
                          position=i) for i in range(3)]
        s.add_all(lessons)
        s.flush()
        quiz = Quiz(lesson_id=lessons[0].id, course_id=course.id, pass_percent=70, shuffle_options=True)
        s.add(quiz)
        s.flush()
        for i in range(50):
            q = question(i, KINDS[i % 5])
            q.quiz_id = quiz.id
            s.add(q)
        learners = [User(email=f"l{i}@example.com", name=f"L{i}", role="learner", password_hash="!")
                    for i in range(n_learners)]
        s.add_all(learners)
        s.flush()
        s.add_all([Enrollment(user_id=u.id, course_id=course.id) for u in learners])
        actors = [Actor(user_id=u.id, role="learner", session_id=0) for u in learners]
        lesson_id = lessons[0].id

    def prepared(actor, right: bool):
        with lms_app.core.db.session_scope() as s:
            attempt = quiz_attempts.start_attempt(s, actor, lesson_id)
        for qid, value in answers_for(attempt, right).items():
            with lms_app.core.db.session_scope() as s:
                quiz_attempts.save_answer(s, actor, attempt.id, qid, value)
        return attempt

    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731

    def timed_submit(actor, attempt) -> tuple[float, int, object]:
        event.listen(engine, "before_cursor_execute", listener)
        statements.clear()
        t = time.perf_counter()
        with lms_app.core.db.session_scope() as s:
            outcome = quiz_attempts.submit_attempt(s, actor, attempt.id)
        ms = (time.perf_counter() - t) * 1000
        event.remove(engine, "before_cursor_execute", listener)
        return ms, len(statements), outcome

    print(f"backend: {engine.dialect.name}; 50 questions (10 of each type), {repeat} submissions per case\n")
    print(f"{'case':>38} {'statements':>10} {'median ms':>10} {'max ms':>8}")
    ok, cursor, rows = True, 0, {}
    for label, right, complete_first in (("failing attempt", False, False),
                                         ("passing, lesson already complete", True, True),
                                         ("first pass (completes the lesson)", True, False)):
        times, counts = [], []
        for _ in range(repeat):
            actor = actors[cursor]
            cursor += 1
            if complete_first:
                ms, n, out = timed_submit(actor, prepared(actor, True))
                assert out.newly_completed
            attempt = prepared(actor, right)
            ms, n, out = timed_submit(actor, attempt)
            assert out.attempt.passed is right and out.newly_completed is (right and not complete_first)
            times.append(ms)
            counts.append(n)
        rows[label] = (max(counts), statistics.median(times))
        print(f"{label:>38} {max(counts):>10} {statistics.median(times):>10.2f} {max(times):>8.2f}")
        if not label.startswith("first pass"):
            ok = ok and max(counts) <= 5 and statistics.median(times) <= 50
    snapshot = prepared(actors[cursor], True)
    t = time.perf_counter()
    for _ in range(200):
        quiz_grading.grade(snapshot.questions, {str(k): v for k, v in answers_for(snapshot, True).items()}, 70)
    print(f"\npure grade() of 50 questions: {(time.perf_counter() - t) / 200 * 1000:.3f} ms")
    print("(statements: everything submit_attempt sends, BEGIN/COMMIT excluded; the guard's session lookup adds 1)")
    print("target: <= 50 ms and <= 5 statements per submission (first pass shown separately):",
          "met" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
