"""The quiz lesson type: its body is an optional introduction, its questions are built at
``/teach/lessons/<id>/quiz``, and it completes when the learner passes (graded).
Registered by ``lms_app.quizzes.plugin``."""

from __future__ import annotations

from lms_app.core.lesson_types import LessonType, clean_body


def _validate(fields: dict) -> dict:
    body, changed = clean_body(fields.get("body"))
    return {"body": body, "_neutralised": changed}


def _missing(session, course_id: int) -> list[str]:
    from lms_app.quizzes.services.authoring import missing

    return missing(session, course_id)


def _review(session, lesson_ids: list[int]) -> dict[int, str]:
    from lms_app.quizzes.services.review import review_markdown

    return review_markdown(session, lesson_ids)


def _player():
    from lms_app.quizzes.pages.player import quiz_panel

    return quiz_panel()


QUIZ = LessonType(
    "quiz", "Quiz", "list-checks", ("body",), _validate, graded=True, editor_label="Build the quiz",
    help="Write an optional introduction here; add the questions and settings in the quiz builder.",
    missing=_missing, player=_player, shows_body=False, review=_review,
)
