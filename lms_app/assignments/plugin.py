"""Assignments: the assignment lesson type (editor page, player panel), peer review, the
teacher's grading queue, submission files, and the peer-review cut-off job."""

from __future__ import annotations

from lms_app.assignments import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, ScheduledJob, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData


@hookimpl
def lms_lesson_types():
    from lms_app.assignments.services.lesson_type import ASSIGNMENT

    return [ASSIGNMENT]


@hookimpl
def lms_pages():
    from lms_app.assignments.pages import editor, grading, player  # noqa: F401

    # The player panel's state is imported with the pages, so it is registered with the app.
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


def _submission_files(session, user_id):
    from sqlmodel import select

    from lms_app.assignments.models import Submission, SubmissionFile
    from lms_app.assignments.services.submissions import FILES_AREA
    from lms_app.core import storage

    rows = session.exec(select(SubmissionFile).join(Submission, Submission.id == SubmissionFile.submission_id)
                        .where(Submission.user_id == user_id)).all()
    # Storage keys (core/storage.py): the export reads them from whichever backend is configured.
    return [(f"submissions/{f.submission_id}/{f.id}-{f.file_name}", key) for f in rows
            if (key := storage.key(FILES_AREA, f.file_key))]


def _erase_submissions(session, user_id):
    """Delete the person's submissions, their stored files and the peer reviews they wrote or got."""
    from sqlalchemy import delete, or_

    from lms_app.assignments.models import PeerReview, Submission

    keys = [key for _, key in _submission_files(session, user_id)]
    session.exec(delete(PeerReview).where(or_(PeerReview.reviewer_id == user_id, PeerReview.author_id == user_id)))
    session.exec(delete(Submission).where(Submission.user_id == user_id))
    from lms_app.core.events import on_commit

    def unlink():
        from lms_app.core.settings import get_settings
        from lms_app.core.storage import get_storage

        files = get_storage(get_settings())
        for key in keys:
            files.delete(key)

    on_commit(session, unlink)


@hookimpl
def lms_personal_data():
    return [PersonalData("submissions", ("user_id",), _erase_submissions, files=_submission_files,
                         why="The person's work and its files (deleted from disk after the commit)."),
            PersonalData("peer_reviews", ("reviewer_id", "author_id"), "delete",
                         why="Reviews the person wrote, and reviews of their (deleted) work."),
            PersonalData("submissions", ("grader_id",), "keep", export=False,
                         why="Who graded someone else's work: that person's record.")]


@hookimpl
def lms_api_routers():
    from lms_app.assignments import rest, rest_staff

    return [rest.router, rest_staff.router]
