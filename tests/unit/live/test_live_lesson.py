"""The "live session" lesson type: the course's teacher sets one upcoming time; learners with
access book it free (whatever the session's price); others cannot; reviewers see the time."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.commerce.models import Order
from lms_app.core import lesson_types
from lms_app.core.errors import ServiceError
from lms_app.core.settings import get_settings
from lms_app.live import lesson
from lms_app.live.models import LiveBooking, LiveSlot
from tests.unit.learning.learning_support import add_lessons
from tests.unit.live.live_support import make_offering, make_slots


@pytest.fixture
def world(make_user, sign_in, make_course, enroll):
    teacher = make_user(role="teacher")
    t_actor = sign_in(teacher)[1]
    course = make_course(teacher=teacher)
    live_lesson, text_lesson = add_lessons(course, (lesson.KEY, "text"))
    offering = make_offering(t_actor, price="99.99", capacity="2")
    slot = make_slots(t_actor, offering.id)[0]
    learner = make_user()
    enroll(learner, course)
    return {"teacher": t_actor, "course": course, "lesson": live_lesson, "text": text_lesson, "slot": slot,
            "learner": sign_in(learner)[1], "outsider": sign_in(make_user())[1]}


def call(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def test_teacher_sets_the_time_and_enrolled_learners_book_it_free(world):
    assert lesson_types.find(lesson.KEY).label == "Live session"
    assert call(lesson.missing, world["course"].id) == [f"a time for the live session '{world['lesson'].title}'"]
    staff = call(lesson.panel, world["teacher"], world["lesson"].id, "Europe/Berlin")
    assert staff["role"] == "staff" and not staff["has_time"] and [c["id"] for c in staff["choices"]] == [
        world["slot"].id]
    with pytest.raises(ServiceError, match="not set the time"):
        call(lesson.book_for_lesson, get_settings(), world["learner"], world["lesson"].id)
    call(lesson.link_time, world["teacher"], world["lesson"].id, world["slot"].id)
    assert call(lesson.missing, world["course"].id) == []

    before = call(lesson.panel, world["learner"], world["lesson"].id, "Europe/Berlin")
    assert before["role"] == "learner" and before["has_time"] and before["seats_left"] == 2 and not before["booked"]
    booking = call(lesson.book_for_lesson, get_settings(), world["learner"], world["lesson"].id)
    assert booking.status == "confirmed" and booking.amount_minor == 0 and booking.order_id is None
    after = call(lesson.panel, world["learner"], world["lesson"].id, "Europe/Berlin")
    assert after["booked"] and after["seats_left"] == 1 and after["booking_id"] == booking.id
    with pytest.raises(ServiceError, match="already booked"):
        call(lesson.book_for_lesson, get_settings(), world["learner"], world["lesson"].id)
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(Order.id))).one() == 0  # nothing was charged
        assert s.get(LiveSlot, world["slot"].id).seats_taken == 1
    review = call(lesson._review, [world["lesson"].id])
    assert "Python Masterclass" in review[world["lesson"].id]


def test_outsiders_other_teachers_and_wrong_lessons_are_refused(world, make_user, sign_in):
    call(lesson.link_time, world["teacher"], world["lesson"].id, world["slot"].id)
    outsider_view = call(lesson.panel, world["outsider"], world["lesson"].id)
    assert outsider_view["role"] == "none" and "Enroll" in outsider_view["message"]
    with pytest.raises(ServiceError, match="Enroll"):
        call(lesson.book_for_lesson, get_settings(), world["outsider"], world["lesson"].id)
    with pytest.raises(ServiceError, match="does not exist"):
        call(lesson.book_for_lesson, get_settings(), world["learner"], world["text"].id)  # not a live lesson
    other_teacher = sign_in(make_user(role="teacher"))[1]
    their_slot = make_slots(other_teacher, make_offering(other_teacher).id)[0]
    with pytest.raises(ServiceError, match="does not exist"):
        call(lesson.link_time, other_teacher, world["lesson"].id, their_slot.id)
    with pytest.raises(ServiceError, match="upcoming"):
        call(lesson.link_time, world["teacher"], world["lesson"].id, their_slot.id)  # not the course teacher's
    with pytest.raises(ServiceError, match="teach this course"):
        call(lesson.book_for_lesson, get_settings(), world["teacher"], world["lesson"].id)
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(func.count(LiveBooking.id))).one() == 0


def test_a_course_learner_promoted_from_the_waitlist_is_booked_free_not_asked_to_pay(world, make_user, sign_in):
    """A priced time is full; the course learner (whose course includes it) and an outsider wait.
    Freed seats go to them in line order: the course learner gets a confirmed free seat, the
    outsider an offer to pay."""
    from lms_app.live import services
    from tests.unit.live.live_support import book

    call(lesson.link_time, world["teacher"], world["lesson"].id, world["slot"].id)
    payers = [sign_in(make_user())[1] for _ in range(2)]
    paid = [book(p, world["slot"].id) for p in payers]
    assert call(services.join_waitlist, world["learner"], world["slot"].id) == 1
    assert call(services.join_waitlist, world["outsider"], world["slot"].id) == 2
    for payer, booking in zip(payers, paid):
        call(services.cancel_booking, payer, booking.id)
    with lms_app.core.db.session_scope() as s:
        rows = {b.user_id: b for b in s.exec(select(LiveBooking).where(LiveBooking.slot_id == world["slot"].id,
                                                                       LiveBooking.status != "cancelled"))}
        mine, theirs = rows[world["learner"].user_id], rows[world["outsider"].user_id]
        assert (mine.status, mine.order_id, mine.amount_minor, mine.offer_expires_at) == ("confirmed", None, 0, None)
        assert theirs.status == "offered" and theirs.offer_expires_at is not None
        assert s.get(LiveSlot, world["slot"].id).seats_taken == 2
    panel = call(lesson.panel, world["learner"], world["lesson"].id)
    assert panel["booked"] and panel["booking_id"] == mine.id
