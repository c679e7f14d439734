"""Taking a quiz: start an attempt, save answers, submit, see the result the settings allow.

Rules (each enforced here, on the server):

- Only a learner **enrolled** in the (published or archived) course, past any sequential lock,
  takes a quiz (``_quiz_for_learner``), and only in their own attempts: the attempt is looked
  up by id *and* the actor's user id. Nobody passes a score in: it is computed by
  ``quiz_grading.grade`` from the attempt's stored snapshot and stored answers.
- Starting draws the questions (pool of N out of M, shuffled questions and options as set),
  stores that snapshot with the start time and deadline, and returns an attempt already in
  progress instead of opening a second one. The number of attempts is capped by the database
  (models/quizzes.py): when two starts race, the loser's insert fails and it gets the winner's
  attempt, or a clear "no attempts left".
- The deadline is the server's: answers saved after it are refused, a late submission is
  graded with the answers saved in time, and an expired attempt is graded when it is next seen.
- Passing (score ≥ pass mark) completes the lesson (``progress.record_pass``); every submission
  writes a ``quiz_submitted`` learning event with the percentage.
- Correct answers and explanations leave the server only per ``Quiz.show_answers``: never,
  after each submitted attempt, or once the learner has passed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment, Lesson
from lms_app.learning.models import LessonProgress
from lms_app.quizzes.models import Quiz, QuizAttempt, QuizQuestion
from lms_app.quizzes.models import AttemptQuestionView, AttemptRowView, FeedbackView, QuizInfoView
from lms_app.core.types import utcnow
from lms_app.learning.services import course_access, enrollment, progress
from lms_app.core import events
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import as_id
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role
from lms_app.quizzes.services.authoring import SHOW_LABELS
from lms_app.quizzes.services.grading import answer_text, grade, key_text

# A submission a moment after the deadline (network, a click at 0:00) still counts its answers.
GRACE_SECONDS = 3
ANSWER_MAX = 500
HISTORY_MAX = 50
_rng = random.SystemRandom()


# --- who may take it -----------------------------------------------------------------------

def _quiz_for_learner(session: Session, actor: Actor, lesson_id: object) -> tuple[Quiz, Lesson, Course]:
    """The quiz if the actor is enrolled in its (published or archived) course and sequential mode
    lets them open the lesson: the same rule as ``progress.learner_lesson``, in two queries when the
    course is not sequential (a start burst runs this for every learner at once)."""
    require_role(actor, LEARNER_AREA)
    lid = as_id(lesson_id, "lesson")
    row = session.exec(select(Lesson, Course, Quiz).join(Course, Course.id == Lesson.course_id)
                       .join(Quiz, Quiz.lesson_id == Lesson.id, isouter=True).where(Lesson.id == lid)).first()
    if row is None:
        raise ServiceError("That lesson does not exist.")
    lesson, course, quiz = row
    # The one enrolment rule; a subscriber starting a plan course's quiz joins through the plan.
    if course.status not in ("published", "archived") or not enrollment.join_through_plan(session, actor.user_id, course):
        raise PermissionDenied("Enroll in the course to take this quiz.")
    if course.sequential:
        order = progress.lesson_order(session, course.id)
        done = progress.completed_ids(session, actor.user_id, course.id)
        if lesson.id in progress.locked_ids(order, done, True):
            raise PermissionDenied("Complete the previous lessons first: this course is taken in order.")
    if lesson.lesson_type != "quiz":
        raise ServiceError("That lesson is not a quiz.")
    if quiz is None:
        raise ServiceError("This quiz has no questions yet.")
    return quiz, lesson, course


def _own_attempt(session: Session, actor: Actor, attempt_id: object, *, lock: bool = True) -> QuizAttempt:
    require_role(actor, LEARNER_AREA)
    aid = as_id(attempt_id, "attempt")
    query = select(QuizAttempt).where(QuizAttempt.id == aid)
    if lock:
        query = query.with_for_update()
    attempt = session.exec(query).first()
    if attempt is None or attempt.user_id != actor.user_id:
        raise PermissionDenied("That attempt is not yours.")
    return attempt


def _expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + timedelta(seconds=GRACE_SECONDS)


# --- starting --------------------------------------------------------------------------------

def draw(questions: list[QuizQuestion], quiz: Quiz, rng: random.Random = _rng) -> list[dict]:
    """The attempt's snapshot: the pool drawn, shuffled as set; choice keys follow the options."""
    chosen = list(questions)
    if quiz.pool_size and quiz.pool_size < len(chosen):
        picked = set(q.id for q in rng.sample(chosen, quiz.pool_size))
        chosen = [q for q in chosen if q.id in picked]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    snapshot = []
    for q in chosen:
        order = list(range(len(q.options)))
        if quiz.shuffle_options and q.kind in ("single", "multiple"):
            rng.shuffle(order)
        where = {old: new for new, old in enumerate(order)}
        key = dict(q.answer_key or {})
        if "choice" in key:
            key["choice"] = where.get(key["choice"], -1)
        if "choices" in key:
            key["choices"] = sorted(where[i] for i in key["choices"] if i in where)
        snapshot.append({"id": q.id, "kind": q.kind, "prompt": q.prompt, "options": [q.options[i] for i in order],
                         "key": key, "points": q.points, "explanation": q.explanation})
    return snapshot


def _latest(session: Session, user_id: int, quiz_id: int) -> QuizAttempt | None:
    return session.exec(select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
                        .order_by(QuizAttempt.attempt_no.desc()).limit(1)).first()


def start_attempt(session: Session, actor: Actor, lesson_id: object, now: datetime | None = None) -> QuizAttempt:
    """A new attempt, or the one already in progress (a double click opens one attempt)."""
    quiz, lesson, course = _quiz_for_learner(session, actor, lesson_id)
    now = now or utcnow()
    latest = _latest(session, actor.user_id, quiz.id)
    if latest is not None and latest.status == "in_progress":
        if not _expired(latest, now):
            return latest
        _finish(session, latest, course.id, None, now)
    used = latest.attempt_no if latest else 0
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise ServiceError(_no_attempts_left(quiz.max_attempts))
    questions = list(session.exec(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)
                                  .order_by(QuizQuestion.position, QuizQuestion.id)).all())
    if not questions:
        raise ServiceError("This quiz has no questions yet.")
    attempt = QuizAttempt(
        quiz_id=quiz.id, lesson_id=lesson.id, user_id=actor.user_id, attempt_no=used + 1,
        max_attempts=quiz.max_attempts, started_at=now, pass_percent=quiz.pass_percent,
        deadline_at=now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
        questions=draw(questions, quiz),
    )
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # A parallel start won the number (unique) or the cap was reached (CHECK): use the winner.
        winner = _latest(session, actor.user_id, quiz.id)
        if winner is not None and winner.status == "in_progress" and not _expired(winner, now):
            return winner
        raise ServiceError(_no_attempts_left(quiz.max_attempts) if quiz.max_attempts else
                           "Another attempt was started at the same moment: reload the page.")
    return attempt


def _no_attempts_left(maximum: int | None) -> str:
    return f"You have used all {maximum} attempt{'s' if maximum != 1 else ''} of this quiz."


# --- answering ---------------------------------------------------------------------------------

def clean_answer(question: dict, value: object) -> object:
    """A stored answer for this snapshot question, or ServiceError for junk."""
    kind, size = question["kind"], len(question.get("options") or [])
    if kind in ("single", "true_false"):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
            raise ServiceError("Choose one of the options.")
        return value
    if kind == "multiple":
        if not isinstance(value, list) or len(value) > size:
            raise ServiceError("Choose from the options.")
        picks = set()
        for v in value:
            if isinstance(v, str) and v.strip().isdigit():
                v = int(v.strip())
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < size:
                raise ServiceError("Choose from the options.")
            picks.add(v)
        return sorted(picks)
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kind == "numeric":
        value = str(value)
    if not isinstance(value, str) or len(value) > ANSWER_MAX:
        raise ServiceError(f"Keep the answer under {ANSWER_MAX} characters.")
    return value.replace("\x00", "").strip()


def _question(attempt: QuizAttempt, question_id: object) -> dict:
    for q in attempt.questions:
        if str(q.get("id")) == str(question_id):
            return q
    raise ServiceError("That question is not part of this attempt.")


def save_answer(session: Session, actor: Actor, attempt_id: object, question_id: object, value: object,
                now: datetime | None = None) -> None:
    attempt = _own_attempt(session, actor, attempt_id)
    _enrolled_course(session, actor, attempt)
    if attempt.status != "in_progress":
        raise ServiceError("This attempt has been submitted: its answers can no longer change.")
    if _expired(attempt, now or utcnow()):
        raise ServiceError("Time is up: answers after the time limit are not counted.")
    question = _question(attempt, question_id)
    answers = dict(attempt.answers or {})
    answers[str(question["id"])] = clean_answer(question, value)
    attempt.answers = answers  # a new dict, so the JSON column is written
    session.add(attempt)
    session.flush()


def _enrolled_course(session: Session, actor: Actor, attempt: QuizAttempt) -> int:
    """The attempt's course id if the actor is still enrolled in it (one query)."""
    found = session.exec(
        select(Enrollment.course_id, Enrollment.source).join(Lesson, Lesson.course_id == Enrollment.course_id)
        .where(Lesson.id == attempt.lesson_id, Enrollment.user_id == actor.user_id)).first()
    # A plan's enrolment stops counting when the plan ends: an open attempt cannot be submitted.
    if found is None or not enrollment.counts(session, actor.user_id, found[0], found[1]):
        raise PermissionDenied("Enroll in the course to take this quiz.")
    return found[0]


# --- submitting --------------------------------------------------------------------------------

@dataclass
class Outcome:
    attempt: QuizAttempt
    late: bool = False
    # The course progress when this submission completed the lesson, else None.
    progress: progress.CourseProgress | None = None

    @property
    def newly_completed(self) -> bool:
        return self.progress is not None


def _finish(session: Session, attempt: QuizAttempt, course_id: int, already_done: bool | None,
            now: datetime) -> progress.CourseProgress | None:
    """Grade the stored answers and close the attempt; the course progress when this completed
    the lesson (None otherwise).

    ``already_done``: whether the lesson was complete before (None: look it up, only on a pass)."""
    result = grade(attempt.questions, attempt.answers or {}, attempt.pass_percent)
    attempt.status = "submitted"
    attempt.submitted_at = min(now, attempt.deadline_at) if attempt.deadline_at and _expired(attempt, now) else now
    attempt.score, attempt.max_score, attempt.percent, attempt.passed = (result.score, result.max_score,
                                                                         result.percent, result.passed)
    session.add(attempt)
    session.flush()
    events.record(session, "quiz_submitted", user_id=attempt.user_id, course_id=course_id,
                  lesson_id=attempt.lesson_id, score=result.percent)
    if not result.passed:
        return None
    if already_done is None:
        already_done = _completed(session, attempt.user_id, attempt.lesson_id)
    if already_done:
        return None
    return progress.record_pass(session, attempt.user_id, attempt.lesson_id)


def submit_attempt(session: Session, actor: Actor, attempt_id: object, answers: object = None,
                   now: datetime | None = None) -> Outcome:
    """Grade the attempt. ``answers`` (optional, ``{question id: value}``) are saved first when in
    time; a second submission changes nothing and returns the first result."""
    now = now or utcnow()
    attempt = _own_attempt(session, actor, attempt_id)
    course_id = _enrolled_course(session, actor, attempt)
    if attempt.status != "in_progress":
        return Outcome(attempt=attempt)
    late = _expired(attempt, now)
    if isinstance(answers, dict) and answers and not late:
        merged = dict(attempt.answers or {})
        for qid, value in list(answers.items())[:500]:
            try:
                question = _question(attempt, qid)
                merged[str(question["id"])] = clean_answer(question, value)
            except ServiceError:
                continue
        attempt.answers = merged
    summary = _finish(session, attempt, course_id, None, now)
    return Outcome(attempt=attempt, late=late, progress=summary)


def _completed(session: Session, user_id: int, lesson_id: int) -> bool:
    return session.exec(select(LessonProgress.id).where(
        LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id,
        LessonProgress.completed_at.is_not(None))).first() is not None


# --- what the player shows -----------------------------------------------------------------------

def shows_key(show_answers: str, attempt: QuizAttempt, passed_ever: bool) -> bool:
    if attempt.status != "submitted":
        return False
    return show_answers == "after_attempt" or (show_answers == "after_pass" and passed_ever)


def attempt_questions(attempt: QuizAttempt) -> list[AttemptQuestionView]:
    """The questions to answer: prompt and options only (no key, no explanation)."""
    answers = attempt.answers or {}
    out = []
    for n, q in enumerate(attempt.questions, start=1):
        saved = answers.get(str(q["id"]))
        out.append(AttemptQuestionView(
            id=str(q["id"]), number=n, kind=q["kind"], prompt=q["prompt"], points=int(q["points"]),
            options=[{"id": str(i), "text": text} for i, text in enumerate(q.get("options") or [])],
            answer="" if saved is None or isinstance(saved, list) else str(saved),
            chosen=[str(i) for i in saved] if isinstance(saved, list) else [],
        ))
    return out


def feedback(attempt: QuizAttempt, show_key: bool) -> list[FeedbackView]:
    """Per question after grading. Without ``show_key`` this is empty: right/wrong marks on a
    true/false question would give the key away."""
    if not show_key or attempt.status != "submitted":
        return []
    result = grade(attempt.questions, attempt.answers or {}, attempt.pass_percent)
    answers = attempt.answers or {}
    return [FeedbackView(number=n, prompt=q["prompt"], your_answer=answer_text(q, answers.get(str(q["id"]))),
                         earned=f"{q['points'] if ok else 0}/{q['points']}", points=int(q["points"]),
                         correct=ok, show_key=True, correct_answer=key_text(q), explanation=q.get("explanation") or "")
            for n, (q, ok) in enumerate(zip(attempt.questions, result.correct), start=1)]


def _info(quiz: Quiz, count: int) -> QuizInfoView:
    per = min(quiz.pool_size or count, count)
    return QuizInfoView(
        questions=count, per_attempt=per, pass_percent=quiz.pass_percent,
        time_limit=f"{quiz.time_limit_minutes} min" if quiz.time_limit_minutes else "No time limit",
        attempts=str(quiz.max_attempts) if quiz.max_attempts else "Unlimited",
        show_answers=SHOW_LABELS.get(quiz.show_answers, ""),
    )


def _row(a: QuizAttempt) -> AttemptRowView:
    return AttemptRowView(
        id=a.id, number=a.attempt_no, when=a.started_at.strftime("%d %b %Y, %H:%M UTC"),
        score=f"{a.score}/{a.max_score} ({a.percent}%)" if a.status == "submitted" else "In progress",
        passed=bool(a.passed), status=a.status,
    )


@dataclass
class PlayerData:
    """What the quiz panel shows. ``mode``: learner | staff | visitor | empty."""

    mode: str
    info: QuizInfoView | None = None
    history: list[AttemptRowView] = field(default_factory=list)
    current: QuizAttempt | None = None  # in progress
    last: QuizAttempt | None = None  # latest submitted
    show_key: bool = False
    passed_ever: bool = False
    attempts_left: int | None = None  # None: unlimited
    completed: bool = False
    preview: list[AttemptQuestionView] = field(default_factory=list)  # staff only: no keys either
    newly_completed: bool = False


def player(session: Session, actor: Actor, lesson_id: object, now: datetime | None = None) -> PlayerData:
    """The quiz as this viewer may see it; an expired attempt in progress is graded first."""
    require_role(actor, LEARNER_AREA)
    lid = as_id(lesson_id, "lesson")
    lesson = session.get(Lesson, lid)
    course = session.get(Course, lesson.course_id) if lesson else None
    if lesson is None or course is None or lesson.lesson_type != "quiz" \
            or not course_access.may_see_course(actor, course):  # a draft's quiz: only its staff
        raise ServiceError("That quiz does not exist.")
    quiz = session.exec(select(Quiz).where(Quiz.lesson_id == lesson.id)).first()
    if course_access.is_staff_for(actor, course):
        questions = list(session.exec(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id)
                                      .order_by(QuizQuestion.position, QuizQuestion.id)).all()) if quiz else []
        if not quiz or not questions:
            return PlayerData(mode="empty")
        preview = QuizAttempt(quiz_id=quiz.id, lesson_id=lesson.id, user_id=actor.user_id, attempt_no=1,
                              questions=draw(questions, Quiz(lesson_id=lesson.id, course_id=course.id)))
        return PlayerData(mode="staff", info=_info(quiz, len(questions)), preview=attempt_questions(preview))
    count = session.exec(select(func.count(QuizQuestion.id)).where(QuizQuestion.quiz_id == quiz.id)).one() \
        if quiz else 0
    if not quiz or not count:
        return PlayerData(mode="empty")
    if not (course.status in ("published", "archived") and progress.is_enrolled(session, actor.user_id, course.id)):
        return PlayerData(mode="visitor", info=_info(quiz, count))
    now = now or utcnow()
    attempts = list(session.exec(select(QuizAttempt).where(QuizAttempt.user_id == actor.user_id,
                                                           QuizAttempt.quiz_id == quiz.id)
                                 .order_by(QuizAttempt.attempt_no.desc()).limit(HISTORY_MAX)).all())
    newly = False
    if attempts and attempts[0].status == "in_progress" and _expired(attempts[0], now):
        newly = _finish(session, attempts[0], course.id, None, now) is not None
    current = attempts[0] if attempts and attempts[0].status == "in_progress" else None
    last = next((a for a in attempts if a.status == "submitted"), None)
    passed_ever = any(a.passed for a in attempts)
    used = attempts[0].attempt_no if attempts else 0
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - used)
    return PlayerData(
        mode="learner", info=_info(quiz, count), history=[_row(a) for a in attempts], current=current, last=last,
        show_key=bool(last and shows_key(quiz.show_answers, last, passed_ever)), passed_ever=passed_ever,
        attempts_left=left, completed=_completed(session, actor.user_id, lesson.id), newly_completed=newly,
    )


def review(session: Session, actor: Actor, attempt_id: object) -> tuple[QuizAttempt, bool]:
    """One of the learner's own submitted attempts, and whether its answers may be shown."""
    attempt = _own_attempt(session, actor, attempt_id, lock=False)
    if attempt.status != "submitted":
        raise ServiceError("That attempt is still in progress.")
    quiz = session.get(Quiz, attempt.quiz_id)
    passed_ever = session.exec(select(QuizAttempt.id).where(
        QuizAttempt.user_id == actor.user_id, QuizAttempt.quiz_id == attempt.quiz_id,
        QuizAttempt.passed.is_(True))).first() is not None
    return attempt, shows_key(quiz.show_answers, attempt, passed_ever)


def learner_attempt(session: Session, actor: Actor, attempt_id: object,
                    now: datetime | None = None) -> tuple[QuizAttempt, bool]:
    """One of the learner's own attempts (in progress or submitted) and whether its answer key may
    be shown; an attempt past its deadline is graded first, as the player does. In progress: never."""
    attempt = _own_attempt(session, actor, attempt_id)
    course_id = _enrolled_course(session, actor, attempt)
    if attempt.status == "in_progress" and _expired(attempt, now or utcnow()):
        _finish(session, attempt, course_id, None, now or utcnow())
    if attempt.status != "submitted":
        return attempt, False
    return review(session, actor, attempt.id)


def save_answers(session: Session, actor: Actor, attempt_id: object, answers: dict,
                 now: datetime | None = None) -> QuizAttempt:
    """Save several answers at once (each by ``save_answer``'s rules); all or nothing."""
    if not isinstance(answers, dict) or len(answers) > 500:
        raise ServiceError("Send the answers as {question id: answer}.")
    for question_id, value in answers.items():
        save_answer(session, actor, attempt_id, question_id, value, now)
    return _own_attempt(session, actor, attempt_id, lock=False)
