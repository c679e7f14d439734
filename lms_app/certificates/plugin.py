"""Certificates: issued on completion, the public verify page, signed credentials, the admin
page."""

from __future__ import annotations

from lms_app.certificates import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, hookimpl, pages_of


@hookimpl
def lms_pages():
    from lms_app.certificates.pages import admin, verify

    return pages_of(verify, admin)


@hookimpl
def lms_nav_items():
    return [NavItem("admin", "Certificates", "/admin/certificates", "award", order=90)]


@hookimpl
def lms_http_routes():
    from lms_app.certificates import api

    return api.ROUTES


@hookimpl
def lms_api_routers():
    from lms_app.certificates import rest

    return [rest.router]
