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
from lms_app.core.db import dialect_insert
from lms_app.core.types import utcnow


def published_course(session: Session, slug: object) -> Course:
    if not isinstance(slug, str) or not 0 < len(slug) <= 120:
        raise ServiceError("That course does not exist.")
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    if course is None or course.status != "published":
        raise ServiceError("That course does not exist or is not open for enrolment.")
    return course


DIRECT, PLAN = "direct", "plan"


def plan_grants(session: Session, user_id: int, course_id: int) -> bool:
    """Whether a plugin (subscriptions, passes: ``lms_course_access``) opens the course now."""
    from lms_app.core import plugins

    return any(plugins.hook().lms_course_access(session=session, user_id=user_id, course_id=course_id))


def counting_ids(session: Session, user_id: int, rows: list[tuple[int, str]]) -> set[int]:
    """For lists of one learner's enrolments, given (course id, source) pairs already read: the
    course ids that count by the rule. No query when every row is direct; otherwise one call of
    the batch hook ``lms_course_access_many`` (two queries for subscriptions), never one per row."""
    from lms_app.core import plugins

    ids = {course_id for course_id, source in rows if source != PLAN}
    planned = sorted({course_id for course_id, source in rows if source == PLAN})
    if planned:
        for granted in plugins.hook().lms_course_access_many(session=session, user_id=user_id, course_ids=planned):
            ids.update(set(granted or ()) & set(planned))
    return ids


def counts(session: Session, user_id: int, course_id: int, source: str | None) -> bool:
    """THE enrolment rule, given the learner's enrolment row's ``source`` (None: no row).

    A direct enrolment (bought, free, bundle, staff) counts until it is refunded or removed; an
    enrolment a subscription created counts only while a subscription still grants the course,
    so a subscription's end removes exactly the access it gave and nothing bought or free."""
    if source is None:
        return False
    return source != PLAN or plan_grants(session, user_id, course_id)


def source_of(session: Session, user_id: int, course_id: int) -> str | None:
    return session.exec(select(Enrollment.source).where(Enrollment.user_id == user_id,
                                                        Enrollment.course_id == course_id)).first()


def is_enrolled(session: Session, user_id: int, course_id: int) -> bool:
    """Enrolled now, by the one rule (``counts``): what quizzes, assignments, reviews ask."""
    return counts(session, user_id, course_id, source_of(session, user_id, course_id))


def owns(session: Session, user_id: int, course_id: int) -> bool:
    """A direct enrolment exists (checkout refuses to sell the course twice; a subscriber may
    still buy a plan course to keep it after the plan ends)."""
    return source_of(session, user_id, course_id) == DIRECT


def join_through_plan(session: Session, user_id: int, course: Course) -> bool:
    """A subscriber opens or starts a plan course: create the 'plan' enrolment (once, INSERT …
    ON CONFLICT DO NOTHING) so progress, quizzes, assignments and certificates work. True when
    the learner is enrolled by the rule afterwards."""
    course_id = course.id
    source = source_of(session, user_id, course_id)
    if source is not None:
        return counts(session, user_id, course_id, source)
    if course.status not in ("published", "archived") or not plan_grants(session, user_id, course_id):
        return False
    result = session.execute(dialect_insert(session)(Enrollment.__table__).values(
        user_id=user_id, course_id=course_id, source=PLAN, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"]))
    if result.rowcount:
        events.record(session, "enrolled", user_id=user_id, course_id=course_id)
        session.execute(update(Course).where(Course.id == course_id)
                        .values(student_count=Course.student_count + 1).execution_options(synchronize_session=False))
    return True


def add(session: Session, user_id: int, course_id: int) -> Enrollment:
    """Insert the enrolment (raises IntegrityError when it exists) and count the student.
    A learner who had the course through a plan and now buys it (or joins it free) keeps the
    same row, made direct: it no longer depends on the subscription."""
    made_direct = session.execute(update(Enrollment).where(Enrollment.user_id == user_id,
                                                           Enrollment.course_id == course_id,
                                                           Enrollment.source == PLAN)
                                  .values(source=DIRECT).execution_options(synchronize_session=False))
    if made_direct.rowcount:
        row = session.exec(select(Enrollment).where(Enrollment.user_id == user_id,
                                                    Enrollment.course_id == course_id)).one()
        session.refresh(row)
        return row
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
    if owns(session, actor.user_id, course.id):
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
