"""Submissions, automatic anonymous peer review, final grades, the teacher queue (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from assignment_support import assignment_course, learners
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from lms_app.core.db import session_scope
from lms_app.core.event_log import LearningEvent
from lms_app.learning.models import LessonProgress
from lms_app.assignments.models import PeerReview, Submission
from lms_app.core.types import utcnow
from lms_app.assignments.services import (
    grading as assignment_grading,
    views as assignment_views,
    peer_review,
    submissions,
)
from lms_app.core.errors import PermissionDenied, ServiceError


def run(fn, *args):
    with session_scope() as s:
        return fn(s, *args)


def test_three_learners_review_each_other_and_all_get_a_final_grade(make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course)
    people = learners(make_user, enroll, sign_in, course)
    for i, (_, actor, _) in enumerate(people):
        run(submissions.submit_text, actor, lesson.id, f"My essay number {i}")
    with session_scope() as s:
        rows = s.exec(select(PeerReview)).all()
        assert len(rows) == 6 and all(r.reviewer_id != r.author_id for r in rows)
        per_sub = {}
        for r in rows:
            per_sub.setdefault(r.submission_id, set()).add(r.reviewer_id)
        assert all(len(v) == 2 for v in per_sub.values())
    # Everyone gives "Excellent" on criterion 1 and "Fair" on criterion 2.
    for _, actor, _ in people:
        tasks = run(peer_review.tasks, actor.user_id, lesson.id)
        assert [t["label"] for t in tasks] == ["Submission 1", "Submission 2"]
        for t in tasks:
            run(peer_review.submit_review, actor, t["id"], {str(crit[0]): "0", str(crit[1]): "1"}, "Good work, clear.")
    with session_scope() as s:
        subs = s.exec(select(Submission)).all()
        assert {x.status for x in subs} == {"graded"} and {x.percent for x in subs} == {75}
        assert all(x.passed and x.graded_by == "peer" for x in subs)
        assert s.exec(select(func.count()).select_from(LearningEvent)
                      .where(LearningEvent.kind == "assignment_graded", LearningEvent.score == 75)).one() == 3
        assert s.exec(select(func.count()).select_from(LessonProgress)
                      .where(LessonProgress.completed_at.is_not(None))).one() == 3
    panel = run(assignment_views.panel, people[0][1], lesson.id)
    assert panel["submission"]["graded"] and panel["submission"]["points_label"] == "6 / 8"
    assert [f["label"] for f in panel["submission"]["feedback"]] == ["Reviewer 1", "Reviewer 2"]
    assert not panel["submission"]["can_change"]


def test_reviewer_sees_no_identity_of_the_author(make_course, make_user, enroll, sign_in):
    course, lesson, _ = assignment_course(make_course)
    people = learners(make_user, enroll, sign_in, course, 2)
    run(submissions.submit_text, people[0][1], lesson.id, "Author text")
    run(submissions.submit_text, people[1][1], lesson.id, "Other text")
    panel = run(assignment_views.panel, people[1][1], lesson.id)
    blob = repr(panel["tasks"])
    author = people[0][0]
    assert "Author text" in blob
    assert author.name not in blob and author.email not in blob
    assert all(set(t) == {"id", "label", "text", "files", "done", "open", "feedback"} for t in panel["tasks"])


def test_database_refuses_self_review_and_duplicate_assignment(make_course, make_user, enroll, sign_in):
    course, lesson, _ = assignment_course(make_course)
    (u1, a1, _), (u2, a2, _) = learners(make_user, enroll, sign_in, course, 2)
    sub = run(submissions.submit_text, a1, lesson.id, "Mine")
    with pytest.raises(IntegrityError), session_scope() as s:
        s.add(PeerReview(submission_id=sub.id, lesson_id=lesson.id, reviewer_id=u1.id, author_id=u1.id))
    run(submissions.submit_text, a2, lesson.id, "Yours")  # u2 gets assigned to u1's submission
    with pytest.raises(IntegrityError), session_scope() as s:
        s.add(PeerReview(submission_id=sub.id, lesson_id=lesson.id, reviewer_id=u2.id, author_id=u1.id))


def test_no_review_of_someone_elses_assignment_and_no_double_review(make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course)
    people = learners(make_user, enroll, sign_in, course, 3)
    for _, actor, _ in people[:2]:
        run(submissions.submit_text, actor, lesson.id, "text")
    task = run(peer_review.tasks, people[0][1].user_id, lesson.id)[0]
    scores = {str(c): "0" for c in crit}
    with pytest.raises(PermissionDenied):
        run(peer_review.submit_review, people[2][1], task["id"], scores, "Not my review to give")
    run(peer_review.submit_review, people[0][1], task["id"], scores, "Fine work here.")
    with pytest.raises(ServiceError, match="already"):
        run(peer_review.submit_review, people[0][1], task["id"], {str(c): "2" for c in crit}, "Changed my mind")
    with session_scope() as s:
        assert s.get(PeerReview, task["id"]).scores == {str(c): 4 for c in crit}


def test_double_submit_makes_one_submission_and_resubmit_until_reviewed(make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course)
    (_, a1, _), (_, a2, _) = learners(make_user, enroll, sign_in, course, 2)
    run(submissions.submit_text, a1, lesson.id, "first")
    run(submissions.submit_text, a1, lesson.id, "first")
    run(submissions.submit_text, a1, lesson.id, "second version")
    with session_scope() as s:
        rows = s.exec(select(Submission).where(Submission.user_id == a1.user_id)).all()
        assert len(rows) == 1 and rows[0].text == "second version"
    run(submissions.submit_text, a2, lesson.id, "other")
    task = run(peer_review.tasks, a2.user_id, lesson.id)[0]
    run(peer_review.submit_review, a2, task["id"], {str(c): "1" for c in crit}, "Reviewed it.")
    with pytest.raises(ServiceError, match="reviewed"):
        run(submissions.submit_text, a1, lesson.id, "third")


def test_not_enrolled_can_do_nothing(make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course)
    (_, a1, _), (_, a2, _) = learners(make_user, enroll, sign_in, course, 2)
    run(submissions.submit_text, a1, lesson.id, "x")
    run(submissions.submit_text, a2, lesson.id, "y")
    outsider = make_user()
    _, out_actor = sign_in(outsider)
    with pytest.raises(PermissionDenied):
        run(submissions.submit_text, out_actor, lesson.id, "sneaky")
    with pytest.raises(PermissionDenied):
        run(assignment_views.panel, out_actor, lesson.id)
    task = run(peer_review.tasks, a1.user_id, lesson.id)[0]
    with pytest.raises(PermissionDenied):
        run(peer_review.submit_review, out_actor, task["id"], {str(c): "0" for c in crit}, "Hello there")


def test_cutoff_sends_underreviewed_work_to_the_teacher_who_grades_it(make_course, make_user, enroll, sign_in):
    teacher = make_user(role="teacher")
    _, t_actor = sign_in(teacher)
    course, lesson, crit = assignment_course(make_course, teacher=teacher, pass_percent=80)
    (_, a1, _), = learners(make_user, enroll, sign_in, course, 1)
    sub = run(submissions.submit_text, a1, lesson.id, "Lonely essay")
    rows, total = run(assignment_grading.queue, t_actor, 1)
    assert total == 0 and rows == []
    with session_scope() as s:
        s.execute(update(Submission).values(peer_deadline_at=utcnow() - timedelta(minutes=1)))
    rows, total = run(assignment_grading.queue, t_actor, 1)
    assert total == 1 and rows[0]["reason"] == "Not enough peer reviews"
    other_teacher = make_user(role="teacher")
    _, other = sign_in(other_teacher)
    assert run(assignment_grading.queue, other, 1) == ([], 0)
    with pytest.raises(PermissionDenied):
        run(assignment_grading.grade, other, sub.id, {str(c): "0" for c in crit}, "Great")
    with pytest.raises(PermissionDenied):
        run(assignment_grading.grade, a1, sub.id, {str(c): "0" for c in crit}, "I grade myself")
    run(assignment_grading.grade, t_actor, sub.id, {str(crit[0]): "0", str(crit[1]): "1"}, "Solid, but thin.")
    with session_scope() as s:
        row = s.get(Submission, sub.id)
        assert row.status == "graded" and row.percent == 75 and row.passed is False
        assert s.exec(select(LessonProgress).where(LessonProgress.completed_at.is_not(None))).first() is None
    with pytest.raises(ServiceError, match="already"):
        run(assignment_grading.grade, t_actor, sub.id, {str(c): "0" for c in crit}, "Regrade!")
    assert run(assignment_grading.queue, t_actor, 1) == ([], 0)


def test_teacher_mode_queue_is_oldest_first_and_admin_sees_all(make_course, make_user, enroll, sign_in):
    course, lesson, _ = assignment_course(make_course, mode="teacher")
    people = learners(make_user, enroll, sign_in, course, 3)
    for _, actor, _ in people:
        run(submissions.submit_text, actor, lesson.id, "answer")
    admin = make_user(role="admin")
    _, admin_actor = sign_in(admin)
    rows, total = run(assignment_grading.queue, admin_actor, 1)
    assert total == 3 and [r["learner"] for r in rows] == [u.name for u, _, _ in people]
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(PeerReview)).one() == 0


def test_files_are_sniffed_and_limited(make_course, make_user, enroll, sign_in, settings, png_bytes):
    course, lesson, _ = assignment_course(make_course, mode="teacher")
    (_, a1, _), (_, a2, _) = learners(make_user, enroll, sign_in, course, 2)
    with pytest.raises(ServiceError, match="content was checked"):
        run(submissions.add_file, settings, a1, lesson.id, b"MZ\x90\x00 not a pdf", "essay.pdf")
    with pytest.raises(ServiceError, match="larger"):
        run(submissions.add_file, settings, a1, lesson.id, b"%PDF-" + b"0" * (20 * 1024 * 1024), "big.pdf")
    row = run(submissions.add_file, settings, a1, lesson.id, png_bytes(), "photo.exe")
    assert row.file_name == "photo.png" and row.file_mime == "image/png"
    assert run(submissions.readable_file, settings, a1, row.id)[1] == "image/png"
    assert run(submissions.readable_file, settings, a2, row.id) is None
    assert run(submissions.readable_file, settings, None, row.id) is None
