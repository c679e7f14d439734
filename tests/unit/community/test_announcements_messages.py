"""Announcements (mailed in batches by the job queue, once per learner even if a worker dies
midway) and private messages between a learner and the course's teacher (only the two read them)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from lms_app.community import services
from lms_app.community.models import Announcement, AnnouncementDelivery
from lms_app.core.courses import Enrollment
from lms_app.core.db import session_scope
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.users import User
from lms_app.jobs import queue
from lms_app.mail.models import MailMessage


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def call(fn, *args, **kwargs):
    with session_scope() as s:
        return fn(s, *args, **kwargs)


def mails(kind="announcement") -> list[str]:
    with session_scope() as s:
        return sorted(s.exec(select(MailMessage.to_address).where(MailMessage.kind == kind)).all())


def test_only_the_courses_staff_announce_and_enrolled_learners_read_it(world):
    for who in ("asker", "other_teacher", "outsider"):
        with pytest.raises(PermissionDenied):
            call(services.post_announcement, actor(world[who]), world["course"].id, "Hello class", "Welcome")
    row = call(services.post_announcement, actor(world["teacher"]), world["course"].id, "Hello class",
               "Welcome <script>x</script>**all**")
    assert "<script" not in row["body"]
    assert [a["title"] for a in call(services.announcements, actor(world["helper"]), world["course"].id)] == ["Hello class"]
    assert [a["title"] for a in call(services.my_announcements, actor(world["asker"]))] == ["Hello class"]
    assert call(services.my_announcements, actor(world["outsider"])) == []
    assert mails() == []  # no e-mail unless asked


def test_announcement_mail_goes_out_in_batches_from_the_job_queue(world, jobs_queue, make_user, enroll):
    for _ in range(3):
        enroll(make_user(), world["course"])
    call(services.post_announcement, actor(world["teacher"]), world["course"].id, "Exam on Monday", "Be ready",
         send_email=True)
    assert mails() == []  # nothing is sent in the request
    with session_scope() as s:
        announcement_id = s.exec(select(Announcement.id)).one()
    # Two per batch: each job mails two learners and queues the next batch.
    jobs_queue.flush()
    assert call(services.send_announcement_batch, announcement_id, batch=2) == 2
    queue.drain(jobs_queue)
    with session_scope() as s:
        learners = sorted(s.exec(select(User.email).join(Enrollment, Enrollment.user_id == User.id)
                                 .where(Enrollment.course_id == world["course"].id)).all())
        assert s.get(Announcement, announcement_id).mail_done
    assert mails() == learners and len(learners) == 5
    # Running it again (a retry, the sweeper) mails nobody twice.
    assert call(services.send_announcement_batch, announcement_id) == 0
    assert mails() == learners


def test_a_worker_killed_midway_resumes_without_mailing_anyone_twice(world, make_user, enroll, monkeypatch, jobs_queue):
    for _ in range(4):
        enroll(make_user(), world["course"])
    row = call(services.post_announcement, actor(world["teacher"]), world["course"].id, "Exam soon", "Soon",
               send_email=False)
    with session_scope() as s:
        s.get(Announcement, row["id"]).send_email = True
    from lms_app.mail import services as mail_services

    real, sent = mail_services.queue_mail, []

    def dying(session, **kwargs):
        if len(sent) == 3:
            raise SystemExit("worker killed")
        sent.append(kwargs["to"])
        return real(session, **kwargs)

    monkeypatch.setattr(mail_services, "queue_mail", dying)
    assert call(services.send_announcement_batch, row["id"], batch=2) == 2  # first batch committed
    with pytest.raises(SystemExit):
        call(services.send_announcement_batch, row["id"], batch=2)  # dies in the second batch: rolled back
    monkeypatch.setattr(mail_services, "queue_mail", real)
    while call(services.send_announcement_batch, row["id"], batch=2):
        pass
    assert len(mails()) == 6 and len(set(mails())) == 6
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(AnnouncementDelivery)).one() == 6


def test_a_learner_writes_to_the_teacher_and_they_talk_in_one_thread(world):
    asker, teacher = actor(world["asker"]), actor(world["teacher"])
    first = call(services.send_to_teacher, asker, world["course"].id, "Can I get an extension?")
    second = call(services.send_to_teacher, asker, world["course"].id, "Please?")
    assert first["conversation_id"] == second["conversation_id"]
    convo = first["conversation_id"]
    assert call(services.unread_count, teacher) == 2 and call(services.unread_count, asker) == 0
    inbox = call(services.inbox, teacher)["conversations"]
    assert [(c["id"], c["unread"], c["with"]) for c in inbox] == [(convo, 2, world["asker"].name)]
    view = call(services.conversation, teacher, convo)
    assert [m["body"] for m in view["messages"]] == ["Can I get an extension?", "Please?"]
    assert call(services.unread_count, teacher) == 0
    call(services.reply, teacher, convo, "Yes, one week.")
    assert call(services.unread_count, asker) == 1
    assert call(services.inbox, asker)["conversations"][0]["with"] == world["teacher"].name
    assert [m["own"] for m in call(services.conversation, asker, convo)["messages"]] == [True, True, False]
    assert call(services.my_conversation_id, asker, world["course"].id) == convo


@pytest.mark.parametrize("who", ["helper", "outsider", "admin", "other_teacher"])
def test_only_the_two_parties_read_or_write_a_conversation(world, who):
    convo = call(services.send_to_teacher, actor(world["asker"]), world["course"].id, "private")["conversation_id"]
    stranger = actor(world[who])
    for fn, args in [(services.conversation, (convo,)), (services.reply, (convo, "hi"))]:
        with pytest.raises(PermissionDenied):
            call(fn, stranger, *args)
    assert call(services.inbox, stranger)["conversations"] == []
    assert call(services.unread_count, stranger) == 0


def test_teachers_and_outsiders_cannot_start_a_conversation(world):
    with pytest.raises(PermissionDenied):
        call(services.send_to_teacher, actor(world["teacher"]), world["course"].id, "hi")
    with pytest.raises(PermissionDenied):
        call(services.send_to_teacher, actor(world["outsider"]), world["course"].id, "hi")
    for junk in ("", None, "x" * 6000):
        with pytest.raises(ServiceError):
            call(services.send_to_teacher, actor(world["asker"]), world["course"].id, junk)


def test_domain_events_are_emitted_after_commit(world, add_plugin):
    from lms_app.core.plugin_api import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def lms_event(self, event):
            seen.append((event.name, event.data.get("user_id")))

    add_plugin(Listener(), "community-listener")
    thread = call(services.ask, actor(world["asker"]), world["course"].id, None, "A question here", "body")
    call(services.answer, actor(world["teacher"]), thread["id"], "answer")
    call(services.post_announcement, actor(world["teacher"]), world["course"].id, "News today", "text")
    call(services.send_to_teacher, actor(world["asker"]), world["course"].id, "hello")
    names = [name for name, _ in seen]
    assert names == ["question_posted", "question_answered", "announcement_posted", "message_received"]
    assert seen[-1][1] == world["teacher"].id  # the recipient
