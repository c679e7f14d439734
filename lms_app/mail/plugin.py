"""Mail: SMTP settings, the delivery job, receipts and certificate mails from domain events, /admin/mail."""

from __future__ import annotations

import logging

from lms_app.core.plugin_api import NavItem, Page, PluginSetting, ScheduledJob, hookimpl
from lms_app.core.plugin_api import PersonalData
from lms_app.mail import models  # noqa: F401  (registers mail_messages on SQLModel.metadata)

log = logging.getLogger(__name__)


@hookimpl
def lms_settings():
    from lms_app.mail import smtp

    return [PluginSetting("LMS_SMTP_URL", None, smtp.parse_smtp_url,
                          "smtp://user:password@host:587?starttls=true or smtps://user:password@host:465; "
                          "empty keeps mail in the /admin/mail outbox"),
            PluginSetting("LMS_MAIL_FROM", "", smtp.parse_mail_from,
                          "the From header, like 'Lumen Learning <no-reply@example.org>'")]


@hookimpl
def lms_event(event):
    from lms_app.mail.subscribers import HANDLERS

    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    from lms_app.core.db import session_scope

    with session_scope() as session:
        handler(session, event.data)


@hookimpl
def lms_pages():
    from lms_app.mail import pages

    return [Page(pages.ROUTE, pages.page, pages.TITLE, pages.ON_LOAD)]


@hookimpl
def lms_nav_items():
    return [NavItem("admin", "Mail", "/admin/mail", "mail", order=105)]


@hookimpl
def lms_scheduled_jobs():
    from lms_app.mail import services

    return [ScheduledJob("requeue-stuck-mail", 10, lambda session, settings: services.requeue_stuck(session),
                         help="Queue again mail still waiting 10 minutes after it was written.")]


@hookimpl
def lms_personal_data():
    return [PersonalData("mail_messages", ("user_id",), "delete",
                         why="Copies of mail sent to the person (they hold the address and links).")]
