"""Certificates: issued on completion, the public verify page, signed credentials, the admin
page."""

from __future__ import annotations

from lms_app.certificates import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.core.plugin_api import NavItem, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData


@hookimpl
def lms_pages():
    from lms_app.certificates.pages import admin, verify

    return pages_of(verify, admin)


@hookimpl
def lms_nav_items():
    return [NavItem("admin", "Certificates", "/admin/certificates", "award", order=90)]


@hookimpl
def lms_http_routes():
    from lms_app.certificates import api, public_html

    return api.ROUTES + public_html.ROUTES


@hookimpl
def lms_personal_data():
    return [PersonalData("certificates", ("user_id",), "keep",
                         why="An issued certificate is the issuer's statement to third parties: it keeps the "
                             "name as issued and still verifies; the verify page says the holder closed the account."),
            PersonalData("certificates", ("issued_by_id", "revoked_by_id"), "keep", export=False,
                         why="Which admin issued or revoked someone else's certificate.")]


@hookimpl
def lms_api_routers():
    from lms_app.certificates import rest, rest_admin

    return [rest.router, rest_admin.router]
