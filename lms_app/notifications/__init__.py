"""In-app notifications, per-kind preferences, unsubscribe links, reminders and the digest.

The public API other features call: ``lms_app.notifications.notify`` (see ``services.notify``)
and the ``lms_notification_kinds`` hook that registers a kind."""

from __future__ import annotations


def notify(session, user_id, kind, title, link="", body="", *, dedupe_key=None, email_subject=None, send_email=True):
    """Send a notification of a registered kind to one user (see ``services.notify``)."""
    from lms_app.notifications.services import notify as _notify

    return _notify(session, user_id, kind, title, link, body, dedupe_key=dedupe_key, email_subject=email_subject,
                   send_email=send_email)


__all__ = ["notify"]
