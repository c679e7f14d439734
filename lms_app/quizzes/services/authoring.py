"""The quiz builder: questions (add, edit, delete, reorder, duplicate) and the quiz settings.

Only the course's teacher or an admin, and only while the course is editable (not pending
review): every function goes through ``authoring.lesson_for`` (ownership + editable) or, for
reading, ``authoring.owned_course``. Edits to a published course go live at once; attempts in
progress keep the snapshot they started with (models/quizzes.py).

Forms come from the browser as flat dicts of strings; everything is validated here and a
``FormErrors`` names each field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson
from lms_app.quizzes.models import Quiz, QuizQuestion
from lms_app.quizzes.models import QUESTION_KINDS, SHOW_ANSWERS
from lms_app.core.types import utcnow
from lms_app.authoring.services import courses as authoring
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import FormErrors, as_id, strip_controls
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import TEACHER_AREA, require_role
from lms_app.quizzes.services.grading import parse_number

QUESTIONS_MAX = 200
OPTIONS_MAX = 6
PROMPT_MAX = 2000
OPTION_MAX = 300
EXPLANATION_MAX = 2000
ACCEPTED_MAX = 10
POINTS_MAX = 100
TIME_LIMIT_MAX = 600  # minutes
ATTEMPTS_MAX = 100
KIND_LABELS = {"single": "Single choice", "multiple": "Multiple choice", "true_false": "True / false",
               "short": "Short answer", "numeric": "Number"}
SHOW_LABELS = {"never": "Never", "after_attempt": "After each attempt", "after_pass": "After passing"}
TRUE_FALSE = ["True", "False"]


# --- finding the quiz --------------------------------------------------------------------

def _quiz_row(session: Session, lesson: Lesson, course: Course, create: bool) -> Quiz | None:
    quiz = session.exec(select(Quiz).where(Quiz.lesson_id == lesson.id)).first()
    if quiz is None and create:
        quiz = Quiz(lesson_id=lesson.id, course_id=course.id)
        session.add(quiz)
        session.flush()
    return quiz


def _check_type(lesson: Lesson) -> None:
    if lesson.lesson_type != "quiz":
        raise ServiceError("That lesson is not a quiz.")


def editable_quiz(session: Session, actor: Actor, lesson_id: object) -> tuple[Quiz, Lesson, Course]:
    """The quiz of a lesson the actor may edit (created on first use)."""
    lesson, course = authoring.lesson_for(session, actor, lesson_id)
    _check_type(lesson)
    return _quiz_row(session, lesson, course, create=True), lesson, course


def _question(session: Session, actor: Actor, question_id: object) -> tuple[QuizQuestion, Quiz, Course]:
    qid = as_id(question_id, "question")
    question = session.get(QuizQuestion, qid)
    if question is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That question does not exist.")
    quiz = session.get(Quiz, question.quiz_id)
    lesson, course = authoring.lesson_for(session, actor, quiz.lesson_id)
    return question, quiz, course


def _ordered(session: Session, quiz_id: int) -> list[QuizQuestion]:
    return list(session.exec(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz_id)
                             .order_by(QuizQuestion.position, QuizQuestion.id).limit(QUESTIONS_MAX + 1)).all())


def _renumber(rows: list[QuizQuestion]) -> None:
    for i, row in enumerate(rows):
        if row.position != i:
            row.position = i


def _touch(quiz: Quiz, course: Course) -> None:
    quiz.updated_at = utcnow()
    authoring.touch(course)


# --- reading (the builder page) ------------------------------------------------------------

@dataclass
class Builder:
    lesson_id: int
    lesson_title: str
    course_id: int
    course_title: str
    editable: bool
    quiz: Quiz
    questions: list[QuizQuestion]


def builder(session: Session, actor: Actor, lesson_id: object) -> Builder:
    """Everything the builder shows (four queries); read-only while the course is pending."""
    lid = as_id(lesson_id, "lesson")
    lesson = session.get(Lesson, lid)
    if lesson is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That lesson does not exist.")
    course = authoring.owned_course(session, actor, lesson.course_id)
    _check_type(lesson)
    quiz = _quiz_row(session, lesson, course, create=False) or Quiz(lesson_id=lesson.id, course_id=course.id)
    questions = _ordered(session, quiz.id) if quiz.id else []
    return Builder(lesson_id=lesson.id, lesson_title=lesson.title, course_id=course.id, course_title=course.title,
                   editable=course.status != "pending", quiz=quiz, questions=questions)


def answer_summary(q: QuizQuestion) -> str:
    """One line for the teacher's list: what counts as right."""
    key = q.answer_key or {}
    if q.kind in ("single", "true_false"):
        i = key.get("choice")
        return "Correct: " + (q.options[i] if isinstance(i, int) and 0 <= i < len(q.options) else "?")
    if q.kind == "multiple":
        picks = [q.options[i] for i in key.get("choices") or [] if 0 <= i < len(q.options)]
        return "Correct: " + ", ".join(picks)
    if q.kind == "short":
        return "Accepted: " + " / ".join(key.get("accepted") or [])
    value, tolerance = key.get("value"), key.get("tolerance") or 0
    return f"Answer: {value:g}" + (f" ± {tolerance:g}" if tolerance else "")


# --- questions -------------------------------------------------------------------------------

def _text(raw: object, field: str, what: str, maximum: int, required: bool = True) -> str:
    text = strip_controls(raw).strip() if isinstance(raw, str) else ""
    if required and not text:
        raise ServiceError(f"Enter {what}.", field)
    if len(text) > maximum:
        raise ServiceError(f"Keep {what} under {maximum:,} characters.", field)
    return text


def _int(raw: object, field: str, low: int, high: int, message: str, *, optional: bool = False) -> int | None:
    if optional and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return None
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw.strip()) < 10:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ServiceError(message, field)
    return raw


def _flag(raw: object) -> bool:
    return raw is True or (isinstance(raw, str) and raw.lower() in ("on", "true", "1", "yes"))


def clean_question(form: object) -> dict:
    """Validate a question form; returns the column values. Raises FormErrors."""
    form = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}
    kind = form.get("kind")
    if kind not in QUESTION_KINDS:
        raise FormErrors({"kind": "Choose a question type."})
    out: dict = {"kind": kind, "options": [], "answer_key": {}}
    for name, call in (
        ("prompt", lambda: _text(form.get("prompt"), "prompt", "the question", PROMPT_MAX)),
        ("points", lambda: _int(form.get("points"), "points", 1, POINTS_MAX,
                                f"Give the question between 1 and {POINTS_MAX} points.")),
        ("explanation", lambda: _text(form.get("explanation"), "explanation", "the explanation", EXPLANATION_MAX,
                                      required=False)),
    ):
        try:
            out[name] = call()
        except ServiceError as exc:
            errors[name] = exc.message
    try:
        out["options"], out["answer_key"] = _clean_answer(kind, form)
    except ServiceError as exc:
        errors[exc.field or "answer"] = exc.message
    if errors:
        raise FormErrors(errors)
    return out


def _clean_answer(kind: str, form: dict) -> tuple[list[str], dict]:
    if kind == "true_false":
        correct = form.get("correct")
        if correct not in ("0", "1", 0, 1):
            raise ServiceError("Choose whether the statement is true or false.", "correct")
        return list(TRUE_FALSE), {"choice": int(correct)}
    if kind in ("single", "multiple"):
        options, correct = [], []
        for i in range(OPTIONS_MAX):
            text = _text(form.get(f"option_{i}"), f"option_{i}", f"option {i + 1}", OPTION_MAX, required=False)
            if not text:
                continue
            is_right = (str(form.get("correct")) == str(i)) if kind == "single" else _flag(form.get(f"correct_{i}"))
            if is_right:
                correct.append(len(options))
            options.append(text)
        if len(options) < 2:
            raise ServiceError("Write at least two options.", "options")
        if len({o.casefold() for o in options}) != len(options):
            raise ServiceError("Two options say the same thing: make each option different.", "options")
        if kind == "single":
            if len(correct) != 1:
                raise ServiceError("Mark the one correct option.", "correct")
            return options, {"choice": correct[0]}
        if not correct:
            raise ServiceError("Mark at least one correct option.", "correct")
        return options, {"choices": correct}
    if kind == "short":
        raw = form.get("accepted")
        lines = [" ".join(strip_controls(x).split()) for x in raw.splitlines()] if isinstance(raw, str) else []
        accepted = list(dict.fromkeys(x for x in lines if x))
        if not accepted:
            raise ServiceError("Enter at least one accepted answer (one per line).", "accepted")
        if len(accepted) > ACCEPTED_MAX or any(len(x) > OPTION_MAX for x in accepted):
            raise ServiceError(f"Use at most {ACCEPTED_MAX} accepted answers of up to {OPTION_MAX} characters.",
                               "accepted")
        return [], {"accepted": accepted}
    value = parse_number(form.get("value"))
    if value is None or abs(value) > 1e12:
        raise ServiceError("Enter the correct answer as a number, e.g. 3.14.", "value")
    raw_tol = form.get("tolerance")
    tolerance = 0.0 if raw_tol in (None, "") else parse_number(raw_tol)
    if tolerance is None or tolerance < 0 or tolerance > 1e12:
        raise ServiceError("Enter the tolerance as a number of 0 or more (0 = exact).", "tolerance")
    return [], {"value": value, "tolerance": tolerance}


def save_question(session: Session, actor: Actor, lesson_id: object, question_id: object, form: object
                  ) -> QuizQuestion:
    """Add a question (``question_id`` empty/0) at the end, or change one of this quiz."""
    quiz, _lesson, course = editable_quiz(session, actor, lesson_id)
    values = clean_question(form)
    if question_id in (None, "", 0, "0"):
        count = session.exec(select(func.count(QuizQuestion.id)).where(QuizQuestion.quiz_id == quiz.id)).one()
        if count >= QUESTIONS_MAX:
            raise ServiceError(f"A quiz can have at most {QUESTIONS_MAX} questions.")
        question = QuizQuestion(quiz_id=quiz.id, position=count, **values)
    else:
        question, owner_quiz, _ = _question(session, actor, question_id)
        if owner_quiz.id != quiz.id:
            raise ServiceError("That question belongs to another quiz.")
        for name, value in values.items():
            setattr(question, name, value)
    _touch(quiz, course)
    session.add_all([question, quiz, course])
    session.flush()
    return question


def delete_question(session: Session, actor: Actor, question_id: object) -> None:
    question, quiz, course = _question(session, actor, question_id)
    session.delete(question)
    session.flush()
    _renumber(_ordered(session, quiz.id))
    _touch(quiz, course)
    session.flush()


def move_question(session: Session, actor: Actor, question_id: object, delta: object) -> None:
    """Move a question one place up (-1) or down (+1)."""
    if delta not in (-1, 1):
        raise ServiceError("Move a question up or down by one place.")
    question, quiz, course = _question(session, actor, question_id)
    rows = _ordered(session, quiz.id)
    i = next(i for i, r in enumerate(rows) if r.id == question.id)
    j = i + delta
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
        _renumber(rows)
        _touch(quiz, course)
        session.flush()


def duplicate_question(session: Session, actor: Actor, question_id: object) -> QuizQuestion:
    """A copy right after the original."""
    question, quiz, course = _question(session, actor, question_id)
    rows = _ordered(session, quiz.id)
    if len(rows) >= QUESTIONS_MAX:
        raise ServiceError(f"A quiz can have at most {QUESTIONS_MAX} questions.")
    copy = QuizQuestion(quiz_id=quiz.id, kind=question.kind, prompt=question.prompt, options=list(question.options),
                        answer_key=dict(question.answer_key), points=question.points,
                        explanation=question.explanation)
    i = next(i for i, r in enumerate(rows) if r.id == question.id)
    rows.insert(i + 1, copy)
    _renumber(rows)
    session.add(copy)
    _touch(quiz, course)
    session.flush()
    return copy


# --- settings ----------------------------------------------------------------------------------

def save_settings(session: Session, actor: Actor, lesson_id: object, form: object) -> Quiz:
    quiz, _lesson, course = editable_quiz(session, actor, lesson_id)
    form = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}
    values: dict = {}
    checks = {
        "pass_percent": lambda: _int(form.get("pass_percent"), "pass_percent", 0, 100,
                                     "Enter a pass mark between 0 and 100 %."),
        "time_limit_minutes": lambda: _int(form.get("time_limit_minutes"), "time_limit_minutes", 1, TIME_LIMIT_MAX,
                                           f"Enter a time limit between 1 and {TIME_LIMIT_MAX} minutes, "
                                           "or leave it empty for no limit.", optional=True),
        "max_attempts": lambda: _int(form.get("max_attempts"), "max_attempts", 1, ATTEMPTS_MAX,
                                     f"Enter between 1 and {ATTEMPTS_MAX} attempts, or leave it empty for "
                                     "unlimited.", optional=True),
        "pool_size": lambda: _int(form.get("pool_size"), "pool_size", 1, QUESTIONS_MAX,
                                  "Enter how many questions to draw per attempt, or leave it empty for all.",
                                  optional=True),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except ServiceError as exc:
            errors[name] = exc.message
    show = form.get("show_answers")
    if show not in SHOW_ANSWERS:
        errors["show_answers"] = "Choose when learners see the correct answers."
    if values.get("pool_size"):
        count = session.exec(select(func.count(QuizQuestion.id)).where(QuizQuestion.quiz_id == quiz.id)).one()
        if values["pool_size"] > count:
            errors["pool_size"] = (f"The quiz has {count} question{'s' if count != 1 else ''}: draw at most that "
                                   "many, or leave it empty for all.")
    if errors:
        raise FormErrors(errors)
    for name, value in values.items():
        setattr(quiz, name, value)
    quiz.show_answers = show
    quiz.shuffle_questions = _flag(form.get("shuffle_questions"))
    quiz.shuffle_options = _flag(form.get("shuffle_options"))
    _touch(quiz, course)
    session.add_all([quiz, course])
    session.flush()
    return quiz


# --- before review -------------------------------------------------------------------------------

def missing(session: Session, course_id: int) -> list[str]:
    """Quiz lessons of the course that have no question yet (one query)."""
    rows = session.exec(
        select(Lesson.title, func.count(QuizQuestion.id))
        .select_from(Lesson)
        .join(Quiz, Quiz.lesson_id == Lesson.id, isouter=True)
        .join(QuizQuestion, QuizQuestion.quiz_id == Quiz.id, isouter=True)
        .where(Lesson.course_id == course_id, Lesson.lesson_type == "quiz")
        .group_by(Lesson.id, Lesson.title)
    ).all()
    return [f"a question in the quiz “{title}”" for title, count in rows if not count]
