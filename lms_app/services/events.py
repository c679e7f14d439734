"""Writing learning events (models/events.py): the one function every service calls.

``record`` only adds the row to the caller's session; it is committed (or rolled back) with
the change it describes, so analytics never count an enrolment that did not happen.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from lms_app.models.events import EVENT_KINDS, LearningEvent
from lms_app.models.types import utcnow


def record(session: Session, kind: str, *, user_id: int | None = None, course_id: int | None = None,
           lesson_id: int | None = None, amount_minor: int | None = None, currency: str | None = None,
           score: int | None = None, at: datetime | None = None) -> LearningEvent:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown learning event {kind!r}")
    event = LearningEvent(kind=kind, user_id=user_id, course_id=course_id, lesson_id=lesson_id,
                          amount_minor=amount_minor, currency=currency, score=score, occurred_at=at or utcnow())
    session.add(event)
    return event
