"""The demo quiz: one quiz lesson with a question of each type, so the demo shows a quiz.

Idempotent like the rest of the seed: found by course slug, lesson title and type, and only
created when missing (a teacher's later edits to it are left alone).
"""

from __future__ import annotations

from sqlmodel import Session

from lms_app.quizzes.models import Quiz, QuizQuestion
from lms_app.demo import lessons as demo_lessons
from lms_app.core.course_fields import recount_duration

COURSE_SLUG = "modern-python-patterns"
LESSON_TITLE = "Check your understanding"
INTRO = "Five quick questions on the course so far. You need **70 %** to pass; you have three attempts."
QUESTIONS = [
    ("single", "Which keyword defines a data class field's default factory?", ["default", "field(default_factory=...)",
                                                                             "factory", "init"],
     {"choice": 1}, 2, "Mutable defaults need `field(default_factory=list)`, never `= []`."),
    ("multiple", "Which of these are valid type hints in Python 3.11?", ["list[int]", "int | None", "array<int>"],
     {"choices": [0, 1]}, 1, "`array<int>` is Java/TypeScript syntax, not Python."),
    ("true_false", "`async def` functions run in parallel threads by default.", ["True", "False"],
     {"choice": 1}, 1, "Coroutines share one thread; they take turns at each `await`."),
    ("short", "Which tool runs the tests in this course? (one word)", [], {"accepted": ["pytest", "py.test"]}, 1,
     "The course uses pytest throughout."),
    ("numeric", "How many seconds does `await asyncio.sleep(1.5)` wait?", [], {"value": 1.5, "tolerance": 0}, 1,
     "The argument is in seconds."),
]


def ensure_demo_quiz(session: Session) -> int:
    """Create the demo quiz lesson if it is missing; returns 1 when it was created."""
    lesson = demo_lessons.add_once(session, COURSE_SLUG, LESSON_TITLE, "quiz", 10, INTRO)
    if lesson is None:
        return 0
    quiz = Quiz(lesson_id=lesson.id, course_id=lesson.course_id, pass_percent=70, time_limit_minutes=10, max_attempts=3,
                shuffle_options=True, show_answers="after_attempt")
    session.add(quiz)
    session.flush()
    for i, (kind, prompt, options, key, points, explanation) in enumerate(QUESTIONS):
        session.add(QuizQuestion(quiz_id=quiz.id, position=i, kind=kind, prompt=prompt, options=options,
                                 answer_key=key, points=points, explanation=explanation))
    session.flush()
    recount_duration(session, lesson.course_id)
    return 1
