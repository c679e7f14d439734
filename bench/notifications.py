"""Notifications: 1,000 idle learners of one course get the inactivity reminder (round time: rows,
mails rendered and logged, delivery jobs enqueued), the bell's count query with many rows, and the
reminder round's cost at N enrolments (default 100,000) where nobody is due.

    python bench/notifications.py [--learners 1000] [--enrolments 100000] [--pg postgresql+psycopg://...]

A throwaway database (scratch_db); prints figures, not a timed test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--enrolments", type=int, default=100_000)
    parser.add_argument("--pg", default="")
    args = parser.parse_args()
    os.environ["LMS_BCRYPT_COST"] = "4"
    with scratch_database(args.pg or None, "notif"):
        if not args.pg:
            os.environ["LMS_DATABASE_URL"] = f"sqlite:///{os.environ['LMS_DATA_DIR']}/lms.db"
        from sqlalchemy import insert
        from sqlmodel import func, select

        from lms_app import manage
        from lms_app.core.courses import Category, Course, Enrollment
        from lms_app.core.db import session_scope
        from lms_app.core.event_log import LearningEvent
        from lms_app.core.sessions import create_session
        from lms_app.core.types import utcnow
        from lms_app.core.users import User
        from lms_app.jobs.queue import get_huey
        from lms_app.mail.models import MailMessage
        from lms_app.notifications import reminders, services
        from lms_app.notifications.bell import NotificationBellState
        from lms_app.notifications.models import Notification

        manage.migrate()
        get_huey().flush()
        now = utcnow()
        total = max(args.enrolments, args.learners)
        with session_scope() as s:
            teacher = User(email="t@bench.test", name="Teacher", password_hash="x", role="teacher")
            cat = Category(name="Bench", slug="bench")
            s.add_all([teacher, cat])
            s.flush()
            idle = Course(title="Idle course", slug="idle", teacher_id=teacher.id, category_id=cat.id, status="published")
            busy = Course(title="Busy course", slug="busy", teacher_id=teacher.id, category_id=cat.id, status="published")
            s.add_all([idle, busy])
            s.flush()
            idle_id, busy_id = idle.id, busy.id
        started = time.perf_counter()
        with session_scope() as s:
            s.exec(insert(User), params=[{"email": f"l{i}@bench.test", "name": f"Learner {i}", "password_hash": "x",
                                          "role": "learner", "is_active": True, "bio": "", "timezone": "UTC",
                                          "created_at": now, "updated_at": now} for i in range(total)])
        with session_scope() as s:
            ids = s.exec(select(User.id).where(User.role == "learner").order_by(User.id)).all()
            rows, events = [], []
            for n, uid in enumerate(ids):
                course = idle_id if n < args.learners else busy_id
                when = now - timedelta(days=8) if course == idle_id else now - timedelta(days=1)
                rows.append({"user_id": uid, "course_id": course, "created_at": when - timedelta(days=1)})
                events.append({"kind": "lesson_started", "user_id": uid, "course_id": course, "occurred_at": when})
            s.exec(insert(Enrollment), params=rows)
            s.exec(insert(LearningEvent), params=events)
        print(f"setup: {total} learners/enrolments/events in {time.perf_counter() - started:.1f} s "
              f"({'PostgreSQL' if args.pg else 'SQLite'})")

        rounds, reminded, started = 0, 0, time.perf_counter()
        while True:
            with session_scope() as s:
                done = reminders.remind_inactive(s, now)
            rounds += 1
            reminded += done
            if done == 0:
                break
        round_s = time.perf_counter() - started
        with session_scope() as s:
            mails = s.exec(select(func.count(MailMessage.id))).one()
            notes = s.exec(select(func.count(Notification.id))).one()
        print(f"reminder: {reminded} learners reminded in {rounds} rounds, {round_s:.2f} s "
              f"({notes} notifications, {mails} mails rendered+logged, {len(get_huey())} delivery jobs queued)")

        started = time.perf_counter()
        with session_scope() as s:
            again = reminders.remind_inactive(s, now + timedelta(hours=1))
        print(f"reminder round with nobody due at {total} enrolments: {time.perf_counter() - started:.2f} s "
              f"(reminded {again})")

        uid = ids[0]
        with session_scope() as s:
            _, token = create_session(s, uid, 30)
            s.exec(insert(Notification), params=[{"user_id": uid, "kind": "enrolled", "title": f"n{i}", "body": "",
                                                  "link": "", "in_app": True, "digest": False,
                                                  "created_at": now} for i in range(5000)])
        times = []
        for _ in range(50):
            started = time.perf_counter()
            with session_scope() as s:
                count = services.unread_for_token(s, token)
            times.append(time.perf_counter() - started)
        times.sort()
        print(f"bell count (one query, user with 5,001 unread, capped at {count}): median "
              f"{times[len(times) // 2] * 1000:.2f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms")
        frame = '{"%s":{"unread_rx_state_":%d}}' % (NotificationBellState.get_full_name(), 12)
        print(f"bell update delta (the changed var only, as Reflex sends it): {len(frame.encode())} bytes: {frame}")
        get_huey().flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
