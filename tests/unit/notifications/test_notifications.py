"""Notifications: sending honours preferences, reading is per user, the bell is one query,
links stay inside the app, unsubscribe tokens are signed, reminders and digests run once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from lms_app.core import events
from lms_app.core.db import session_scope
from lms_app.core.event_log import LearningEvent
from lms_app.core.plugin_api import NotificationKind, hookimpl
from lms_app.core.sessions import revoke_token
from lms_app.core.types import utcnow
from lms_app.learning.services import enrollment
from lms_app.mail.models import MailMessage
from lms_app.notifications import kinds, notify, reminders, services
from lms_app.notifications.models import Notification, NotificationPreference, ReminderSent


def rows(db, user_id=None):
    db.expire_all()
    query = select(Notification).order_by(Notification.id)
    if user_id is not None:
        query = query.where(Notification.user_id == user_id)
    return db.exec(query).all()


def mails(db, kind=None):
    db.expire_all()
    query = select(MailMessage).order_by(MailMessage.id)
    return [m for m in db.exec(query).all() if kind is None or m.kind == kind]


# --- events become notifications ------------------------------------------------------------

def test_enrolment_notifies_the_learner_in_app_and_the_teacher_by_digest(db, make_user, make_course):
    teacher, learner = make_user(role="teacher"), make_user(name="Ada Learner")
    course = make_course(teacher=teacher, title="Python Basics")
    with session_scope() as s:
        enrollment.add(s, learner.id, course.id)
    mine = rows(db, learner.id)
    assert [(n.kind, n.title, n.link, n.in_app) for n in mine] == [
        ("enrolled", "You enrolled in Python Basics", f"/courses/{course.slug}", True)]
    theirs = rows(db, teacher.id)
    assert [(n.kind, n.in_app, n.digest) for n in theirs] == [("new_enrolment", False, True)]
    assert "Ada Learner" in theirs[0].title
    assert mails(db, "notification") == []  # neither kind mails by default


def test_a_rolled_back_enrolment_notifies_nobody(db, make_user, make_course):
    learner, course = make_user(), make_course()
    with pytest.raises(RuntimeError):
        with session_scope() as s:
            enrollment.add(s, learner.id, course.id)
            raise RuntimeError("payment failed")
    assert rows(db) == []


def test_course_approval_and_rejection_reach_the_teacher_with_mail(db, make_user, make_course):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, title="Approved one")
    with session_scope() as s:
        events.emit(s, "course_approved", course_id=course.id, user_id=teacher.id)
    with session_scope() as s:
        events.emit(s, "course_rejected", course_id=course.id, user_id=teacher.id)
    assert [n.kind for n in rows(db, teacher.id)] == ["course_approved", "course_rejected"]
    sent = mails(db, "notification")
    assert len(sent) == 2 and all(m.to_address == teacher.email for m in sent)
    assert "/unsubscribe/" in sent[0].text_body and "/unsubscribe/" in sent[0].html_body


def test_assignment_graded_and_refund_notify_the_learner(db, make_user, make_course):
    learner, course = make_user(), make_course(title="Graded course")
    with session_scope() as s:
        events.emit(s, "assignment_graded", user_id=learner.id, course_id=course.id, score=85)
        events.emit(s, "order_refunded", user_id=learner.id, course_id=course.id, amount_minor=1999, currency="USD")
    kinds_seen = {n.kind: n for n in rows(db, learner.id)}
    assert "85%" in kinds_seen["assignment_graded"].title
    assert "19.99" in kinds_seen["order_refunded"].body


def test_review_posted_notifies_the_teacher_not_the_reviewer(db, make_user, make_course):
    teacher, learner = make_user(role="teacher"), make_user()
    course = make_course(teacher=teacher)
    with session_scope() as s:
        events.emit(s, "review_posted", user_id=learner.id, course_id=course.id, rating=5)
    assert [n.kind for n in rows(db, teacher.id)] == ["review_posted"]
    assert rows(db, learner.id) == []


# --- notify(): preferences, dedupe, validation ------------------------------------------------

def test_notify_honours_each_channel(db, make_user):
    user = make_user()
    with session_scope() as s:
        notify(s, user.id, "course_approved", "all default channels", "/teach")
    assert len(rows(db, user.id)) == 1 and len(mails(db, "notification")) == 1
    with session_scope() as s:
        services._save(s, user.id, "course_approved", "email", False)
        services._save(s, user.id, "course_approved", "in_app", False)
        assert notify(s, user.id, "course_approved", "nothing on", "/teach") is None
    assert len(rows(db, user.id)) == 1 and len(mails(db, "notification")) == 1
    with session_scope() as s:
        services._save(s, user.id, "course_approved", "digest", True)
        notify(s, user.id, "course_approved", "digest only", "/teach")
    last = rows(db, user.id)[-1]
    assert (last.in_app, last.digest) == (False, True)


def test_notify_refuses_unknown_kinds_and_dedupes(db, make_user):
    user = make_user()
    with session_scope() as s, pytest.raises(ValueError):
        notify(s, user.id, "no_such_kind", "x")
    with session_scope() as s:
        assert notify(s, user.id, "enrolled", "once", dedupe_key="k1") is not None
    with session_scope() as s:
        assert notify(s, user.id, "enrolled", "twice", dedupe_key="k1") is None
    assert [n.title for n in rows(db, user.id)] == ["once"]


@pytest.mark.parametrize("link", ["javascript:alert(1)", "https://evil.example/x", "//evil.example", "/\\evil",
                                  "/ok\nbad", 12, None])
def test_links_stay_inside_the_app(db, make_user, link):
    user = make_user()
    with session_scope() as s:
        notify(s, user.id, "enrolled", "t", link)
    assert rows(db, user.id)[0].link == ""


def test_mail_bodies_escape_user_content(db, make_user):
    user = make_user(name="<b>Bob</b>")
    with session_scope() as s:
        notify(s, user.id, "course_approved", "<script>alert(1)</script> =cmd|' /C calc'!A0", "/teach",
               "<img src=x onerror=alert(1)>")
    html = mails(db, "notification")[0].html_body
    assert "<script>" not in html and "<img" not in html and "<b>Bob" not in html
    assert "&lt;script&gt;" in html


# --- reading: the bell, pages, mark read --------------------------------------------------------

def test_bell_count_is_one_query_and_only_the_callers(db, make_user, sign_in, count_queries):
    alice, bob = make_user(), make_user()
    token, _ = sign_in(alice)
    with session_scope() as s:
        for i in range(3):
            notify(s, alice.id, "enrolled", f"a{i}")
        notify(s, bob.id, "enrolled", "b")
    with session_scope() as s, count_queries() as counter:
        assert services.unread_for_token(s, token) == 3
    assert counter.count == 1, counter.statements
    with session_scope() as s:
        assert services.unread_for_token(s, "not-a-token") == 0
        assert services.unread_for_token(s, None) == 0
        revoke_token(s, token)
    with session_scope() as s:
        assert services.unread_for_token(s, token) == 0


def test_bell_count_is_capped(db, make_user, sign_in):
    user = make_user()
    token, _ = sign_in(user)
    with session_scope() as s:
        s.add_all([Notification(user_id=user.id, kind="enrolled", title=str(i)) for i in range(120)])
    with session_scope() as s:
        assert services.unread_for_token(s, token) == services.BELL_CAP + 1


def test_keyset_pages_cover_everything_once_and_only_own(db, make_user, sign_in):
    user, other = make_user(), make_user()
    _, actor = sign_in(user)
    with session_scope() as s:
        s.add_all([Notification(user_id=user.id, kind="enrolled", title=f"n{i}") for i in range(45)])
        s.add_all([Notification(user_id=other.id, kind="enrolled", title="theirs") for _ in range(5)])
    seen, before, pages = [], None, 0
    while True:
        with session_scope() as s:
            found = services.page(s, actor, before)
        pages += 1
        seen += [r["title"] for r in found["rows"]]
        if not found["more"]:
            break
        before = found["last_id"]
    assert pages == 3 and len(seen) == 45 == len(set(seen)) and "theirs" not in seen
    assert seen[0] == "n44"  # newest first


def test_mark_read_only_touches_own_notifications(db, make_user, sign_in):
    user, other = make_user(), make_user()
    _, actor = sign_in(user)
    with session_scope() as s:
        mine = notify(s, user.id, "enrolled", "mine", "/dashboard")
        theirs = notify(s, other.id, "enrolled", "theirs", "/dashboard")
    with session_scope() as s:
        assert services.mark_read(s, actor, str(theirs.id)) is None
        assert services.mark_read(s, actor, "1 OR 1=1") is None
        assert services.mark_read(s, actor, True) is None
        assert services.mark_read(s, actor, mine.id) == "/dashboard"
    by_title = {n.title: n for n in rows(db)}
    assert by_title["mine"].read_at is not None and by_title["theirs"].read_at is None
    with session_scope() as s:
        notify(s, user.id, "enrolled", "again")
        notify(s, other.id, "enrolled", "theirs again")
    with session_scope() as s:
        assert services.mark_all_read(s, actor) == 1
    assert [n.title for n in rows(db) if n.read_at is None] == ["theirs", "theirs again"]


# --- preferences and unsubscribe -----------------------------------------------------------------

def test_preferences_list_and_refuse_bad_input(db, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    with session_scope() as s:
        listed = {r["kind"]: r for r in services.preferences(s, actor)}
        assert "course_approved" not in listed  # teaching kinds are for teachers
        assert listed["assignment_graded"]["email"] == "on" and listed["digest"]["in_app"] == ""
        for bad in (("nope", "email", True), ("enrolled", "sms", True), ("enrolled", "email", "yes"),
                    ("digest", "in_app", True)):
            with pytest.raises(Exception):
                services.set_preference(s, actor, *bad)
        services.set_preference(s, actor, "assignment_graded", "email", False)
        services.set_preference(s, actor, "assignment_graded", "email", False)
    assert db.exec(select(func.count(NotificationPreference.id))).one() == 1
    with session_scope() as s:
        assert services.channels_for(s, learner.id, "assignment_graded") == {"in_app": True, "email": False,
                                                                             "digest": False}


def test_unsubscribe_token_turns_off_one_kind_for_one_user(db, make_user):
    alice, bob = make_user(), make_user()
    token = services.unsubscribe_token(alice.id, "course_approved")
    with session_scope() as s:
        assert services.unsubscribe(s, token) == kinds.get("course_approved").label
    with session_scope() as s:
        assert services.channels_for(s, alice.id, "course_approved")["email"] is False
        assert services.channels_for(s, alice.id, "course_rejected")["email"] is True
        assert services.channels_for(s, bob.id, "course_approved")["email"] is True
        forged = f"{bob.id}.course_approved.{token.split('.')[2]}"
        for bad in (forged, token + "x", "", None, "1.2", f"{alice.id}.nope.{token.split('.')[2]}", "x" * 500):
            assert services.unsubscribe(s, bad) is None
    with session_scope() as s:
        assert services.channels_for(s, bob.id, "course_approved")["email"] is True


def test_account_mails_carry_no_unsubscribe_link_and_always_go(db, make_user):
    from lms_app.mail.services import render

    _, text, html = render("reset_password", "Reset", {"name": "A", "link": "http://x/r", "minutes": 60})
    assert "nsubscribe" not in text and "nsubscribe" not in html


# --- the plugin hook -----------------------------------------------------------------------------

class QaPlugin:
    @hookimpl
    def lms_notification_kinds(self):
        return [NotificationKind("plugin_test_answer", "Someone answered your question", ("in_app", "email"), "Community")]


def test_a_plugin_registers_a_kind_and_sends_through_notify(db, make_user, add_plugin):
    add_plugin(QaPlugin(), "qa-test")
    kinds.all_kinds.cache_clear()
    try:
        user = make_user()
        with session_scope() as s:
            notify(s, user.id, "plugin_test_answer", "Your question has an answer", "/courses/x")
        assert [n.kind for n in rows(db, user.id)] == ["plugin_test_answer"]
        assert len(mails(db, "notification")) == 1
    finally:
        kinds.all_kinds.cache_clear()


class DuplicatePlugin:
    @hookimpl
    def lms_notification_kinds(self):
        return [NotificationKind("enrolled", "again")]


def test_a_duplicate_kind_fails(add_plugin):
    add_plugin(DuplicatePlugin(), "dup-test")
    kinds.all_kinds.cache_clear()
    try:
        with pytest.raises(ValueError):
            kinds.all_kinds()
    finally:
        kinds.all_kinds.cache_clear()


# --- reminders and digest ------------------------------------------------------------------------

def _activity(user, course, at, kind="lesson_started"):
    with session_scope() as s:
        s.add(LearningEvent(kind=kind, user_id=user.id, course_id=course.id, occurred_at=at))


def test_inactive_learner_gets_exactly_one_reminder_per_pause(db, make_user, make_course, enroll):
    learner, course = make_user(), make_course(title="Idle course")
    enroll(learner, course)
    now = utcnow()
    _activity(learner, course, now - timedelta(days=8))
    with session_scope() as s:
        assert reminders.remind_inactive(s, now) == 1
    with session_scope() as s:  # the next round (or another worker) reminds nobody again
        assert reminders.remind_inactive(s, now + timedelta(hours=1)) == 0
        assert reminders.remind_inactive(s, now + timedelta(days=3)) == 0
    assert [n.kind for n in rows(db, learner.id)] == ["reminder_inactive"]
    assert len(mails(db, "notification")) == 1
    # They come back, then pause again for 8 days: a new pause, a new reminder.
    _activity(learner, course, now + timedelta(days=1))
    with session_scope() as s:
        assert reminders.remind_inactive(s, now + timedelta(days=5)) == 0
        assert reminders.remind_inactive(s, now + timedelta(days=9)) == 1
    assert db.exec(select(func.count(ReminderSent.id))).one() == 2


def test_no_reminder_for_active_completed_or_fresh_enrolments(db, make_user, make_course, enroll):
    now = utcnow()
    active, done, course = make_user(), make_user(), make_course()
    enroll(active, course)
    enroll(done, course)
    _activity(active, course, now - timedelta(days=2))
    _activity(done, course, now - timedelta(days=20))
    _activity(done, course, now - timedelta(days=19), kind="course_completed")
    with session_scope() as s:
        assert reminders.remind_inactive(s, now) == 0
    fresh = make_user()
    enroll(fresh, course)  # enrolled just now, no activity: not idle yet
    with session_scope() as s:
        assert reminders.remind_inactive(s, now) == 0
        assert reminders.remind_inactive(s, now + timedelta(days=8)) >= 1


def test_weekly_digest_sends_once(db, make_user):
    user = make_user()
    with session_scope() as s:
        services._save(s, user.id, "enrolled", "digest", True)
        notify(s, user.id, "enrolled", "<i>digested</i> item", "/dashboard")
    with session_scope() as s:
        assert reminders.send_digests(s) == 0  # not a week old yet
    later = utcnow() + timedelta(days=8)
    with session_scope() as s:
        assert reminders.send_digests(s, later) == 1
    with session_scope() as s:
        assert reminders.send_digests(s, later) == 0
    digest = mails(db, "digest")
    assert len(digest) == 1 and "&lt;i&gt;digested" in digest[0].html_body and "/unsubscribe/" in digest[0].text_body


def _assignment(make_course, due_at):
    from lms_app.assignments.models import AssignmentSettings
    from lms_app.core.courses import Lesson, Module

    course = make_course(title="Essays")
    with session_scope() as s:
        module = Module(course_id=course.id, title="M", position=0)
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=course.id, title="Essay", lesson_type="assignment",
                        body="Write.", position=0)
        s.add(lesson)
        s.flush()
        s.add(AssignmentSettings(lesson_id=lesson.id, grading_mode="teacher", due_at=due_at))
    return course, lesson


def test_assignment_due_reminds_once_and_not_who_submitted(db, make_user, make_course, enroll):
    from lms_app.assignments.models import Submission

    now = utcnow()
    course, lesson = _assignment(make_course, now + timedelta(hours=20))
    late, done = make_user(), make_user()
    enroll(late, course)
    enroll(done, course)
    with session_scope() as s:
        s.add(Submission(lesson_id=lesson.id, course_id=course.id, user_id=done.id, status="awaiting_teacher"))
    with session_scope() as s:
        assert reminders.remind_assignments_due(s, now) == 1
    with session_scope() as s:
        assert reminders.remind_assignments_due(s, now + timedelta(hours=1)) == 0
    assert [n.kind for n in rows(db, late.id)] == ["reminder_assignment_due"] and rows(db, done.id) == []
    assert rows(db, late.id)[0].link == f"/learn/{course.slug}/{lesson.id}"
    with session_scope() as s:  # due in 3 days: not yet
        assert reminders.remind_assignments_due(s, now - timedelta(days=3)) == 0


def test_grading_waiting_reminds_the_teacher_weekly(db, make_user, make_course):
    from lms_app.assignments.models import Submission

    now = utcnow()
    course, lesson = _assignment(make_course, None)
    learner = make_user()
    with session_scope() as s:
        s.add(Submission(lesson_id=lesson.id, course_id=course.id, user_id=learner.id, status="awaiting_teacher",
                         submitted_at=now - timedelta(days=4)))
    with session_scope() as s:
        assert reminders.remind_grading_waiting(s, now) == 1
        assert reminders.remind_grading_waiting(s, now) == 0
    with session_scope() as s:
        assert reminders.remind_grading_waiting(s, now + timedelta(days=7)) == 1
    titles = [n.title for n in rows(db, course.teacher_id)]
    assert titles and "1 submission in Essays" in titles[0]


# --- RFC 8058 one-click unsubscribe ---------------------------------------------------------------

def test_non_essential_mail_carries_list_unsubscribe_headers_and_account_mail_does_not(db, make_user, smtp_server,
                                                                                       jobs_queue):
    import email

    from lms_app.jobs.queue import drain
    from lms_app.mail.services import queue_mail

    user = make_user()
    with session_scope() as s:
        notify(s, user.id, "course_approved", "Approved", "/teach")
        queue_mail(s, to=user.email, template="reset_password", subject="Reset", user_id=user.id, sensitive=True,
                   context={"name": "A", "link": "http://x/r", "minutes": 60})
    drain(jobs_queue)
    received = {m["Subject"]: m for m in (email.message_from_bytes(raw) for _, _, raw in smtp_server.messages)}
    approved = received["Approved"]
    assert approved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert approved["List-Unsubscribe"].startswith("<http") and "/api/unsubscribe/" in approved["List-Unsubscribe"]
    assert received["Reset"]["List-Unsubscribe"] is None


def test_one_click_post_unsubscribes_without_a_session_or_origin(db, make_user):
    from starlette.testclient import TestClient

    from lms_app.core.http import build_api

    user = make_user()
    token = services.unsubscribe_token(user.id, "reminder_inactive")
    with TestClient(build_api(), base_url="http://testserver") as client:
        bad = client.post(f"/api/unsubscribe/{token}x", content="List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert bad.status_code == 404
        ok = client.post(f"/api/unsubscribe/{token}", content="List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert ok.status_code == 200 and client.get(f"/api/unsubscribe/{token}").status_code == 405
    with session_scope() as s:
        assert services.channels_for(s, user.id, "reminder_inactive")["email"] is False


def test_teacher_summary_once_a_week_with_counts(db, make_user, make_course, enroll):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    make_course(teacher=make_user(role="teacher"), status="draft")  # no published course: no summary
    learner = make_user()
    with session_scope() as s:
        enrollment.add(s, learner.id, course.id)
    now = utcnow()
    with session_scope() as s:
        assert reminders.teacher_summaries(s, now) == 1
        assert reminders.teacher_summaries(s, now) == 0
    summary = [m for m in mails(db, "notification") if m.subject == "Your week in teaching"]
    assert len(summary) == 1 and summary[0].to_address == teacher.email and "1 new enrolments" in summary[0].text_body
    with session_scope() as s:
        assert reminders.teacher_summaries(s, now + timedelta(days=7)) == 1


def test_a_duplicate_kind_is_a_start_up_problem(add_plugin, settings):
    from lms_app.notifications import plugin

    add_plugin(DuplicatePlugin(), "dup-start")
    kinds.all_kinds.cache_clear()
    try:
        assert plugin.lms_config_problems(settings) and "enrolled" in plugin.lms_config_problems(settings)[0]
    finally:
        kinds.all_kinds.cache_clear()


def test_the_built_in_kinds_are_no_start_up_problem(settings):
    from lms_app.notifications import plugin

    kinds.all_kinds.cache_clear()
    assert plugin.lms_config_problems(settings) == []
