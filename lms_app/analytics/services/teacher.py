"""A teacher's analytics over their OWN courses only (teacher_id = the actor, admins included).

Enrolments over time, completion rate, rating and revenue per course; for one chosen course the
lesson funnel (distinct learners who started / completed each lesson, in curriculum order) and
the quiz score distribution (quiz_submitted events' score, in 10-point bands). Fixed query
count: five for the overview, three more with a course chosen.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case, distinct, func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson, Module
from lms_app.core.event_log import LearningEvent
from lms_app.commerce.models import LedgerEntry
from lms_app.core.sessions import Actor
from lms_app.core.arguments import object_id
from lms_app.analytics.services.sql import bucket, bucket_keys, period
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_amount
from lms_app.core.permissions import TEACHER_AREA, require_role

NO_COURSE = "That course does not exist or is not yours."


def _own_courses(actor: Actor):
    return select(Course.id).where(Course.teacher_id == actor.user_id)


def overview(session: Session, actor: Actor, start: object = None, end: object = None,
             course_id: object = None) -> dict:
    require_role(actor, TEACHER_AREA)
    p = period(start, end)
    ev = LearningEvent
    in_range = and_(ev.occurred_at >= p.start, ev.occurred_at < p.end)
    # 1. the teacher's courses with all-time enrolment/completion counts from events
    per_course = (select(ev.course_id.label("course_id"),
                         func.count(distinct(case((ev.kind == "enrolled", ev.user_id)))).label("enrolled"),
                         func.count(distinct(case((ev.kind == "course_completed", ev.user_id)))).label("completed"),
                         func.sum(case((and_(ev.kind == "enrolled", in_range), 1), else_=0)).label("new"))
                  .where(ev.course_id.in_(_own_courses(actor)), ev.kind.in_(("enrolled", "course_completed")))
                  .group_by(ev.course_id).subquery())
    rows = session.exec(select(Course.id, Course.title, Course.status, Course.rating_avg, Course.rating_count,
                               Course.student_count, func.coalesce(per_course.c.enrolled, 0),
                               func.coalesce(per_course.c.completed, 0), func.coalesce(per_course.c.new, 0))
                        .outerjoin(per_course, per_course.c.course_id == Course.id)
                        .where(Course.teacher_id == actor.user_id).order_by(Course.title, Course.id)).all()
    # 2. revenue (teacher share, net of refunds) per course and currency in the range
    money = session.exec(select(LedgerEntry.course_id, LedgerEntry.currency, func.sum(LedgerEntry.teacher_share_minor))
                         .where(LedgerEntry.teacher_id == actor.user_id, LedgerEntry.created_at >= p.start,
                                LedgerEntry.created_at < p.end)
                         .group_by(LedgerEntry.course_id, LedgerEntry.currency)).all()
    revenue: dict[int, list[str]] = {}
    totals: dict[str, int] = {}
    for cid, currency, amount in money:
        revenue.setdefault(cid, []).append(format_amount(int(amount), currency))
        totals[currency] = totals.get(currency, 0) + int(amount)
    # 3. enrolments per bucket over the range
    b = bucket(session, ev.occurred_at, p.grain)
    series = dict(session.exec(select(b, func.count(ev.id)).where(ev.kind == "enrolled", in_range,
                                                                   ev.course_id.in_(_own_courses(actor)))
                               .group_by(b)).all())
    courses = [{"id": cid, "title": title, "status": status,
                "rating": f"{rating:.1f} ({count})" if count else "No ratings",
                "students": int(students), "enrolled": int(enrolled), "completed": int(done),
                "new": int(new), "completion": f"{(done * 100 / enrolled):.0f}%" if enrolled else "—",
                "revenue": ", ".join(revenue.get(cid, [])) or "—"}
               for cid, title, status, rating, count, students, enrolled, done, new in rows]
    all_enrolled = sum(c["enrolled"] for c in courses)
    all_done = sum(c["completed"] for c in courses)
    result = {
        "period": {"start": f"{p.start:%Y-%m-%d}", "end": f"{p.end - timedelta(days=1):%Y-%m-%d}", "label": p.label},
        "courses": courses,
        "enrollments": [{"date": k, "enrollments": int(series.get(k, 0))} for k in bucket_keys(p)],
        "totals": {"new": sum(c["new"] for c in courses),
                   "completion": f"{(all_done * 100 / all_enrolled):.0f}%" if all_enrolled else "—",
                   "revenue": ", ".join(format_amount(v, c) for c, v in sorted(totals.items())) or "—"},
        "selected": 0, "funnel": [], "scores": [],
    }
    if course_id not in (None, "", 0, "0"):
        cid = object_id(course_id, NO_COURSE)
        if cid not in {c["id"] for c in courses}:
            raise ServiceError(NO_COURSE)
        result["selected"] = cid
        result["funnel"] = funnel(session, cid)
        result["scores"] = score_bands(session, cid)
    return result


def funnel(session: Session, course_id: int) -> list[dict]:
    """Per lesson in curriculum order: distinct learners who started and who completed it (one query).

    Callers have checked that the course is the actor's.
    """
    ev = LearningEvent
    reached = (select(ev.lesson_id.label("lesson_id"),
                      func.count(distinct(case((ev.kind == "lesson_started", ev.user_id)))).label("started"),
                      func.count(distinct(case((ev.kind == "lesson_completed", ev.user_id)))).label("completed"))
               .where(ev.course_id == course_id, ev.kind.in_(("lesson_started", "lesson_completed")))
               .group_by(ev.lesson_id).subquery())
    rows = session.exec(select(Lesson.id, Lesson.title, func.coalesce(reached.c.started, 0),
                               func.coalesce(reached.c.completed, 0))
                        .join(Module, Module.id == Lesson.module_id)
                        .outerjoin(reached, reached.c.lesson_id == Lesson.id)
                        .where(Lesson.course_id == course_id)
                        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)).all()
    return [{"step": i, "lesson": f"{i}. {title}", "started": int(s), "completed": int(c)}
            for i, (_, title, s, c) in enumerate(rows, start=1)]


def score_bands(session: Session, course_id: int) -> list[dict]:
    """Quiz submissions per 10-point score band, 0–9 … 90–100 (one query)."""
    ev = LearningEvent
    band = case((ev.score >= 100, 9), else_=ev.score // 10)
    got = {int(b): int(n) for b, n in session.exec(
        select(band, func.count(ev.id)).where(ev.course_id == course_id, ev.kind == "quiz_submitted",
                                              ev.score.is_not(None)).group_by(band)).all()}
    if not got:
        return []
    return [{"band": f"{b * 10}–{b * 10 + 9 if b < 9 else 100}", "submissions": got.get(b, 0)} for b in range(10)]
