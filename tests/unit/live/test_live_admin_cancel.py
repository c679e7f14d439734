"""An admin cancels a booking from /admin/live whatever the cut-off: a paid seat is refunded
through the one refund path (ledger nets to zero, coupon released, audited), a free one is
audited here, the freed seat goes to the waitlist; learners and teachers cannot use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.models import Coupon, LedgerEntry, Order
from lms_app.core.audit_log import AuditEntry
from lms_app.core.errors import ServiceError
from lms_app.live import services
from lms_app.live.models import LiveBooking, LiveSlot
from tests.unit.commerce.commerce_support import make_coupon
from tests.unit.live.live_support import book, make_offering, make_slots


def call(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def test_admin_refunds_a_paid_booking_after_the_cutoff_and_the_seat_goes_to_the_waitlist(make_user, sign_in):
    teacher = sign_in(make_user(role="teacher"))[1]
    admin = sign_in(make_user(role="admin"))[1]
    offering = make_offering(teacher, capacity="1", price="50", cutoff_hours="24")
    slot = make_slots(teacher, offering.id)[0]
    make_coupon(code="HALF", amount=50)
    payer, waiting = (sign_in(make_user())[1] for _ in range(2))
    booking = book(payer, slot.id, "HALF")
    call(services.join_waitlist, waiting, slot.id)
    late = slot.starts_at - timedelta(hours=2)  # past the learner's own cut-off
    with pytest.raises(ServiceError, match="24 h before"):
        call(services.cancel_booking, payer, booking.id, now=late)
    for intruder in (payer, teacher):
        with pytest.raises(ServiceError):
            call(services.admin_cancel_booking, intruder, booking.id, now=late)

    call(services.admin_cancel_booking, admin, booking.id, now=late)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, booking.id).status == "cancelled"
        order = s.get(Order, booking.order_id)
        assert order.status == "refunded" and "admin" in order.refund_reason
        assert s.exec(select(func.sum(LedgerEntry.amount_minor))).one() == 0
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "HALF")).one() == 0
        offer = s.exec(select(LiveBooking).where(LiveBooking.user_id == waiting.user_id)).one()
        assert offer.status == "offered" and s.get(LiveSlot, slot.id).seats_taken == 1
        assert s.exec(select(AuditEntry.action).where(AuditEntry.target_id == order.id)).all() == ["order.refund"]
    with pytest.raises(ServiceError, match="Only confirmed bookings"):
        call(services.admin_cancel_booking, admin, booking.id, now=late)
    rows = call(services.admin_bookings, admin, "")
    assert {r["id"]: r["status"] for r in rows}[booking.id] == "cancelled"


def test_admin_cancels_a_free_booking_audited(make_user, sign_in):
    teacher = sign_in(make_user(role="teacher"))[1]
    admin = sign_in(make_user(role="admin"))[1]
    slot = make_slots(teacher, make_offering(teacher, price="0").id)[0]
    learner = sign_in(make_user())[1]
    booking = book(learner, slot.id)
    call(services.admin_cancel_booking, admin, booking.id)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, booking.id).status == "cancelled" and s.get(LiveSlot, slot.id).seats_taken == 0
        assert s.exec(select(AuditEntry.action).where(AuditEntry.target_type == "live_booking",
                                                      AuditEntry.target_id == booking.id)).all() == [
            "live.booking.cancel"]
    with pytest.raises(ServiceError, match="does not exist"):
        call(services.admin_cancel_booking, admin, "not-an-id")


def test_admins_see_every_session_of_every_teacher_in_one_statement(make_user, sign_in, count_queries):
    teacher = sign_in(make_user(role="teacher", name="Tara Teach"))[1]
    other = sign_in(make_user(role="teacher", name="Otto Other"))[1]
    admin = sign_in(make_user(role="admin"))[1]
    master = make_offering(teacher, title="Python Masterclass", capacity="2", price="99.99")
    make_slots(teacher, master.id, weeks=2)
    quiet = make_offering(other, title="React Workshop", price="0")
    call(services.set_status, other, quiet.id, "inactive")
    book(sign_in(make_user())[1], make_slots(teacher, make_offering(teacher, title="Office hour", price="0").id,
                                             day="2030-02-10")[0].id)
    with count_queries() as counted:
        rows = call(services.admin_offerings, admin, "")
    assert counted.count == 1
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {"Python Masterclass", "React Workshop", "Office hour"}
    assert (by_title["Python Masterclass"]["upcoming"], by_title["Python Masterclass"]["booked"]) == (2, 0)
    assert by_title["Office hour"]["booked"] == 1 and by_title["React Workshop"]["status"] == "inactive"
    assert [r["title"] for r in call(services.admin_offerings, admin, "otto")] == ["React Workshop"]
    assert len(call(services.admin_offerings, admin, "", 1)) == 1
    with pytest.raises(ServiceError):
        call(services.admin_offerings, teacher, "")
