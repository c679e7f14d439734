"""Peer review: automatic, anonymous assignment of reviewers and the reviews themselves.

Assignment (``assign``, run when a learner first submits and again whenever their assignment
page loads, so late arrivals top everyone up): each learner who submitted reviews up to N
submissions of others (N = ``reviews_required``), and each submission gets up to N reviewers,
always the least-served first. The database refuses a self-review (CHECK reviewer_id <>
author_id) and a second assignment of the same pair (unique), so concurrent top-ups cannot
double up. With N = 2 and three learners, each ends up reviewing the two others.

A reviewer sees "Submission 1", "Submission 2"... with the text and anonymised file names; the
review carries the same rubric as the teacher's grade. When a submission has N completed
reviews, its grade is the average of the reviewers' points per criterion and becomes final
(assignment_grading.finalize); the learner sees every reviewer's feedback as "Reviewer 1"...
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.assignments.views import FileView, ReviewTaskView
from lms_app.assignments.models import PeerReview, Submission
from lms_app.core.types import utcnow
from lms_app.assignments.services import grading as assignment_grading, setup as assignment_setup
from lms_app.learning.services import progress
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import as_id
from lms_app.learning.services.course_access import size_label
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role


def _insert(session: Session, submission: Submission | tuple, reviewer_id: int) -> bool:
    sub_id, lesson_id, author_id = submission
    if author_id == reviewer_id:
        return False
    try:
        with session.begin_nested():
            session.add(PeerReview(submission_id=sub_id, lesson_id=lesson_id, reviewer_id=reviewer_id,
                                   author_id=author_id))
    except IntegrityError:
        return False
    return True


def assign(session: Session, lesson_id: int, needed: int, user_id: int) -> int:
    """Top up this learner's review duties and the reviewers of their submission; returns rows added."""
    added = 0
    assigned = (select(func.count()).select_from(PeerReview).where(PeerReview.submission_id == Submission.id)
                .correlate(Submission).scalar_subquery())
    duties = session.exec(select(func.count()).select_from(PeerReview).where(
        PeerReview.lesson_id == lesson_id, PeerReview.reviewer_id == user_id)).one()
    if duties < needed:
        mine = select(PeerReview.submission_id).where(PeerReview.reviewer_id == user_id,
                                                      PeerReview.lesson_id == lesson_id)
        candidates = session.exec(
            select(Submission.id, Submission.lesson_id, Submission.user_id)
            .where(Submission.lesson_id == lesson_id, Submission.status == "peer_review",
                   Submission.user_id != user_id, Submission.id.not_in(mine), assigned < needed)
            .order_by(assigned, Submission.submitted_at, Submission.id).limit(needed - duties)).all()
        added += sum(_insert(session, row, user_id) for row in candidates)
    own = session.exec(select(Submission.id, Submission.lesson_id, Submission.user_id, assigned).where(
        Submission.lesson_id == lesson_id, Submission.user_id == user_id, Submission.status == "peer_review")).first()
    if own is not None and own[3] < needed:
        load = (select(func.count()).select_from(PeerReview)
                .where(PeerReview.lesson_id == lesson_id, PeerReview.reviewer_id == Submission.user_id)
                .correlate(Submission).scalar_subquery())
        already = select(PeerReview.reviewer_id).where(PeerReview.submission_id == own[0])
        reviewers = session.exec(
            select(Submission.user_id).where(Submission.lesson_id == lesson_id, Submission.user_id != user_id,
                                             Submission.user_id.not_in(already), load < needed)
            .order_by(load, Submission.submitted_at, Submission.id).limit(needed - own[3])).all()
        added += sum(_insert(session, own[:3], reviewer) for reviewer in reviewers)
    if added:
        session.flush()
    return added


def tasks(session: Session, user_id: int, lesson_id: int) -> list[ReviewTaskView]:
    """The reviews this learner was given for this lesson (2 queries; no author identity)."""
    from lms_app.assignments.services import submissions

    rows = session.exec(select(PeerReview, Submission.text, Submission.status)
                        .join(Submission, Submission.id == PeerReview.submission_id)
                        .where(PeerReview.reviewer_id == user_id, PeerReview.lesson_id == lesson_id)
                        .order_by(PeerReview.assigned_at, PeerReview.id).limit(20)).all()
    files = submissions.files_of(session, [r.submission_id for r, _, _ in rows])
    out = []
    for i, (review, text, status) in enumerate(rows):
        out.append(ReviewTaskView(
            id=review.id or 0, label=f"Submission {i + 1}", text=text,
            files=[FileView(id=f.id, name=f"File {k + 1}{_suffix(f.file_key)}", size_label=size_label(f.file_size),
                            url=f"/media/submissions/{f.id}") for k, f in enumerate(files[review.submission_id])],
            done=review.completed_at is not None, open=review.completed_at is None and status == "peer_review",
            feedback=review.feedback))
    return out


def _suffix(key: str) -> str:
    return "." + key.rsplit(".", 1)[-1] if "." in key else ""


def submit_review(session: Session, actor: Actor, review_id: object, scores: object, feedback: object) -> bool:
    """Complete one of the actor's own review assignments; True when it made the grade final.

    A review is given once: submitting it again changes nothing (and says so)."""
    require_role(actor, LEARNER_AREA)
    review = session.get(PeerReview, as_id(review_id, "review"))
    if review is None or review.reviewer_id != actor.user_id:
        raise PermissionDenied("That review is not yours to give.")
    sub = session.exec(select(Submission).where(Submission.id == review.submission_id).with_for_update()).one()
    course = session.get(Course, sub.course_id)
    if course is None or course.status not in ("published", "archived") \
            or not progress.is_enrolled(session, actor.user_id, course.id):
        raise PermissionDenied("Enroll in the course to review your classmates' work.")
    review = session.exec(select(PeerReview).where(PeerReview.id == review.id).with_for_update()).one()
    if review.completed_at is not None:
        raise ServiceError("You have already submitted this review.")
    if sub.status != "peer_review":
        raise ServiceError("This submission no longer needs your review: it is being graded by the teacher.")
    criteria = assignment_setup.criteria_for(session, sub.lesson_id)
    review.scores = assignment_grading.parse_scores(criteria, scores)
    review.feedback = assignment_grading.clean_feedback(feedback)
    review.completed_at = utcnow()
    session.add(review)
    session.flush()
    cfg = assignment_setup.settings_for(session, sub.lesson_id)
    done = session.exec(select(PeerReview).where(PeerReview.submission_id == sub.id,
                                                 PeerReview.completed_at.is_not(None))
                        .order_by(PeerReview.completed_at, PeerReview.id)).all()
    if len(done) < cfg.reviews_required:
        return False
    average = {str(c.id): sum(int(r.scores.get(str(c.id), 0)) for r in done) / len(done) for c in criteria}
    feedback_text = "\n\n".join(r.feedback for r in done)
    return assignment_grading.finalize(session, sub, criteria, average, feedback_text, "peer", None)


def feedback_for(session: Session, sub: Submission) -> list[str]:
    """The completed reviews' feedback of a submission, in order (for its author, anonymous)."""
    return list(session.exec(select(PeerReview.feedback).where(PeerReview.submission_id == sub.id,
                                                                PeerReview.completed_at.is_not(None))
                             .order_by(PeerReview.completed_at, PeerReview.id)).all())
