"""DTOs of assignments that may reach the browser (flat, only what a page shows).

What a peer reviewer receives (``ReviewTaskView``, ``FileView``) never holds the author's name,
email or user id: submissions are labelled "Submission 1", "Submission 2"... and files
"File 1.pdf".
"""

from __future__ import annotations

from typing import TypedDict


class LevelView(TypedDict):
    index: str  # position of the level in its criterion, as a string (radio value)
    label: str
    points: int


class CriterionView(TypedDict):
    id: int
    title: str
    description: str
    levels: list[LevelView]
    max_points: int
    levels_label: str  # "Excellent 4 · Good 2 · Missing 0"


class AssignmentSettingsView(TypedDict):
    due_local: str  # "2026-12-01T17:00" in the viewer's time zone ("" without a due date)
    due_label: str  # "1 Dec 2026, 17:00 (Europe/Paris)"
    grading_mode: str
    reviews_required: int
    peer_days: int
    pass_percent: int
    timezone: str


class FileView(TypedDict):
    id: int
    name: str
    size_label: str
    url: str


class ScoreView(TypedDict):
    title: str
    points: str
    max: str


class ReviewFeedbackView(TypedDict):
    label: str  # "Reviewer 1" / "Teacher"
    text: str


class MySubmissionView(TypedDict):
    exists: bool
    status: str  # "" | peer_review | awaiting_teacher | graded
    status_label: str
    text: str
    submitted_label: str
    late: bool
    can_change: bool
    reviews_done: int
    reviews_required: int
    graded: bool
    passed: bool
    percent: int
    points_label: str  # "7 / 10"
    breakdown: list[ScoreView]
    feedback: list[ReviewFeedbackView]


class ReviewTaskView(TypedDict):
    id: int
    label: str  # "Submission 1"
    text: str
    files: list[FileView]
    done: bool
    open: bool  # still needed (the submission is waiting for peer reviews)
    feedback: str


class QueueRow(TypedDict):
    id: int
    learner: str
    course_title: str
    lesson_title: str
    submitted_label: str
    reason: str  # "Teacher grading" | "Not enough peer reviews"
    late: bool


class GradingView(TypedDict):
    id: int
    learner: str
    course_title: str
    lesson_title: str
    submitted_label: str
    text: str
    files: list[FileView]
    peer_notes: list[ReviewFeedbackView]
    pass_percent: int
