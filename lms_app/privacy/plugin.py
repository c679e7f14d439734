"""Privacy: "Download my data", "Delete my account" (/account/privacy), the export download route,
the purge of expired exports, and the personal-data declarations of the core tables."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, PersonalData, ScheduledJob, hookimpl, pages_of
from lms_app.privacy import models  # noqa: F401  (registers data_exports on SQLModel.metadata)


def _erase_enrollments(session, user_id):
    """Enrolments go, except those behind a certificate (kept with it: deleting the enrolment
    would cascade to the certificate)."""
    from sqlalchemy import delete, select

    from lms_app.core.courses import Enrollment
    from sqlmodel import SQLModel

    certificates = SQLModel.metadata.tables.get("certificates")
    stmt = delete(Enrollment).where(Enrollment.user_id == user_id)
    if certificates is not None:
        stmt = stmt.where(Enrollment.id.not_in(select(certificates.c.enrollment_id)
                                               .where(certificates.c.user_id == user_id)))
    session.exec(stmt)


def _erase_exports(session, user_id):
    from lms_app.privacy.services import personal_data

    rows = session.exec(models.DataExport.__table__.select().where(models.DataExport.user_id == user_id)).all()
    personal_data.on_commit(session, personal_data._unlink, [r.file_key for r in rows if r.file_key])
    session.exec(models.DataExport.__table__.delete().where(models.DataExport.user_id == user_id))


@hookimpl
def lms_personal_data():
    return [
        PersonalData("user_sessions", ("user_id",), "delete", secret=("token_hash",), why="Signed-in browsers."),
        PersonalData("login_tickets", ("user_id",), "delete", secret=("ticket_hash",), why="Sign-in hand-overs."),
        PersonalData("enrollments", ("user_id",), _erase_enrollments,
                     why="Enrolments; those behind an issued certificate are kept with it."),
        PersonalData("learning_events", ("user_id",), "detach",
                     why="Course statistics keep the event, no longer linked to anyone."),
        PersonalData("courses", ("teacher_id",), "keep",
                     why="Courses stay with their learners; a teacher with courses cannot delete the account "
                         "until an admin hands them over."),
        PersonalData("course_status_changes", ("actor_id",), "keep", export=False,
                     why="The review history of a course (who approved or archived it)."),
        PersonalData("audit_entries", ("actor_id",), "keep", export=False,
                     why="The admin audit trail must stay complete."),
        PersonalData("data_exports", ("user_id",), _erase_exports, secret=("file_key",),
                     why="Earlier exports and their files."),
        PersonalData("data_exports", ("requested_by_id",), "keep", export=False,
                     why="Which admin exported someone else's data."),
    ]


@hookimpl
def lms_pages():
    from lms_app.privacy.pages import account, deleted

    return pages_of(account, deleted)


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Your data", "/account/privacy", "shield", order=20)]


@hookimpl
def lms_http_routes():
    from lms_app.privacy import api

    return api.ROUTES


@hookimpl
def lms_scheduled_jobs():
    from lms_app.privacy.services import personal_data

    return [ScheduledJob("purge-data-exports", 60, personal_data.purge_exports,
                         help="Delete personal-data exports (and their zip files) after 7 days.")]
