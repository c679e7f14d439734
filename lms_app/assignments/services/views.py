"""What the assignment panel of the course player shows, built for the viewer on the server.

Learners (enrolled): instructions are the lesson body (already on the page); this adds the due
date in their time zone, their submission and its status, the grade with per-criterion scores
and feedback, and the anonymous reviews they were given. Loading it also applies the peer
cut-off for the lesson and tops up peer review assignments. The course's teacher and admins
get the rubric and settings only (they grade from /teach/grading).
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson
from lms_app.assignments.views import FileView, MySubmissionView, ReviewFeedbackView, ScoreView
from lms_app.assignments.models import PeerReview, Submission
from lms_app.assignments.services import (
    grading as assignment_grading,
    setup as assignment_setup,
    peer_review,
    submissions,
)
from lms_app.learning.services import course_access, progress
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import as_id
from lms_app.learning.services.course_access import size_label
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role

STATUS_LABELS = {"peer_review": "Submitted: waiting for peer reviews",
                 "awaiting_teacher": "Submitted: waiting for the teacher's grade",
                 "graded": "Graded"}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def empty_submission() -> MySubmissionView:
    return MySubmissionView(exists=False, status="", status_label="Not submitted yet", text="", submitted_label="",
                            late=False, can_change=True, reviews_done=0, reviews_required=0, graded=False,
                            passed=False, percent=0, points_label="", breakdown=[], feedback=[])


def _my_submission(session: Session, sub: Submission | None, cfg, zone) -> tuple[MySubmissionView, list[FileView]]:
    view = empty_submission()
    view["reviews_required"] = cfg.reviews_required if cfg.grading_mode == "peer" else 0
    if sub is None:
        return view, []
    done = session.exec(select(func.count()).select_from(PeerReview).where(
        PeerReview.submission_id == sub.id, PeerReview.completed_at.is_not(None))).one()
    graded = sub.status == "graded"
    view.update(exists=True, status=sub.status, status_label=STATUS_LABELS.get(sub.status, sub.status),
                text=sub.text, submitted_label=assignment_setup.when_label(sub.updated_at, zone),
                late=bool(cfg.due_at and sub.submitted_at > cfg.due_at), can_change=not graded and done == 0,
                reviews_done=done, graded=graded)
    if graded:
        view.update(passed=bool(sub.passed), percent=sub.percent or 0,
                    points_label=f"{sub.points} / {sub.max_points}",
                    breakdown=[ScoreView(title=str(b.get("title", "")), points=_number(b.get("points", 0)),
                                         max=str(b.get("max", 0))) for b in sub.breakdown])
        if sub.graded_by == "peer":
            view["feedback"] = [ReviewFeedbackView(label=f"Reviewer {i + 1}", text=t)
                                for i, t in enumerate(peer_review.feedback_for(session, sub))]
        else:
            view["feedback"] = [ReviewFeedbackView(label="Teacher", text=sub.feedback)]
    files = submissions.files_of(session, [sub.id])[sub.id]
    return view, [FileView(id=f.id, name=f.file_name, size_label=size_label(f.file_size),
                           url=f"/media/submissions/{f.id}") for f in files]


def panel(session: Session, actor: Actor, lesson_id: object) -> dict:
    """role: 'learner' | 'staff'; plus settings, criteria, submission, files and review tasks."""
    require_role(actor, LEARNER_AREA)
    lid = as_id(lesson_id, "lesson")
    lesson = session.get(Lesson, lid)
    course = session.get(Course, lesson.course_id) if lesson else None
    if lesson is None or course is None or lesson.lesson_type != assignment_setup.KEY:
        raise ServiceError("That assignment does not exist.")
    zone = assignment_setup.user_zone(session, actor.user_id)
    cfg = assignment_setup.settings_for(session, lesson.id)
    criteria = [assignment_setup.criterion_view(c) for c in assignment_setup.criteria_for(session, lesson.id)]
    base = {"settings": assignment_setup.settings_view(cfg, zone), "criteria": criteria, "files": [],
            "submission": empty_submission(), "tasks": []}
    if course_access.is_staff_for(actor, course):
        return {**base, "role": "staff"}
    if course.status not in ("published", "archived") or not progress.is_enrolled(session, actor.user_id, course.id):
        raise PermissionDenied("Enroll in the course to submit this assignment.")
    target = submissions.learner_target(session, actor, lid)  # enrolled, may open it now (sequential mode)
    assignment_grading.apply_cutoff(session, lesson_id=lesson.id)
    sub = submissions.own_submission(session, actor.user_id, target.lesson.id)
    if sub is not None and cfg.grading_mode == "peer":
        peer_review.assign(session, lesson.id, cfg.reviews_required, actor.user_id)
    mine, files = _my_submission(session, sub, cfg, zone)
    return {**base, "role": "learner", "submission": mine, "files": files,
            "tasks": peer_review.tasks(session, actor.user_id, lesson.id) if sub is not None else []}

