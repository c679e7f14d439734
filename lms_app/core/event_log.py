"""The learning-event table: one row per thing that happened to a learner, for analytics.

Services that do the thing write the row in the same transaction (services/events.py), so an
event exists exactly when its effect was committed. Analytics read date ranges of it: every
index starts or ends with ``occurred_at``. Rows are never updated; foreign keys are ``SET
NULL`` so deleting a user or course keeps the platform's history countable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

EVENT_KINDS = ("enrolled", "lesson_started", "lesson_completed", "course_completed", "quiz_submitted",
               "assignment_graded", "certificate_issued", "paid", "refunded")


class LearningEvent(SQLModel, table=True):
    __tablename__ = "learning_events"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in EVENT_KINDS) + ")", name="ck_learning_events_kind"),
        Index("ix_learning_events_occurred", "occurred_at"),
        Index("ix_learning_events_kind_occurred", "kind", "occurred_at"),
        Index("ix_learning_events_course_kind_occurred", "course_id", "kind", "occurred_at"),
        Index("ix_learning_events_user_occurred", "user_id", "occurred_at"),
        # Covering index for the admin analytics (migration 0010): active learners and enrolment
        # counts per course read it index-only.
        Index("ix_learning_events_kind_occurred_user_course", "kind", "occurred_at", "user_id", "course_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(24), nullable=False))
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    user_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    course_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("courses.id", ondelete="SET NULL"), nullable=True))
    # No foreign key: a lesson deleted later still counts in the funnel of its time.
    lesson_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # paid / refunded: minor units and ISO code; quiz_submitted / assignment_graded: score in %.
    amount_minor: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    currency: str | None = Field(default=None, sa_column=Column(String(3), nullable=True))
    score: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
