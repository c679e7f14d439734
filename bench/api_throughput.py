"""REST API figures: SQL statements per request at 100 vs 10,000 courses (in process), and the
throughput and p50/p95 latency of the catalog list, course detail, mark complete and quiz submit
from one backend process under 50 concurrent clients (each client its own learner).

Usage: python bench/api_throughput.py [--seconds 10] [--clients 50]
(a SQLite database in a temporary folder; the server is the production ASGI stack of
tests/security/live_server.py, one process, rate limits raised out of the way).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="lms-api-bench-"))
os.environ.update(LMS_ENV="test", LMS_DATABASE_URL=f"sqlite:///{TMP / 'bench.db'}", LMS_DATA_DIR=str(TMP / "data"),
                  LMS_BCRYPT_COST="4", LMS_API_RATE_IP="10000000/minute", LMS_API_RATE_TOKEN="10000000/minute",
                  LMS_API_RATE_AUTH="10000000/minute", REFLEX_TELEMETRY_ENABLED="false")

import httpx  # noqa: E402
from sqlalchemy import event, insert  # noqa: E402


def migrate():
    from alembic import command

    from lms_app.manage import alembic_config

    command.upgrade(alembic_config(), "heads")


def seed(n: int, start: int) -> None:
    from lms_app.core.courses import Course
    from lms_app.core.db import session_scope
    from lms_app.core.types import utcnow

    now = utcnow()
    with session_scope() as s:
        s.execute(insert(Course), [dict(slug=f"course-{i}", title=f"Course {i}", teacher_id=1, status="published",
                                        price_minor=0 if i % 3 else 1000, published_at=now, created_at=now,
                                        updated_at=now, description="", subtitle="")
                                   for i in range(start, start + n)])


def statements(client, token, slug, lesson_id) -> dict[str, int]:
    from lms_app.core.db import get_engine

    counts = {}

    def measure(name, fn):
        n = [0]

        def before(*args):
            n[0] += 1

        event.listen(get_engine(), "before_cursor_execute", before)
        try:
            r = fn()
            assert r.status_code < 300, r.text
        finally:
            event.remove(get_engine(), "before_cursor_execute", before)
        counts[name] = n[0]

    auth = {"Authorization": f"Bearer {token}"}
    measure("catalog list", lambda: client.get("/api/v1/courses"))
    measure("catalog search", lambda: client.get("/api/v1/courses", params={"q": "Course", "free": "true"}))
    measure("course detail", lambda: client.get(f"/api/v1/courses/{slug}", headers=auth))
    measure("my enrolments", lambda: client.get("/api/v1/me/enrollments", headers=auth))
    measure("mark complete", lambda: client.post(f"/api/v1/lessons/{lesson_id}/complete", headers=auth))
    attempt = [0]

    def start():
        r = client.post(f"/api/v1/quizzes/{QUIZ[0]}/attempts", headers=auth)
        attempt[0] = r.json()["id"]
        return r

    measure("quiz start", start)
    measure("quiz submit", lambda: client.post(f"/api/v1/quiz-attempts/{attempt[0]}/submit", headers=auth,
                                               json={"answers": {str(q): 0 for q in QUESTIONS}}))
    return counts


QUIZ: list[int] = []  # the quiz lesson of course-1
QUESTIONS: list[int] = []


def add_quiz(course_id: int) -> None:
    """A quiz lesson with 10 single-choice questions, unlimited attempts, in course-1."""
    from lms_app.core.courses import Lesson, Module
    from lms_app.core.db import session_scope
    from lms_app.core.sessions import Actor
    from lms_app.quizzes.services import authoring

    with session_scope() as s:
        module = Module(course_id=course_id, title="Quiz", position=1)
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=course_id, title="Quiz", lesson_type="quiz", position=0)
        s.add(lesson)
        s.flush()
        teacher = Actor(1, "teacher", 0)
        for i in range(10):
            QUESTIONS.append(authoring.save_question(s, teacher, lesson.id, None, {
                "kind": "single", "prompt": f"Question {i}?", "points": "1", "option_0": "Yes", "option_1": "No",
                "correct": "0"}).id)
        QUIZ.append(lesson.id)


def load(origin: str, seconds: float, clients: int, request=None, tokens: list[str] | None = None) -> dict:
    """``request(client, auth) -> (response, timed)``: one timed request (with untimed set-up)."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    request = request or (lambda c, auth: c.get("/api/v1/courses"))

    def worker(n: int):
        auth = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"} if tokens else {}
        with httpx.Client(base_url=origin, timeout=60) as c:
            mine = []
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = request(c, auth)
                if isinstance(r, tuple):  # (response, seconds) from a request with its own set-up
                    r, took = r
                else:
                    took = time.perf_counter() - t
                mine.append(took)
                assert r.status_code == 200, r.text
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": 1000 * statistics.median(latencies), "p95_ms": 1000 * latencies[int(0.95 * len(latencies))]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    migrate()
    from starlette.testclient import TestClient

    from lms_app.accounts.services import passwords
    from lms_app.api.services import tokens
    from lms_app.core.courses import Course, Enrollment, Lesson, Module
    from lms_app.core.db import session_scope
    from lms_app.core.http import build_api, guard
    from lms_app.core.settings import get_settings
    from lms_app.core.users import User

    with session_scope() as s:
        s.add(User(id=1, email="t@bench.test", name="Teacher", role="teacher",
                   password_hash=passwords.hash_password("x" * 12, 4)))
        learner = User(id=2, email="l@bench.test", name="Learner", password_hash=passwords.hash_password("x" * 12, 4))
        s.add(learner)
    seed(100, 1)
    with session_scope() as s:
        from sqlmodel import select

        course = s.exec(select(Course).where(Course.slug == "course-1")).one()
        module = Module(course_id=course.id, title="M", position=0)
        s.add(module)
        s.flush()
        lessons = [Lesson(module_id=module.id, course_id=course.id, title=f"L{i}", lesson_type="text", position=i)
                   for i in range(4)]
        s.add_all(lessons)
        s.add(Enrollment(user_id=2, course_id=course.id))
        s.flush()
        lesson_ids = [lesson.id for lesson in lessons]
        token = tokens.issue_pair(s, get_settings(), s.get(User, 2)).access_token
        course_id = course.id
    add_quiz(course_id)
    client = TestClient(guard(build_api()))
    small = statements(client, token, "course-1", lesson_ids[0])
    seed(9_900, 101)
    # a second learner, so that both measurements are a first completion and a first passed quiz
    with session_scope() as s:
        second = User(id=3, email="l2@bench.test", name="Learner 2", password_hash=passwords.hash_password("x" * 12, 4))
        s.add(second)
        s.flush()
        s.add(Enrollment(user_id=3, course_id=course_id))
        token2 = tokens.issue_pair(s, get_settings(), second).access_token
    large = statements(client, token2, "course-1", lesson_ids[0])
    print("SQL statements per request (auth included):")
    print(f"  {'request':16} {'100 courses':>12} {'10,000 courses':>15}")
    for name in small:
        print(f"  {name:16} {small[name]:>12} {large[name]:>15}")
    assert small == large, "statements per request grew with the data"

    # one learner per client, enrolled in course-1 (their own progress rows and quiz attempts)
    learner_tokens = []
    with session_scope() as s:
        hashed = passwords.hash_password("x" * 12, 4)
        for n in range(args.clients):
            user = User(email=f"load{n}@bench.test", name=f"Load {n}", password_hash=hashed)
            s.add(user)
            s.flush()
            s.add(Enrollment(user_id=user.id, course_id=course_id))
            learner_tokens.append(tokens.issue_pair(s, get_settings(), user).access_token)

    def submit(c, auth):
        attempt = c.post(f"/api/v1/quizzes/{QUIZ[0]}/attempts", headers=auth).json()["id"]  # set-up, not timed
        t = time.perf_counter()
        r = c.post(f"/api/v1/quiz-attempts/{attempt}/submit", headers=auth,
                   json={"answers": {str(q): 0 for q in QUESTIONS}})
        return r, time.perf_counter() - t

    scenarios = [
        ("GET /courses (catalog list)", lambda c, auth: c.get("/api/v1/courses")),
        ("GET /courses/{slug} (course detail)", lambda c, auth: c.get("/api/v1/courses/course-1", headers=auth)),
        ("POST /lessons/{id}/complete (mark complete)",
         lambda c, auth: c.post(f"/api/v1/lessons/{lesson_ids[2]}/complete", headers=auth)),
        ("POST /quiz-attempts/{id}/submit (quiz submit)", submit),
    ]
    sys.path.insert(0, str(ROOT / "tests" / "security"))
    from tests.security import live

    server = live.start()
    results = []
    try:
        for _ in range(20):  # warm up
            httpx.get(f"{server.origin}/api/v1/courses", timeout=30)
        for name, request in scenarios:
            results.append((name, load(server.origin, args.seconds, args.clients, request, learner_tokens)))
    finally:
        live.stop(server)
    print(f"Latency at {args.clients} concurrent clients (10,000 courses, SQLite, 1 backend process, "
          f"{args.seconds:g} s each):")
    for name, figures in results:
        print(f"  {name:46} {figures['requests']:>6} requests {figures['rps']:>6.0f} req/s   "
              f"p50 {figures['p50_ms']:>5.0f} ms   p95 {figures['p95_ms']:>5.0f} ms")


if __name__ == "__main__":
    main()
