"""The admins' list of learner reviews (newest first, keyset pages), for hiding and showing again.

Hiding itself is ``reviews.set_hidden`` (one rule: the rating is recomputed there).
"""

from __future__ import annotations

from typing import TypedDict

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.learning.models import Review
from lms_app.core.users import User
from lms_app.core.sessions import Actor
from lms_app.core.permissions import ADMIN_AREA, require_role

PAGE_SIZE = 25


class ModerationRow(TypedDict):
    id: int
    author: str
    course_title: str
    course_slug: str
    rating: int
    stars: str
    comment: str
    date: str
    hidden: bool


def _before(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def page(session: Session, actor: Actor, hidden_only: object = False, before: object = None
         ) -> tuple[list[ModerationRow], int]:
    """One page of reviews, newest first (one query); returns (rows, id to continue before or 0)."""
    require_role(actor, ADMIN_AREA)
    query = (select(Review, User.name, Course.title, Course.slug)
             .join(User, User.id == Review.user_id).join(Course, Course.id == Review.course_id))
    if hidden_only is True:
        query = query.where(Review.hidden.is_(True))
    if (cursor := _before(before)) is not None:
        query = query.where(Review.id < cursor)
    found = session.exec(query.order_by(Review.id.desc()).limit(PAGE_SIZE + 1)).all()
    rows = [ModerationRow(id=r.id, author=name, course_title=title, course_slug=slug, rating=r.rating,
                          stars="★" * r.rating + "☆" * (5 - r.rating), comment=r.comment,
                          date=r.created_at.strftime("%Y-%m-%d"), hidden=r.hidden)
            for r, name, title, slug in found[:PAGE_SIZE]]
    more = len(found) > PAGE_SIZE
    return rows, (rows[-1]["id"] if more and rows else 0)
