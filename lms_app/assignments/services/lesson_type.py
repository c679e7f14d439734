"""The "assignment" lesson type: instructions are the lesson body; the rest is set up at
``/teach/lessons/<id>/assignment`` (``services/setup.py``). Registered by ``lms_app.assignments.plugin``."""

from __future__ import annotations

from lms_app.assignments.services import setup as assignment_setup
from lms_app.core.lesson_types import LessonType, clean_body


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _player():
    from lms_app.assignments.pages.player import assignment_panel

    return assignment_panel()


ASSIGNMENT = LessonType(
    assignment_setup.KEY, "Assignment", "clipboard-check", ("body",), _validate, graded=True,
    editor_label="Set up the assignment", missing=assignment_setup.missing, player=_player, shows_body=False,
    help="Write the instructions in Markdown; set the due date, grading and rubric on the assignment page.",
)
