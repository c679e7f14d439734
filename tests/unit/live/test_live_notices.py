"""Live-session events reach the bell: the learner's booking and cancellations, the teacher's new
bookings; in-app only (the live feature mails on its own, with the invite) and once per event."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.core.events import DomainEvent
from lms_app.live import services
from lms_app.mail.models import MailMessage
from lms_app.notifications.models import Notification
from tests.unit.live.live_support import book, make_offering, make_slots


def _bell(user_id: int) -> list[tuple[str, str]]:
    with lms_app.core.db.session_scope() as s:
        return [(n.kind, n.title) for n in s.exec(select(Notification).where(Notification.user_id == user_id)
                                                  .order_by(Notification.id)).all()]


def test_booking_and_cancellation_reach_the_bell_once(make_user, sign_in):
    teacher_user = make_user(role="teacher", name="Grace Teacher")
    teacher = sign_in(teacher_user)[1]
    offering = make_offering(teacher, price="0", capacity="3")
    slot = make_slots(teacher, offering.id)[0]
    learner_user = make_user(name="Ada Learner")
    learner = sign_in(learner_user)[1]
    booking = book(learner, slot.id)

    assert _bell(learner_user.id) == [("live_booked", f"Booked: {offering.title}")]
    assert _bell(teacher_user.id) == [("live_new_booking", f"Ada Learner booked {offering.title}")]

    from lms_app.live.plugin import lms_event  # a redelivered event changes nothing

    lms_event(DomainEvent("live_booked", {"booking_id": booking.id, "slot_id": slot.id, "user_id": learner_user.id}))
    assert len(_bell(learner_user.id)) == 1

    mails_before = _count_mail()
    with lms_app.core.db.session_scope() as s:
        services.cancel_slot(s, teacher, slot.id, "I am ill.")
    assert _bell(learner_user.id)[-1] == ("live_cancelled", f"Cancelled by the teacher: {offering.title}")
    assert _count_mail() == mails_before + 1  # the live feature's own mail; the bell sends none


def _count_mail() -> int:
    with lms_app.core.db.session_scope() as s:
        return len(s.exec(select(MailMessage.id)).all())


def test_the_hour_before_reminder_goes_once_to_booked_learners_only(make_user, sign_in):
    from datetime import timedelta

    from lms_app.live import notices
    from lms_app.live.models import LiveSlot

    teacher = sign_in(make_user(role="teacher"))[1]
    offering = make_offering(teacher, price="0", capacity="3")
    slot = make_slots(teacher, offering.id)[0]
    booked_user, other_user = make_user(), make_user()
    book(sign_in(booked_user)[1], slot.id)
    with lms_app.core.db.session_scope() as s:
        starts = s.get(LiveSlot, slot.id).starts_at
        assert notices.remind_hour_before(s, now=starts - timedelta(hours=2)) == 0  # too early
    with lms_app.core.db.session_scope() as s:
        assert notices.remind_hour_before(s, now=starts - timedelta(minutes=50)) == 1
    with lms_app.core.db.session_scope() as s:  # a rerun (or a second worker) reminds nobody twice
        assert notices.remind_hour_before(s, now=starts - timedelta(minutes=45)) == 0
    assert ("live_starting", f"{offering.title} starts in 50 min") in _bell(booked_user.id)
    assert _bell(other_user.id) == []
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(MailMessage).where(MailMessage.to_address == booked_user.email,
                                                MailMessage.kind == "notification")).first() is not None
