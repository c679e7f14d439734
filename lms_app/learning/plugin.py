"""Learning: the course player and its content lesson types (text, video, PDF), progress,
course reviews, the learner dashboard."""

from __future__ import annotations

from lms_app.learning import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData


@hookimpl
def lms_lesson_types():
    from lms_app.learning.lesson_types import CONTENT_TYPES

    return list(CONTENT_TYPES)


@hookimpl
def lms_pages():
    from lms_app.learning.pages import admin_reviews, dashboard, learn

    return pages_of(dashboard, learn, admin_reviews)


@hookimpl
def lms_nav_items():
    return [NavItem("main", "My learning", "/dashboard", "book-open", order=10),
            NavItem("admin", "Learner reviews", "/admin/learner-reviews", "message-square", order=60)]


@hookimpl
def lms_http_routes():
    from lms_app.learning import api

    return api.ROUTES


@hookimpl
def lms_personal_data():
    return [PersonalData("lesson_progress", ("user_id",), "delete", why="The person's progress."),
            PersonalData("reviews", ("user_id",), "delete", why="Course reviews the person wrote.")]


@hookimpl
def lms_api_routers():
    from lms_app.learning import rest

    return [rest.router]
