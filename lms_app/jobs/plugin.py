"""Jobs: the Huey queue and worker, the job-run log, the /admin/jobs page."""

from __future__ import annotations

from lms_app.core.plugin_api import MetricGauge, NavItem, Page, ScheduledJob, hookimpl
from lms_app.jobs import models  # noqa: F401  (registers job_runs on SQLModel.metadata)


@hookimpl
def lms_pages():
    from lms_app.jobs import pages

    return [Page(pages.ROUTE, pages.page, pages.TITLE, pages.ON_LOAD)]


@hookimpl
def lms_nav_items():
    return [NavItem("admin", "Jobs", "/admin/jobs", "timer", order=110)]


@hookimpl
def lms_scheduled_jobs():
    from lms_app.jobs import services

    return [ScheduledJob("purge-job-runs", 24 * 60, lambda session, settings: services.purge_old_runs(session),
                         help="Delete job-run history older than 30 days.")]


def _failed_last_day() -> int:
    from datetime import timedelta

    from sqlalchemy import func
    from sqlmodel import select

    from lms_app.core.db import session_scope
    from lms_app.core.types import utcnow
    from lms_app.jobs.models import JobRun

    with session_scope() as session:
        return session.exec(select(func.count(JobRun.id)).where(
            JobRun.outcome == "failed", JobRun.started_at >= utcnow() - timedelta(days=1))).one()


@hookimpl
def lms_metrics():
    from lms_app.jobs.queue import get_huey

    return [MetricGauge("lms_jobs_queued", "Jobs waiting in the queue", lambda: get_huey().pending_count()),
            MetricGauge("lms_jobs_failed_last_day", "Job runs that failed in the last 24 hours", _failed_last_day)]
