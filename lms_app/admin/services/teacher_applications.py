"""Becoming a teacher: a learner applies (motivation, links); an admin approves or rejects with a message.

Approval flips the applicant's role to teacher in the same transaction. One pending
application per person (partial unique index); after a rejection the person may apply again.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.admin.models import TeacherApplication
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.core import events
from lms_app.core.sessions import Actor
from lms_app.core.arguments import clean_text, object_id
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, require_role

MOTIVATION_MIN, MOTIVATION_MAX, LINKS_MAX, MESSAGE_MAX = 30, 3000, 1000, 1000
NO_APPLICATION = "That application does not exist."


class MyApplicationView(TypedDict):
    status: str
    motivation: str
    links: str
    message: str
    submitted: str
    decided: str


class ApplicationRowView(TypedDict):
    id: int
    name: str
    email: str
    motivation: str
    links: str
    submitted: str


def _links(raw: object) -> str:
    text = clean_text(raw, "links", "Links", maximum=LINKS_MAX)
    for line in text.split():
        if not line.startswith(("https://", "http://")):
            raise ServiceError("Put one web address per line, each starting with https://", "links")
    return "\n".join(text.split())


def apply(session: Session, actor: Actor, motivation: object, links: object) -> TeacherApplication:
    require_role(actor, LEARNER_AREA)
    if actor.role != "learner":
        raise ServiceError("Your account can already teach.")
    text = clean_text(motivation, "motivation", "Motivation", minimum=MOTIVATION_MIN, maximum=MOTIVATION_MAX)
    row = TeacherApplication(user_id=actor.user_id, motivation=text, links=_links(links))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError("You already have an application waiting for review.") from None
    return row


def mine(session: Session, actor: Actor) -> MyApplicationView | None:
    """The caller's latest application and its outcome, or None (one query)."""
    require_role(actor, LEARNER_AREA)
    row = session.exec(select(TeacherApplication).where(TeacherApplication.user_id == actor.user_id)
                       .order_by(TeacherApplication.created_at.desc(), TeacherApplication.id.desc())).first()
    if row is None:
        return None
    return MyApplicationView(status=row.status, motivation=row.motivation, links=row.links,
                             message=row.decision_message, submitted=row.created_at.strftime("%Y-%m-%d"),
                             decided=row.decided_at.strftime("%Y-%m-%d") if row.decided_at else "")


def pending(session: Session, actor: Actor, limit: int = 100) -> list[ApplicationRowView]:
    """Open applications, oldest first (one query).

    The admin deciding sees each applicant's full e-mail address (not masked as in the user
    list): two applicants with one name must be told apart, and the admin may write to them."""
    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(TeacherApplication, User.name, User.email)
                        .join(User, User.id == TeacherApplication.user_id)
                        .where(TeacherApplication.status == "pending")
                        .order_by(TeacherApplication.created_at, TeacherApplication.id).limit(limit)).all()
    return [ApplicationRowView(id=a.id or 0, name=name, email=email, motivation=a.motivation, links=a.links,
                               submitted=a.created_at.strftime("%Y-%m-%d")) for a, name, email in rows]


def pending_count(session: Session, actor: Actor) -> int:
    require_role(actor, ADMIN_AREA)
    return int(session.exec(select(func.count(TeacherApplication.id))
                            .where(TeacherApplication.status == "pending")).one())


def decide(session: Session, actor: Actor, application_id: object, approve: object, message: object) -> TeacherApplication:
    require_role(actor, ADMIN_AREA)
    app_id = object_id(application_id, NO_APPLICATION)
    if not isinstance(approve, bool):
        raise ServiceError("Choose approve or reject.")
    text = clean_text(message, "message", "The message", maximum=MESSAGE_MAX, minimum=0 if approve else 10)
    status = "approved" if approve else "rejected"
    # Conditional flip: two admins deciding at once decide once.
    flipped = session.execute(update(TeacherApplication)
                              .where(TeacherApplication.id == app_id, TeacherApplication.status == "pending")
                              .values(status=status, decision_message=text, decided_by=actor.user_id,
                                      decided_at=utcnow()).execution_options(synchronize_session=False))
    row = session.get(TeacherApplication, app_id)
    if row is None:
        raise ServiceError(NO_APPLICATION)
    if flipped.rowcount != 1:
        raise ServiceError("This application was already decided (perhaps by another admin).")
    session.refresh(row)
    user = session.get(User, row.user_id)
    if approve and user is not None and user.role == "learner":
        user.role = "teacher"
        user.updated_at = utcnow()
        session.add(user)
    audit.record(session, actor, "application.approve" if approve else "application.reject", "application", row.id,
                 f"{user.name if user else 'deleted user'}" + (f": {text}" if text else ""))
    events.emit(session, "teacher_application_decided", user_id=row.user_id, approved=approve)
    session.flush()
    return row
