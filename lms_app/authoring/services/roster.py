"""Who is enrolled in a course: for its teacher (and admins), one page at a time (two queries)."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.authoring.services.courses import owned_course
from lms_app.core.arguments import page_number
from lms_app.core.courses import Enrollment
from lms_app.core.sessions import Actor
from lms_app.core.users import User

PAGE_SIZE = 50


class RosterRowView(TypedDict):
    name: str
    enrolled_on: str


def enrollments(session: Session, actor: Actor, course_id: object, page: object = 1) -> dict:
    """``{"rows", "total", "page", "pages"}``; PermissionDenied unless the actor owns the course."""
    course = owned_course(session, actor, course_id)
    number = page_number(page)
    total = int(session.exec(select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)).one())
    rows = session.exec(select(User.name, Enrollment.created_at).join(User, User.id == Enrollment.user_id)
                        .where(Enrollment.course_id == course.id)
                        .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
                        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"rows": [RosterRowView(name=name, enrolled_on=when.strftime("%Y-%m-%d")) for name, when in rows],
            "total": total, "page": number, "pages": max(1, -(-total // PAGE_SIZE))}
