"""Periodic rounds: the inactivity reminder and the weekly digest (plain Python, run by the job worker).

Inactivity: an enrolled learner whose last activity in a course they have not completed is more
than 7 days old gets one reminder for that pause. The pause is named by the time of the last
activity (or the enrolment, with none), and ``reminders_sent`` holds a unique row per (user,
rule, pause): a round run twice, or by two workers at once, reminds once; new activity and a new
7-day pause earn a new reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment
from lms_app.core.event_log import LearningEvent
from lms_app.core.types import UTCDateTime, utcnow
from lms_app.core.users import User
from lms_app.notifications.models import Notification, ReminderSent
from lms_app.notifications.services import notify

INACTIVE_AFTER = timedelta(days=7)
BATCH = 500
RULE_INACTIVE = "inactive"
DIGEST_EVERY = timedelta(days=7)


def _ref(course_id: int, since: datetime) -> str:
    return f"{course_id}@{since.replace(microsecond=0).isoformat()}"


def inactive_candidates(session: Session, now: datetime, limit: int = BATCH) -> list[tuple[int, int, datetime]]:
    """(user_id, course_id, last activity) of unfinished enrolments idle for INACTIVE_AFTER."""
    last = (select(LearningEvent.user_id, LearningEvent.course_id,
                   func.max(LearningEvent.occurred_at).label("last_at"))
            .where(LearningEvent.kind.in_(("enrolled", "lesson_started", "lesson_completed", "quiz_submitted")))
            .group_by(LearningEvent.user_id, LearningEvent.course_id).subquery())
    completed = exists().where(LearningEvent.kind == "course_completed", LearningEvent.user_id == Enrollment.user_id,
                               LearningEvent.course_id == Enrollment.course_id)
    since = func.coalesce(last.c.last_at, Enrollment.created_at, type_=UTCDateTime())
    # Reminded since the last activity: this pause is done (the unique key below is the guarantee).
    reminded = exists().where(ReminderSent.user_id == Enrollment.user_id, ReminderSent.rule == RULE_INACTIVE,
                              ReminderSent.subject_id == Enrollment.course_id, ReminderSent.created_at >= since)
    rows = session.exec(
        select(Enrollment.user_id, Enrollment.course_id, since, Enrollment.source)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(last, and_(last.c.user_id == Enrollment.user_id, last.c.course_id == Enrollment.course_id))
        .where(User.is_active.is_(True), Course.status == "published", since < now - INACTIVE_AFTER, ~completed,
               ~reminded)
        .order_by(Enrollment.id).limit(limit)).all()
    keep = _counting(session, [(u, c, src) for u, c, _, src in rows])
    return [(u, c, s) for u, c, s, _ in rows if (u, c) in keep]


def _counting(session: Session, rows: list[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """(user, course) pairs whose enrolment counts by the one rule: a plan's enrolment only while
    a plan still grants the course (one batch hook call per learner who has such rows)."""
    from lms_app.learning.services import enrollment

    by_user: dict[int, list[tuple[int, str]]] = {}
    for user_id, course_id, source in rows:
        by_user.setdefault(user_id, []).append((course_id, source))
    return {(user_id, course_id) for user_id, pairs in by_user.items()
            for course_id in enrollment.counting_ids(session, user_id, pairs)}


def remind_inactive(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """One round: remind each idle learner once per pause; returns how many were reminded."""
    now = now or utcnow()
    done = 0
    courses: dict[int, Course] = {}
    for user_id, course_id, since in inactive_candidates(session, now, limit):
        ref = _ref(course_id, since)
        try:
            with session.begin_nested():  # the unique key is the rule: a second round inserts nothing
                session.add(ReminderSent(user_id=user_id, rule=RULE_INACTIVE, subject_id=course_id, ref=ref,
                                         created_at=now))
        except IntegrityError:
            continue
        course = courses.get(course_id) or courses.setdefault(course_id, session.get(Course, course_id))
        notify(session, user_id, "reminder_inactive", f"Continue {course.title}",
               f"/courses/{course.slug}", "You have not been back for a week. A few minutes today keep you going.",
               dedupe_key=f"reminder:{RULE_INACTIVE}:{ref}"[:160],
               email_subject=f"Pick up {course.title} where you left off")
        done += 1
    return done


def send_digests(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Weekly digest: users with digest rows not yet digested, oldest from a week ago, get one mail
    listing them (if they have not turned the digest off); the rows are marked digested in the
    same transaction, so a second round sends nothing."""
    from lms_app.mail.services import link_base, queue_mail
    from lms_app.notifications.services import channels_for, one_click_url, unsubscribe_url

    now = now or utcnow()
    due = session.exec(select(Notification.user_id).where(Notification.digest.is_(True),
                                                          Notification.digested_at.is_(None))
                       .group_by(Notification.user_id)
                       .having(func.min(Notification.created_at) <= now - DIGEST_EVERY).limit(limit)).all()
    sent = 0
    for user_id in due:
        rows = session.exec(select(Notification).where(Notification.user_id == user_id, Notification.digest.is_(True),
                                                       Notification.digested_at.is_(None))
                            .order_by(Notification.id).limit(200)).all()
        ids = [n.id for n in rows]
        session.exec(Notification.__table__.update().where(Notification.id.in_(ids)).values(digested_at=now))
        user = session.get(User, user_id)
        if user is None or not user.is_active or not channels_for(session, user_id, "digest")["email"]:
            continue
        base = link_base()
        queue_mail(session, to=user.email, template="digest", subject=f"Your week: {len(rows)} updates",
                   user_id=user_id, context={"name": user.name, "items": [
                       {"title": n.title, "link": f"{base}{n.link or '/notifications'}"} for n in rows],
                       "link": f"{base}/notifications", "unsubscribe_url": unsubscribe_url(user_id, "digest")},
                   one_click_url=one_click_url(user_id, "digest"))
        sent += 1
    return sent


DUE_WITHIN = timedelta(hours=24)
GRADING_WAIT = timedelta(days=3)
RULE_DUE = "assignment_due"
RULE_GRADING = "grading_waiting"


def _once(session: Session, user_id: int, rule: str, subject_id: int, ref: str, now: datetime) -> bool:
    """Claim (user, rule, ref): True the first time only (the unique key decides, even across workers)."""
    try:
        with session.begin_nested():
            session.add(ReminderSent(user_id=user_id, rule=rule, subject_id=subject_id, ref=ref[:120], created_at=now))
        return True
    except IntegrityError:
        return False


def remind_assignments_due(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Enrolled learners who have not submitted an assignment due in the next 24 hours: one reminder
    per assignment and due date (a moved due date reminds again)."""
    from lms_app.assignments.models import AssignmentSettings, Submission
    from lms_app.core.courses import Lesson

    now = now or utcnow()
    submitted = exists().where(Submission.lesson_id == AssignmentSettings.lesson_id,
                               Submission.user_id == Enrollment.user_id)
    reminded = exists().where(ReminderSent.user_id == Enrollment.user_id, ReminderSent.rule == RULE_DUE,
                              ReminderSent.subject_id == AssignmentSettings.lesson_id)
    rows = session.exec(
        select(Enrollment.user_id, Lesson.id, Lesson.title, Course.title, Course.slug, AssignmentSettings.due_at,
               Enrollment.source, Course.id)
        .join(Lesson, Lesson.id == AssignmentSettings.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .join(Enrollment, Enrollment.course_id == Course.id)
        .join(User, User.id == Enrollment.user_id)
        .where(AssignmentSettings.due_at > now, AssignmentSettings.due_at <= now + DUE_WITHIN,
               Course.status == "published", User.is_active.is_(True), ~submitted, ~reminded)
        .order_by(AssignmentSettings.due_at).limit(limit * 2)).all()
    keep = _counting(session, [(row[0], row[7], row[6]) for row in rows])
    done = 0
    for user_id, lesson_id, lesson_title, course_title, slug, due_at, _, course_id in rows:
        if (user_id, course_id) not in keep:
            continue
        if done >= limit:
            break
        ref = f"{lesson_id}@{due_at.replace(microsecond=0).isoformat()}"
        if not _once(session, user_id, RULE_DUE, lesson_id, ref, now):
            continue
        hours = max(1, int((due_at - now).total_seconds() // 3600))
        notify(session, user_id, "reminder_assignment_due", f"{lesson_title} is due in {hours} h",
               f"/learn/{slug}/{lesson_id}", f"In {course_title}: due {due_at.strftime('%d %b %Y %H:%M')} UTC.",
               dedupe_key=f"reminder:{RULE_DUE}:{ref}")
        done += 1
    return done


def remind_grading_waiting(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Teachers with submissions waiting for their grade more than 3 days: one reminder per course
    per ISO week while any wait."""
    from lms_app.assignments.models import Submission

    now = now or utcnow()
    year, week, _ = now.isocalendar()
    rows = session.exec(
        select(Course.teacher_id, Course.id, Course.title, func.count(Submission.id))
        .join(Course, Course.id == Submission.course_id)
        .where(Submission.status == "awaiting_teacher", Submission.submitted_at < now - GRADING_WAIT)
        .group_by(Course.teacher_id, Course.id, Course.title).order_by(Course.id).limit(limit)).all()
    done = 0
    for teacher_id, course_id, title, waiting in rows:
        ref = f"{course_id}@{year}-W{week:02d}"
        if not _once(session, teacher_id, RULE_GRADING, course_id, ref, now):
            continue
        notify(session, teacher_id, "reminder_grading",
               f"{waiting} submission{'s' if waiting != 1 else ''} in {title} waiting for your grade",
               "/teach/grading", "Some have waited more than 3 days.", dedupe_key=f"reminder:{RULE_GRADING}:{ref}")
        done += 1
    return done


RULE_SUMMARY = "teacher_summary"
SUMMARY_KINDS = (("enrolled", "new enrolments"), ("course_completed", "courses completed"),
                 ("lesson_completed", "lessons completed"))


def teacher_summaries(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Weekly teacher summary: each teacher with a published course gets, once per ISO week, the
    last 7 days of their courses (enrolments, completions, reviews, submissions waiting)."""
    from lms_app.assignments.models import Submission

    now = now or utcnow()
    year, week, _ = now.isocalendar()
    ref = f"{year}-W{week:02d}"
    since = now - timedelta(days=7)
    reminded = exists().where(ReminderSent.user_id == User.id, ReminderSent.rule == RULE_SUMMARY,
                              ReminderSent.ref == ref)
    teachers = session.exec(select(User.id).where(User.is_active.is_(True), User.role.in_(("teacher", "admin")),
                                                  exists().where(Course.teacher_id == User.id,
                                                                 Course.status == "published"), ~reminded)
                            .order_by(User.id).limit(limit)).all()
    done = 0
    for teacher_id in teachers:
        if not _once(session, teacher_id, RULE_SUMMARY, 0, ref, now):
            continue
        counts = dict(session.exec(
            select(LearningEvent.kind, func.count(LearningEvent.id))
            .join(Course, Course.id == LearningEvent.course_id)
            .where(Course.teacher_id == teacher_id, LearningEvent.occurred_at >= since,
                   LearningEvent.kind.in_([k for k, _ in SUMMARY_KINDS]))
            .group_by(LearningEvent.kind)).all())
        waiting = session.exec(select(func.count(Submission.id)).join(Course, Course.id == Submission.course_id)
                               .where(Course.teacher_id == teacher_id,
                                      Submission.status == "awaiting_teacher")).one()
        lines = [f"{counts.get(kind, 0)} {label}" for kind, label in SUMMARY_KINDS]
        lines.append(f"{waiting} submission{'s' if waiting != 1 else ''} waiting for your grade")
        notify(session, teacher_id, "teacher_summary", "Your week in teaching", "/teach/analytics",
               "Last 7 days in your courses:\n" + "\n".join(f"• {line}" for line in lines),
               dedupe_key=f"summary:{ref}")
        done += 1
    return done
