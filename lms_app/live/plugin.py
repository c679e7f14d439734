"""Live sessions: offerings teachers sell, slots learners book, reminders, calendar invites."""

from __future__ import annotations

from lms_app.core.plugin_api import DashboardCard, NavItem, Page, PersonalData, ScheduledJob, hookimpl
from lms_app.core.permissions import LEARNER_AREA
from lms_app.live import models  # noqa: F401  (registers its tables on SQLModel.metadata)


def _register_refund_undo() -> None:
    from lms_app.commerce.services.refunds import on_item_refunded
    from lms_app.live.services import release_refunded

    on_item_refunded("live", release_refunded)


_register_refund_undo()


@hookimpl
def lms_pages():
    from lms_app.live import lesson_panel, pages  # noqa: F401  (the lesson panel's state registers with the app)

    return [Page("/live", pages.list_page, "Live sessions", pages.ON_LOAD_LIST),
            Page("/live/[offering_id]", pages.offering_page, "Live session", pages.ON_LOAD_OFFERING),
            Page("/teach/live", pages.teach_page, "My live sessions", pages.ON_LOAD_TEACH),
            Page("/admin/live", pages.admin_page, "Live sessions and bookings", pages.ON_LOAD_ADMIN)]


@hookimpl
def lms_lesson_types():
    from lms_app.live.lesson import LIVE_SESSION

    return [LIVE_SESSION]


@hookimpl
def lms_nav_items():
    return [NavItem("main", "Live", "/live", "video", order=15),
            NavItem("teacher", "Live sessions", "/teach/live", "video", order=25),
            NavItem("admin", "Live bookings", "/admin/live", "video", order=75)]


@hookimpl
def lms_dashboard_cards():
    from lms_app.live import pages

    return [DashboardCard("live-sessions", pages.dashboard_card, order=10)]


@hookimpl
def lms_scheduled_jobs():
    from lms_app.live import notices, services

    return [ScheduledJob("live-reminders", 15, lambda session, settings: services.send_reminders(session),
                         help="E-mail booked learners once, within 24 hours of a live session's start."),
            ScheduledJob("live-hour-reminders", 5, lambda session, settings: notices.remind_hour_before(session),
                         help="Tell booked learners (bell and e-mail) once when their live session starts within "
                              "the hour."),
            ScheduledJob("live-waitlist-offers", 15, lambda session, settings: services.expire_offers(session),
                         help="Lapse unpaid waitlist offers and hand their seat to the next in line.")]


@hookimpl
def lms_http_routes():
    from lms_app.live import api

    return api.ROUTES


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.live import demo

    return {"live sessions": demo.ensure_demo_sessions(session)}


@hookimpl
def lms_notification_kinds():
    from lms_app.live import notices

    return notices.KINDS


@hookimpl
def lms_event(event):
    from lms_app.live import notices

    handler = notices.HANDLERS.get(event.name)
    if handler is None:
        return
    from lms_app.core.db import session_scope

    with session_scope() as session:
        handler(session, event.data)


@hookimpl
def lms_personal_data():
    return [PersonalData("live_bookings", ("user_id",), "keep",
                         why="Bookings back the orders kept for accounting and the teacher's attendance list; "
                             "they point at the anonymised account."),
            PersonalData("live_waitlist", ("user_id",), "delete", why="Places on live-session waitlists."),
            PersonalData("live_calendar_tokens", ("user_id",), "delete", export=False, secret=("token_hash",),
                         why="The private calendar feed's token: useless once the account is gone."),
            PersonalData("live_offerings", ("teacher_id",), "keep", export=False,
                         why="A teacher's offerings (teachers who own content cannot delete their account)."),
            PersonalData("live_slots", ("teacher_id",), "keep", export=False,
                         why="A teacher's scheduled times (see live_offerings).")]
