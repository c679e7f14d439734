"""Mail through a real SMTP server (aiosmtpd): delivery, the log, retries, the outbox, escaping,
receipts and certificate mails from domain events."""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlmodel import select

from lms_app.core.errors import ServiceError
from lms_app.core.sessions import Actor
from lms_app.jobs import queue
from lms_app.jobs.models import JobRun
from lms_app.mail import services, smtp
from lms_app.mail.models import MailMessage

XSS = "<script>alert(1)</script>"


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def _queue_receipt(db, user, title="Python 101"):
    message = services.queue_mail(db, to=user.email, template="receipt", subject=f"Your receipt: {title}",
                                  user_id=user.id, context={"name": user.name, "course_title": title,
                                                            "amount": "$10.00", "paid_on": "6 December 2026",
                                                            "link": "http://lumen.test/learn/python"})
    db.commit()
    return message


def test_delivered_through_smtp_and_logged(smtp_server, jobs_queue, db, make_user):
    user = make_user(name="Ada Lovelace")
    message = _queue_receipt(db, user)
    assert smtp_server.messages == []  # nothing is sent in the request
    assert queue.drain(jobs_queue) == 1
    assert len(smtp_server.messages) == 1
    sender, rcpts, raw = smtp_server.messages[0]
    assert (sender, rcpts) == ("no-reply@lumen.test", [user.email])
    parsed = _parse(raw)
    assert parsed["Subject"] == "Your receipt: Python 101"
    assert "Ada Lovelace" in parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Lumen Learning" in html and "$10.00" in html
    db.expire_all()
    row = db.get(MailMessage, message.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None


def test_user_content_is_escaped_in_html(smtp_server, jobs_queue, db, make_user):
    user = make_user(name=XSS)
    _queue_receipt(db, user, title=f'{XSS} & "quotes"')
    queue.drain(jobs_queue)
    parsed = _parse(smtp_server.messages[0][2])
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS in parsed.get_body(("plain",)).get_content()  # plain text is not markup


def test_smtp_error_is_retried_and_logged(smtp_server, jobs_queue, db, make_user):
    smtp_server.refuse = 2
    message = _queue_receipt(db, make_user())
    queue.drain(jobs_queue)
    assert len(smtp_server.messages) == 1  # third attempt got through
    db.expire_all()
    row = db.get(MailMessage, message.id)
    assert (row.status, row.attempts) == ("sent", 3)
    assert "451" in row.last_error


def test_permanent_failure_ends_failed_with_the_error(smtp_server, jobs_queue, db, make_user):
    smtp_server.refuse = 100
    message = _queue_receipt(db, make_user())
    queue.drain(jobs_queue)
    db.expire_all()
    row = db.get(MailMessage, message.id)
    assert row.status == "failed" and row.attempts == queue.RETRIES + 1 and "451" in row.last_error
    runs = db.exec(select(JobRun).where(JobRun.outcome == "failed")).all()
    assert len(runs) == 1 and "451" in runs[0].error


def test_a_sent_message_is_not_sent_twice(smtp_server, jobs_queue, db, make_user):
    message = _queue_receipt(db, make_user())
    queue.drain(jobs_queue)
    queue.enqueue_now(queue.target_of(services.deliver), {"message_id": message.id})  # e.g. the sweeper
    queue.drain(jobs_queue)
    assert len(smtp_server.messages) == 1


def test_without_smtp_mail_is_stored_for_the_outbox(jobs_queue, db, make_user):
    admin, user = make_user(role="admin"), make_user()
    message = _queue_receipt(db, user)
    queue.drain(jobs_queue)
    db.expire_all()
    assert db.get(MailMessage, message.id).status == "stored"
    actor = Actor(admin.id, "admin", 0)
    listed = services.outbox(db, actor)
    assert [r["subject"] for r in listed["rows"]] == ["Your receipt: Python 101"]
    assert "http://lumen.test/learn/python" in services.read_message(db, actor, listed["rows"][0]["id"])["text"]
    with pytest.raises(ServiceError):
        services.outbox(db, Actor(user.id, "learner", 0))
    with pytest.raises(ServiceError):
        services.read_message(db, Actor(user.id, "learner", 0), message.id)


def test_rolled_back_mail_is_never_sent(smtp_server, jobs_queue, db, make_user):
    user = make_user()
    services.queue_mail(db, to=user.email, template="receipt", subject="x", context={
        "name": "n", "course_title": "t", "amount": "$1", "paid_on": "d", "link": "l"})
    db.rollback()
    assert queue.drain(jobs_queue) == 0 and smtp_server.messages == []


def test_stuck_messages_are_queued_again(smtp_server, jobs_queue, db, make_user):
    from datetime import timedelta

    from lms_app.core.types import utcnow

    row = MailMessage(to_address="late@example.test", kind="receipt", subject="Late", text_body="t", html_body="h",
                      created_at=utcnow() - timedelta(minutes=30))
    db.add(row)
    db.commit()
    assert services.requeue_stuck(db) == 1
    db.commit()
    queue.drain(jobs_queue)
    assert [m[1] for m in smtp_server.messages] == [["late@example.test"]]


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", ("mail.example.org", 25, "", "", False, False)),
    ("smtp://u%40x:p%3Aw@mail.example.org:587?starttls=true", ("mail.example.org", 587, "u@x", "p:w", False, True)),
    ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "u", "p", True, False)),
])
def test_smtp_url(url, expected):
    c = smtp.parse_smtp_url(url)
    assert (c.host, c.port, c.username, c.password, c.ssl, c.starttls) == expected
    assert "p:w" not in repr(c) and smtp.parse_smtp_url("") is None
    with pytest.raises(ValueError):
        smtp.parse_smtp_url("http://mail.example.org")


def test_paid_order_mails_a_receipt_after_commit(smtp_server, jobs_queue, make_course, make_user, sign_in):
    from tests.unit.commerce.commerce_support import buy

    course = make_course(price_minor=4900, currency="USD", title=f"Hacking {XSS}")
    learner = make_user(name="Ben Buyer")
    _, actor = sign_in(learner)
    buy(actor, course.slug)
    queue.drain(jobs_queue)
    assert [m[1] for m in smtp_server.messages] == [[learner.email]]
    parsed = _parse(smtp_server.messages[0][2])
    assert parsed["Subject"] == f"Your receipt: Hacking {XSS}"
    html = parsed.get_body(("html",)).get_content()
    assert "$49.00" in html and "<script>" not in html and f"/learn/{course.slug}" in html


def test_declined_purchase_mails_nothing(smtp_server, jobs_queue, make_course, make_user, sign_in):
    from lms_app.commerce.services.checkout import PaymentDeclined
    from tests.unit.commerce.commerce_support import DECLINED, buy

    course = make_course(price_minor=4900, currency="USD")
    _, actor = sign_in(make_user())
    with pytest.raises(PaymentDeclined):
        buy(actor, course.slug, "", DECLINED)
    assert queue.drain(jobs_queue) == 0 and smtp_server.messages == []


def test_certificate_mail_links_to_the_verify_page(jobs_queue, db, make_course, make_user):
    from lms_app.core.events import DomainEvent
    from lms_app.certificates.models import Certificate
    from lms_app.learning.services import enrollment as enrolling
    from lms_app.core.types import utcnow
    from lms_app.mail import plugin

    learner, course = make_user(name="Cy"), make_course(title="Rust")
    row = enrolling.add(db, learner.id, course.id)
    db.flush()
    db.add(Certificate(number="LUMEN-TEST-1", user_id=learner.id, course_id=course.id, enrollment_id=row.id,
                       learner_name="Cy", course_title="Rust", teacher_name="T", completed_at=utcnow()))
    db.commit()
    plugin.lms_event(DomainEvent("certificate_issued", {"user_id": learner.id, "course_id": course.id}))
    message = db.exec(select(MailMessage).where(MailMessage.kind == "certificate")).one()
    assert "/verify/LUMEN-TEST-1" in message.text_body and message.to_address == learner.email
