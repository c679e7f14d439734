"""The audit log: every admin action (who, what, target, when), searchable by admins.

``record`` adds the row to the caller's transaction, so an entry exists exactly when the
action was committed. Actions by non-admins (a teacher switching off their own coupon,
archiving their own course) are not admin actions and are not logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import func, or_
from sqlmodel import Session, select

from lms_app.core.audit_log import AuditEntry
from lms_app.core.users import User
from lms_app.core.sessions import Actor
from lms_app.core.arguments import page_number, search_text
from lms_app.core.permissions import ADMIN_AREA, require_role

PAGE_SIZE = 25

ACTION_LABELS = {
    "user.activate": "Activated account",
    "user.deactivate": "Deactivated account",
    "user.role": "Changed role",
    "application.approve": "Approved teacher application",
    "application.reject": "Rejected teacher application",
    "category.create": "Created category",
    "category.update": "Edited category",
    "category.move": "Reordered categories",
    "category.delete": "Deleted category",
    "course.approve": "Approved course",
    "course.reject": "Rejected course",
    "course.archive": "Unpublished course",
    "order.refund": "Refunded order",
    "coupon.create": "Created coupon",
    "coupon.activate": "Activated coupon",
    "coupon.deactivate": "Deactivated coupon",
    "review.hide": "Hid review",
    "review.show": "Showed review",
    "user.mfa_reset": "Reset two-factor sign-in",
    "user.export": "Exported personal data",
    "user.erase": "Deleted account (personal data erased)",
    "plan.create": "Created subscription plan",
    "live.booking.cancel": "Cancelled live booking",
    "certificate.issue": "Issued certificate",
    "certificate.revoke": "Revoked certificate",
    "certificate.reissue": "Reissued certificate",
}


class AuditView(TypedDict):
    id: int
    when: str
    actor: str
    action: str
    target: str
    summary: str


def record(session: Session, actor: Actor, action: str, target_type: str, target_id: int | None,
           summary: str = "") -> AuditEntry | None:
    """Log an admin action in the caller's transaction (no-op for non-admin actors)."""
    if actor is None or actor.role != "admin":
        return None
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    name = session.exec(select(User.name).where(User.id == actor.user_id)).first() or f"User {actor.user_id}"
    entry = AuditEntry(actor_id=actor.user_id, actor_name=name, action=action, target_type=target_type,
                       target_id=target_id, summary=" ".join(str(summary).split())[:300])
    session.add(entry)
    return entry


def _query(q: object, action: object):
    query = select(AuditEntry)
    text = search_text(q)
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(AuditEntry.actor_name).like(like), func.lower(AuditEntry.summary).like(like),
                                func.lower(AuditEntry.target_type).like(like)))
    if isinstance(action, str) and action in ACTION_LABELS:
        query = query.where(AuditEntry.action == action)
    return query


def _view(entry: AuditEntry) -> AuditView:
    target = entry.target_type + (f" #{entry.target_id}" if entry.target_id is not None else "")
    return AuditView(id=entry.id or 0, when=_when(entry.created_at), actor=entry.actor_name,
                     action=ACTION_LABELS.get(entry.action, entry.action), target=target, summary=entry.summary)


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def search(session: Session, actor: Actor, q: object = "", action: object = "", page: object = 1) -> dict:
    """One page of entries, newest first, plus the total (two queries)."""
    require_role(actor, ADMIN_AREA)
    number = page_number(page)
    query = _query(q, action)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"rows": [_view(r) for r in rows], "total": int(total), "page": number,
            "pages": max(1, -(-int(total) // PAGE_SIZE))}


def export_rows(session: Session, actor: Actor, q: object = "", action: object = "", limit: int = 10000) -> list[list]:
    require_role(actor, ADMIN_AREA)
    rows = session.exec(_query(q, action).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)).all()
    return [[v["when"], v["actor"], v["action"], v["target"], v["summary"]] for v in map(_view, rows)]


EXPORT_HEADERS = ["When", "Who", "Action", "Target", "Details"]


def cursor_page(session: Session, actor: Actor, q: object = "", action: object = "", before: object = None,
                limit: object = PAGE_SIZE) -> dict:
    """Entries newest first after a cursor (the last id of the previous page), for the API: the
    same filters as ``search``; ``next`` is the cursor of the following page (0: none). One query."""
    require_role(actor, ADMIN_AREA)
    size = limit if isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= 100 else PAGE_SIZE
    query = _query(q, action)
    if isinstance(before, int) and not isinstance(before, bool) and before > 0:
        query = query.where(AuditEntry.id < before)
    rows = session.exec(query.order_by(AuditEntry.id.desc()).limit(size + 1)).all()
    views = [_view(r) for r in rows[:size]]
    return {"rows": views, "next": views[-1]["id"] if len(rows) > size else 0}
