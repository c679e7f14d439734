"""Helpers shared by the quiz tests: a quiz lesson with one question of each type."""

from __future__ import annotations

import lms_app.core.db
from lms_app.core.courses import Lesson, Module
from lms_app.quizzes.services import authoring as quiz_authoring

# One question of each type, as the builder's form sends them; the right answers are below.
FORMS = [
    {"kind": "single", "prompt": "Capital of France?", "points": "2", "explanation": "Paris is the capital.",
     "option_0": "Lyon", "option_1": "Paris", "option_2": "Nice", "correct": "1"},
    {"kind": "multiple", "prompt": "Prime numbers?", "points": "1", "option_0": "2", "option_1": "4",
     "option_2": "5", "correct_0": "on", "correct_2": "on"},
    {"kind": "true_false", "prompt": "The sky is green.", "points": "1", "correct": "1"},
    {"kind": "short", "prompt": "Largest ocean?", "points": "1", "accepted": "Pacific\nPacific Ocean"},
    {"kind": "numeric", "prompt": "Pi to two decimals?", "points": "1", "value": "3.14", "tolerance": "0.01"},
]


def quiz_lesson(course, title="Check yourself", position=0, module_title="Module") -> Lesson:
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title=module_title, position=position)
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, title=title, lesson_type="quiz", position=0)
        s.add(lesson)
    return lesson


def build(teacher_actor, lesson, forms=FORMS, **settings) -> list[int]:
    """Add the questions and (optionally) settings; returns the question ids."""
    ids = []
    with lms_app.core.db.session_scope() as s:
        for form in forms:
            ids.append(quiz_authoring.save_question(s, teacher_actor, lesson.id, None, form).id)
        if settings:
            form = {"pass_percent": "70", "show_answers": "after_attempt", **{k: str(v) for k, v in settings.items()}}
            quiz_authoring.save_settings(s, teacher_actor, lesson.id, form)
    return ids


def right_answers(attempt) -> dict:
    """The correct answer to every question of an attempt, read from its snapshot."""
    out = {}
    for q in attempt.questions:
        key = q["key"]
        out[q["id"]] = {"single": key.get("choice"), "true_false": key.get("choice"),
                        "multiple": [str(i) for i in key.get("choices") or []],
                        "short": (key.get("accepted") or [""])[0].upper() + "  ",
                        "numeric": "3,145"}[q["kind"]]
    return out


def world(make_course, make_user, enroll, sign_in, **settings):
    """(course, lesson, teacher actor, learner, learner actor, learner token) with a built quiz."""
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    lesson = quiz_lesson(course)
    _, teacher_actor = sign_in(teacher)
    build(teacher_actor, lesson, **settings)
    learner = make_user()
    enroll(learner, course)
    token, actor = sign_in(learner)
    return course, lesson, teacher_actor, learner, actor, token
