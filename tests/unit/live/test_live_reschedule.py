"""A teacher moves a booked time: seats kept, learners told (mail with a new invite, the bell),
and those who booked before the move may cancel with a refund until the new start."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.models import Order
from lms_app.core.errors import ServiceError
from lms_app.core.events import DOMAIN_EVENTS
from lms_app.live import notices, services
from lms_app.live.models import LiveBooking, LiveSlot
from lms_app.mail.models import MailMessage
from lms_app.mail.services import build_email
from lms_app.notifications.models import Notification
from tests.unit.live.live_support import book, make_offering, make_slots


@pytest.fixture
def teacher(make_user, sign_in):
    return sign_in(make_user(role="teacher", name="Grace Teacher"))[1]


def move(actor, slot_id, day, at, now=None):
    with lms_app.core.db.session_scope() as s:
        return services.reschedule_slot(s, actor, slot_id, day, at, now=now)


def test_moving_a_time_keeps_seats_and_mails_a_new_invite_in_utc(teacher, make_user, sign_in):
    offering = make_offering(teacher, capacity="3")
    slot = make_slots(teacher, offering.id, day="2030-01-10", at="18:00")[0]
    first, second = (sign_in(make_user())[1] for _ in range(2))
    book(first, slot.id)
    book(second, slot.id)
    # 2030-04-04 is after the clocks changed in Berlin: 18:00 local is 16:00 UTC there.
    assert move(teacher, slot.id, "2030-04-04", "18:00") == 2
    with lms_app.core.db.session_scope() as s:
        moved = s.get(LiveSlot, slot.id)
        assert moved.starts_at == datetime(2030, 4, 4, 16, 0, tzinfo=timezone.utc)
        assert moved.ends_at - moved.starts_at == timedelta(hours=2)
        assert moved.seats_taken == 2 and moved.reminder_sent_at is None
        mails = s.exec(select(MailMessage).where(MailMessage.kind == "live_rescheduled")).all()
        assert len(mails) == 2
        email = build_email(mails[0])
    text = email.get_body(("plain",)).get_content()
    assert "from Thu 10 Jan 2030, 18:00 CET to Thu 04 Apr 2030, 18:00 CEST" in text
    invite = Calendar.from_ical(next(email.iter_attachments()).get_content()).walk("VEVENT")[0]
    assert invite.decoded("dtstart") == datetime(2030, 4, 4, 16, 0, tzinfo=timezone.utc)


def test_moved_time_reaches_the_bell_once_per_move(teacher, make_user, sign_in):
    offering = make_offering(teacher, price="0")
    slot = make_slots(teacher, offering.id)[0]
    learner_user = make_user()
    book(sign_in(learner_user)[1], slot.id)

    def bell() -> list[str]:
        with lms_app.core.db.session_scope() as s:
            return s.exec(select(Notification.title).where(Notification.user_id == learner_user.id,
                                                           Notification.kind == "live_rescheduled")).all()

    move(teacher, slot.id, "2030-01-11", "18:00")
    assert bell() == [f"New time for {offering.title}"]
    with lms_app.core.db.session_scope() as s:
        assert notices.slot_rescheduled(s, {"slot_id": slot.id}) == 0  # a redelivered event is a no-op
    move(teacher, slot.id, "2030-01-12", "18:00")
    assert len(bell()) == 2  # a second move is a second notice
    assert "live_slot_rescheduled" in DOMAIN_EVENTS


def test_learners_booked_before_the_move_may_cancel_with_refund_after_the_cutoff(teacher, make_user, sign_in):
    offering = make_offering(teacher, capacity="3", cutoff_hours="24")
    slot = make_slots(teacher, offering.id, day="2030-01-10", at="18:00")[0]
    early, late = (sign_in(make_user())[1] for _ in range(2))
    early_booking = book(early, slot.id)
    move(teacher, slot.id, "2030-01-11", "18:00")
    late_booking = book(late, slot.id)  # booked knowing the new time: the normal cut-off applies
    with lms_app.core.db.session_scope() as s:
        new_start = s.get(LiveSlot, slot.id).starts_at
    two_hours_before = new_start - timedelta(hours=2)
    with lms_app.core.db.session_scope() as s:
        rows = {r["id"]: r for r in services.my_bookings(s, early, now=two_hours_before)}
        assert rows[early_booking.id]["can_cancel"] and "moved" in rows[early_booking.id]["moved_note"]
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="24 h before"):
        services.cancel_booking(s, late, late_booking.id, now=two_hours_before)
    with lms_app.core.db.session_scope() as s:
        services.cancel_booking(s, early, early_booking.id, now=two_hours_before)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, early_booking.id).status == "cancelled"
        assert s.get(Order, early_booking.order_id).status == "refunded"
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError):
        services.cancel_booking(s, late, late_booking.id, now=new_start + timedelta(minutes=1))


def test_moves_that_clash_are_past_or_not_yours_are_refused(teacher, make_user, sign_in):
    offering = make_offering(teacher, price="0")
    slot, other = make_slots(teacher, offering.id, day="2030-01-10", at="18:00", weeks=2)
    stranger = sign_in(make_user(role="teacher"))[1]
    learner = sign_in(make_user())[1]
    with pytest.raises(ServiceError, match="does not exist"):
        move(stranger, slot.id, "2030-01-11", "18:00")
    with pytest.raises(ServiceError):
        move(learner, slot.id, "2030-01-11", "18:00")
    with pytest.raises(ServiceError, match="overlap"):
        move(teacher, slot.id, "2030-01-17", "19:00")  # the second week's time, 18:00–20:00
    with pytest.raises(ServiceError, match="past"):
        move(teacher, slot.id, "2020-01-11", "18:00")
    with pytest.raises(ServiceError, match="already has"):
        move(teacher, slot.id, "2030-01-10", "18:00")
    with pytest.raises(ServiceError, match="started"):
        move(teacher, slot.id, "2030-01-11", "18:00", now=datetime(2030, 1, 10, 17, 30, tzinfo=timezone.utc))
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveSlot.id)).where(LiveSlot.rescheduled_at.is_not(None))).one() == 0
    # Moving onto its own old time range (shifting by an hour) is not a clash with itself.
    assert move(teacher, slot.id, "2030-01-10", "19:00") == 0


def test_live_sales_show_per_session_in_the_teachers_revenue_and_refunds_net_out(teacher, make_user, sign_in):
    from lms_app.commerce.services import revenue

    offering = make_offering(teacher, title="Python Masterclass", capacity="3", price="99.99")
    slot = make_slots(teacher, offering.id)[0]
    kept, refunded = (sign_in(make_user())[1] for _ in range(2))
    book(kept, slot.id)
    gone = book(refunded, slot.id)
    with lms_app.core.db.session_scope() as s:
        services.cancel_booking(s, refunded, gone.id)
    with lms_app.core.db.session_scope() as s:
        rows = revenue.teacher_revenue(s, teacher)["courses"]
    assert [(r["label"], r["sales"], r["gross"]) for r in rows] == [("Live session: Python Masterclass", 2, "$99.99")]
    with lms_app.core.db.session_scope() as s:
        assert revenue.teacher_revenue(s, sign_in(make_user(role="teacher"))[1])["courses"] == []
