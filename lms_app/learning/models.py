"""Learning progress (one row per learner and lesson once opened) and course reviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.sql.expression import false
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class LessonProgress(SQLModel, table=True):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),
        Index("ix_lesson_progress_user_course_seen", "user_id", "course_id", "last_seen_at"),
        CheckConstraint("video_position_seconds >= 0", name="ck_lesson_progress_position_nonnegative"),
        CheckConstraint("seconds_spent >= 0", name="ck_lesson_progress_spent_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    # Denormalised (lessons.course_id) so per-course progress needs no join.
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lessons.id", index=True, ondelete="CASCADE")
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    video_position_seconds: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    seconds_spent: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Seconds of the video the server believes were watched: each position save credits at most
    # the wall-clock time since the previous save (× the fastest playback speed), so seeking ahead
    # does not count (completion rules, ``services/completion.py``).
    watched_seconds: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    position_saved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Review(SQLModel, table=True):
    """One review per learner per course; the course's rating_avg/rating_count follow it."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", name="uq_reviews_user_course"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating_range"),
        Index("ix_reviews_course_created", "course_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE")
    rating: int
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    teacher_reply: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    replied_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Hidden by an admin: not shown and not counted in the course's rating.
    hidden: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CompletionRule(SQLModel, table=True):
    """How lessons of a course complete (teacher setting; no row: learners mark lessons complete).

    ``video_rule`` "watch": a video completes only when ``video_percent`` % of it was watched (as
    measured by the server); "manual": the learner may also mark it complete. ``reading_rule``
    "time": text and PDF lessons can be marked complete only after ``reading_seconds`` on the
    page (server-counted visible-tab heartbeats); "manual": at once.
    """

    __tablename__ = "course_completion_rules"
    __table_args__ = (
        CheckConstraint("video_rule IN ('watch', 'manual')", name="ck_completion_rules_video_rule"),
        CheckConstraint("reading_rule IN ('time', 'manual')", name="ck_completion_rules_reading_rule"),
        CheckConstraint("video_percent BETWEEN 50 AND 100", name="ck_completion_rules_video_percent"),
        CheckConstraint("reading_seconds BETWEEN 10 AND 3600", name="ck_completion_rules_reading_seconds"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id", unique=True, ondelete="CASCADE")
    video_rule: str = Field(default="watch", sa_column=Column(String(16), nullable=False, server_default="watch"))
    video_percent: int = Field(default=90, sa_column=Column(Integer, nullable=False, server_default="90"))
    reading_rule: str = Field(default="manual", sa_column=Column(String(16), nullable=False, server_default="manual"))
    reading_seconds: int = Field(default=60, sa_column=Column(Integer, nullable=False, server_default="60"))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
