"""Quizzes: a quiz lesson's settings, its questions (with the answer key), and learners' attempts.

The answer key (``QuizQuestion.answer_key``) and explanations stay in the database: page states only
ever receive the DTOs at the bottom, built by the services when the quiz settings allow.

An attempt stores a **snapshot** of the questions it drew (order, option order, key, points),
so grading is a pure function of that stored snapshot and the stored answers, whatever the
teacher edits while the attempt runs.

"No attempt beyond the maximum" is a database fact: ``attempt_no`` is unique per (user, quiz)
and a CHECK keeps it ``<= max_attempts``, a copy of the quiz setting stored on the row when the
attempt starts (NULL = unlimited). Two parallel starts compute the same number; one insert loses.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.sql.expression import false
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

QUESTION_KINDS = ("single", "multiple", "true_false", "short", "numeric")
SHOW_ANSWERS = ("never", "after_attempt", "after_pass")
ATTEMPT_STATUSES = ("in_progress", "submitted")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Quiz(SQLModel, table=True):
    """Settings of one quiz lesson (created with the lesson's first question or settings save)."""

    __tablename__ = "quizzes"
    __table_args__ = (
        CheckConstraint("pass_percent >= 0 AND pass_percent <= 100", name="ck_quizzes_pass_percent"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="ck_quizzes_time_limit"),
        CheckConstraint("max_attempts IS NULL OR max_attempts > 0", name="ck_quizzes_max_attempts"),
        CheckConstraint("pool_size IS NULL OR pool_size > 0", name="ck_quizzes_pool_size"),
        CheckConstraint(_in("show_answers", SHOW_ANSWERS), name="ck_quizzes_show_answers"),
    )

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lessons.id", unique=True, ondelete="CASCADE")
    # Denormalised so "which quizzes of this course have no questions" needs no join.
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    pass_percent: int = Field(default=70)
    time_limit_minutes: int | None = Field(default=None)
    max_attempts: int | None = Field(default=None)
    shuffle_questions: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    shuffle_options: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # Draw this many questions per attempt (NULL: all of them).
    pool_size: int | None = Field(default=None)
    show_answers: str = Field(default="after_attempt",
                              sa_column=Column(String(16), nullable=False, server_default="after_attempt"))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class QuizQuestion(SQLModel, table=True):
    __tablename__ = "quiz_questions"
    __table_args__ = (
        Index("ix_quiz_questions_quiz_position", "quiz_id", "position"),
        CheckConstraint(_in("kind", QUESTION_KINDS), name="ck_quiz_questions_kind"),
        CheckConstraint("points > 0 AND points <= 100", name="ck_quiz_questions_points"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quizzes.id", ondelete="CASCADE")
    position: int = Field(default=0)
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    prompt: str = Field(sa_column=Column(Text, nullable=False))
    # Choice questions: the option texts in authoring order (true/false: ["True", "False"]).
    options: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # The answer key, by kind: single/true_false {"choice": i}; multiple {"choices": [i, ...]};
    # short {"accepted": ["..."]}; numeric {"value": x, "tolerance": t}. Never sent to a learner.
    answer_key: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    points: int = Field(default=1)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class QuizAttempt(SQLModel, table=True):
    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "attempt_no", name="uq_quiz_attempts_user_quiz_no"),
        CheckConstraint("attempt_no >= 1", name="ck_quiz_attempts_no_positive"),
        CheckConstraint("max_attempts IS NULL OR attempt_no <= max_attempts", name="ck_quiz_attempts_within_max"),
        CheckConstraint(_in("status", ATTEMPT_STATUSES), name="ck_quiz_attempts_status"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)", name="ck_quiz_attempts_percent"),
        Index("ix_quiz_attempts_quiz_status", "quiz_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quiz_id: int = Field(foreign_key="quizzes.id", ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lessons.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    attempt_no: int
    max_attempts: int | None = Field(default=None)
    status: str = Field(default="in_progress", sa_column=Column(String(16), nullable=False,
                                                                 server_default="in_progress"))
    started_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    deadline_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # The drawn questions as they were when the attempt started (see the module docstring).
    questions: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # {"<question id>": answer} as saved while answering (before the deadline only).
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}"))
    pass_percent: int = Field(default=0)
    score: int | None = Field(default=None)
    max_score: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    percent: int | None = Field(default=None)
    passed: bool | None = Field(default=None)


# --- what may reach the browser ------------------------------------------------------------

class OptionView(TypedDict):
    id: str
    text: str


class AttemptQuestionView(TypedDict):
    """A question while answering: no key, no explanation; the learner's own saved answer."""

    id: str
    number: int
    kind: str
    prompt: str
    points: int
    options: list[OptionView]
    answer: str  # single/true_false: option id; short/numeric: the text typed
    chosen: list[str]  # multiple: option ids


class FeedbackView(TypedDict):
    """A question after grading; ``correct_answer``/``explanation`` only when the settings allow."""

    number: int
    prompt: str
    your_answer: str
    earned: str
    points: int
    correct: bool
    show_key: bool
    correct_answer: str
    explanation: str


class AttemptRowView(TypedDict):
    id: int
    number: int
    when: str
    score: str
    passed: bool
    status: str


class QuizInfoView(TypedDict):
    questions: int
    per_attempt: int
    pass_percent: int
    time_limit: str
    attempts: str
    show_answers: str
