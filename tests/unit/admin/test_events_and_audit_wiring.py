"""Services that enrol, take payment and refund write exactly one learning event each; the
existing admin actions (course review, refunds, coupons, review hiding) write the audit log."""

from __future__ import annotations

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.audit_log import AuditEntry
from lms_app.core.event_log import LearningEvent
from lms_app.learning.models import Review
from lms_app.commerce.services import coupons, refunds
from lms_app.learning.services import enrollment, reviews
from lms_app.authoring.services import review
from lms_app.core.errors import ServiceError
from tests.unit.commerce.commerce_support import buy
from tests.unit.commerce.test_refunds_webhooks_receipts import reference_of, start, webhook_env  # noqa: F401


def run(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def events(user_id=None) -> list[tuple]:
    with lms_app.core.db.session_scope() as s:
        query = select(LearningEvent).order_by(LearningEvent.id)
        if user_id is not None:
            query = query.where(LearningEvent.user_id == user_id)
        return [(e.kind, e.course_id, e.amount_minor, e.currency) for e in s.exec(query).all()]


def audited() -> list[tuple[str, int | None]]:
    with lms_app.core.db.session_scope() as s:
        return [(e.action, e.target_id) for e in s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def test_free_enrolment_writes_one_enrolled_event_even_when_clicked_twice(make_course, make_user, sign_in):
    course = make_course()
    learner = make_user()
    _, actor = sign_in(learner)
    run(enrollment.enroll_free, actor, course.slug)
    run(enrollment.enroll_free, actor, course.slug)
    assert events(learner.id) == [("enrolled", course.id, None, None)]


def test_card_purchase_writes_enrolled_and_paid_once_and_refund_writes_refunded(make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    order = buy(actor, course.slug)
    with pytest.raises(ServiceError):
        buy(actor, course.slug)  # already bought: nothing new
    assert events(learner.id) == [("enrolled", course.id, None, None), ("paid", course.id, 4900, "USD")]
    run(refunds.refund, admin, order.id, "Asked for it")
    with pytest.raises(ServiceError):
        run(refunds.refund, admin, order.id, "Twice")
    assert events(learner.id)[2:] == [("refunded", course.id, 4900, "USD")]
    assert audited() == [("order.refund", order.id)]


def test_webhook_payment_writes_paid_once_even_when_replayed(webhook_env, make_course, make_user, sign_in):  # noqa: F811
    course = make_course(price_minor=3000)
    learner = make_user()
    _, actor = sign_in(learner)
    order_id, _ = start(actor, course.slug)
    body = webhook_env.event(reference_of(order_id), 3000)
    assert webhook_env.send(body).json() == {"result": "ok"}
    assert webhook_env.send(body).json() == {"result": "duplicate"}
    assert events(learner.id) == [("enrolled", course.id, None, None), ("paid", course.id, 3000, "USD")]


def test_course_review_decisions_are_audited(make_course, make_user, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    teacher = make_user(role="teacher")
    _, teacher_actor = sign_in(teacher)
    first, second = make_course(teacher=teacher, status="pending"), make_course(teacher=teacher, status="pending")
    run(review.approve, admin, first.id)
    run(review.reject, admin, second.id, "Please add a description to every lesson.")
    run(review.archive, admin, first.id, "")
    own = make_course(teacher=teacher)
    run(review.archive, teacher_actor, own.id, "")  # a teacher archiving their own course is not an admin action
    assert audited() == [("course.approve", first.id), ("course.reject", second.id), ("course.archive", first.id)]


def test_coupon_actions_by_admins_are_audited_not_by_teachers(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    _, teacher_actor = sign_in(teacher)
    _, admin = sign_in(make_user(role="admin"))
    course = make_course(teacher=teacher, price_minor=1000)
    mine = run(coupons.create, teacher_actor, "TEACH10", "percent", 10, course_id=course.id)
    run(coupons.set_active, teacher_actor, mine.id, False)
    site = run(coupons.create, admin, "SITE20", "percent", 20)
    run(coupons.set_active, admin, site.id, False)
    assert audited() == [("coupon.create", site.id), ("coupon.deactivate", site.id)]


def test_hiding_a_review_is_audited(make_course, make_user, sign_in, enroll):
    course = make_course()
    learner = make_user()
    enroll(learner, course)
    _, admin = sign_in(make_user(role="admin"))
    with lms_app.core.db.session_scope() as s:
        row = Review(course_id=course.id, user_id=learner.id, rating=1, comment="spam")
        s.add(row)
    run(reviews.set_hidden, admin, row.id, True)
    run(reviews.set_hidden, admin, row.id, False)
    assert audited() == [("review.hide", row.id), ("review.show", row.id)]


def test_certificate_issue_revoke_and_reissue_are_audited_and_filterable(make_course, make_user, enroll, sign_in):
    from lms_app.core import audit
    from lms_app.certificates.services import issuing
    from tests.unit.learning.learning_support import add_lessons
    course = make_course(title="Audit Course")
    add_lessons(course, ("text",))
    learner = make_user(email="audited@example.test", name="Audited Learner")
    enroll(learner, course)
    _, boss = sign_in(make_user(role="admin"))
    first = run(issuing.issue_manually, boss, "audited@example.test", course.id)
    run(issuing.revoke, boss, first.number, "Shared account")
    with pytest.raises(ServiceError):
        run(issuing.revoke, boss, first.number, "Twice")  # refused: nothing logged
    second = run(issuing.reissue, boss, first.number)
    assert audited() == [("certificate.issue", first.id), ("certificate.revoke", first.id),
                         ("certificate.reissue", second.id)]
    page = run(audit.search, boss, "", "certificate.revoke")
    assert [r["action"] for r in page["rows"]] == ["Revoked certificate"]
    assert first.number in page["rows"][0]["summary"] and "Shared account" in page["rows"][0]["summary"]
    assert {"certificate.issue", "certificate.revoke", "certificate.reissue"} <= set(audit.ACTION_LABELS)
