"""Grades: rubric scoring, the teacher's grading queue, and making a grade final.

A grade becomes final once (``finalize``: a conditional UPDATE from a non-graded status), by the
course's teacher/an admin from the queue, or by the peer reviews (services/peer_review.py). Final
means: points, percentage, pass/fail and a per-criterion breakdown copied onto the submission,
a ``assignment_graded`` learning event, and ``progress.record_pass`` when the learner passed.

Peer cut-off: a peer-graded submission still short of reviews at its ``peer_deadline_at`` goes
to the teacher's queue. There is no background job: ``apply_cutoff`` runs when the queue or the
assignment (player) loads, with one UPDATE, so the queue is always current when someone looks.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson
from lms_app.core.users import User
from lms_app.assignments.views import FileView, GradingView, QueueRow, ReviewFeedbackView
from lms_app.assignments.models import PeerReview, RubricCriterion, Submission
from lms_app.core.types import utcnow
from lms_app.assignments.services import setup as assignment_setup
from lms_app.core import events
from lms_app.learning.services import progress
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import as_id, strip_controls
from lms_app.learning.services.course_access import size_label
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import TEACHER_AREA, require_role

PAGE_SIZE = 20
FEEDBACK_MAX = 5000


# --- rubric scoring ----------------------------------------------------------------------------------

def parse_scores(criteria: list[RubricCriterion], raw: object) -> dict[str, int]:
    """{criterion id: chosen level index} from the form → {criterion id: points}; every criterion scored."""
    if not criteria:
        raise ServiceError("This assignment has no rubric yet; ask the teacher to add one.")
    if not isinstance(raw, dict):
        raise ServiceError("Choose a level for every criterion.", "scores")
    points = {}
    for criterion in criteria:
        pick = raw.get(str(criterion.id))
        if isinstance(pick, str) and pick.isdigit():
            pick = int(pick)
        if isinstance(pick, bool) or not isinstance(pick, int) or not 0 <= pick < len(criterion.levels):
            raise ServiceError(f"Choose a level for \u201c{criterion.title}\u201d.", "scores")
        points[str(criterion.id)] = int(criterion.levels[pick]["points"])
    return points


def clean_feedback(raw: object, required: bool = True) -> str:
    text = strip_controls(raw).strip() if isinstance(raw, str) else ""
    if required and len(text) < 5:
        raise ServiceError("Write some feedback (at least a sentence).", "feedback")
    if len(text) > FEEDBACK_MAX:
        raise ServiceError(f"Keep the feedback under {FEEDBACK_MAX:,} characters.", "feedback")
    return text


def finalize(session: Session, sub: Submission, criteria: list[RubricCriterion], per_criterion: dict[str, float],
             feedback: str, graded_by: str, grader_id: int | None) -> bool:
    """Make the grade final once; False when another grader was first."""
    max_points = sum(assignment_setup.max_of(c) for c in criteria)
    total = sum(per_criterion.get(str(c.id), 0) for c in criteria)
    percent = 0 if max_points <= 0 else max(0, min(100, round(100 * total / max_points)))
    cfg = assignment_setup.settings_for(session, sub.lesson_id)
    passed = percent >= cfg.pass_percent
    breakdown = [{"title": c.title, "points": round(per_criterion.get(str(c.id), 0), 1),
                  "max": assignment_setup.max_of(c)} for c in criteria]
    now = utcnow()
    result = session.execute(
        update(Submission).where(Submission.id == sub.id, Submission.status != "graded")
        .values(status="graded", points=round(total), max_points=max_points, percent=percent, passed=passed,
                breakdown=breakdown, feedback=feedback, graded_by=graded_by, grader_id=grader_id, graded_at=now,
                updated_at=now))
    if result.rowcount != 1:
        return False
    session.refresh(sub)
    events.record(session, "assignment_graded", user_id=sub.user_id, course_id=sub.course_id,
                  lesson_id=sub.lesson_id, score=percent)
    if passed and progress.is_enrolled(session, sub.user_id, sub.course_id):
        progress.record_pass(session, sub.user_id, sub.lesson_id)
    return True


# --- peer cut-off --------------------------------------------------------------------------------------

def apply_cutoff(session: Session, *, lesson_id: int | None = None, teacher_id: int | None = None,
                 everything: bool = False) -> int:
    """Peer submissions past their cut-off without enough reviews → the teacher's queue (one UPDATE)."""
    query = update(Submission).where(Submission.status == "peer_review", Submission.peer_deadline_at <= utcnow())
    if lesson_id is not None:
        query = query.where(Submission.lesson_id == lesson_id)
    elif teacher_id is not None:
        query = query.where(Submission.course_id.in_(select(Course.id).where(Course.teacher_id == teacher_id)))
    elif not everything:
        return 0
    return session.execute(query.values(status="awaiting_teacher")).rowcount or 0


# --- the teacher's queue -------------------------------------------------------------------------------

def _staff_filter(query, actor: Actor):
    return query if actor.role == "admin" else query.where(Course.teacher_id == actor.user_id)


def queue(session: Session, actor: Actor, page: object = 1) -> tuple[list[QueueRow], int]:
    """Submissions waiting for a teacher grade, oldest first: the teacher's own courses (admins: all).

    3 statements whatever the page shows: the cut-off UPDATE, the count and the page."""
    require_role(actor, TEACHER_AREA)
    number = page if isinstance(page, int) and not isinstance(page, bool) and 1 <= page <= 100_000 else 1
    if actor.role == "admin":
        apply_cutoff(session, everything=True)
    else:
        apply_cutoff(session, teacher_id=actor.user_id)
    base = (select(Submission.id).join(Course, Course.id == Submission.course_id)
            .where(Submission.status == "awaiting_teacher"))
    total = session.exec(select(func.count()).select_from(_staff_filter(base, actor).subquery())).one()
    rows = session.exec(_staff_filter(
        select(Submission.id, Submission.submitted_at, Submission.peer_deadline_at, User.name, Course.title,
               Lesson.title, assignment_due())
        .join(Course, Course.id == Submission.course_id).join(Lesson, Lesson.id == Submission.lesson_id)
        .join(User, User.id == Submission.user_id).where(Submission.status == "awaiting_teacher"), actor)
        .order_by(Submission.submitted_at, Submission.id).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    zone = assignment_setup.user_zone(session, actor.user_id) if rows else None
    return [QueueRow(id=sid, learner=name, course_title=ctitle, lesson_title=ltitle,
                     submitted_label=assignment_setup.when_label(at, zone),
                     reason="Not enough peer reviews" if deadline else "Teacher grading",
                     late=bool(due and at > due))
            for sid, at, deadline, name, ctitle, ltitle, due in rows], total


def assignment_due():
    from lms_app.assignments.models import AssignmentSettings

    return (select(AssignmentSettings.due_at).where(AssignmentSettings.lesson_id == Submission.lesson_id)
            .correlate(Submission).scalar_subquery())


def _staff_submission(session: Session, actor: Actor, submission_id: object) -> tuple[Submission, Course]:
    require_role(actor, TEACHER_AREA)
    sub = session.get(Submission, as_id(submission_id, "submission"))
    course = session.get(Course, sub.course_id) if sub else None
    if sub is None or course is None:
        raise ServiceError("That submission does not exist.")
    if actor.role != "admin" and course.teacher_id != actor.user_id:
        raise PermissionDenied()
    return sub, course


def grading_view(session: Session, actor: Actor, submission_id: object) -> dict:
    """One submission to grade: the learner's work, the rubric, and any peer reviews it got."""
    from lms_app.assignments.services import submissions

    sub, course = _staff_submission(session, actor, submission_id)
    lesson = session.get(Lesson, sub.lesson_id)
    learner = session.exec(select(User.name).where(User.id == sub.user_id)).one()
    zone = assignment_setup.user_zone(session, actor.user_id)
    files = submissions.files_of(session, [sub.id])[sub.id]
    reviews = session.exec(select(PeerReview).where(PeerReview.submission_id == sub.id,
                                                    PeerReview.completed_at.is_not(None))
                           .order_by(PeerReview.completed_at)).all()
    cfg = assignment_setup.settings_for(session, sub.lesson_id)
    view = GradingView(id=sub.id, learner=learner, course_title=course.title, lesson_title=lesson.title,
                       submitted_label=assignment_setup.when_label(sub.submitted_at, zone), text=sub.text,
                       files=[FileView(id=f.id, name=f.file_name, size_label=size_label(f.file_size),
                                       url=f"/media/submissions/{f.id}") for f in files],
                       peer_notes=[ReviewFeedbackView(label=f"Peer review {i + 1}", text=r.feedback)
                                   for i, r in enumerate(reviews)],
                       pass_percent=cfg.pass_percent)
    criteria = [assignment_setup.criterion_view(c) for c in assignment_setup.criteria_for(session, sub.lesson_id)]
    return {"view": view, "criteria": criteria, "status": sub.status}


def grade(session: Session, actor: Actor, submission_id: object, scores: object, feedback: object) -> Submission:
    """The teacher's grade (course teacher or admin), for a submission waiting in the queue."""
    sub, _course = _staff_submission(session, actor, submission_id)
    sub = session.exec(select(Submission).where(Submission.id == sub.id).with_for_update()).one()
    if sub.status == "graded":
        raise ServiceError("This submission has already been graded.")
    if sub.status != "awaiting_teacher":
        raise ServiceError("This submission is being peer reviewed; it reaches your queue if reviews run late.")
    criteria = assignment_setup.criteria_for(session, sub.lesson_id)
    points = parse_scores(criteria, scores)
    text = clean_feedback(feedback)
    if not finalize(session, sub, criteria, points, text, "teacher", actor.user_id):
        raise ServiceError("This submission has already been graded.")
    return sub
