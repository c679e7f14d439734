"""A few course suggestions for a learner: published courses in the categories they study."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment
from lms_app.core.views import CourseCardView
from lms_app.core.sessions import Actor
from lms_app.catalog.services.queries import card_query
from lms_app.core.permissions import LEARNER_AREA, require_role
from lms_app.core.view_builders import course_card


def for_learner(session: Session, actor: Actor, limit: int = 4) -> list[CourseCardView]:
    """Published courses in the learner's categories they have not joined, most popular first.

    When that gives fewer than ``limit`` (a new learner has no categories yet), the most popular
    other published courses fill the rest, so a new learner still gets a start (two queries at most).
    """
    require_role(actor, LEARNER_AREA)
    limit = max(1, min(limit, 12))
    mine = select(Enrollment.course_id).where(Enrollment.user_id == actor.user_id)
    categories = select(Course.category_id).where(Course.id.in_(mine), Course.category_id.is_not(None))
    popular = (Course.student_count.desc(), Course.rating_avg.desc(), Course.id.desc())
    open_to_me = (Course.status == "published", Course.id.not_in(mine), Course.teacher_id != actor.user_id)
    rows = list(session.exec(card_query().where(*open_to_me, Course.category_id.in_(categories))
                             .order_by(*popular).limit(limit)).all())
    if len(rows) < limit:
        seen = [course.id for course, _, _ in rows]
        rows += session.exec(card_query().where(*open_to_me, Course.id.not_in(seen) if seen else True)
                             .order_by(*popular).limit(limit - len(rows))).all()
    return [course_card(course, teacher, category) for course, teacher, category in rows]
