"""The "live session" lesson type: a course includes one time of one of its teacher's live
sessions; learners with access to the course book a seat there free, from the lesson.

The course's teacher picks the time on the lesson itself (the player shows staff a choice of
their upcoming times). Seats, double clicks, waitlist and mails are the live feature's own
(``services.book`` with ``included=True``); this module only decides who may book free and which
time the lesson means. A lesson without a time is listed as missing before review.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from lms_app.core.arguments import object_id
from lms_app.core.courses import Course, Lesson
from lms_app.core.errors import ServiceError
from lms_app.core.lesson_types import LessonType, clean_body
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.live import services, times
from lms_app.live.models import LiveBooking, LiveLessonTime, LiveOffering, LiveSlot

KEY = "live_session"
NO_LESSON = "That lesson does not exist."


def _lesson(session: Session, raw_lesson_id: object) -> tuple[Lesson, Course]:
    lesson = session.get(Lesson, object_id(raw_lesson_id, NO_LESSON))
    course = session.get(Course, lesson.course_id) if lesson is not None else None
    if lesson is None or course is None or lesson.lesson_type != KEY:
        raise ServiceError(NO_LESSON)
    return lesson, course


def _linked(session: Session, lesson_id: int) -> tuple[LiveSlot, LiveOffering] | None:
    row = session.exec(select(LiveSlot, LiveOffering).join(LiveLessonTime, LiveLessonTime.slot_id == LiveSlot.id)
                       .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                       .where(LiveLessonTime.lesson_id == lesson_id)).first()
    return (row[0], row[1]) if row else None


def panel(session: Session, actor: Actor | None, raw_lesson_id: object, viewer_tz: object = "UTC",
          now: datetime | None = None) -> dict:
    """What the lesson's panel shows this viewer: role "staff" (with their upcoming times to choose
    from), "learner" (with access: the time, seats and their booking) or "none" (a message)."""
    from lms_app.learning.services.course_access import has_access, is_staff_for

    now, tz = now or utcnow(), times.zone(viewer_tz)
    lesson, course = _lesson(session, raw_lesson_id)
    linked = _linked(session, lesson.id)
    data = {"role": "none", "message": "", "has_time": False, "title": "", "when": "", "starts_at": "",
            "seats_left": 0, "capacity": 0, "cancelled": False, "booking_id": 0, "booked": False,
            "join_open": False, "choices": [], "slot_id": 0}
    if linked is not None:
        slot, offering = linked
        start = times.as_utc(slot.starts_at)
        data.update(has_time=True, title=offering.title, when=times.when_label(start, tz), starts_at=start.isoformat(),
                    seats_left=max(slot.capacity - slot.seats_taken, 0), capacity=slot.capacity,
                    cancelled=slot.status != "scheduled", slot_id=slot.id)
    if is_staff_for(actor, course):
        rows = session.exec(select(LiveSlot, LiveOffering.title).join(LiveOffering,
                                                                       LiveOffering.id == LiveSlot.offering_id)
                            .where(LiveSlot.teacher_id == course.teacher_id, LiveSlot.status == "scheduled",
                                   LiveSlot.starts_at > now).order_by(LiveSlot.starts_at).limit(100)).all()
        data.update(role="staff", choices=[{"id": s.id, "label": f"{title} — {times.when_label(s.starts_at, tz)}"}
                                           for s, title in rows])
        return data
    if actor is None or not has_access(session, actor, course):
        data["message"] = "Enroll in the course to book this live session free."
        return data
    data["role"] = "learner"
    if linked is not None:
        booking = session.exec(select(LiveBooking).where(LiveBooking.slot_id == linked[0].id,
                                                         LiveBooking.user_id == actor.user_id,
                                                         LiveBooking.status == "confirmed")).first()
        if booking is not None:
            start, end = times.as_utc(linked[0].starts_at), times.as_utc(linked[0].ends_at)
            data.update(booked=True, booking_id=booking.id,
                        join_open=linked[0].status == "scheduled" and start - services.JOIN_OPENS_BEFORE <= now < end)
    return data


def link_time(session: Session, actor: Actor, raw_lesson_id: object, raw_slot_id: object,
              now: datetime | None = None) -> None:
    """The course's teacher (or an admin) sets the lesson's time: an upcoming time of the course
    teacher's own sessions."""
    from lms_app.learning.services.course_access import is_staff_for

    lesson, course = _lesson(session, raw_lesson_id)
    if not is_staff_for(actor, course):
        raise ServiceError(NO_LESSON)
    slot = session.get(LiveSlot, object_id(raw_slot_id, services.SLOT_NOT_FOUND))
    if slot is None or slot.teacher_id != course.teacher_id or slot.status != "scheduled" \
            or times.as_utc(slot.starts_at) <= (now or utcnow()):
        raise ServiceError("Pick one of your upcoming live-session times.", "slot_id")
    row = session.get(LiveLessonTime, lesson.id)
    if row is None:
        session.add(LiveLessonTime(lesson_id=lesson.id, slot_id=slot.id))
    else:
        row.slot_id = slot.id
        session.add(row)
    session.flush()


def book_for_lesson(session: Session, settings: Settings, actor: Actor, raw_lesson_id: object,
                    now: datetime | None = None) -> LiveBooking:
    """A learner with access to the course takes a seat at the lesson's time, free."""
    from lms_app.learning.services.course_access import has_access, is_staff_for

    lesson, course = _lesson(session, raw_lesson_id)
    if is_staff_for(actor, course):
        raise ServiceError("You teach this course: learners book this time.")
    if not has_access(session, actor, course):
        raise ServiceError("Enroll in the course to book this live session free.")
    linked = _linked(session, lesson.id)
    if linked is None:
        raise ServiceError("The teacher has not set the time of this live session yet.")
    return services.book(session, settings, actor, linked[0].id, now=now, included=True)


def included_for(session: Session, user_id: int, slot_id: int) -> bool:
    """Whether a course the learner has access to includes this time through a live-session lesson
    (1 query for the linked courses, then the access rule per course — usually none or one)."""
    from lms_app.learning.services.course_access import has_access

    courses = session.exec(select(Course).join(Lesson, Lesson.course_id == Course.id)
                           .join(LiveLessonTime, LiveLessonTime.lesson_id == Lesson.id)
                           .where(LiveLessonTime.slot_id == slot_id, Lesson.lesson_type == KEY)).all()
    learner = Actor(user_id=user_id, role="learner", session_id=0)
    return any(has_access(session, learner, course) for course in courses)


def missing(session: Session, course_id: int) -> list[str]:
    """Live-session lessons of the course without a time (for the review checklist; 1 query)."""
    titles = session.exec(select(Lesson.title).outerjoin(LiveLessonTime, LiveLessonTime.lesson_id == Lesson.id)
                          .where(Lesson.course_id == course_id, Lesson.lesson_type == KEY,
                                 LiveLessonTime.lesson_id.is_(None)).order_by(Lesson.id)).all()
    return [f"a time for the live session '{t}'" for t in titles]


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _player():
    from lms_app.live.lesson_panel import live_lesson_panel

    return live_lesson_panel()


def _review(session, lesson_ids: list[int]) -> dict[int, str]:
    """What an admin reviewing the course sees: the time the lesson includes (or that none is set)."""
    from zoneinfo import ZoneInfo

    rows = {lid: (title, starts) for lid, title, starts in session.exec(
        select(LiveLessonTime.lesson_id, LiveOffering.title, LiveSlot.starts_at)
        .join(LiveSlot, LiveSlot.id == LiveLessonTime.slot_id)
        .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
        .where(LiveLessonTime.lesson_id.in_(lesson_ids))).all()}
    return {lid: (f"**Live session:** {rows[lid][0]}, {times.when_label(rows[lid][1], ZoneInfo('UTC'))}"
                  if lid in rows else "**Live session:** no time set yet") for lid in lesson_ids}


LIVE_SESSION = LessonType(
    KEY, "Live session", "video", ("body",), _validate, missing=missing, player=_player, review=_review,
    help="Describe the session in Markdown; then open the lesson to pick which of your live-session times it "
         "includes. Learners of the course book that time free.",
)
