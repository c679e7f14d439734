"""Learning progress: completion, video position, time spent, resume and sequential mode.

Only an **enrolled** user records progress, and only for their own account: every function
takes the actor from the guard and checks the enrolment of the lesson's course. A lesson
counts once (unique (user_id, lesson_id)); the course percentage counts completed rows of
lessons that are still in the course, so it never exceeds 100 %.

Graded lessons (quiz, assignment: ``LessonType.graded``) are never completed by hand; their
grader calls ``record_pass`` when the learner passes. Every completion goes through
``_completed``, which writes the learning events and notices when the whole course is done.

Sequential mode (``Course.sequential``): a lesson is open when every lesson before it (in
outline order) is complete. ``locked_ids`` is the one rule; the lesson page and the
completion handlers both apply it, so skipping ahead is refused on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment, Lesson, Module
from lms_app.learning.models import LessonProgress
from lms_app.core.types import utcnow
from lms_app.certificates.services import issuing as certificates
from lms_app.core import events, lesson_types
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role
from lms_app.learning.services import completion

AUTO_COMPLETE_RATIO = 0.9
BEAT_MIN_SECONDS = 20  # beats closer together than this are ignored
BEAT_MAX_SECONDS = 45  # one beat never adds more than this (an idle or sleeping tab)
MAX_POSITION_SECONDS = 24 * 3600


@dataclass
class CourseProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 0 if self.total <= 0 else min(100, round(100 * self.done / self.total))


def _id(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def _seconds(raw: object, limit: int = MAX_POSITION_SECONDS) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != raw:  # NaN
        return None
    if raw in (float("inf"), float("-inf")):
        return None
    return max(0, min(limit, int(raw)))


def lesson_order(session: Session, course_id: int) -> list[int]:
    """Lesson ids of the course in outline order (one query)."""
    return list(session.exec(
        select(Lesson.id).join(Module, Module.id == Lesson.module_id).where(Lesson.course_id == course_id)
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id).limit(2000)
    ).all())


def completed_ids(session: Session, user_id: int, course_id: int) -> set[int]:
    return set(session.exec(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == course_id,
        LessonProgress.completed_at.is_not(None))).all())


def locked_ids(order: list[int], done: set[int], sequential: bool) -> set[int]:
    """Lessons a learner may not open yet: everything after the first incomplete lesson."""
    if not sequential:
        return set()
    for i, lesson_id in enumerate(order):
        if lesson_id not in done:
            return set(order[i + 1:])
    return set()


def course_progress(order: list[int], done: set[int]) -> CourseProgress:
    return CourseProgress(done=len(done & set(order)), total=len(order))


def is_enrolled(session: Session, user_id: int, course_id: int) -> bool:
    """The one enrolment rule (``enrollment.counts``): a plan's enrolment counts only while the
    plan grants the course."""
    from lms_app.learning.services import enrollment

    return enrollment.is_enrolled(session, user_id, course_id)


def _enrolled_now(session: Session, user_id: int, course: Course, source: str | None) -> bool:
    """Enrolled by the one rule; a subscriber without a row yet joins through the plan here
    (the first lesson started or course opened creates the 'plan' enrolment)."""
    from lms_app.learning.services import enrollment

    if source is None:
        return enrollment.join_through_plan(session, user_id, course)
    return enrollment.counts(session, user_id, course.id, source)


# learner_lesson refuses a learner who is not enrolled (or a course not open) with this message.
ENROLL_FIRST = "Enroll in the course to record your progress."


@dataclass
class Target:
    course: Course
    lesson: Lesson
    order: list[int]
    done: set[int]


def learner_lesson(session: Session, actor: Actor, lesson_ref: object) -> Target:
    """The lesson if the actor is enrolled in its course and sequential mode lets them open it.

    The one rule for "may this learner act on this lesson now" (progress, assignments, plugins
    such as lesson feedback); refuses with a message for the learner otherwise."""
    require_role(actor, LEARNER_AREA)
    lesson_id = _id(lesson_ref)
    # The lesson, its course and the actor's enrolment in one query.
    found = session.exec(
        select(Lesson, Course, Enrollment.source).join(Course, Course.id == Lesson.course_id)
        .outerjoin(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == actor.user_id))
        .where(Lesson.id == lesson_id)
    ).first() if lesson_id else None
    if found is None:
        raise ServiceError("That lesson does not exist.")
    lesson, course, source = found
    if course.status not in ("published", "archived") or not _enrolled_now(session, actor.user_id, course, source):
        raise PermissionDenied(ENROLL_FIRST)
    order = lesson_order(session, course.id)
    done = completed_ids(session, actor.user_id, course.id)
    if lesson.id in locked_ids(order, done, course.sequential):
        raise PermissionDenied("Complete the previous lessons first: this course is taken in order.")
    return Target(course=course, lesson=lesson, order=order, done=done)


def _row(session: Session, user_id: int, target: Target, lock: bool = True) -> LessonProgress:
    return _row_for(session, user_id, target.course.id, target.lesson.id, lock)


def _row_for(session: Session, user_id: int, course_id: int, lesson_id: int, lock: bool = True) -> LessonProgress:
    """The (user, lesson) progress row, created when missing (concurrent creation is safe)."""
    query = select(LessonProgress).where(LessonProgress.user_id == user_id,
                                         LessonProgress.lesson_id == lesson_id)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = LessonProgress(user_id=user_id, course_id=course_id, lesson_id=lesson_id)
            session.add(row)
    except IntegrityError:
        return session.exec(query).one()
    events.record(session, "lesson_started", user_id=user_id, course_id=course_id, lesson_id=lesson_id)
    return row


def _completed(session: Session, user_id: int, target: Target) -> CourseProgress:
    """A lesson just became complete: record it, and notice when that finished the course.

    Two different last lessons can complete in parallel transactions, each seeing the other's
    lesson as not yet done. So completions of one enrolment queue on its row (``FOR UPDATE``;
    SQLite serialises writers anyway) and the completed lessons are read again after the lock:
    the later transaction sees the earlier one's row and finishes the course exactly once.
    """
    events.record(session, "lesson_completed", user_id=user_id, course_id=target.course.id,
                  lesson_id=target.lesson.id)
    session.exec(select(Enrollment.id).where(Enrollment.user_id == user_id, Enrollment.course_id == target.course.id)
                 .with_for_update()).first()
    done = completed_ids(session, user_id, target.course.id) | {target.lesson.id}
    summary = course_progress(target.order, done)
    if summary.total and summary.done == summary.total and target.lesson.id not in target.done:
        events.record(session, "course_completed", user_id=user_id, course_id=target.course.id)
        certificates.issue_for_completion(session, user_id, target.course.id)
    return summary


def rows_of(session: Session, user_id: int, course_id: int) -> dict[int, tuple[bool, int]]:
    """The learner's progress in a course: lesson id → (completed, video position) (one query)."""
    return {lesson_id: (completed_at is not None, position) for lesson_id, completed_at, position in session.exec(
        select(LessonProgress.lesson_id, LessonProgress.completed_at, LessonProgress.video_position_seconds)
        .where(LessonProgress.user_id == user_id, LessonProgress.course_id == course_id)).all()}


def record_visit(session: Session, user_id: int, course_id: int, lesson_id: int, known: bool) -> None:
    """The lesson page was opened by an enrolled learner allowed to see it (the caller checked):
    it becomes the lesson "Continue" leads to. One UPDATE when the row exists (``known``)."""
    if known:
        session.execute(update(LessonProgress).where(LessonProgress.user_id == user_id,
                                                     LessonProgress.lesson_id == lesson_id)
                        .values(last_seen_at=utcnow()))
        return
    row = _row_for(session, user_id, course_id, lesson_id, lock=False)
    row.last_seen_at = utcnow()
    session.add(row)
    session.flush()


def open_lesson(session: Session, actor: Actor, lesson_ref: object) -> LessonProgress:
    """The learner opened the lesson: it becomes the one "Continue" leads back to."""
    target = learner_lesson(session, actor, lesson_ref)
    row = _row(session, actor.user_id, target)
    row.last_seen_at = utcnow()
    session.add(row)
    session.flush()
    return row


def mark_complete(session: Session, actor: Actor, lesson_ref: object, complete: bool = True) -> CourseProgress:
    """Mark (or unmark) the lesson complete; completing twice counts once."""
    target = learner_lesson(session, actor, lesson_ref)
    kind = lesson_types.get(target.lesson.lesson_type)
    if kind.graded:
        raise ServiceError("This lesson completes when you pass it.")
    row = _row(session, actor.user_id, target)
    if complete and row.completed_at is None:
        _check_rule(session, target, kind, row)
        row.completed_at = utcnow()
        session.add(row)
        session.flush()
        return _completed(session, actor.user_id, target)
    if not complete:
        row.completed_at = None
        session.add(row)
        session.flush()
    done = set(target.done)
    (done.add if complete else done.discard)(target.lesson.id)
    return course_progress(target.order, done)


def _check_rule(session: Session, target: Target, kind, row: LessonProgress) -> None:
    """The course's completion rule, checked against what the server measured (not the client)."""
    rule = completion.rule_for(session, target.course.id)
    if kind.tracks_video and rule.verified_video:
        needed = completion.needed_seconds(rule, completion.video_length(target.lesson.duration_seconds, None))
        if row.watched_seconds < needed:
            raise ServiceError(f"This video completes by itself once you have watched {rule.video_percent} % of it "
                               f"(watched so far: {completion.minutes_label(row.watched_seconds)}).")
    elif not kind.tracks_video and rule.timed_reading and row.seconds_spent < rule.reading_seconds:
        raise ServiceError(f"Spend at least {completion.minutes_label(rule.reading_seconds)} on this lesson before "
                           f"marking it complete (so far: {completion.minutes_label(row.seconds_spent)}).")


def record_pass(session: Session, user_id: int, lesson_id: int) -> CourseProgress:
    """A grader (quiz, assignment) found that the learner passed: the lesson completes, once.

    The caller has already checked that ``user_id`` is enrolled and allowed to take the lesson;
    this is not reachable from a handler with a client-chosen user.
    """
    lesson = session.get(Lesson, lesson_id)
    course = session.get(Course, lesson.course_id) if lesson else None
    if lesson is None or course is None:
        raise ServiceError("That lesson does not exist.")
    target = Target(course=course, lesson=lesson, order=lesson_order(session, course.id),
                    done=completed_ids(session, user_id, course.id))
    row = _row(session, user_id, target)
    if row.completed_at is not None:
        return course_progress(target.order, target.done)
    row.completed_at = utcnow()
    session.add(row)
    session.flush()
    return _completed(session, user_id, target)


def save_position(session: Session, actor: Actor, lesson_ref: object, position: object,
                  duration: object = None) -> tuple[bool, CourseProgress]:
    """Store the video position; at ≥ 90 % watched the lesson completes. Returns (completed, progress).

    Under a "watch" completion rule the lesson completes on the server-measured watched time
    (``completion.credit``), not on the position the client reports."""
    seconds = _seconds(position)
    if seconds is None:
        raise ServiceError("That position is not a number of seconds.")
    target = learner_lesson(session, actor, lesson_ref)
    kind = lesson_types.find(target.lesson.lesson_type)
    if kind is None or not kind.tracks_video:
        raise ServiceError("Only video lessons have a position.")
    known = target.lesson.duration_seconds or _seconds(duration) or 0
    if known:
        seconds = min(seconds, known)
    row = _row(session, actor.user_id, target)
    now = utcnow()
    watched = completion.credit(row.watched_seconds, row.video_position_seconds, seconds, row.position_saved_at, now)
    row.watched_seconds = min(watched, known) if known else watched
    row.video_position_seconds, row.position_saved_at = seconds, now
    rule = completion.rule_for(session, target.course.id)
    if rule.verified_video:
        needed = completion.needed_seconds(rule, completion.video_length(target.lesson.duration_seconds,
                                                                         _seconds(duration)))
        finishing = row.completed_at is None and row.watched_seconds >= needed
    else:
        finishing = bool(known and row.completed_at is None and seconds >= AUTO_COMPLETE_RATIO * known)
    if finishing:
        row.completed_at = utcnow()
    session.add(row)
    session.flush()
    if finishing:
        return True, _completed(session, actor.user_id, target)
    done = set(target.done)
    if row.completed_at is not None:
        done.add(target.lesson.id)
    return row.completed_at is not None, course_progress(target.order, done)


def heartbeat(session: Session, actor: Actor, lesson_ref: object, now: datetime | None = None) -> int:
    """A beat from a visible tab: add the time since the previous beat (or the opening), capped.

    ``last_seen_at`` moves only when the lesson is opened and on counted beats (not on video
    saves or completion), so it is both the resume order and the previous beat's time.
    """
    target = learner_lesson(session, actor, lesson_ref)
    row = _row(session, actor.user_id, target)
    now = now or utcnow()
    elapsed = (now - row.last_seen_at).total_seconds() if row.last_seen_at else 0
    if elapsed < BEAT_MIN_SECONDS:
        return row.seconds_spent
    row.seconds_spent += int(min(elapsed, BEAT_MAX_SECONDS))
    row.last_seen_at = now
    session.add(row)
    session.flush()
    return row.seconds_spent


@dataclass
class Resume:
    lesson_id: int
    position: int


def resume_point(session: Session, user_id: int, course_id: int) -> Resume | None:
    """The lesson the learner was last on in this course, and the saved video position."""
    row = session.exec(
        select(LessonProgress.lesson_id, LessonProgress.video_position_seconds)
        .where(LessonProgress.user_id == user_id, LessonProgress.course_id == course_id)
        .order_by(LessonProgress.last_seen_at.desc(), LessonProgress.id.desc()).limit(1)
    ).first()
    return Resume(lesson_id=row[0], position=row[1]) if row else None


def continue_href(slug: str, resume: Resume | None, first_lesson_id: int | None) -> str:
    lesson_id = resume.lesson_id if resume else first_lesson_id
    if not lesson_id:
        return f"/courses/{slug}"
    return f"/learn/{slug}/{lesson_id}"


def summaries(session: Session, user_id: int, course_ids: list[int]) -> dict[int, dict]:
    """Per course: done, total, percent and the lesson to continue with (three queries)."""
    if not course_ids:
        return {}
    totals = dict(session.exec(select(Lesson.course_id, func.count(Lesson.id))
                               .where(Lesson.course_id.in_(course_ids)).group_by(Lesson.course_id)).all())
    done = dict(session.exec(
        select(LessonProgress.course_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, LessonProgress.course_id.in_(course_ids),
               LessonProgress.completed_at.is_not(None)).group_by(LessonProgress.course_id)).all())
    last: dict[int, int] = {}
    for course_id, lesson_id in session.exec(
            select(LessonProgress.course_id, LessonProgress.lesson_id)
            .where(LessonProgress.user_id == user_id, LessonProgress.course_id.in_(course_ids))
            .order_by(LessonProgress.last_seen_at.desc(), LessonProgress.id.desc()).limit(5000)).all():
        last.setdefault(course_id, lesson_id)
    out = {}
    for cid in course_ids:
        p = CourseProgress(done=min(done.get(cid, 0), totals.get(cid, 0)), total=totals.get(cid, 0))
        out[cid] = {"done": p.done, "total": p.total, "percent": p.percent, "last_lesson_id": last.get(cid, 0)}
    return out


def first_lessons(session: Session, course_ids: list[int]) -> dict[int, int]:
    """The first lesson (outline order) of each course (one query)."""
    if not course_ids:
        return {}
    out: dict[int, int] = {}
    for course_id, lesson_id in session.exec(
            select(Lesson.course_id, Lesson.id).join(Module, Module.id == Lesson.module_id)
            .where(Lesson.course_id.in_(course_ids))
            .order_by(Lesson.course_id, Module.position, Module.id, Lesson.position, Lesson.id).limit(20000)).all():
        out.setdefault(course_id, lesson_id)
    return out


def lesson_state(session: Session, actor: Actor, lesson_ref: object) -> tuple[int, bool, CourseProgress]:
    """The learner's saved video position in a lesson, whether it is complete, and the course's
    progress (the player's resume point; same enrolment and sequential rule as saving it)."""
    target = learner_lesson(session, actor, lesson_ref)
    position = session.exec(select(LessonProgress.video_position_seconds).where(
        LessonProgress.user_id == actor.user_id, LessonProgress.lesson_id == target.lesson.id)).first()
    return position or 0, target.lesson.id in target.done, course_progress(target.order, target.done)


def course_state(session: Session, actor: Actor, course_ref: object) -> tuple[Course, CourseProgress,
                                                                               dict[int, tuple[bool, int]], int]:
    """An enrolled learner's progress in a course (by slug): (course, totals, lesson id →
    (completed, video position), the lesson to continue with). Four queries."""
    require_role(actor, LEARNER_AREA)
    if not isinstance(course_ref, str) or not 0 < len(course_ref) <= 120:
        raise ServiceError("That course does not exist.")
    found = session.exec(select(Course, Enrollment.source).outerjoin(
        Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == actor.user_id))
        .where(Course.slug == course_ref)).first()
    if found is None:
        raise ServiceError("That course does not exist.")
    course, source = found
    if not _enrolled_now(session, actor.user_id, course, source):
        raise PermissionDenied(ENROLL_FIRST)
    order = lesson_order(session, course.id)
    rows = rows_of(session, actor.user_id, course.id)
    done = {lid for lid, (completed, _) in rows.items() if completed}
    resume = resume_point(session, actor.user_id, course.id)
    return course, course_progress(order, done), {lid: rows.get(lid, (False, 0)) for lid in order}, \
        resume.lesson_id if resume else (order[0] if order else 0)
