"""The plugin's one table: a learner's answer to "Was this lesson clear?" for one lesson.

One row per learner and lesson (``uq_lesson_feedback_user_lesson``): answering again updates the
row, and two answers sent at once cannot create two rows. Rows go with their lesson or user
(``ON DELETE CASCADE``). Its migration is ``migrations/`` (the ``lesson_feedback`` Alembic branch).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class LessonFeedback(SQLModel, table=True):
    __tablename__ = "lesson_feedback"
    __table_args__ = (
        # Also the index for "this learner's answer" and for deleting a user's rows.
        UniqueConstraint("user_id", "lesson_id", name="uq_lesson_feedback_user_lesson"),
        # The teachers' report counts yes/no per lesson from this index alone.
        Index("ix_lesson_feedback_lesson_clear", "lesson_id", "clear"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    # True: "Yes, it was clear"; False: "No".
    clear: bool = Field(sa_column=Column(Boolean, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
