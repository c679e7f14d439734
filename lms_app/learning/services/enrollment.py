"""Joining a course: free enrolment, and the enrolment half of a paid order or a refund.

The unique (user_id, course_id) constraint on ``enrollments`` makes joining idempotent; the
course's ``student_count`` moves by one with an atomic UPDATE in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from lms_app.core.courses import Course, Enrollment
from lms_app.core import events
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role


def published_course(session: Session, slug: object) -> Course:
    if not isinstance(slug, str) or not 0 < len(slug) <= 120:
        raise ServiceError("That course does not exist.")
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    if course is None or course.status != "published":
        raise ServiceError("That course does not exist or is not open for enrolment.")
    return course


def is_enrolled(session: Session, user_id: int, course_id: int) -> bool:
    return session.exec(select(Enrollment.id).where(Enrollment.user_id == user_id,
                                                    Enrollment.course_id == course_id)).first() is not None


def add(session: Session, user_id: int, course_id: int) -> Enrollment:
    """Insert the enrolment (raises IntegrityError when it exists) and count the student."""
    row = Enrollment(user_id=user_id, course_id=course_id)
    session.add(row)
    session.flush()
    events.record(session, "enrolled", user_id=user_id, course_id=course_id)
    session.execute(update(Course).where(Course.id == course_id)
                    .values(student_count=Course.student_count + 1).execution_options(synchronize_session=False))
    return row


def remove(session: Session, user_id: int, course_id: int) -> bool:
    result = session.execute(delete(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id))
    if result.rowcount:
        session.execute(update(Course).where(Course.id == course_id, Course.student_count > 0)
                        .values(student_count=Course.student_count - 1).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def enroll_free(session: Session, actor: Actor, slug: object) -> Course:
    """One click for a free course; clicking twice (or in two tabs) leaves one enrolment."""
    require_role(actor, LEARNER_AREA)
    course = published_course(session, slug)
    if course.price_minor != 0:
        raise ServiceError("This course is paid: go to checkout to buy it.")
    if is_enrolled(session, actor.user_id, course.id):
        return course
    try:
        add(session, actor.user_id, course.id)
    except IntegrityError:
        session.rollback()  # a concurrent click won: the learner is enrolled either way
    return course


def enroll_free_and_start(session: Session, actor: Actor, slug: object) -> str:
    """Enrol in a free course and return where learning starts: the lesson the learner was last
    on, else the course's first lesson (the course page when it has no lessons yet)."""
    from lms_app.learning.services import progress

    course = enroll_free(session, actor, slug)
    resume = progress.resume_point(session, actor.user_id, course.id)
    first = progress.first_lessons(session, [course.id]).get(course.id)
    return progress.continue_href(course.slug, resume, first)
