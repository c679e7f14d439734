"""Bundles' demo data: one bundle of the demo teacher's paid, published courses (idempotent:
skipped when it exists or when the teacher has fewer than two such courses)."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.bundles import services
from lms_app.bundles.models import Bundle
from lms_app.core.courses import Course
from lms_app.core.sessions import Actor
from lms_app.core.users import User

TITLE = "Complete starter bundle"


def ensure_demo_bundle(session: Session) -> int:
    if session.exec(select(Bundle.id).where(Bundle.title == TITLE)).first() is not None:
        return 0
    teacher = session.exec(select(User).where(User.email == "teacher@example.com")).first()
    if teacher is None:
        return 0
    courses = session.exec(select(Course).where(Course.teacher_id == teacher.id, Course.status == "published",
                                                Course.price_minor > 0).order_by(Course.id)).all()
    by_currency: dict[str, list[Course]] = {}
    for course in courses:
        by_currency.setdefault(course.currency, []).append(course)
    picked = max(by_currency.values(), key=len, default=[])[:3]
    if len(picked) < 2:
        return 0
    separate = sum(c.price_minor for c in picked)
    price = max(100, separate * 7 // 10 // 100 * 100 - 1)  # about 30 % off, ending in .99
    actor = Actor(user_id=teacher.id, role="teacher", session_id=0)
    services.save(session, actor, {"title": TITLE, "price": f"{price // 100}.{price % 100:02d}",
                                   "description": "Our most popular courses together, for less than buying "
                                                  "them one by one.",
                                   "owned_policy": "prorate", "courses": [str(c.id) for c in picked]})
    return 1
