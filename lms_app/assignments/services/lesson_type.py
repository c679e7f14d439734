"""The "assignment" lesson type: instructions are the lesson body; the rest is set up at
``/teach/lessons/<id>/assignment`` (``services/setup.py``). Registered by ``lms_app.assignments.plugin``."""

from __future__ import annotations

from lms_app.assignments.services import setup as assignment_setup
from lms_app.core.lesson_types import LessonType, clean_body


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _review(session, lesson_ids: list[int]) -> dict[int, str]:
    from lms_app.assignments.services.review import review_markdown

    return review_markdown(session, lesson_ids)


def _player():
    from lms_app.assignments.pages.player import assignment_panel

    return assignment_panel()


ASSIGNMENT = LessonType(
    assignment_setup.KEY, "Assignment", "clipboard-check", ("body",), _validate, graded=True,
    editor_label="Set up the assignment", missing=assignment_setup.missing, player=_player, shows_body=False,
    review=_review,
    help="Write the instructions in Markdown; set the due date, grading and rubric on the assignment page.",
)
