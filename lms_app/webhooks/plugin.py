"""Outgoing webhooks: registrations, delivery jobs, the /webhooks page."""

from __future__ import annotations

from lms_app.core.plugin_api import PersonalData, hookimpl
from lms_app.webhooks import models  # noqa: F401  (registers the tables on SQLModel.metadata)


@hookimpl
def lms_event(event):
    from lms_app.core.db import session_scope
    from lms_app.webhooks import services

    if event.name not in services.EVENTS:
        return
    with session_scope() as session:
        services.fan_out(session, event.name, dict(event.data))


@hookimpl
def lms_pages():
    from lms_app.core.plugin_api import Page
    from lms_app.webhooks import pages

    return [Page(pages.ROUTE, pages.page, pages.TITLE, pages.ON_LOAD)]


@hookimpl
def lms_nav_items():
    from lms_app.core.permissions import TEACHER_AREA
    from lms_app.core.plugin_api import NavItem

    return [NavItem("teacher", "Webhooks", "/teach/webhooks", "webhook", order=90, roles=TEACHER_AREA)]


@hookimpl
def lms_personal_data():
    return [PersonalData("webhook_endpoints", ("owner_id",), "delete", secret=("secret",),
                         why="Webhook URLs the person registered (deleted with their deliveries; the signing "
                             "key is never exported).")]


@hookimpl
def lms_api_routers():
    from lms_app.webhooks import rest

    return [rest.router]
