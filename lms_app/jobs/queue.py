"""The job queue: Huey, with an embedded SQLite file by default and Redis when LMS_REDIS_URL is set.

Why Huey: one small pure-Python dependency with an embedded storage (``SqliteHuey``, a file under
LMS_DATA_DIR, so a laptop needs nothing extra), a Redis storage for deployments with several
hosts, retries with backoff, periodic tasks and a consumer process. Celery/RQ need a broker
even on a laptop; Dramatiq has no embedded broker.

Work is enqueued with ``enqueue(session, fn, **kwargs)``: the job is only *noted* on the
SQLAlchemy session and handed to Huey after that session's transaction commits. A rollback
(or a rolled-back savepoint) drops what was noted inside it, so a failed purchase sends nothing.
A job is a plain module-level function ``fn(session, **kwargs)`` (JSON-like kwargs: ids, not
rows); the worker imports it by name, runs it in its own transaction and records the run in
``job_runs``. Periodic jobs come from the ``lms_scheduled_jobs`` hook.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import update
from sqlmodel import Session

from lms_app.core import events
from lms_app.core.settings import Settings, get_settings
from lms_app.core.types import utcnow
from lms_app.jobs.models import JobRun

log = logging.getLogger(__name__)

QUEUE_NAME = "lms-jobs"
# A failing job runs again after 30 s, 60 s, 120 s, 240 s (Huey's retry_delay × retry_backoff),
# then stays failed in job_runs for an admin to see.
RETRIES = 4
RETRY_DELAY_SECONDS = 30
RETRY_BACKOFF = 2

_lock = threading.Lock()
_current: Huey | None = None


def build_huey(settings: Settings, *, name: str = QUEUE_NAME, redis_url: str | None = None,
               filename: str | None = None, retry_delay: int = RETRY_DELAY_SECONDS) -> Huey:
    """A Huey instance with the app's tasks registered (the generic ``perform`` task and one
    periodic task per ``lms_scheduled_jobs`` entry)."""
    url = redis_url or settings.redis_url
    if url:
        huey: Huey = RedisHuey(name, url=url)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=filename or str(settings.data_dir / "jobs.db"))
    _register_tasks(huey, retry_delay)
    return huey


def get_huey() -> Huey:
    """This process's queue (built on first use from the settings)."""
    global _current
    with _lock:
        if _current is None:
            _current = build_huey(get_settings())
        return _current


def use_huey(huey: Huey | None) -> Huey | None:
    """Make ``huey`` this process's queue (tests: a Redis queue, a fresh file); returns the old one."""
    global _current
    with _lock:
        previous, _current = _current, huey
    return previous


# --- the tasks ---------------------------------------------------------------------------

def _register_tasks(huey: Huey, retry_delay: int) -> None:
    from lms_app.core import plugins

    @huey.task(retries=RETRIES, retry_delay=retry_delay, retry_backoff=RETRY_BACKOFF, context=True, name="perform")
    def perform(target: str, kwargs: dict, task=None):
        remaining = task.retries if task is not None else 0
        return run_recorded(target, lambda session: resolve(target)(session, **kwargs), periodic=False,
                            task_id=getattr(task, "id", ""), attempt=RETRIES - remaining + 1,
                            last=remaining == 0)

    huey.lms_perform = perform
    for job in plugins.collected("lms_scheduled_jobs"):
        huey.periodic_task(every(job.every_minutes), name=f"periodic:{job.name}")(_periodic_runner(job.name))


def every(minutes: int) -> Callable[[datetime], bool]:
    """A Huey schedule: true at each multiple of ``minutes`` since midnight UTC (Huey checks each minute)."""
    step = max(1, int(minutes))

    def due(moment: datetime) -> bool:
        return (moment.hour * 60 + moment.minute) % step == 0 if step < 24 * 60 else (moment.hour, moment.minute) == (0, 0)

    return due


def _periodic_runner(job_name: str):
    def run_periodic():
        return run_scheduled(job_name)

    run_periodic.__name__ = f"periodic_{job_name.replace('-', '_')}"
    return run_periodic


def run_scheduled(job_name: str) -> int:
    """One round of a declared periodic job, recorded in job_runs (the worker and ``manage jobs run``)."""
    from lms_app.core import plugins

    declared = {job.name: job for job in plugins.collected("lms_scheduled_jobs")}
    job = declared[job_name]
    return run_recorded(job_name, lambda session: job.run(session, get_settings()), periodic=True)


def resolve(target: str) -> Callable:
    """The function a ``module:function`` target names (only code of this installation runs)."""
    module_name, _, attr = target.partition(":")
    fn = importlib.import_module(module_name)
    for part in attr.split("."):
        fn = getattr(fn, part)
    return fn


def run_recorded(name: str, work: Callable[[Session], int | None], *, periodic: bool, task_id: str = "",
                 attempt: int = 1, last: bool = True) -> int:
    """Run ``work(session)`` in its own transaction with a job_runs row around it; re-raise errors
    (Huey retries them) after recording them as ``retrying`` or, on the last attempt, ``failed``."""
    from lms_app.core.db import session_scope
    from lms_app.core.log_setup import CONTEXT

    with session_scope() as session:
        run = JobRun(name=name[:120], periodic=periodic, task_id=task_id or "", attempt=attempt)
        session.add(run)
        session.flush()
        run_id = run.id
    context = CONTEXT.set(f"job-{(task_id or str(run_id))[:12]}")  # on every log line of this run
    try:
        with session_scope() as session:
            done = work(session)
    except Exception as exc:
        _finish(run_id, "failed" if last else "retrying", error=f"{type(exc).__name__}: {exc}"[:4000])
        raise
    finally:
        CONTEXT.reset(context)
    done = int(done) if isinstance(done, (int, bool)) else None
    _finish(run_id, "ok", done=done)
    return done or 0


def _finish(run_id: int, outcome: str, *, done: int | None = None, error: str = "") -> None:
    from lms_app.core.db import session_scope

    with session_scope() as session:
        session.exec(update(JobRun).where(JobRun.id == run_id).values(
            outcome=outcome, done=done, error=error, finished_at=utcnow()))


# --- enqueue after commit ----------------------------------------------------------------

def target_of(fn: Callable) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def enqueue(session: Session, fn: Callable, **kwargs) -> None:
    """Queue ``fn(session, **kwargs)`` for the worker once this session's transaction commits."""
    session.connection()  # begin the transaction now, so a rollback right after drops the job too
    events.on_commit(session, _enqueue_safely, target_of(fn), kwargs)


def enqueue_now(target: str, kwargs: dict) -> None:
    """Hand a job to Huey straight away (after a commit, or from code with no transaction)."""
    get_huey().lms_perform(target, kwargs)


def _enqueue_safely(target: str, kwargs: dict) -> None:
    try:
        enqueue_now(target, kwargs)
    except Exception:  # noqa: BLE001 - the change is committed; the mail sweeper re-queues mail
        log.exception("could not enqueue job %s", target)


def drain(huey: Huey | None = None, limit: int = 10_000) -> int:
    """Execute queued tasks in this process until the queue is empty (tests, ``manage jobs drain``)."""
    huey = huey or get_huey()
    ran = 0
    while ran < limit and (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran
