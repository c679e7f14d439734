"""Live-session events in the notification bell (the e-mails are sent by ``services`` itself,
with the calendar invite, so these kinds are in-app only and never mail a second time), and the
reminder an hour before a booked time (issue 13: 24 h is ``services.send_reminders``' mail).

Called from ``lms_event`` after the causing commit; ``dedupe_key`` makes a redelivered event a
no-op."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from lms_app.core.plugin_api import NotificationKind
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.live.models import LiveBooking, LiveOffering, LiveSlot

KINDS = [
    NotificationKind("live_booked", "A live session you booked", ("in_app",), "Live sessions"),
    NotificationKind("live_cancelled", "A live session booking cancelled", ("in_app",), "Live sessions"),
    NotificationKind("live_rescheduled", "The teacher moved a live session you booked", ("in_app",), "Live sessions"),
    NotificationKind("live_new_booking", "Someone booked your live session", ("in_app",), "Teaching"),
    # The hour-before nudge (the day-before reminder is the live feature's own mail with the invite).
    NotificationKind("live_starting", "A live session you booked starts within the hour", ("in_app", "email"),
                     "Live sessions"),
]

HOUR_BEFORE = timedelta(hours=1)


def remind_hour_before(session: Session, now: datetime | None = None) -> int:
    """The job: every confirmed booking whose time starts within the hour gets one notification
    (in the bell and, unless turned off, by e-mail); ``dedupe_key`` per booking makes reruns and
    two workers harmless."""
    now = now or utcnow()
    rows = session.exec(select(LiveBooking.id, LiveBooking.user_id, LiveOffering.title, LiveSlot.starts_at)
                        .join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
                        .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                        .where(LiveBooking.status == "confirmed", LiveSlot.status == "scheduled",
                               LiveSlot.starts_at > now, LiveSlot.starts_at <= now + HOUR_BEFORE)
                        .order_by(LiveBooking.id).limit(500)).all()
    sent = 0
    for booking_id, user_id, title, starts_at in rows:
        minutes = max(1, int((starts_at - now).total_seconds() // 60))
        sent += _notify(session, user_id, "live_starting", f"{title} starts in {minutes} min", "/dashboard",
                        f"live_starting:{booking_id}", send_email=True)
    return sent


def _slot(session: Session, data: dict) -> tuple[LiveSlot, LiveOffering] | None:
    slot = session.get(LiveSlot, data.get("slot_id")) if isinstance(data.get("slot_id"), int) else None
    offering = session.get(LiveOffering, slot.offering_id) if slot is not None else None
    return (slot, offering) if offering is not None else None


def _notify(session, user_id, kind, title, link, key, send_email=False):
    from lms_app.notifications import notify

    return notify(session, user_id, kind, title, link, dedupe_key=key, send_email=send_email) is not None


def booked(session: Session, data: dict) -> int:
    found = _slot(session, data)
    if found is None or not isinstance(data.get("user_id"), int):
        return 0
    slot, offering = found
    sent = _notify(session, data["user_id"], "live_booked", f"Booked: {offering.title}", "/dashboard",
                   f"live_booked:{data.get('booking_id')}")
    learner = session.get(User, data["user_id"])
    if learner is not None and offering.teacher_id != learner.id:
        _notify(session, offering.teacher_id, "live_new_booking", f"{learner.name} booked {offering.title}",
                "/teach/live", f"live_new_booking:{data.get('booking_id')}")
    return int(sent)


def cancelled(session: Session, data: dict) -> int:
    found = _slot(session, data)
    if found is None or not isinstance(data.get("user_id"), int):
        return 0
    return int(_notify(session, data["user_id"], "live_cancelled", f"Cancelled: {found[1].title}", "/dashboard",
                       f"live_cancelled:{data.get('booking_id')}"))


def slot_cancelled(session: Session, data: dict) -> int:
    found = _slot(session, data)
    if found is None:
        return 0
    slot, offering = found
    learners = session.exec(select(LiveBooking.id, LiveBooking.user_id).where(
        LiveBooking.slot_id == slot.id, LiveBooking.status == "cancelled")).all()
    return sum(_notify(session, user_id, "live_cancelled", f"Cancelled by the teacher: {offering.title}", "/dashboard",
                       f"live_cancelled:{booking_id}") for booking_id, user_id in learners)


def slot_rescheduled(session: Session, data: dict) -> int:
    """Everyone booked on a moved time: the bell (the mail with the new invite went out already).
    The key carries the new start, so a second move is a second notice."""
    found = _slot(session, data)
    if found is None:
        return 0
    slot, offering = found
    learners = session.exec(select(LiveBooking.id, LiveBooking.user_id).where(
        LiveBooking.slot_id == slot.id, LiveBooking.status == "confirmed")).all()
    stamp = int(slot.starts_at.timestamp())
    return sum(_notify(session, user_id, "live_rescheduled", f"New time for {offering.title}", "/dashboard",
                       f"live_rescheduled:{booking_id}:{stamp}") for booking_id, user_id in learners)


HANDLERS = {"live_booked": booked, "live_cancelled": cancelled, "live_slot_cancelled": slot_cancelled,
            "live_slot_rescheduled": slot_rescheduled}
