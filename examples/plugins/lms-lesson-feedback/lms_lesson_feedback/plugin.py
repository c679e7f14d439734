"""The plugin's hook implementations (found through the ``lms.plugins`` entry point
``lesson_feedback``; ``LMS_DISABLED_PLUGINS=lesson_feedback`` switches it off).

The models module is imported here, at the top, so the ``lesson_feedback`` table is on
``SQLModel.metadata`` as soon as the plugin loads (Alembic and the app's tests compare it with
the migration). Reflex code is imported inside the hooks, to keep loading the plugin cheap.
"""

from __future__ import annotations

from pathlib import Path

from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.plugin_api import LessonWidget, MigrationsSpec, NavItem, Page, PersonalData, hookimpl
from lms_lesson_feedback import models  # noqa: F401  (registers the lesson_feedback table)

BRANCH = "lesson_feedback"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@hookimpl
def lms_pages():
    from lms_lesson_feedback import report

    return [Page(report.ROUTE, report.page, report.TITLE, on_load=report.ON_LOAD,
                 description="How clear learners found each lesson of your courses.")]


@hookimpl
def lms_nav_items():
    return [NavItem("teacher", "Lesson feedback", "/teach/feedback", "message-circle-question", order=25,
                    roles=TEACHER_AREA)]


@hookimpl
def lms_lesson_widgets():
    from lms_lesson_feedback.widget import feedback_widget

    return [LessonWidget("lesson_feedback", feedback_widget, order=50)]


@hookimpl
def lms_migrations():
    return [MigrationsSpec(BRANCH, str(MIGRATIONS))]


@hookimpl
def lms_personal_data():
    """A learner's votes are theirs: in their data download, gone with their account."""
    return [PersonalData("lesson_feedback", ("user_id",), "delete", why="The person's 'was this clear?' votes.")]
