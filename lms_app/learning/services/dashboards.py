"""Data for the signed-in home pages of each role (a fixed, small number of queries each)."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment
from lms_app.core.users import User
from lms_app.core.views import CourseCardView
from lms_app.core.sessions import Actor
from lms_app.learning.services import progress
from lms_app.catalog.services.queries import card_query
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.view_builders import course_card


class CountView(TypedDict):
    label: str
    value: int


class LearningView(TypedDict):
    """One enrolled course on the learner's dashboard, with progress and where "Continue" leads."""

    course: CourseCardView
    percent: int
    done: int
    total: int
    continue_href: str


class RecentUserView(TypedDict):
    name: str
    role: str
    joined: str


def learner_courses(session: Session, actor: Actor) -> list[CourseCardView]:
    """The actor's own enrollments that count (a plan's course only while a plan grants it),
    newest first (one query; three when the learner has courses through a plan)."""
    from lms_app.learning.services import enrollment

    require_role(actor, LEARNER_AREA)
    rows = session.exec(
        card_query().add_columns(Enrollment.source).join(Enrollment, Enrollment.course_id == Course.id)
        .where(Enrollment.user_id == actor.user_id)
        .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
        .limit(100)
    ).all()
    keep = enrollment.counting_ids(session, actor.user_id, [(course.id, source) for course, _, _, source in rows])
    return [course_card(course, teacher, category) for course, teacher, category, _ in rows if course.id in keep]


def learner_learning(session: Session, actor: Actor) -> dict[str, list[LearningView]]:
    """The actor's enrolments split into in progress and completed, each with its progress (five queries)."""
    cards = learner_courses(session, actor)
    ids = [c["id"] for c in cards]
    summary = progress.summaries(session, actor.user_id, ids)
    first = progress.first_lessons(session, ids)
    out: dict[str, list[LearningView]] = {"in_progress": [], "completed": []}
    for card in cards:
        s = summary[card["id"]]
        lesson_id = s["last_lesson_id"] or first.get(card["id"], 0)
        href = f"/learn/{card['slug']}/{lesson_id}" if lesson_id else f"/courses/{card['slug']}"
        row = LearningView(course=card, percent=s["percent"], done=s["done"], total=s["total"], continue_href=href)
        out["completed" if s["total"] and s["done"] >= s["total"] else "in_progress"].append(row)
    return out


def teacher_courses(session: Session, actor: Actor) -> list[CourseCardView]:
    """Courses the actor teaches, any status (one query)."""
    require_role(actor, TEACHER_AREA)
    rows = session.exec(
        card_query().where(Course.teacher_id == actor.user_id).order_by(Course.updated_at.desc(), Course.id.desc())
        .limit(200)
    ).all()
    return [course_card(course, teacher, category) for course, teacher, category in rows]


def admin_overview(session: Session, actor: Actor) -> dict[str, list]:
    """Platform counts and the newest accounts (four queries)."""
    require_role(actor, ADMIN_AREA)
    by_role = dict(session.exec(select(User.role, func.count(User.id)).group_by(User.role)).all())
    by_status = dict(session.exec(select(Course.status, func.count(Course.id)).group_by(Course.status)).all())
    enrollments = session.exec(select(func.count(Enrollment.id))).one()
    recent = session.exec(select(User.name, User.role, User.created_at).order_by(User.created_at.desc(), User.id.desc()).limit(8)).all()
    return {
        "users": [CountView(label=f"{role.title()}s", value=by_role.get(role, 0)) for role in ("learner", "teacher", "admin")],
        "courses": [CountView(label=status.title(), value=by_status.get(status, 0))
                    for status in ("published", "pending", "draft", "rejected", "archived")],
        "totals": [CountView(label="Enrollments", value=int(enrollments))],
        "recent": [RecentUserView(name=name, role=role, joined=created.strftime("%Y-%m-%d")) for name, role, created in recent],
    }
