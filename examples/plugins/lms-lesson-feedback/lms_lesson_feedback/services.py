"""The plugin's rules, as plain Python (no Reflex): who may answer, saving an answer, the report.

Every function takes the actor the guard resolved from the session cookie and the ids the page
names; nothing about the caller (role, enrolment, owner) is taken from the browser.

- ``answer``: only a learner enrolled in the lesson's (published or archived) course, who may open
  the lesson (sequential courses: the lessons before it are complete), answers; the course's own
  teacher and admins (who see every lesson as staff) do not. One row per learner and lesson: an
  ``INSERT ... ON CONFLICT DO UPDATE`` on the unique (user_id, lesson_id) pair, so a second
  answer updates the first and a double click cannot create two rows.
- ``report``: a teacher's own courses only (admins: every course), lessons with at least one
  answer, least clear first, one page at a time, in three queries whatever the page shows.
"""

from __future__ import annotations

import math

from sqlalchemy import Float, case, cast, distinct, func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment, Lesson
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.learning.services import progress
from lms_app.learning.services.course_access import is_staff_for
from lms_lesson_feedback.models import LessonFeedback

ANSWERS = {"yes": True, "no": False}
PAGE_SIZE = 20
MAX_COURSE_OPTIONS = 200
NOT_ENROLLED = "Only learners enrolled in this course can say whether its lessons are clear."


def _id(raw: object) -> int | None:
    """A positive database id from a route or form value (digits as text are fine; a bool or a float is not)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def parse_answer(raw: object) -> bool:
    """``"yes"`` → True, ``"no"`` → False; anything else is refused."""
    if not isinstance(raw, str) or raw not in ANSWERS:
        raise ServiceError("Choose “Yes” or “No”.")
    return ANSWERS[raw]


def _label(clear: bool | None) -> str:
    return "" if clear is None else ("yes" if clear else "no")


def my_answer(session: Session, actor: Actor, lesson_ref: object) -> str:
    """The actor's own answer for the lesson: ``"yes"``, ``"no"`` or ``""`` (none yet)."""
    require_role(actor, LEARNER_AREA)
    lesson_id = _id(lesson_ref)
    if lesson_id is None:
        return ""
    return _label(session.exec(select(LessonFeedback.clear).where(LessonFeedback.user_id == actor.user_id,
                                                                  LessonFeedback.lesson_id == lesson_id)).first())


def may_answer(session: Session, actor: Actor, lesson_ref: object) -> Lesson:
    """The lesson, if the actor is an enrolled learner of its course who may open it now (the app's
    own rule, ``progress.learner_lesson``, sequential mode included), and not its teacher or an admin."""
    lesson_id = _id(lesson_ref)
    if lesson_id is None:
        raise ServiceError("That lesson does not exist.")
    try:
        target = progress.learner_lesson(session, actor, lesson_id)
    except PermissionDenied as exc:
        if exc.message == progress.ENROLL_FIRST:  # say it in this question's words
            raise PermissionDenied(NOT_ENROLLED) from exc
        raise
    if is_staff_for(actor, target.course):
        raise PermissionDenied(NOT_ENROLLED)
    return target.lesson


def _upsert(session: Session, user_id: int, lesson_id: int, clear: bool) -> None:
    """One statement, atomic on both supported databases: insert, or update the existing row."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # the app runs on SQLite and PostgreSQL only
        raise RuntimeError(f"lesson feedback does not support the {dialect} database")
    now = utcnow()
    statement = insert(LessonFeedback.__table__).values(user_id=user_id, lesson_id=lesson_id, clear=clear,
                                                        created_at=now, updated_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={"clear": statement.excluded.clear, "updated_at": statement.excluded.updated_at},
    ))


def answer(session: Session, actor: Actor, lesson_ref: object, raw_answer: object) -> str:
    """Record (or change) the actor's answer for the lesson; returns it (``"yes"``/``"no"``)."""
    clear = parse_answer(raw_answer)
    lesson = may_answer(session, actor, lesson_ref)
    _upsert(session, actor.user_id, lesson.id, clear)
    return _label(clear)


# --- the teachers' report -------------------------------------------------------------------

def _scoped(query, actor: Actor, course_id: int | None = None):
    """Only the actor's own courses (admins: every course); one course when ``course_id`` is given."""
    if actor.role != "admin":
        query = query.where(Course.teacher_id == actor.user_id)
    if course_id is not None:
        query = query.where(Course.id == course_id)
    return query


def _tone(percent: int) -> str:
    return "red" if percent < 50 else "amber" if percent < 80 else "green"


def _percent(yes: int, total: int) -> int:
    return round(100 * yes / total) if total else 0


def report(session: Session, actor: Actor, course_ref: object = None, page_ref: object = 1) -> dict:
    """A page of the actor's lessons that have answers, least clear first, with totals.

    ``course_ref`` narrows it to one of the actor's courses (a course that is not theirs, or has
    no answers, is ignored: the report then covers all of their courses). Returns plain values:
    ``rows`` (one dict per lesson), ``courses`` (the filter's options), ``course_id`` ("" for all),
    ``totals``, ``page`` and ``pages``.
    """
    require_role(actor, TEACHER_AREA)
    yes = func.sum(case((LessonFeedback.clear, 1), else_=0))
    total = func.count(LessonFeedback.id)

    def joined(query):
        return (query.select_from(LessonFeedback).join(Lesson, Lesson.id == LessonFeedback.lesson_id)
                .join(Course, Course.id == Lesson.course_id))

    # 1. The filter's options: the actor's courses that have answers.
    courses = session.exec(
        _scoped(joined(select(Course.id, Course.title)), actor).group_by(Course.id, Course.title)
        .order_by(Course.title, Course.id).limit(MAX_COURSE_OPTIONS)
    ).all()
    course_id = _id(course_ref)
    if course_id not in {cid for cid, _ in courses}:
        course_id = None
    # 2. Totals (and so the number of pages).
    lessons, answers, yes_count = session.exec(
        _scoped(joined(select(func.count(distinct(LessonFeedback.lesson_id)), total, yes)), actor, course_id)
    ).one()
    answers, yes_count = answers or 0, yes_count or 0
    pages = max(1, math.ceil((lessons or 0) / PAGE_SIZE))
    page = min(max(_id(page_ref) or 1, 1), pages)
    # 3. The page: least clear first, then the most "no" answers, then a stable order.
    rows = session.exec(
        _scoped(joined(select(Lesson.id, Lesson.title, Course.title, Course.slug, yes, total)), actor, course_id)
        .group_by(Lesson.id, Lesson.title, Course.id, Course.title, Course.slug)
        .order_by(cast(yes, Float) / total, (total - yes).desc(), Lesson.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    overall = _percent(yes_count, answers)
    return {
        "rows": [{"lesson_id": lesson_id, "lesson": title, "course": course_title,
                  "href": f"/learn/{slug}/{lesson_id}", "yes": int(y), "no": int(n - y), "total": int(n),
                  "percent": _percent(y, n), "tone": _tone(_percent(y, n))}
                 for lesson_id, title, course_title, slug, y, n in rows],
        "courses": [{"id": str(cid), "title": title} for cid, title in courses],
        "course_id": str(course_id) if course_id else "",
        "totals": {"answers": answers, "lessons": lessons or 0,
                   "clear": f"{overall}%" if answers else "—"},
        "page": page,
        "pages": pages,
    }
