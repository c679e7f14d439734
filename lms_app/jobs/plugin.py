"""Jobs: the Huey queue and worker, the job-run log, the /admin/jobs page."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, Page, ScheduledJob, hookimpl
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
