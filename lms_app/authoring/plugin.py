"""Authoring: the teacher's course list and editor, the review queue for admins, thumbnails
and lesson files."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, hookimpl, pages_of
from lms_app.core.permissions import TEACHER_AREA


@hookimpl
def lms_pages():
    from lms_app.authoring.pages import admin_reviews, course_editor, teach

    return pages_of(teach, course_editor, admin_reviews)


@hookimpl
def lms_nav_items():
    return [NavItem("main", "Teach", "/teach", "presentation", order=20, roles=TEACHER_AREA),
            NavItem("admin", "Course reviews", "/admin/reviews", "clipboard-check", order=50)]


@hookimpl
def lms_http_routes():
    from lms_app.authoring import api

    return api.ROUTES


@hookimpl
def lms_api_routers():
    from lms_app.authoring import rest

    return [rest.router]
