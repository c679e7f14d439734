"""The admin console: overview, users, teacher applications, categories, audit log; the
learner's "become a teacher" page."""

from __future__ import annotations

from lms_app.admin import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData
from lms_app.core.permissions import ADMIN_AREA


@hookimpl
def lms_pages():
    from lms_app.admin.pages import applications, audit, become_teacher, categories, console, users

    return pages_of(console, users, applications, categories, audit, become_teacher)


@hookimpl
def lms_nav_items():
    return [NavItem("main", "Admin", "/admin", "shield", order=30, roles=ADMIN_AREA),
            NavItem("admin", "Overview", "/admin", "layout-dashboard", order=0),
            NavItem("admin", "Users", "/admin/users", "users", order=20),
            NavItem("admin", "Teacher applications", "/admin/applications", "user-check", order=30),
            NavItem("admin", "Categories", "/admin/categories", "folder-tree", order=40),
            NavItem("admin", "Audit log", "/admin/audit", "scroll-text", order=100)]


@hookimpl
def lms_personal_data():
    return [PersonalData("teacher_applications", ("user_id",), "delete", why="The person's own application."),
            PersonalData("teacher_applications", ("decided_by",), "keep", export=False,
                         why="Which admin decided someone else's application: that person's record.")]


@hookimpl
def lms_api_routers():
    from lms_app.admin import rest

    return [rest.router]
