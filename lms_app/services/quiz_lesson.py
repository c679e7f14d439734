"""Registers the quiz lesson type: its body is an optional introduction, its questions are built
at ``/teach/lessons/<id>/quiz``, and it completes when the learner passes (graded)."""

from __future__ import annotations

from lms_app.services.lesson_types import LessonType, clean_body, register


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _missing(session, course_id: int) -> list[str]:
    # Imported here: this module is loaded while lesson_types itself is still being imported.
    from lms_app.services.quiz_authoring import missing

    return missing(session, course_id)


QUIZ = register(LessonType(
    "quiz", "Quiz", "list-checks", ("body",), _validate, graded=True, editor_label="Build the quiz",
    help="Write an optional introduction here; add the questions and settings in the quiz builder.",
    missing=_missing,
))
