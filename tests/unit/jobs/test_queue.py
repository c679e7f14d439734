"""The job queue on SQLite and Redis storage: round trip, enqueue only after commit, retries with a
failure admins can see, periodic jobs from the lms_scheduled_jobs hook."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from lms_app.core.errors import ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.jobs import queue, services
from lms_app.jobs.models import JobRun

CALLS: list[dict] = []


def note(session, text: str) -> int:
    """A job: remembers its argument and writes a row in the job's own transaction."""
    CALLS.append({"text": text})
    session.add(JobRun(name=f"note:{text}", outcome="ok"))
    return 1


def always_fails(session, why: str) -> int:
    CALLS.append({"why": why})
    raise RuntimeError(f"SMTP said no: {why}")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_round_trip_through_the_storage(huey, db):
    queue.enqueue(db, note, text="hello")
    db.commit()
    assert huey.pending_count() == 1
    assert queue.drain(huey) == 1
    assert CALLS == [{"text": "hello"}]
    runs = db.exec(select(JobRun).where(JobRun.name == queue.target_of(note))).all()
    assert [(r.outcome, r.done, r.attempt) for r in runs] == [("ok", 1, 1)]
    assert db.exec(select(JobRun).where(JobRun.name == "note:hello")).first() is not None
    assert huey.pending_count() == 0


def test_rollback_enqueues_nothing(huey, db):
    queue.enqueue(db, note, text="lost")
    db.rollback()
    db.commit()
    assert huey.pending_count() == 0
    queue.enqueue(db, note, text="kept")
    savepoint = db.begin_nested()
    queue.enqueue(db, note, text="inner")
    savepoint.rollback()
    assert huey.pending_count() == 0  # nothing before the commit either
    db.commit()
    queue.drain(huey)
    assert CALLS == [{"text": "kept"}]


def test_failure_is_retried_then_visible_to_admins(huey, db, make_user):
    queue.enqueue(db, always_fails, why="550 mailbox unavailable")
    db.commit()
    queue.drain(huey)
    assert len(CALLS) == queue.RETRIES + 1
    runs = db.exec(select(JobRun).order_by(JobRun.id)).all()
    assert [r.outcome for r in runs] == ["retrying"] * queue.RETRIES + ["failed"]
    assert [r.attempt for r in runs] == list(range(1, queue.RETRIES + 2))
    admin = make_user(role="admin")
    seen = services.overview(db, Actor(admin.id, "admin", 0))
    assert seen["failed_total"] == 1
    assert "RuntimeError: SMTP said no: 550 mailbox unavailable" in seen["failed"][0]["error"]


def test_retries_back_off():
    """Production delays: 30 s, then doubled each time (Huey's retry_backoff)."""
    assert (queue.RETRY_DELAY_SECONDS, queue.RETRY_BACKOFF, queue.RETRIES) == (30, 2, 4)
    production = queue.build_huey(queue.get_settings(), name="t-backoff", filename=":memory:")
    task = production.lms_perform.s("x:y", {})
    assert (task.retries, task.retry_delay, task.retry_backoff) == (4, 30, 2)


def test_overview_is_for_admins_only(sqlite_huey, db, make_user):
    learner = make_user()
    with pytest.raises(ServiceError):
        services.overview(db, Actor(learner.id, "learner", 0))


def test_periodic_jobs_come_from_the_hook(sqlite_huey, db):
    names = {t.__name__.split(":")[-1] for t in sqlite_huey._registry._periodic_tasks}
    assert {"purge-expired-sessions", "peer-review-cutoff", "purge-job-runs"} <= names

    def due(hour, minute):
        moment = datetime(2026, 12, 6, hour, minute, tzinfo=timezone.utc).replace(tzinfo=None)
        return {t.name.split(":")[-1] for t in sqlite_huey.read_periodic(moment)}

    assert due(10, 15) >= {"peer-review-cutoff"} and "purge-expired-sessions" not in due(10, 15)
    assert {"peer-review-cutoff", "purge-expired-sessions"} <= due(11, 0)
    assert "purge-job-runs" in due(0, 0) and "purge-job-runs" not in due(11, 0)
    assert due(10, 7) == set()


def test_a_periodic_round_is_recorded_and_shown(sqlite_huey, db, make_user):
    assert queue.run_scheduled("purge-expired-sessions") == 0
    admin = make_user(role="admin")
    seen = services.overview(db, Actor(admin.id, "admin", 0))
    row = next(r for r in seen["periodic"] if r["name"] == "purge-expired-sessions")
    assert row["outcome"] == "ok" and row["done"] == "0" and row["started"] != "never"


def test_old_runs_are_purged(db):
    db.add(JobRun(name="old", outcome="ok", started_at=utcnow() - timedelta(days=31)))
    db.add(JobRun(name="new", outcome="ok"))
    db.commit()
    assert services.purge_old_runs(db) == 1
    db.commit()
    assert [r.name for r in db.exec(select(JobRun)).all()] == ["new"]
