"""Assignments: the assignment lesson type (editor page, player panel), peer review, the
teacher's grading queue, submission files, and the peer-review cut-off job."""

from __future__ import annotations

from lms_app.assignments import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, ScheduledJob, hookimpl, pages_of


@hookimpl
def lms_lesson_types():
    from lms_app.assignments.services.lesson_type import ASSIGNMENT

    return [ASSIGNMENT]


@hookimpl
def lms_pages():
    from lms_app.assignments.pages import editor, grading

    return pages_of(editor, grading)


@hookimpl
def lms_nav_items():
    return [NavItem("teacher", "Grading", "/teach/grading", "clipboard-check", order=10)]


@hookimpl
def lms_http_routes():
    from lms_app.assignments import api

    return api.ROUTES


def _peer_cutoff(session, settings) -> int:
    from lms_app.assignments.services.grading import apply_cutoff

    return apply_cutoff(session, everything=True)


@hookimpl
def lms_scheduled_jobs():
    return [ScheduledJob("peer-review-cutoff", 15, _peer_cutoff,
                         help="Move peer submissions past their cut-off to the teacher's grading queue.")]


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.assignments.services import demo

    return {"assignments": demo.ensure_demo_assignment(session)}
