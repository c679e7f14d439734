"""Course reviews: one per enrolled learner, the teacher's single reply, admin hiding.

The course's ``rating_avg`` / ``rating_count`` are recomputed from the reviews table in the same
transaction as every change. Each change first locks the course row (``FOR UPDATE`` on
PostgreSQL; SQLite serialises writers anyway), so two learners reviewing at once queue up and
the second recomputation sees the first review: the counters stay consistent.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import func, update
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.learning.models import Review
from lms_app.core.users import User
from lms_app.core import events
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.learning.services import progress
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA, require_role

COMMENT_MAX = 2000
REPLY_MAX = 2000
LIST_LIMIT = 50


class ReviewView(TypedDict):
    id: int
    author: str
    rating: int
    stars: str
    comment: str
    teacher_reply: str
    date: str
    hidden: bool
    mine: bool


def _id(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def _rating(raw: object) -> int:
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 5:
        raise ServiceError("Choose a rating from 1 to 5 stars.", "rating")
    return raw


def _text(raw: object, maximum: int, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ServiceError("That text is not valid.", field)
    text = "".join(ch for ch in raw if ch in "\n\t" or ch.isprintable()).strip()
    if len(text) > maximum:
        raise ServiceError(f"Keep it under {maximum} characters.", field)
    return text


def _locked_course(session: Session, course_id: int) -> Course:
    course = session.exec(select(Course).where(Course.id == course_id).with_for_update()).first()
    if course is None:
        raise ServiceError("That course does not exist.")
    return course


def recompute(session: Session, course_id: int) -> None:
    """rating_avg/rating_count from the visible reviews (call with the course row locked)."""
    count, avg = session.exec(select(func.count(Review.id), func.avg(Review.rating))
                              .where(Review.course_id == course_id, Review.hidden.is_(False))).one()
    session.execute(update(Course).where(Course.id == course_id)
                    .values(rating_count=int(count or 0), rating_avg=round(float(avg or 0), 2))
                    .execution_options(synchronize_session=False))
    course = session.get(Course, course_id)
    if course is not None:
        session.refresh(course)


def save(session: Session, actor: Actor, course_ref: object, rating: object, comment: object) -> Review:
    """Create or edit the actor's own review of a course they are enrolled in."""
    require_role(actor, LEARNER_AREA)
    course_id = _id(course_ref)
    value, text = _rating(rating), _text(comment, COMMENT_MAX, "comment")
    if course_id is None:
        raise ServiceError("That course does not exist.")
    course = _locked_course(session, course_id)
    if course.status not in ("published", "archived") or not progress.is_enrolled(session, actor.user_id, course.id):
        raise PermissionDenied("Only learners enrolled in the course can review it.")
    review = session.exec(select(Review).where(Review.user_id == actor.user_id, Review.course_id == course.id)).first()
    if review is None:
        review = Review(user_id=actor.user_id, course_id=course.id, rating=value, comment=text)
        events.emit(session, "review_posted", user_id=actor.user_id, course_id=course.id, rating=value)
    else:
        review.rating, review.comment, review.updated_at = value, text, utcnow()
    session.add(review)
    session.flush()
    recompute(session, course.id)
    return review


def delete(session: Session, actor: Actor, course_ref: object) -> bool:
    """Delete the actor's own review of the course."""
    require_role(actor, LEARNER_AREA)
    course_id = _id(course_ref)
    if course_id is None:
        return False
    _locked_course(session, course_id)
    review = session.exec(select(Review).where(Review.user_id == actor.user_id, Review.course_id == course_id)).first()
    if review is None:
        return False
    session.delete(review)
    session.flush()
    recompute(session, course_id)
    return True


def reply(session: Session, actor: Actor, review_ref: object, text: object) -> Review:
    """The course's teacher answers a review, once."""
    require_role(actor, TEACHER_AREA)
    review_id = _id(review_ref)
    review = session.exec(select(Review).where(Review.id == review_id).with_for_update()).first() \
        if review_id else None
    course = session.get(Course, review.course_id) if review else None
    if review is None or course is None or course.teacher_id != actor.user_id:
        raise PermissionDenied("Only the course's teacher can reply to its reviews.")
    answer = _text(text, REPLY_MAX, "reply")
    if not answer:
        raise ServiceError("Write a reply first.", "reply")
    if review.teacher_reply:
        raise ServiceError("You have already replied to this review.", "reply")
    review.teacher_reply, review.replied_at = answer, utcnow()
    session.add(review)
    session.flush()
    return review


def set_hidden(session: Session, actor: Actor, review_ref: object, hidden: object) -> Review:
    """Admins hide (or show again) a review; hidden reviews do not count in the rating."""
    require_role(actor, ADMIN_AREA)
    review_id = _id(review_ref)
    review = session.get(Review, review_id) if review_id else None
    if review is None or not isinstance(hidden, bool):
        raise ServiceError("That review does not exist.")
    _locked_course(session, review.course_id)
    review.hidden = hidden
    session.add(review)
    session.flush()
    recompute(session, review.course_id)
    audit.record(session, actor, "review.hide" if hidden else "review.show", "review", review.id,
                 f"course #{review.course_id}, {review.rating} stars")
    return review


def review_view(review: Review, author: str, viewer: Actor | None) -> ReviewView:
    return ReviewView(id=review.id or 0, author=author, rating=review.rating,
                      stars="★" * review.rating + "☆" * (5 - review.rating), comment=review.comment,
                      teacher_reply=review.teacher_reply, date=review.created_at.strftime("%Y-%m-%d"),
                      hidden=review.hidden, mine=viewer is not None and viewer.user_id == review.user_id)


def for_course(session: Session, viewer: Actor | None, course_id: int) -> list[ReviewView]:
    """Newest reviews of a course (one query): hidden ones only for admins."""
    query = select(Review, User.name).join(User, User.id == Review.user_id).where(Review.course_id == course_id)
    if viewer is None or viewer.role != "admin":
        query = query.where(Review.hidden.is_(False))
    rows = session.exec(query.order_by(Review.created_at.desc(), Review.id.desc()).limit(LIST_LIMIT)).all()
    return [review_view(review, name, viewer) for review, name in rows]


def own(session: Session, viewer: Actor | None, course_id: int) -> Review | None:
    if viewer is None:
        return None
    return session.exec(select(Review).where(Review.user_id == viewer.user_id, Review.course_id == course_id)).first()


def course_for_reviews(session: Session, viewer: Actor | None, slug: object) -> Course | None:
    """The course a review list or a review is about, if the viewer may see its page (by slug)."""
    from lms_app.catalog.services.course_page import may_view

    if not isinstance(slug, str) or not 0 < len(slug) <= 120:
        return None
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    return course if course is not None and may_view(course, viewer) else None
