"""Analytics: the platform's (admins) and a teacher's own."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, hookimpl, pages_of


@hookimpl
def lms_pages():
    from lms_app.analytics.pages import admin, teacher

    return pages_of(admin, teacher)


@hookimpl
def lms_nav_items():
    return [NavItem("admin", "Analytics", "/admin/analytics", "chart-line", order=10),
            NavItem("teacher", "Analytics", "/teach/analytics", "chart-line", order=20)]


@hookimpl
def lms_api_routers():
    from lms_app.analytics import rest

    return [rest.router]
