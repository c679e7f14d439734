"""Availability windows: the learner picks a free start; the slot is created by the booking;
two learners cannot take one 1:1 time; the teacher's other times are never double-booked;
times stay right across the clock change."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.commerce.models import Order
from lms_app.core.errors import ServiceError
from lms_app.core.settings import get_settings
from lms_app.live import windows
from lms_app.live.models import LiveBooking, LiveSlot, LiveWindow
from tests.unit.live.live_support import CARD, make_offering, make_slots

# Monday 2030-03-18 08:00 UTC; Berlin changes to summer time on Sunday 2030-03-31.
NOW = datetime(2030, 3, 18, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def teacher(make_user, sign_in):
    return sign_in(make_user(role="teacher"))[1]


def add(actor, offering_id, weekdays=(1, 3), start="14:00", end="16:00", first="2030-03-18", weeks=3):
    with lms_app.core.db.session_scope() as s:
        return windows.add_windows(s, actor, offering_id, list(weekdays), start, end, first, weeks)


def times(offering_id, tz="Europe/Berlin", now=NOW):
    with lms_app.core.db.session_scope() as s:
        from lms_app.live.models import LiveOffering
        return windows.free_times(s, s.get(LiveOffering, offering_id), tz, now=now)


def book_time(actor, offering_id, start, card=None, gateway=None, now=NOW):
    with lms_app.core.db.session_scope() as s:
        return windows.book_time(s, get_settings(), actor, offering_id, start, "", card, gateway, now=now)


def test_windows_offer_starts_every_session_length_in_the_teachers_zone_across_dst(teacher):
    coaching = make_offering(teacher, title="Coaching", duration_minutes="60", capacity="1", price="0")
    add(teacher, coaching.id)  # Tue + Thu 14:00–16:00 Berlin, three weeks from Mon 18 Mar
    days = times(coaching.id)
    assert [d["day"] for d in days] == ["Tue 19 Mar", "Thu 21 Mar", "Tue 26 Mar", "Thu 28 Mar", "Tue 02 Apr",
                                        "Thu 04 Apr"]
    assert all([t["label"] for t in d["times"]] == ["14:00", "15:00"] for d in days)
    # 14:00 Berlin is 13:00 UTC in March (CET) and 12:00 UTC in April (CEST).
    assert days[0]["times"][0]["start"] == "2030-03-19T13:00:00+00:00"
    assert days[-1]["times"][0]["start"] == "2030-04-04T12:00:00+00:00"
    # Seen from New York the same start is morning there.
    assert times(coaching.id, "America/New_York")[0]["times"][0]["label"] == "09:00"


def test_a_picked_time_is_created_by_the_booking_and_one_to_one_cannot_be_taken_twice(teacher, make_user, sign_in):
    coaching = make_offering(teacher, title="Coaching", duration_minutes="60", capacity="1", price="0")
    add(teacher, coaching.id)
    first_start = times(coaching.id)[0]["times"][0]["start"]
    ada, bob = (sign_in(make_user())[1] for _ in range(2))
    booking = book_time(ada, coaching.id, first_start)
    assert booking.status == "confirmed"
    with pytest.raises(ServiceError, match="fully booked"):
        book_time(bob, coaching.id, first_start)
    assert [t["label"] for t in times(coaching.id)[0]["times"]] == ["15:00"]  # taken: no longer offered
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveSlot.id))).one() == 1


def test_refused_or_declined_picks_leave_no_slot_and_other_times_are_never_overlapped(teacher, make_user, sign_in):
    paid = make_offering(teacher, title="Paid coaching", duration_minutes="60", capacity="1", price="50")
    add(teacher, paid.id, weekdays=(1,))
    group = make_offering(teacher, title="Group class", duration_minutes="60", capacity="5", price="0")
    make_slots(teacher, group.id, day="2030-03-19", at="14:30")  # the teacher is busy 14:30–15:30 that Tuesday
    assert times(paid.id)[0]["day"] == "Tue 26 Mar"  # both of the 19th's starts overlap the class
    learner = sign_in(make_user())[1]
    with pytest.raises(ServiceError, match="just taken"):
        book_time(learner, paid.id, "2030-03-19T13:00:00+00:00", CARD, TestGateway())
    with pytest.raises(ServiceError, match="not offered"):
        book_time(learner, paid.id, "2030-03-26T13:20:00+00:00", CARD, TestGateway())  # not on the grid
    with pytest.raises(ServiceError, match="not offered"):
        book_time(learner, paid.id, "2030-03-27T13:00:00+00:00", CARD, TestGateway())  # a Wednesday
    with pytest.raises(ServiceError, match="not offered"):
        book_time(learner, paid.id, "tomorrow at two", CARD, TestGateway())
    with pytest.raises(ServiceError, match="payment form"):
        book_time(learner, paid.id, "2030-03-26T13:00:00+00:00")  # priced: no free path
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveSlot.id)).where(LiveSlot.offering_id == paid.id)).one() == 0
    booking = book_time(learner, paid.id, "2030-03-26T13:00:00+00:00", CARD, TestGateway())
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, booking.order_id).status == "paid"
    # The teacher cannot schedule a fixed time over the picked one either.
    with pytest.raises(ServiceError, match="overlap"):
        make_slots(teacher, group.id, day="2030-03-26", at="14:30")


def test_teacher_manages_windows_and_validation(teacher, make_user, sign_in):
    coaching = make_offering(teacher, title="Coaching", duration_minutes="90", capacity="1", price="0")
    with pytest.raises(ServiceError, match="at least as long"):
        add(teacher, coaching.id, start="14:00", end="15:00")
    with pytest.raises(ServiceError, match="day of the week"):
        add(teacher, coaching.id, weekdays=("funday",))
    with pytest.raises(ServiceError, match="past"):
        add(teacher, coaching.id, first="2020-01-01")
    stranger = sign_in(make_user(role="teacher"))[1]
    with pytest.raises(ServiceError):
        add(stranger, coaching.id)
    created = add(teacher, coaching.id, weekdays=("2",), start="09:00", end="00:00", first="2030-03-18", weeks=1)
    with lms_app.core.db.session_scope() as s:
        rows = windows.windows_of(s, teacher, coaching.id)
    assert [r["label"] for r in rows] == ["Wed 09:00–24:00, 18 Mar – 24 Mar 2030"]
    assert len(times(coaching.id)[0]["times"]) == 10  # 09:00 … 22:30 in 90-minute steps
    with lms_app.core.db.session_scope() as s, pytest.raises(ServiceError):
        windows.delete_window(s, stranger, created[0].id)
    with lms_app.core.db.session_scope() as s:
        windows.delete_window(s, teacher, created[0].id)
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveWindow.id))).one() == 0
    assert times(coaching.id) == []


@pytest.mark.skipif("not __import__('os').environ.get('LMS_TEST_DATABASE_URL')",
                    reason="needs PostgreSQL: set LMS_TEST_DATABASE_URL")
def test_two_learners_racing_for_one_picked_time_on_postgres(teacher, make_user, sign_in):
    coaching = make_offering(teacher, title="Coaching", duration_minutes="60", capacity="1", price="0")
    add(teacher, coaching.id)
    start = times(coaching.id)[0]["times"][0]["start"]
    people = [sign_in(make_user())[1] for _ in range(6)]
    results: list[str] = []
    barrier = threading.Barrier(len(people))

    def go(actor):
        barrier.wait()
        try:
            book_time(actor, coaching.id, start)
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.message)

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveSlot.id))).one() == 1
        assert s.exec(select(func.count(LiveBooking.id)).where(LiveBooking.status == "confirmed")).one() == 1


def test_offerings_booked_from_windows_are_listed_to_pick_a_time(teacher, count_queries):
    from lms_app.live import services

    fixed = make_offering(teacher, title="Group class", price="0")
    make_slots(teacher, fixed.id, day="2030-03-20", at="09:00")
    coaching = make_offering(teacher, title="Coaching", duration_minutes="60", capacity="1", price="30")
    add(teacher, coaching.id, weekdays=(1,), first="2030-03-18", weeks=2)  # until Sun 31 Mar

    def cards(**filters):
        with lms_app.core.db.session_scope() as s:
            return [(c["title"], c["picks"]) for c in services.catalog(s, "Europe/Berlin", now=NOW, filters=filters)]

    assert cards() == [("Group class", False), ("Coaching", True)]  # fixed times first, then "pick a time"
    assert cards(price="paid") == [("Coaching", True)]
    assert cards(**{"from": "2030-04-01"}) == []  # the window has ended by then; the class is earlier
    assert cards(**{"to": "2030-03-19"}) == [("Coaching", True)]
    with count_queries() as counted:
        cards()
    assert counted.count == 1
    later = datetime(2030, 4, 2, 8, 0, tzinfo=timezone.utc)
    with lms_app.core.db.session_scope() as s:
        assert services.catalog(s, "UTC", now=later) == []  # every window is over
