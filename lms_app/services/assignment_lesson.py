"""Registers the "assignment" lesson type (instructions are the lesson body; the rest is set up
at /teach/lessons/<id>/assignment, services/assignment_setup.py)."""

from __future__ import annotations

from lms_app.services import assignment_setup
from lms_app.services.lesson_types import LessonType, clean_body, register


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


ASSIGNMENT = register(LessonType(
    assignment_setup.KEY, "Assignment", "clipboard-check", ("body",), _validate, graded=True,
    editor_label="Set up the assignment", missing=assignment_setup.missing,
    help="Write the instructions in Markdown; set the due date, grading and rubric on the assignment page.",
))
