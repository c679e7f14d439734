"""Notifications: the bell and /notifications, preferences on the profile, /unsubscribe, reminders, digest."""

from __future__ import annotations

import logging

from lms_app.core.plugin_api import NavbarWidget, NavItem, Page, PersonalData, ProfileSection, ScheduledJob, hookimpl
from lms_app.notifications import models  # noqa: F401  (registers the tables on SQLModel.metadata)

log = logging.getLogger(__name__)


@hookimpl
def lms_event(event):
    from lms_app.notifications.subscribers import HANDLERS

    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    from lms_app.core.db import session_scope

    with session_scope() as session:
        handler(session, event.data)


@hookimpl
def lms_config_problems(settings):
    """A duplicate or malformed notification kind (from any plugin) stops the start, not the first send."""
    from lms_app.notifications import kinds

    try:
        kinds.all_kinds()
    except ValueError as exc:
        return [f"lms_notification_kinds: {exc}"]
    return []


@hookimpl
def lms_pages():
    from lms_app.notifications import pages

    return [Page(pages.ROUTE, pages.page, pages.TITLE, pages.ON_LOAD),
            Page(pages.UNSUBSCRIBE_ROUTE, pages.unsubscribe_page, "Unsubscribe", pages.UNSUBSCRIBE_ON_LOAD)]


@hookimpl
def lms_navbar_widgets():
    from lms_app.notifications.bell import bell

    return [NavbarWidget("notifications-bell", bell, order=90)]


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Notifications", "/notifications", "bell", order=15)]


@hookimpl
def lms_profile_sections():
    from lms_app.notifications.preferences import preferences_card

    return [ProfileSection("notification-preferences", preferences_card, order=50)]


@hookimpl
def lms_scheduled_jobs():
    from lms_app.notifications import reminders

    return [ScheduledJob("remind-inactive-learners", 60, lambda session, settings: reminders.remind_inactive(session),
                         help="Remind learners idle 7 days in an unfinished course (once per pause)."),
            ScheduledJob("remind-assignments-due", 60,
                         lambda session, settings: reminders.remind_assignments_due(session),
                         help="Remind learners of an assignment due within 24 hours they have not submitted."),
            ScheduledJob("remind-grading-waiting", 60,
                         lambda session, settings: reminders.remind_grading_waiting(session),
                         help="Remind teachers of submissions waiting more than 3 days (weekly per course)."),
            ScheduledJob("teacher-weekly-summary", 6 * 60,
                         lambda session, settings: reminders.teacher_summaries(session),
                         help="Mail each teacher the week in their courses (once per ISO week)."),
            ScheduledJob("weekly-digest", 6 * 60, lambda session, settings: reminders.send_digests(session),
                         help="Mail each user's weekly digest of the notifications they chose to get by digest.")]


@hookimpl
def lms_demo_data(session, settings):
    """A few notifications for the demo learner (once: looked up by their dedupe keys)."""
    from sqlmodel import select

    from lms_app.core.users import User
    from lms_app.notifications.services import notify

    learner = session.exec(select(User).where(User.email == "learner@example.com")).first()
    if learner is None:
        return None
    made = 0
    for key, kind, title, link, body in (
            ("demo:1", "assignment_graded", "Your assignment in Python from Zero was graded: 90%", "/dashboard", ""),
            ("demo:2", "certificate_issued", "Welcome! Your certificates appear on your dashboard", "/dashboard", ""),
            ("demo:3", "reminder_inactive", "Continue Python from Zero", "/courses/python-from-zero",
             "You have not been back for a week. A few minutes today keep you going.")):
        if notify(session, learner.id, kind, title, link, body, dedupe_key=key, send_email=False) is not None:
            made += 1
    return {"notifications": made}


@hookimpl
def lms_http_routes():
    from lms_app.notifications import api

    return api.ROUTES


@hookimpl
def lms_personal_data():
    return [PersonalData("notifications", ("user_id",), "delete", why="The person's in-app notifications."),
            PersonalData("notification_preferences", ("user_id",), "delete",
                         why="Which notifications the person wants, by channel."),
            PersonalData("reminders_sent", ("user_id",), "delete",
                         why="Which reminders were sent to the person (so none is sent twice).")]
