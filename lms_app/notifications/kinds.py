"""The registry of notification kinds: the built-in ones and every plugin's (``lms_notification_kinds``)."""

from __future__ import annotations

import functools

from lms_app.core.plugin_api import NotificationKind
from lms_app.notifications.models import CHANNELS

# Mail that always goes, whatever the preferences say, and is never listed as a choice: account
# security and money (sent by accounts and mail, not through notify()).
ESSENTIAL = ("verify_email", "reset_password", "receipt")

BUILTIN_KINDS = [
    NotificationKind("enrolled", "You enrolled in a course", ("in_app",), "Learning"),
    NotificationKind("order_paid", "A payment went through", ("in_app",), "Learning",
                     "The receipt e-mail is always sent."),
    NotificationKind("order_refunded", "An order was refunded", ("in_app", "email"), "Learning"),
    NotificationKind("assignment_graded", "An assignment was graded", ("in_app", "email"), "Learning"),
    NotificationKind("certificate_issued", "A certificate was issued", ("in_app", "email"), "Learning"),
    NotificationKind("reminder_inactive", "Reminder to continue a course", ("in_app", "email"), "Learning",
                     "After 7 days without activity in an unfinished course, once per pause."),
    NotificationKind("reminder_assignment_due", "An assignment is due within 24 hours", ("in_app", "email"),
                     "Learning"),
    NotificationKind("reminder_grading", "Submissions waiting for your grade over 3 days", ("in_app", "email"),
                     "Teaching"),
    NotificationKind("course_approved", "Your course was approved", ("in_app", "email"), "Teaching"),
    NotificationKind("course_rejected", "Your course needs changes", ("in_app", "email"), "Teaching"),
    NotificationKind("review_posted", "A learner reviewed your course", ("in_app", "digest"), "Teaching"),
    NotificationKind("teacher_summary", "Weekly teaching summary", ("email",), "Teaching",
                     "Enrolments, completions and submissions waiting in your courses, once a week."),
    NotificationKind("new_enrolment", "A learner enrolled in your course", ("digest",), "Teaching"),
    NotificationKind("teacher_application_decided", "Your teacher application was decided", ("in_app", "email"),
                     "Account"),
    NotificationKind("digest", "Weekly digest e-mail", ("email",), "Account",
                     "A summary of the week's notifications you chose to receive by digest."),
]


@functools.cache
def all_kinds() -> dict[str, NotificationKind]:
    """Every kind by name; a duplicate name or an unknown channel fails (at start-up)."""
    from lms_app.core import plugins

    found: dict[str, NotificationKind] = {}
    for kind in [*BUILTIN_KINDS, *plugins.collected("lms_notification_kinds")]:
        if not isinstance(kind, NotificationKind) or not kind.name or len(kind.name) > 60:
            raise ValueError(f"bad notification kind {kind!r}")
        if kind.name in found or kind.name in ESSENTIAL:
            raise ValueError(f"notification kind {kind.name!r} registered twice")
        if set(kind.channels) - set(CHANNELS):
            raise ValueError(f"notification kind {kind.name!r}: channels must be from {CHANNELS}")
        found[kind.name] = kind
    return found


def get(name: object) -> NotificationKind | None:
    return all_kinds().get(name) if isinstance(name, str) else None
