"""Admin user management: search and filter, activate/deactivate, change role, see a user's activity.

Deactivating sets ``users.is_active = false`` and revokes every live session in the same
transaction. ``sessions.resolve_session`` already refuses inactive users, so the very next
event of any open tab of that person is refused too (the guard resolves the cookie per event).
An admin cannot deactivate or demote themselves (no locking the platform out by accident).
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func, or_
from sqlmodel import Session, select

from lms_app.core.users import ROLES, User
from lms_app.core.courses import Course, Enrollment
from lms_app.commerce.models import Order
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.core import sessions
from lms_app.core.sessions import Actor
from lms_app.core.arguments import object_id, page_number, search_text
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, require_role

PAGE_SIZE = 20
STATUSES = ("active", "inactive")
NO_USER = "That account does not exist."


class UserRowView(TypedDict):
    id: int
    name: str
    email: str
    role: str
    active: bool
    joined: str


class UserEnrollmentView(TypedDict):
    course: str
    since: str


class UserOrderView(TypedDict):
    id: int
    course: str
    amount: str
    status: str
    when: str


def _filtered(q: object, role: object, status: object):
    query = select(User)
    text = search_text(q)
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if isinstance(role, str) and role in ROLES:
        query = query.where(User.role == role)
    if status == "active":
        query = query.where(User.is_active.is_(True))
    elif status == "inactive":
        query = query.where(User.is_active.is_(False))
    return query


def mask_email(email: str) -> str:
    """'grace@navy.test' -> 'gr***@navy.test': enough to tell accounts apart in a list.

    Lists (sent to the browser on every page load) carry masked addresses; the full address is
    sent only when an admin opens one account's details.
    """
    local, _, domain = email.partition("@")
    return f"{local[:2]}***@{domain}"


def row_view(user: User, full_email: bool = False) -> UserRowView:
    return UserRowView(id=user.id or 0, name=user.name, email=user.email if full_email else mask_email(user.email), role=user.role, active=bool(user.is_active),
                       joined=user.created_at.strftime("%Y-%m-%d"))


def search(session: Session, actor: Actor, q: object = "", role: object = "", status: object = "",
           page: object = 1) -> dict:
    """One page of accounts (newest first) and the total: two queries."""
    require_role(actor, ADMIN_AREA)
    number = page_number(page)
    query = _filtered(q, role, status)
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    rows = session.exec(query.order_by(User.created_at.desc(), User.id.desc())
                        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"rows": [row_view(u) for u in rows], "total": total, "page": number,
            "pages": max(1, -(-total // PAGE_SIZE))}


def _target(session: Session, actor: Actor, user_id: object) -> User:
    require_role(actor, ADMIN_AREA)
    user = session.get(User, object_id(user_id, NO_USER))
    if user is None:
        raise ServiceError(NO_USER)
    return user


def set_active(session: Session, actor: Actor, user_id: object, active: object) -> User:
    user = _target(session, actor, user_id)
    if not isinstance(active, bool):
        raise ServiceError("Choose whether the account is active.")
    if user.id == actor.user_id and not active:
        raise ServiceError("You cannot deactivate your own account.")
    if user.erased_at is not None:
        raise ServiceError("This account was deleted: it cannot be reactivated.")
    if user.is_active == active:
        return user
    user.is_active = active
    user.updated_at = utcnow()
    session.add(user)
    ended = 0
    if not active:
        ended = sessions.revoke_user_sessions(session, user.id, reason="deactivated")
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id,
                 f"{user.name} <{user.email}>" + (f"; {ended} session(s) ended" if ended else ""))
    session.flush()
    return user


def set_role(session: Session, actor: Actor, user_id: object, role: object) -> User:
    user = _target(session, actor, user_id)
    if not isinstance(role, str) or role not in ROLES:
        raise ServiceError("Choose a role: learner, teacher or admin.", "role")
    if user.id == actor.user_id and role != "admin":
        raise ServiceError("You cannot remove your own admin role; ask another admin.")
    if user.role == role:
        return user
    if user.role == "teacher" and role == "learner":
        owned = session.exec(select(func.count(Course.id)).where(Course.teacher_id == user.id)).one()
        if owned:
            raise ServiceError(f"This teacher owns {owned} course(s); they must stay a teacher (or admin).", "role")
    before = user.role
    user.role = role
    user.updated_at = utcnow()
    session.add(user)
    audit.record(session, actor, "user.role", "user", user.id, f"{user.name}: {before} -> {role}")
    session.flush()
    return user


def detail(session: Session, actor: Actor, user_id: object, limit: int = 50) -> dict:
    """The account with its enrolments and orders (three queries)."""
    user = _target(session, actor, user_id)
    enrolled = session.exec(select(Course.title, Enrollment.created_at).join(Course, Course.id == Enrollment.course_id)
                            .where(Enrollment.user_id == user.id).order_by(Enrollment.created_at.desc()).limit(limit)).all()
    orders = session.exec(select(Order).where(Order.user_id == user.id)
                          .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)).all()
    return {
        "user": row_view(user, full_email=True),
        "enrollments": [UserEnrollmentView(course=title, since=at.strftime("%Y-%m-%d")) for title, at in enrolled],
        "orders": [UserOrderView(id=o.id or 0, course=o.course_title, amount=format_amount(o.amount_minor, o.currency),
                                 status=o.status, when=o.created_at.strftime("%Y-%m-%d")) for o in orders],
    }
