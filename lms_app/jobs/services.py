"""What admins see of the queue (/admin/jobs) and the purge of old job runs (plain Python)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from lms_app.core.permissions import ADMIN_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.jobs.models import JobRun

KEEP_RUNS = timedelta(days=30)
FAILED_SHOWN = 50


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def _row(run: JobRun) -> dict[str, str]:
    took = ""
    if run.finished_at is not None:
        took = f"{(run.finished_at - run.started_at).total_seconds():.1f} s"
    return {"id": str(run.id), "name": run.name, "started": _when(run.started_at), "took": took,
            "outcome": run.outcome, "attempt": str(run.attempt), "done": "" if run.done is None else str(run.done),
            "error": run.error[:500]}


def schedule_label(minutes: int) -> str:
    if minutes >= 24 * 60:
        return "daily (00:00 UTC)"
    if minutes % 60 == 0:
        return "hourly" if minutes == 60 else f"every {minutes // 60} h"
    return f"every {minutes} min"


def overview(session: Session, actor: Actor) -> dict:
    """Queue depth, failed jobs (after their last retry) and the last run of each periodic job."""
    require_role(actor, ADMIN_AREA)
    from lms_app.core import plugins
    from lms_app.jobs.queue import get_huey

    huey = get_huey()
    try:
        queued, scheduled, backend = huey.pending_count(), huey.scheduled_count(), type(huey.storage).__name__
    except Exception as exc:  # noqa: BLE001 - an unreachable Redis must not break the page
        queued, scheduled, backend = -1, -1, f"unreachable: {type(exc).__name__}"
    failed = session.exec(select(JobRun).where(JobRun.outcome == "failed")
                          .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(FAILED_SHOWN)).all()
    periodic = []
    for job in plugins.collected("lms_scheduled_jobs"):
        last = session.exec(select(JobRun).where(JobRun.name == job.name, JobRun.periodic.is_(True))
                            .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)).first()
        row = _row(last) if last else {"started": "never", "outcome": "", "took": "", "done": "", "error": ""}
        periodic.append({**row, "name": job.name, "every": schedule_label(job.every_minutes), "help": job.help})
    failed_total = session.exec(select(func.count(JobRun.id)).where(JobRun.outcome == "failed")).one()
    return {"queued": queued, "scheduled": scheduled, "backend": backend, "failed": [_row(r) for r in failed],
            "failed_total": failed_total, "periodic": periodic}


def purge_old_runs(session: Session, now: datetime | None = None) -> int:
    """Delete job-run rows older than 30 days (a periodic job)."""
    cutoff = (now or utcnow()) - KEEP_RUNS
    return session.exec(delete(JobRun).where(JobRun.started_at < cutoff)).rowcount or 0
