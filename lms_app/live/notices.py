"""Live-session events in the notification bell (the e-mails are sent by ``services`` itself,
with the calendar invite, so these kinds are in-app only and never mail a second time).

Called from ``lms_event`` after the causing commit; ``dedupe_key`` makes a redelivered event a
no-op."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.plugin_api import NotificationKind
from lms_app.core.users import User
from lms_app.live.models import LiveBooking, LiveOffering, LiveSlot

KINDS = [
    NotificationKind("live_booked", "A live session you booked", ("in_app",), "Live sessions"),
    NotificationKind("live_cancelled", "A live session booking cancelled", ("in_app",), "Live sessions"),
    NotificationKind("live_new_booking", "Someone booked your live session", ("in_app",), "Teaching"),
]


def _slot(session: Session, data: dict) -> tuple[LiveSlot, LiveOffering] | None:
    slot = session.get(LiveSlot, data.get("slot_id")) if isinstance(data.get("slot_id"), int) else None
    offering = session.get(LiveOffering, slot.offering_id) if slot is not None else None
    return (slot, offering) if offering is not None else None


def _notify(session, user_id, kind, title, link, key):
    from lms_app.notifications import notify

    return notify(session, user_id, kind, title, link, dedupe_key=key, send_email=False) is not None


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


HANDLERS = {"live_booked": booked, "live_cancelled": cancelled, "live_slot_cancelled": slot_cancelled}
