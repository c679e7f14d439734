"""The demo assignment: one teacher-graded assignment with a rubric, so the demo shows the
submission → grading queue → grade journey (learner@example.com is enrolled in the course).

Idempotent like the rest of the seed: found by course slug, lesson title and type, and only
created when missing (a teacher's later edits to it are left alone).
"""

from __future__ import annotations

from sqlmodel import Session

from lms_app.assignments.models import AssignmentSettings, RubricCriterion
from lms_app.demo import lessons as demo_lessons
from lms_app.core.course_fields import recount_duration

COURSE_SLUG = "web-apps-in-pure-python"
LESSON_TITLE = "Project: a form that saves"
INSTRUCTIONS = (
    "Build a one-page app with a form that validates its input and saves it to a database.\n\n"
    "Submit a short write-up (what you built, one thing that surprised you) and attach a screenshot "
    "(PNG or JPEG) or a ZIP of your code. You need **60 %** to pass."
)
RUBRIC = [
    ("It works", "The form saves valid input and refuses invalid input.",
     [("Fully", 4), ("Partly", 2), ("Not yet", 0)]),
    ("Validation messages", "Errors say what went wrong and how to fix it.",
     [("Clear", 3), ("Some", 1), ("None", 0)]),
    ("Write-up", "Explains the design and one lesson learnt.",
     [("Insightful", 3), ("Brief", 1), ("Missing", 0)]),
]


def ensure_demo_assignment(session: Session) -> int:
    """Create the demo assignment lesson if it is missing; returns 1 when it was created."""
    lesson = demo_lessons.add_once(session, COURSE_SLUG, LESSON_TITLE, "assignment", 45, INSTRUCTIONS)
    if lesson is None:
        return 0
    session.add(AssignmentSettings(lesson_id=lesson.id, grading_mode="teacher", pass_percent=60))
    for i, (title, description, levels) in enumerate(RUBRIC):
        session.add(RubricCriterion(lesson_id=lesson.id, position=i, title=title, description=description,
                                    levels=[{"label": label, "points": points} for label, points in levels]))
    session.flush()
    recount_duration(session, lesson.course_id)
    return 1
