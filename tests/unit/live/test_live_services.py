"""Live sessions: offerings, scheduling (DST), booking invariants, cancellation and refunds,
invites, reminders, views."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.gateways import test_gateway
from lms_app.commerce.models import Coupon, LedgerEntry, Order, Payment
from lms_app.core.errors import ServiceError
from lms_app.core.events import DOMAIN_EVENTS
from lms_app.live import services, times
from lms_app.live.models import LiveBooking, LiveSlot
from lms_app.mail.models import MailMessage
from lms_app.mail.services import build_email
from tests.unit.commerce.commerce_support import make_coupon
from tests.unit.live.live_support import book, form, make_offering, make_slots


@pytest.fixture
def teacher(make_user, sign_in):
    user = make_user(role="teacher", name="Grace Teacher")
    return user, sign_in(user)[1]


def learners(make_user, sign_in, n):
    return [sign_in(make_user(name=f"Learner {i}"))[1] for i in range(n)]


def n_rows(model, *where) -> int:
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(func.count(model.id)).where(*where)).one()


# --- offerings ----------------------------------------------------------------------------

def test_offering_fields_are_validated(teacher):
    _, actor = teacher
    for bad, field in ((dict(title="x"), "title"), (dict(timezone="Mars/Base"), "timezone"),
                       (dict(meeting_url="javascript:alert(1)"), "meeting_url"), (dict(capacity="0"), "capacity"),
                       (dict(price="-1"), "price"), (dict(duration_minutes="2"), "duration_minutes")):
        with pytest.raises(ServiceError) as err:
            make_offering(actor, **bad)
        assert err.value.field == field


def test_learner_cannot_create_and_teacher_cannot_touch_anothers(teacher, make_user, sign_in):
    _, actor = teacher
    learner = sign_in(make_user())[1]
    other = sign_in(make_user(role="teacher"))[1]
    with pytest.raises(ServiceError):
        make_offering(learner)
    offering = make_offering(actor)
    with pytest.raises(ServiceError, match="does not exist"):
        make_slots(other, offering.id)
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="does not exist"):
        services.delete_offering(s, other, offering.id)


def test_delete_only_without_bookings_otherwise_deactivate(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id)[0]
    book(sign_in(make_user())[1], slot.id)
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="deactivate"):
        services.delete_offering(s, actor, offering.id)
    with lms_app.core.db.session_scope() as s:
        assert services.set_status(s, actor, offering.id, "inactive").status == "inactive"
    empty = make_offering(actor, title="Empty one")
    with lms_app.core.db.session_scope() as s:
        services.delete_offering(s, actor, empty.id)
    with lms_app.core.db.session_scope() as s:
        assert services.catalog(s) == []  # the inactive one is no longer listed


# --- scheduling and time zones -----------------------------------------------------------

def test_weekly_berlin_class_stays_at_18_local_across_dst(teacher):
    _, actor = teacher
    offering = make_offering(actor, duration_minutes="60")
    # 2030-03-31 is the last Sunday of March: Berlin moves from UTC+1 to UTC+2.
    slots = make_slots(actor, offering.id, day="2030-03-21", at="18:00", weeks=3)
    berlin = ZoneInfo("Europe/Berlin")
    assert [s.starts_at.astimezone(berlin).time() for s in slots] == [time(18, 0)] * 3
    assert [s.starts_at.astimezone(timezone.utc).hour for s in slots] == [17, 17, 16]


def test_time_skipped_by_dst_is_refused():
    with pytest.raises(ServiceError, match="does not exist"):
        times.local_to_utc(date(2030, 3, 31), time(2, 30), ZoneInfo("Europe/Berlin"))


def test_overlapping_occurrences_of_one_teacher_are_refused(teacher):
    _, actor = teacher
    a = make_offering(actor, duration_minutes="120")
    b = make_offering(actor, title="React Workshop", duration_minutes="60")
    make_slots(actor, a.id, at="18:00")
    with pytest.raises(ServiceError, match="overlap"):
        make_slots(actor, b.id, at="19:30")
    make_slots(actor, b.id, at="20:00")  # touching is fine
    assert n_rows(LiveSlot) == 2


def test_past_times_are_refused(teacher):
    _, actor = teacher
    offering = make_offering(actor)
    with pytest.raises(ServiceError, match="past"):
        make_slots(actor, offering.id, day="2020-01-01")


def test_pages_show_times_in_the_viewers_zone(teacher):
    _, actor = teacher
    offering = make_offering(actor)
    make_slots(actor, offering.id, day="2030-07-01", at="18:00")
    with lms_app.core.db.session_scope() as s:
        berlin = services.offering_page(s, None, offering.id, "Europe/Berlin")
        tokyo = services.offering_page(s, None, offering.id, "Asia/Tokyo")
        junk = services.offering_page(s, None, offering.id, "<script>")
    assert "18:00 CEST" in berlin["slots"][0]["label"]
    assert "01:00 JST" in tokyo["slots"][0]["label"] and "Tue 02 Jul 2030" in tokyo["slots"][0]["label"]
    assert "16:00 UTC" in junk["slots"][0]["label"]


# --- booking invariants -----------------------------------------------------------------

def test_free_session_books_in_one_click_and_double_click_books_once(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id)[0]
    learner = sign_in(make_user())[1]
    booking = book(learner, slot.id)
    assert booking.status == "confirmed" and booking.order_id is None
    with pytest.raises(ServiceError, match="already booked"):
        book(learner, slot.id)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).seats_taken == 1
    assert n_rows(LiveBooking) == 1 and n_rows(Order) == 0


def test_one_confirmed_booking_per_learner_and_slot_is_a_database_fact(teacher, make_user):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id)[0]
    learner = make_user()
    with lms_app.core.db.session_scope() as s:
        s.add(LiveBooking(slot_id=slot.id, user_id=learner.id))
    with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
        s.add(LiveBooking(slot_id=slot.id, user_id=learner.id))


def test_seats_over_capacity_are_refused_by_the_database(teacher):
    _, actor = teacher
    offering = make_offering(actor, capacity="1")
    slot = make_slots(actor, offering.id)[0]
    with pytest.raises(IntegrityError), lms_app.core.db.session_scope() as s:
        row = s.get(LiveSlot, slot.id)
        row.seats_taken = 2
        s.add(row)


def test_priced_booking_goes_through_checkout_with_coupon_and_ledger(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor)
    slot = make_slots(actor, offering.id)[0]
    make_coupon(code="DEMO20", amount=20)
    learner = sign_in(make_user())[1]
    before = len(test_gateway.CHARGES)
    booking = book(learner, slot.id, "DEMO20")
    assert booking.amount_minor == 7999
    assert len(test_gateway.CHARGES) - before == 1
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, booking.order_id)
        assert (order.item_kind, order.item_id, order.course_id, order.status) == ("live", slot.id, None, "paid")
        sale = s.exec(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).one()
        assert sale.item_kind == "live" and sale.teacher_id == actor.user_id and sale.amount_minor == 7999
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "DEMO20")).one() == 1
        revenue = services.revenue(s, actor)
    assert revenue[0]["title"] == "Python Masterclass" and revenue[0]["net_label"] == "$79.99"


def test_course_bound_coupon_and_declined_card_charge_nothing(teacher, make_user, sign_in, make_course):
    _, actor = teacher
    offering = make_offering(actor)
    slot = make_slots(actor, offering.id)[0]
    course = make_course()
    make_coupon(code="COURSEONLY", amount=50, course_id=course.id)
    learner = sign_in(make_user())[1]
    with pytest.raises(ServiceError, match="course"):
        book(learner, slot.id, "COURSEONLY")
    from tests.unit.commerce.commerce_support import DECLINED
    with pytest.raises(ServiceError):
        book(learner, slot.id, "", DECLINED)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).seats_taken == 0
    assert n_rows(LiveBooking) == 0 and n_rows(Order) == 0 and n_rows(LedgerEntry) == 0


def test_teacher_cannot_book_own_and_inactive_or_started_is_refused(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id)[0]
    with pytest.raises(ServiceError, match="You teach"):
        book(actor, slot.id)
    learner = sign_in(make_user())[1]
    with pytest.raises(ServiceError, match="started"):
        book(learner, slot.id, now=slot.starts_at + timedelta(minutes=1))
    with lms_app.core.db.session_scope() as s:
        services.set_status(s, actor, offering.id, "inactive")
    with pytest.raises(ServiceError, match="no longer offered"):
        book(learner, slot.id)


def _burst(actors, slot_id, priced: bool):
    barrier = threading.Barrier(len(actors))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(a):
        barrier.wait()
        try:
            book(a, slot_id)
            result = "ok"
        except ServiceError as exc:
            result = exc.message
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


@pytest.mark.parametrize("bookers,seats", [(12, 3)])
def test_concurrent_burst_never_oversells(teacher, make_user, sign_in, bookers, seats):
    _, actor = teacher
    offering = make_offering(actor, capacity=str(seats))
    slot = make_slots(actor, offering.id)[0]
    people = learners(make_user, sign_in, bookers)
    before = len(test_gateway.CHARGES)
    outcomes = _burst(people, slot.id, True)
    assert outcomes.count("ok") == seats, outcomes
    assert all(o == services.FULL for o in outcomes if o != "ok")
    assert len(test_gateway.CHARGES) - before == seats
    assert n_rows(LiveBooking, LiveBooking.status == "confirmed") == seats
    assert n_rows(Payment) == seats and n_rows(Order) == seats


@pytest.mark.postgres
def test_fifty_learners_for_the_last_ten_seats_on_postgres(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="10")
    slot = make_slots(actor, offering.id)[0]
    people = learners(make_user, sign_in, 50)
    before = len(test_gateway.CHARGES)
    outcomes = _burst(people, slot.id, True)
    assert outcomes.count("ok") == 10, outcomes
    assert outcomes.count(services.FULL) == 40
    assert len(test_gateway.CHARGES) - before == 10
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).seats_taken == 10
    assert n_rows(LiveBooking, LiveBooking.status == "confirmed") == 10 and n_rows(Order) == 10


@pytest.mark.postgres
def test_double_click_in_parallel_books_and_charges_once_on_postgres(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="5")
    slot = make_slots(actor, offering.id)[0]
    learner = sign_in(make_user())[1]
    before = len(test_gateway.CHARGES)
    outcomes = _burst([learner] * 8, slot.id, True)
    assert outcomes.count("ok") == 1, outcomes
    assert len(test_gateway.CHARGES) - before == 1
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).seats_taken == 1


def test_two_learners_cannot_take_the_same_one_to_one_slot(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="1", price="0")
    slot = make_slots(actor, offering.id)[0]
    outcomes = _burst(learners(make_user, sign_in, 2), slot.id, False)
    assert sorted(outcomes) == sorted(["ok", services.FULL])


# --- cancellation and refunds -----------------------------------------------------------

def test_learner_cancels_before_cutoff_and_is_refunded(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor)
    slot = make_slots(actor, offering.id)[0]
    make_coupon(code="DEMO20", amount=20)
    learner = sign_in(make_user())[1]
    booking = book(learner, slot.id, "DEMO20")
    with lms_app.core.db.session_scope() as s:
        services.cancel_booking(s, learner, booking.id)
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, booking.id).status == "cancelled"
        assert s.get(LiveSlot, slot.id).seats_taken == 0
        assert s.get(Order, booking.order_id).status == "refunded"
        net = s.exec(select(func.sum(LedgerEntry.amount_minor))).one()
        assert net == 0
        assert s.exec(select(Coupon.used_count).where(Coupon.code == "DEMO20")).one() == 0
    # The freed seat and the coupon can be used again.
    assert book(learner, slot.id, "DEMO20").status == "confirmed"


def test_cancel_after_cutoff_says_why_and_others_cannot_cancel(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0", cutoff_hours="24")
    slot = make_slots(actor, offering.id)[0]
    learner, intruder = learners(make_user, sign_in, 2)
    booking = book(learner, slot.id)
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="does not exist"):
        services.cancel_booking(s, intruder, booking.id)
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="24 h before"):
        services.cancel_booking(s, learner, booking.id, now=slot.starts_at - timedelta(hours=23))


def test_teacher_cancels_slot_everyone_refunded_and_told(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="3")
    slot = make_slots(actor, offering.id)[0]
    people = learners(make_user, sign_in, 2)
    for p in people:
        book(p, slot.id)
    other = sign_in(make_user(role="teacher"))[1]
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError):
        services.cancel_slot(s, other, slot.id)
    with lms_app.core.db.session_scope() as s:
        assert services.cancel_slot(s, actor, slot.id, "I am ill.") == 2
    assert n_rows(Order, Order.status == "refunded") == 2
    assert n_rows(LiveBooking, LiveBooking.status == "cancelled") == 2
    assert n_rows(MailMessage, MailMessage.kind == "live_slot_cancelled") == 2
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError, match="already cancelled"):
        services.cancel_slot(s, actor, slot.id)


def test_new_domain_events_are_declared():
    assert {"live_booked", "live_cancelled", "live_slot_cancelled"} <= set(DOMAIN_EVENTS)


# --- invites, join link, reminders, views ------------------------------------------------

def test_confirmation_mail_carries_an_ics_with_the_right_utc_time(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id, day="2030-01-10", at="18:00")[0]
    book(sign_in(make_user())[1], slot.id)
    with lms_app.core.db.session_scope() as s:
        message = s.exec(select(MailMessage).where(MailMessage.kind == "live_booked")).one()
        email = build_email(message)
    parts = [p for p in email.iter_attachments()]
    assert parts[0].get_filename().endswith(".ics") and parts[0].get_content_type() == "text/calendar"
    cal = Calendar.from_ical(parts[0].get_content())
    event = cal.walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2030, 1, 10, 17, 0, tzinfo=timezone.utc)  # 18:00 Berlin (CET)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert "meet.example" not in parts[0].get_content()


def test_join_link_only_for_the_booker_and_only_shortly_before(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0")
    slot = make_slots(actor, offering.id)[0]
    learner, other = learners(make_user, sign_in, 2)
    booking = book(learner, slot.id)
    start = slot.starts_at
    with lms_app.core.db.session_scope() as s:
        with pytest.raises(ServiceError, match="opens 15 minutes"):
            services.join_link(s, learner, booking.id, now=start - timedelta(minutes=16))
        assert services.join_link(s, learner, booking.id, now=start - timedelta(minutes=14)) == \
            "https://meet.example/abc"
        with pytest.raises(ServiceError, match="does not exist"):
            services.join_link(s, other, booking.id, now=start)
        page = services.offering_page(s, other, offering.id)
        rows = services.my_bookings(s, learner, now=start - timedelta(minutes=10))
    assert "meet.example" not in repr(page) and "meet.example" not in repr(rows)
    assert rows[0]["join_open"] is True


def test_reminder_job_is_idempotent(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0", capacity="3")
    slot = make_slots(actor, offering.id)[0]
    for p in learners(make_user, sign_in, 2):
        book(p, slot.id)
    early = slot.starts_at - timedelta(hours=30)
    soon = slot.starts_at - timedelta(hours=2)
    with lms_app.core.db.session_scope() as s:
        assert services.send_reminders(s, now=early) == 0
    with lms_app.core.db.session_scope() as s:
        assert services.send_reminders(s, now=soon) == 2
    with lms_app.core.db.session_scope() as s:
        assert services.send_reminders(s, now=soon) == 0
    assert n_rows(MailMessage, MailMessage.kind == "live_reminder") == 2


def test_teacher_sees_names_others_do_not_and_query_counts_are_fixed(teacher, make_user, sign_in, count_queries):
    _, actor = teacher
    offering = make_offering(actor, price="0", capacity="5")
    slots = make_slots(actor, offering.id, weeks=4)
    people = learners(make_user, sign_in, 3)
    for p in people:
        book(p, slots[0].id)
    with lms_app.core.db.session_scope() as s:
        with count_queries() as n:
            mine = services.teacher_sessions(s, actor)
        assert n.count <= 3
        with count_queries() as n:
            page = services.offering_page(s, people[0], offering.id)
        assert n.count <= 4
        with count_queries() as n:
            services.catalog(s)
        assert n.count == 1
    assert "Learner 0" in mine["slots"][0]["learners"] and mine["slots"][0]["seats_taken"] == 3
    assert "Learner" not in repr(page)
    assert page["slots"][0]["seats_left"] == 2 and page["slots"][0]["booked"] is True


def test_demo_data_has_both_kinds_and_is_idempotent(make_user):
    from lms_app.live.demo import ensure_demo_sessions
    from lms_app.live.models import LiveOffering

    make_user(role="teacher", email="teacher@example.com")
    make_user(email="learner@example.com")
    with lms_app.core.db.session_scope() as s:
        assert ensure_demo_sessions(s) == 3
    with lms_app.core.db.session_scope() as s:
        assert ensure_demo_sessions(s) == 0
        offerings = s.exec(select(LiveOffering).order_by(LiveOffering.id)).all()
        capacities = [o.capacity for o in offerings]
        from lms_app.live import windows
        picks = windows.free_times(s, offerings[2], "Europe/Berlin")
    # a small paid group class, a 1:1 office hour (fixed times), 1:1 coaching picked from windows
    assert capacities == [2, 1, 1]
    assert n_rows(LiveSlot) == 6 and n_rows(LiveBooking) == 1
    assert picks and all(t["label"] in ("14:00", "15:00", "16:00", "17:00") for d in picks for t in d["times"])


def test_admin_refund_of_a_live_order_cancels_the_booking_and_frees_the_seat(teacher, make_user, sign_in):
    from lms_app.commerce.services.refunds import refund

    _, actor = teacher
    offering = make_offering(actor, capacity="1")
    slot = make_slots(actor, offering.id)[0]
    booking = book(sign_in(make_user())[1], slot.id)
    admin = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        refund(s, admin, booking.order_id, "Customer asked")
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, booking.id).status == "cancelled"
        assert s.get(LiveSlot, slot.id).seats_taken == 0
    assert book(sign_in(make_user())[1], slot.id).status == "confirmed"  # the seat is bookable again


# --- waitlist -------------------------------------------------------------------------------

def _waitlist(actor, slot_id):
    with lms_app.core.db.session_scope() as s:
        return services.join_waitlist(s, actor, slot_id)


def test_full_free_time_waitlist_gets_the_freed_seat_at_once(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="1", price="0")
    slot = make_slots(actor, offering.id)[0]
    first, second, third = learners(make_user, sign_in, 3)
    booking = book(first, slot.id)
    with pytest.raises(ServiceError, match="waitlist"):
        book(second, slot.id)
    with pytest.raises(ServiceError, match="already booked"):
        _waitlist(first, slot.id)
    assert _waitlist(second, slot.id) == 1 and _waitlist(third, slot.id) == 2
    with pytest.raises(ServiceError, match="already on the waitlist"):
        _waitlist(second, slot.id)
    with lms_app.core.db.session_scope() as s:
        services.cancel_booking(s, first, booking.id)
    with lms_app.core.db.session_scope() as s:
        held = s.exec(select(LiveBooking).where(LiveBooking.status == "confirmed")).all()
        assert [b.user_id for b in held] == [second.user_id]
        assert s.get(LiveSlot, slot.id).seats_taken == 1
    with pytest.raises(ServiceError, match="fully booked"):
        book(sign_in(make_user())[1], slot.id)  # the seat went to the line, not to whoever clicks first


def test_priced_waitlist_offer_holds_the_seat_then_lapses_to_the_next(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, capacity="1")
    slot = make_slots(actor, offering.id)[0]
    first, second, third = learners(make_user, sign_in, 3)
    booking = book(first, slot.id)
    _waitlist(second, slot.id)
    _waitlist(third, slot.id)
    with lms_app.core.db.session_scope() as s:
        services.cancel_booking(s, first, booking.id)
    with lms_app.core.db.session_scope() as s:
        offer = s.exec(select(LiveBooking).where(LiveBooking.status == "offered")).one()
        assert offer.user_id == second.user_id and offer.order_id is None
        assert s.get(LiveSlot, slot.id).seats_taken == 1
    assert n_rows(MailMessage, MailMessage.kind == "live_offer") == 1
    with pytest.raises(ServiceError, match="fully booked"):
        book(third, slot.id)  # held for the first in line
    # The offer lapses: the seat moves on to the next in line.
    with lms_app.core.db.session_scope() as s:
        assert services.expire_offers(s, now=offer.offer_expires_at + timedelta(seconds=1)) == 1
    with lms_app.core.db.session_scope() as s:
        nxt = s.exec(select(LiveBooking).where(LiveBooking.status == "offered")).one()
        assert nxt.user_id == third.user_id
    before = len(test_gateway.CHARGES)
    confirmed = book(third, slot.id)
    assert confirmed.id == nxt.id and confirmed.status == "confirmed" and confirmed.order_id is not None
    assert len(test_gateway.CHARGES) - before == 1
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).seats_taken == 1
        assert services.expire_offers(s, now=slot.starts_at) == 0


def test_calendar_feed_token_lists_own_bookings_and_teaching_and_can_be_revoked(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0", capacity="3")
    slot = make_slots(actor, offering.id, day="2030-01-10", at="18:00")[0]
    learner, other = learners(make_user, sign_in, 2)
    book(learner, slot.id)
    with lms_app.core.db.session_scope() as s:
        token = services.rotate_feed_token(s, learner)
        t_token = services.rotate_feed_token(s, actor)
        o_token = services.rotate_feed_token(s, other)
    with lms_app.core.db.session_scope() as s:
        mine = Calendar.from_ical(services.feed_for_token(s, token))
        teaching = Calendar.from_ical(services.feed_for_token(s, t_token))
        nothing = Calendar.from_ical(services.feed_for_token(s, o_token))
        assert services.feed_for_token(s, "x" * 43) is None
        from lms_app.live.models import LiveCalendarToken
        assert token not in repr(s.exec(select(LiveCalendarToken)).all())  # only the hash is stored
    [event] = mine.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2030, 1, 10, 17, 0, tzinfo=timezone.utc)
    assert "(1/3 booked)" in str(teaching.walk("VEVENT")[0]["summary"])
    assert nothing.walk("VEVENT") == []
    with lms_app.core.db.session_scope() as s:
        new = services.rotate_feed_token(s, learner)
    with lms_app.core.db.session_scope() as s:
        assert services.feed_for_token(s, token) is None and services.feed_for_token(s, new) is not None
        services.revoke_feed_token(s, learner)
    with lms_app.core.db.session_scope() as s:
        assert services.feed_for_token(s, new) is None


def test_attendance_is_marked_by_the_teacher_from_the_start(teacher, make_user, sign_in):
    _, actor = teacher
    offering = make_offering(actor, price="0", capacity="3")
    slot = make_slots(actor, offering.id)[0]
    learner = sign_in(make_user())[1]
    booking = book(learner, slot.id)
    other = sign_in(make_user(role="teacher"))[1]
    with lms_app.core.db.session_scope() as s:
        with pytest.raises(ServiceError, match="from the start"):
            services.mark_attendance(s, actor, booking.id, True, now=slot.starts_at - timedelta(minutes=1))
        with pytest.raises(ServiceError, match="does not exist"):
            services.mark_attendance(s, other, booking.id, True, now=slot.starts_at)
        with pytest.raises(ServiceError):
            services.mark_attendance(s, learner, booking.id, True, now=slot.starts_at)
        services.mark_attendance(s, actor, booking.id, True, now=slot.starts_at + timedelta(minutes=5))
    with lms_app.core.db.session_scope() as s:
        view = services.teacher_sessions(s, actor, now=slot.starts_at + timedelta(minutes=10))
        past = services.attended(s, learner)
    assert view["slots"][0]["started"] and view["slots"][0]["attendees"][0]["attended"] is True
    assert [p["title"] for p in past] == ["Python Masterclass"]
