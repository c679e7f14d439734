"""Quizzes: the quiz lesson type (builder page and player panel)."""

from __future__ import annotations

from lms_app.quizzes import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData


@hookimpl
def lms_lesson_types():
    from lms_app.quizzes.services.lesson_type import QUIZ

    return [QUIZ]


@hookimpl
def lms_pages():
    from lms_app.quizzes.pages import builder, player  # noqa: F401

    # The player panel's state is imported with the pages, so it is registered with the app
    # (not first when a lesson page is built).
    return pages_of(builder)


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.quizzes.services import demo

    return {"quizzes": demo.ensure_demo_quiz(session)}


@hookimpl
def lms_personal_data():
    return [PersonalData("quiz_attempts", ("user_id",), "delete", why="The person's answers and scores.")]


@hookimpl
def lms_api_routers():
    from lms_app.quizzes import rest

    return [rest.router]
