"""Community Q&A at scale: SQL statements and time of a Q&A page (50 threads) in a course with
10,000 posts, for each sort and a search; statements and time of a thread of 500 posts; and the
bytes a new answer sends to the browser in a thread of 500 posts (only the new post) compared with
re-sending the page of answers.

Data: 1 course, 1 teacher, 200 enrolled learners, 1,000 threads with 9 answers each (10,000 posts).

Usage: python bench/community_qa.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/db] [--repeat 20]
(default: a temporary SQLite file; a PostgreSQL URL gets a throwaway schema).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402

THREADS, ANSWERS_EACH, LEARNERS, BIG_THREAD = 1000, 9, 200, 500


def _seed(session):
    from lms_app.community.models import Post, Thread
    from lms_app.core.courses import Course, Enrollment
    from lms_app.core.types import utcnow
    from lms_app.core.users import User

    teacher = User(email="t@bench.test", name="Teacher", role="teacher", password_hash="!", is_active=True)
    session.add(teacher)
    session.flush()
    course = Course(slug="bench", title="Bench", teacher_id=teacher.id, status="published", published_at=utcnow())
    session.add(course)
    session.flush()
    learners = [User(email=f"l{i}@bench.test", name=f"Learner {i}", role="learner", password_hash="!", is_active=True)
                for i in range(LEARNERS)]
    session.add_all(learners)
    session.flush()
    session.add_all([Enrollment(user_id=u.id, course_id=course.id) for u in learners])
    now = utcnow()
    for t in range(THREADS):
        at = now - timedelta(minutes=THREADS - t)
        author = learners[t % LEARNERS]
        thread = Thread(course_id=course.id, author_id=author.id, title=f"Question {t} about topic {t % 37}",
                        created_at=at, last_activity_at=at, upvotes=t % 13, answer_count=ANSWERS_EACH)
        session.add(thread)
        session.flush()
        q = Post(thread_id=thread.id, author_id=author.id, body=f"Question body {t} " * 10, is_question=True,
                 created_at=at)
        session.add(q)
        session.flush()
        thread.question_post_id = q.id
        session.add_all([Post(thread_id=thread.id, author_id=learners[(t + a) % LEARNERS].id,
                              body=f"Answer {a} to question {t} " * 8, created_at=at) for a in range(ANSWERS_EACH)])
    big = Thread(course_id=course.id, author_id=learners[0].id, title="The big thread", created_at=now,
                 last_activity_at=now, answer_count=BIG_THREAD - 1)
    session.add(big)
    session.flush()
    q = Post(thread_id=big.id, author_id=learners[0].id, body="Big question", is_question=True)
    session.add(q)
    session.flush()
    big.question_post_id = q.id
    session.add_all([Post(thread_id=big.id, author_id=learners[a % LEARNERS].id, body=f"Answer {a} " * 20)
                     for a in range(BIG_THREAD - 1)])
    return course.id, learners[1].id, teacher.id, big.id


def _measure(engine, fn, repeat):
    from sqlalchemy import event

    counts = []

    def before(*_):
        counts[-1] += 1

    event.listen(engine, "before_cursor_execute", before)
    times = []
    try:
        for _ in range(repeat):
            counts.append(0)
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return counts[0], statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with scratch_database(args.database_url, "community"):
        import logging

        from lms_app import manage
        from lms_app.community import services
        from lms_app.core.db import get_engine, session_scope
        from lms_app.core.sessions import Actor

        manage.migrate()
        logging.getLogger("alembic").setLevel(logging.WARNING)
        engine = get_engine()
        with session_scope() as s:
            course_id, learner_id, teacher_id, big_id = _seed(s)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                from sqlalchemy import text

                conn.execute(text("ANALYZE"))
        learner = Actor(user_id=learner_id, role="learner", session_id=0)
        print(f"community Q&A on {engine.dialect.name}: {THREADS} threads, "
              f"{THREADS * (ANSWERS_EACH + 1) + BIG_THREAD} posts in one course")

        def page(sort="newest", q=""):
            with session_scope() as s:
                return services.list_threads(s, learner, course_id, None, sort, q, "", 50)

        for label, kwargs in [("newest", {}), ("most upvoted", {"sort": "votes"}),
                              ("unanswered", {"sort": "unanswered"}), ("search 'topic 5'", {"q": "topic 5"})]:
            n, ms = _measure(engine, lambda: page(**kwargs), args.repeat)
            print(f"  Q&A page of 50 threads, {label:<18}: {n} statements, median {ms:.2f} ms")
        # The second page (keyset).
        cursor = page()["next"]

        def second():
            with session_scope() as s:
                services.list_threads(s, learner, course_id, None, "newest", "", cursor, 50)

        n, ms = _measure(engine, second, args.repeat)
        print(f"  second page (keyset cursor)             : {n} statements, median {ms:.2f} ms")

        def detail():
            with session_scope() as s:
                return services.thread_detail(s, learner, big_id)

        n, ms = _measure(engine, detail, args.repeat)
        print(f"  thread of {BIG_THREAD} posts (first 50 shown)    : {n} statements, median {ms:.2f} ms")

        # Bytes per new answer: what the state change sends (new_answers) vs re-sending the loaded answers.
        shown = detail()["answers"]
        with session_scope() as s:
            new = services.answer(s, learner, big_id, "A new answer with a few words of text.")
        new_bytes = len(json.dumps([new]))
        page_bytes = len(json.dumps(shown + [new]))
        print(f"  bytes per new answer in a {BIG_THREAD}-post thread: {new_bytes} (new post only) "
              f"vs {page_bytes} to re-send the 50 shown answers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
