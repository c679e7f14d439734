"""Assignments: settings and rubric per lesson, learners' submissions, files and peer reviews.

- ``assignment_settings``: one row per assignment lesson (due date, grading mode, peer settings,
  pass mark). Instructions are the lesson's body.
- ``rubric_criteria``: ordered criteria of a lesson; ``levels`` is a list of
  ``{"label": str, "points": int}`` checked by services/assignment_setup.py.
- ``submissions``: one per (lesson, learner), unique, so a double submit cannot make two. Status
  ``peer_review`` → (``awaiting_teacher``) → ``graded``; the final grade and its per-criterion
  breakdown are copied onto the row when it becomes final, so later rubric edits never change
  a grade already given.
- ``submission_files``: stored privately under random names (media/submissions).
- ``peer_reviews``: one row per (submission, reviewer) assignment; the database refuses a
  learner reviewing their own work (CHECK reviewer_id <> author_id) and a second assignment of
  the same pair (unique).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

GRADING_MODES = ("teacher", "peer")
SUBMISSION_STATUSES = ("peer_review", "awaiting_teacher", "graded")


class AssignmentSettings(SQLModel, table=True):
    __tablename__ = "assignment_settings"
    __table_args__ = (
        CheckConstraint("grading_mode IN ('teacher', 'peer')", name="ck_assignment_settings_mode"),
        CheckConstraint("reviews_required BETWEEN 1 AND 5", name="ck_assignment_settings_reviews"),
        CheckConstraint("peer_days BETWEEN 1 AND 60", name="ck_assignment_settings_peer_days"),
        CheckConstraint("pass_percent BETWEEN 0 AND 100", name="ck_assignment_settings_pass"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", unique=True, ondelete="CASCADE")
    due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    grading_mode: str = Field(default="teacher", sa_column=Column(String(16), nullable=False,
                                                                   server_default="teacher"))
    reviews_required: int = Field(default=2, sa_column=Column(Integer, nullable=False, server_default="2"))
    # Peer cut-off: a submission without enough completed reviews this many days after it was
    # made goes to the teacher's grading queue.
    peer_days: int = Field(default=7, sa_column=Column(Integer, nullable=False, server_default="7"))
    pass_percent: int = Field(default=50, sa_column=Column(Integer, nullable=False, server_default="50"))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class RubricCriterion(SQLModel, table=True):
    __tablename__ = "rubric_criteria"
    __table_args__ = (Index("ix_rubric_criteria_lesson_position", "lesson_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", ondelete="CASCADE")
    position: int = Field(default=0)
    title: str = Field(sa_column=Column(String(160), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    levels: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))


class Submission(SQLModel, table=True):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("lesson_id", "user_id", name="uq_submissions_lesson_user"),
        CheckConstraint("status IN ('peer_review', 'awaiting_teacher', 'graded')", name="ck_submissions_status"),
        CheckConstraint("percent IS NULL OR percent BETWEEN 0 AND 100", name="ck_submissions_percent"),
        # The teacher's queue: awaiting submissions of a course, oldest first.
        Index("ix_submissions_status_course_submitted", "status", "course_id", "submitted_at"),
        Index("ix_submissions_lesson_status", "lesson_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(sa_column=Column(String(20), nullable=False))
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Peer mode: when the cut-off passes without enough reviews, the teacher grades it.
    peer_deadline_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The final grade (set once, when status becomes 'graded').
    points: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    max_points: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    percent: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    passed: bool | None = Field(default=None)
    # [{"title", "points", "max"}] at grading time; feedback is the teacher's, or the reviewers'.
    breakdown: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    feedback: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    graded_by: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))  # teacher | peer
    grader_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    graded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class SubmissionFile(SQLModel, table=True):
    __tablename__ = "submission_files"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", index=True, ondelete="CASCADE")
    file_key: str = Field(sa_column=Column(String(80), nullable=False))
    file_name: str = Field(sa_column=Column(String(255), nullable=False))
    file_size: int = Field(default=0)
    file_mime: str = Field(sa_column=Column(String(100), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PeerReview(SQLModel, table=True):
    __tablename__ = "peer_reviews"
    __table_args__ = (
        UniqueConstraint("submission_id", "reviewer_id", name="uq_peer_reviews_submission_reviewer"),
        CheckConstraint("reviewer_id <> author_id", name="ck_peer_reviews_not_own"),
        Index("ix_peer_reviews_reviewer_lesson", "reviewer_id", "lesson_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lessons.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    # Denormalised from the submission so the database itself can refuse a self-review.
    author_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    assigned_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # {criterion_id (str): points}
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    feedback: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
