"""Community events reach the right people's bells (and nobody else's): the teacher on a new
question, the asker and followers (not the answerer) on an answer, the other side of a message."""

from __future__ import annotations

from sqlmodel import select

from lms_app.community import services
from lms_app.core.db import session_scope
from lms_app.notifications.models import Notification
from tests.unit.community.test_qa import actor, ask, call


def _bell(user) -> list[str]:
    with session_scope() as s:
        return [n.kind for n in s.exec(select(Notification).where(Notification.user_id == user.id)
                                       .order_by(Notification.id)).all()]


def test_questions_answers_and_messages_reach_the_right_bells(world):
    row = ask(world)
    assert _bell(world["teacher"]) == ["qa_question"]
    assert _bell(world["asker"]) == []

    call(services.answer, actor(world["helper"]), row["id"], "Try a `for` loop.")
    assert _bell(world["asker"]) == ["qa_answer"]
    assert "qa_answer" not in _bell(world["helper"])  # not told of their own answer

    call(services.answer, actor(world["teacher"]), row["id"], "See lesson 2.")
    assert _bell(world["asker"]) == ["qa_answer", "qa_answer"]
    assert _bell(world["helper"]) == ["qa_answer"]  # answerers follow the thread
    assert _bell(world["outsider"]) == []

    call(services.send_to_teacher, actor(world["asker"]), world["course"].id, "Can I get an extension?")
    assert _bell(world["teacher"])[-1] == "community_message"
    with session_scope() as s:
        link = s.exec(select(Notification.link).where(Notification.user_id == world["teacher"].id,
                                                      Notification.kind == "community_message")).one()
    assert link == "/messages"


def test_announcement_mail_respects_the_learners_choice_and_carries_an_unsubscribe_link(world, jobs_queue):
    from lms_app.jobs import queue
    from lms_app.mail.models import MailMessage
    from lms_app.notifications import services as notification_services

    with session_scope() as s:  # the asker turns announcement e-mails off on the profile card
        notification_services.set_preference(s, actor(world["asker"]), "course_announcement", "email", False)
    call(services.post_announcement, actor(world["teacher"]), world["course"].id, "Exam moved", "It is on Friday.",
         send_email=True)
    queue.drain(jobs_queue)
    with session_scope() as s:
        mails = s.exec(select(MailMessage).where(MailMessage.kind == "announcement")).all()
        assert [m.to_address for m in mails] == [world["helper"].email]
        assert "/unsubscribe/" in mails[0].text_body and mails[0].unsubscribe_url
