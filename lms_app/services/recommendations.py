"""A few course suggestions for a learner: published courses in the categories they study."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.models import Course, Enrollment
from lms_app.models.views import CourseCardView
from lms_app.services.accounts import Actor
from lms_app.services.catalog import card_query
from lms_app.services.permissions import LEARNER_AREA, require_role
from lms_app.services.views import course_card


def for_learner(session: Session, actor: Actor, limit: int = 4) -> list[CourseCardView]:
    """Published courses in the learner's categories they have not joined, most popular first (one query).

    A learner with no enrolment gets nothing here: the dashboard points them to the catalog instead.
    """
    require_role(actor, LEARNER_AREA)
    mine = select(Enrollment.course_id).where(Enrollment.user_id == actor.user_id)
    categories = select(Course.category_id).where(Course.id.in_(mine), Course.category_id.is_not(None))
    rows = session.exec(
        card_query().where(Course.status == "published", Course.category_id.in_(categories),
                           Course.id.not_in(mine), Course.teacher_id != actor.user_id)
        .order_by(Course.student_count.desc(), Course.rating_avg.desc(), Course.id.desc()).limit(max(1, min(limit, 12)))
    ).all()
    return [course_card(course, teacher, category) for course, teacher, category in rows]
