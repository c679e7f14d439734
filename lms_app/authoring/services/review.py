"""The review workflow: submit → pending → published or rejected (with a reason) → resubmit.

Transitions (each writes a CourseStatusChange with who, when and why, in the same
transaction as the status change):

    draft / rejected / archived --submit (owner; complete)--> pending
    pending --withdraw (owner or admin)--> draft
    pending --approve (admin)--> published
    pending --reject (admin, reason required)--> rejected
    draft / rejected / published --archive (owner or any admin)--> archived

The course row is locked (SELECT … FOR UPDATE on PostgreSQL) and its status re-checked, so two
admins clicking at once cannot both move it.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course, CourseStatusChange, Lesson, Module
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.core import events
from lms_app.core import lesson_types
from lms_app.core.sessions import Actor
from lms_app.authoring.services.courses import _course_for
from lms_app.authoring.services.checks import strip_controls
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, require_role

REASON_MIN, REASON_MAX = 10, 2000


class Incomplete(ServiceError):
    """Submission refused: ``missing`` lists what the course still needs."""

    def __init__(self, missing: list[str]):
        super().__init__("The course is not ready for review yet: " + "; ".join(missing) + ".")
        self.missing = missing


def missing_items(session: Session, course: Course) -> list[str]:
    """What a course needs before review (two queries, plus one per lesson type that checks its own)."""
    missing = []
    if len((course.title or "").strip()) < 3:
        missing.append("a title")
    if not (course.description or "").strip():
        missing.append("a description")
    if course.category_id is None:
        missing.append("a category")
    modules = session.exec(select(func.count(Module.id)).where(Module.course_id == course.id)).one()
    if not modules:
        missing.append("at least one module with at least one lesson")
    else:
        lessons = session.exec(select(func.count(Lesson.id)).where(Lesson.course_id == course.id)).one()
        if not lessons:
            missing.append("at least one lesson in a module")
    for kind in lesson_types.all_types():
        if kind.missing is not None:
            missing.extend(kind.missing(session, course.id))
    return missing


def _record(session: Session, course: Course, actor: Actor, to_status: str, reason: str = "") -> None:
    session.add(CourseStatusChange(course_id=course.id, actor_id=actor.user_id, from_status=course.status,
                                   to_status=to_status, reason=reason))
    course.status = to_status
    course.updated_at = utcnow()
    session.add(course)


def _reason(raw: object, *, required: bool) -> str:
    text = strip_controls(raw).strip() if isinstance(raw, str) else ""
    if required and len(text) < REASON_MIN:
        raise ServiceError(f"Explain the reason in at least {REASON_MIN} characters, so the teacher knows what to fix.",
                           "reason")
    if len(text) > REASON_MAX:
        raise ServiceError(f"Keep the reason under {REASON_MAX} characters.", "reason")
    return text


def submit(session: Session, actor: Actor, course_id: object) -> Course:
    course = _course_for(session, actor, course_id, lock=True)
    if course.status == "pending":
        raise ServiceError("This course is already waiting for review.")
    if course.status == "published":
        raise ServiceError("This course is already published.")
    missing = missing_items(session, course)
    if missing:
        raise Incomplete(missing)
    _record(session, course, actor, "pending")
    course.submitted_at = utcnow()
    course.review_note = ""
    session.flush()
    events.emit(session, "course_submitted", course_id=course.id, user_id=course.teacher_id)
    return course


def withdraw(session: Session, actor: Actor, course_id: object) -> Course:
    course = _course_for(session, actor, course_id, lock=True)
    if course.status != "pending":
        raise ServiceError("Only a course waiting for review can be withdrawn.")
    _record(session, course, actor, "draft", "Withdrawn from review")
    course.submitted_at = None
    session.flush()
    return course


def _pending_for_admin(session: Session, actor: Actor, course_id: object) -> Course:
    require_role(actor, ADMIN_AREA)
    course = _course_for(session, actor, course_id, lock=True)
    if course.status != "pending":
        raise ServiceError("This course is no longer waiting for review (someone may have reviewed it already).")
    return course


def approve(session: Session, actor: Actor, course_id: object) -> Course:
    course = _pending_for_admin(session, actor, course_id)
    _record(session, course, actor, "published")
    now = utcnow()
    course.published_at = course.published_at or now
    course.review_note = ""
    audit.record(session, actor, "course.approve", "course", course.id, course.title)
    events.emit(session, "course_approved", course_id=course.id, user_id=course.teacher_id)
    session.flush()
    return course


def reject(session: Session, actor: Actor, course_id: object, reason: object) -> Course:
    require_role(actor, ADMIN_AREA)
    text = _reason(reason, required=True)
    course = _pending_for_admin(session, actor, course_id)
    _record(session, course, actor, "rejected", text)
    course.review_note = text
    audit.record(session, actor, "course.reject", "course", course.id, f"{course.title}: {text}")
    events.emit(session, "course_rejected", course_id=course.id, user_id=course.teacher_id)
    session.flush()
    return course


def archive(session: Session, actor: Actor, course_id: object, reason: object = "") -> Course:
    """Unpublish: the owner archives their own course, an admin any course."""
    course = _course_for(session, actor, course_id, lock=True)
    text = _reason(reason, required=False)
    if course.status == "archived":
        raise ServiceError("This course is already archived.")
    if course.status == "pending":
        raise ServiceError("This course is waiting for review: withdraw it first.")
    _record(session, course, actor, "archived", text)
    audit.record(session, actor, "course.archive", "course", course.id, course.title + (f": {text}" if text else ""))
    session.flush()
    return course


def history(session: Session, actor: Actor, course_id: object) -> list[dict]:
    """Transitions, newest first, with the name of who made them (one query)."""
    course = _course_for(session, actor, course_id)
    rows = session.exec(
        select(CourseStatusChange, User.name).outerjoin(User, User.id == CourseStatusChange.actor_id)
        .where(CourseStatusChange.course_id == course.id)
        .order_by(CourseStatusChange.created_at.desc(), CourseStatusChange.id.desc()).limit(100)
    ).all()
    return [{"from_status": c.from_status, "to_status": c.to_status, "reason": c.reason,
             "who": name or "(deleted account)", "when": c.created_at.strftime("%Y-%m-%d %H:%M UTC")}
            for c, name in rows]


def queue(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    """Pending courses, oldest submission first (one query)."""
    require_role(actor, ADMIN_AREA)
    rows = session.exec(
        select(Course.id, Course.title, Course.submitted_at, User.name)
        .join(User, User.id == Course.teacher_id)
        .where(Course.status == "pending")
        .order_by(Course.submitted_at.asc(), Course.id.asc()).limit(limit)
    ).all()
    return [{"id": cid, "title": title, "teacher_name": teacher,
             "submitted": submitted.strftime("%Y-%m-%d %H:%M UTC") if submitted else ""}
            for cid, title, submitted, teacher in rows]



def published_list(session: Session, actor: Actor, limit: int = 50) -> list[dict]:
    """Published courses, newest first, for the admin's unpublish list (one query)."""
    require_role(actor, ADMIN_AREA)
    rows = session.exec(
        select(Course.id, Course.title, Course.published_at, User.name)
        .join(User, User.id == Course.teacher_id)
        .where(Course.status == "published")
        .order_by(Course.published_at.desc(), Course.id.desc()).limit(limit)
    ).all()
    return [{"id": cid, "title": title, "teacher_name": teacher,
             "submitted": published.strftime("%Y-%m-%d") if published else ""}
            for cid, title, published, teacher in rows]
