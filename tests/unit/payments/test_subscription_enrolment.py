"""Enrolment through a subscription: a subscriber's first visit of a plan course creates a 'plan'
enrolment (so progress, quizzes and the course page work); when the subscription ends (the
provider says so, or the period + grace passes with no event) exactly that access ends, while
courses bought or joined for free stay open. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.catalog.services import course_page
from lms_app.core.courses import Course, Enrollment
from lms_app.core.errors import PermissionDenied
from lms_app.core.types import utcnow
from lms_app.learning.services import course_access, enrollment, progress
from lms_app.payments import config
from lms_app.payments.models import Subscription
from lms_app.quizzes.services import attempts
from tests.unit.payments.fakes import stripe_event, stripe_signature
from tests.unit.payments.support import reference_of, start
from tests.unit.payments.test_subscriptions import activate, lesson_of, plan, send, sub_of
from tests.unit.quizzes.quiz_support import build, quiz_lesson, right_answers


@pytest.fixture
def setup(fake_stripe, api, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    _, teacher_actor = sign_in(teacher)
    course = make_course(price_minor=5000, teacher=teacher)   # opened through the plan
    lesson_id = lesson_of(course)
    quiz = quiz_lesson(course, position=2)
    build(teacher_actor, quiz, forms=[{"kind": "true_false", "prompt": "Water is wet.", "points": "1",
                                       "correct": "0"}])
    learner = make_user()
    _, actor = sign_in(learner)
    _, admin = sign_in(make_user(role="admin"))
    return fake_stripe, api, course, lesson_id, quiz.id, learner, actor, admin


def page(actor, course, lesson_id):
    with lms_app.core.db.session_scope() as s:
        return course_access.lesson_page(s, actor, course.slug, str(lesson_id))


def rows(user_id, course_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(Enrollment.source).where(Enrollment.user_id == user_id,
                                                      Enrollment.course_id == course_id)).all()


def students(course_id):
    with lms_app.core.db.session_scope() as s:
        return s.get(Course, course_id).student_count


def take_quiz(actor, quiz_id):
    with lms_app.core.db.session_scope() as s:
        attempt = attempts.start_attempt(s, actor, quiz_id)
        answers = right_answers(attempt)
        attempt_id = attempt.id
    with lms_app.core.db.session_scope() as s:
        return attempts.submit_attempt(s, actor, attempt_id, answers)


def cta(actor, course):
    with lms_app.core.db.session_scope() as s:
        return course_page.course_page(s, course.slug, actor)[2]


def locked_everywhere(actor, course, lesson_id, quiz_id):
    assert page(actor, course, lesson_id).state == "locked"
    with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
        progress.learner_lesson(s, actor, lesson_id)
    with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
        attempts.start_attempt(s, actor, quiz_id)
    with lms_app.core.db.session_scope() as s:
        assert not progress.is_enrolled(s, actor.user_id, course.id)
        assert not course_access.has_access(s, actor, s.get(Course, course.id))
    assert cta(actor, course)["kind"] == "buy"


def test_subscriber_opens_takes_a_quiz_then_the_end_locks_exactly_the_plan_course(setup, make_course, enroll):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    free = make_course(price_minor=0)
    free_lesson = lesson_of(free)
    enroll(learner, free)
    assert cta(actor, course)["kind"] == "buy"
    _, sub = activate(fake, api, actor, plan(admin))
    assert cta(actor, course)["label"] == "Start learning"    # the course page offers it
    assert rows(learner.id, course.id) == []                   # no enrolment before the first visit
    before = students(course.id)
    opened = page(actor, course, lesson_id)
    assert opened.state == "ok" and opened.tracking            # progress is recorded from the start
    assert rows(learner.id, course.id) == ["plan"] and students(course.id) == before + 1
    page(actor, course, lesson_id)
    assert rows(learner.id, course.id) == ["plan"] and students(course.id) == before + 1  # once
    result = take_quiz(actor, quiz_id)
    assert result.attempt.status == "submitted" and result.attempt.percent == 100
    assert cta(actor, course)["label"] == "Continue learning"

    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    locked_everywhere(actor, course, lesson_id, quiz_id)
    assert rows(learner.id, course.id) == ["plan"]             # kept (progress resumes on a new plan), inert
    assert page(actor, free, free_lesson).state == "ok"        # a free enrolment is not the plan's


def test_an_open_attempt_cannot_be_submitted_after_the_plan_ended(setup):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    _, sub = activate(fake, api, actor, plan(admin))
    with lms_app.core.db.session_scope() as s:
        attempt = attempts.start_attempt(s, actor, quiz_id)  # starting joins through the plan too
        attempt_id, answers = attempt.id, right_answers(attempt)
    assert rows(learner.id, course.id) == ["plan"]
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
        attempts.submit_attempt(s, actor, attempt_id, answers)


def test_period_and_grace_passing_without_any_event_locks_the_course(setup):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    activate(fake, api, actor, plan(admin), period_days=30)
    assert page(actor, course, lesson_id).state == "ok"
    grace = config.get("LMS_SUBSCRIPTION_GRACE_DAYS")
    with lms_app.core.db.session_scope() as s:  # the renewal failed and nothing arrived since
        sub = s.exec(select(Subscription).where(Subscription.user_id == learner.id)).one()
        sub.status, sub.current_period_end = "past_due", utcnow() - timedelta(days=grace - 1)
        s.add(sub)
    assert page(actor, course, lesson_id).state == "ok"        # still inside the grace days
    with lms_app.core.db.session_scope() as s:
        sub = s.get(Subscription, sub.id)
        sub.current_period_end = utcnow() - timedelta(days=grace, hours=1)
        s.add(sub)
    locked_everywhere(actor, course, lesson_id, quiz_id)


def test_a_course_bought_separately_stays_open_after_the_plan_ends(setup, make_course):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    bought = make_course(price_minor=4000)
    bought_lesson = lesson_of(bought)
    _, sub = activate(fake, api, actor, plan(admin))
    assert page(actor, bought, bought_lesson).state == "ok" and rows(learner.id, bought.id) == ["plan"]
    assert page(actor, course, lesson_id).state == "ok"
    # The subscriber buys one of the plan's courses to keep it: checkout still sells it.
    order_id, _ = start(actor, bought.slug)
    body = stripe_event("checkout.session.completed", fake.complete(reference_of(order_id)))
    assert api.post("/api/webhooks/stripe", content=body,
                    headers={"Stripe-Signature": stripe_signature(body)}).json() == {"result": "ok"}
    assert rows(learner.id, bought.id) == ["direct"]           # the same row, no longer the plan's
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    assert page(actor, bought, bought_lesson).state == "ok"
    with lms_app.core.db.session_scope() as s:
        progress.learner_lesson(s, actor, bought_lesson)
    locked_everywhere(actor, course, lesson_id, quiz_id)


def test_a_new_subscription_reopens_the_same_enrolment_and_its_progress(setup):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    plan_id = plan(admin)
    _, sub = activate(fake, api, actor, plan_id)
    page(actor, course, lesson_id)
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    assert page(actor, course, lesson_id).state == "locked"
    activate(fake, api, actor, plan_id)
    assert page(actor, course, lesson_id).state == "ok" and rows(learner.id, course.id) == ["plan"]


def test_no_plan_enrolment_without_a_granting_plan_or_for_drafts(setup, make_course):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    assert page(actor, course, lesson_id).state == "locked" and rows(learner.id, course.id) == []
    with lms_app.core.db.session_scope() as s, pytest.raises(PermissionDenied):
        progress.learner_lesson(s, actor, lesson_id)
    draft = make_course(status="draft")
    activate(fake, api, actor, plan(admin))
    with lms_app.core.db.session_scope() as s:
        assert not enrollment.join_through_plan(s, actor.user_id, s.get(Course, draft.id))
    assert rows(learner.id, draft.id) == []


def test_joining_through_the_plan_twice_leaves_one_row(setup):
    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    activate(fake, api, actor, plan(admin))
    with lms_app.core.db.session_scope() as s:
        c = s.get(Course, course.id)
        assert enrollment.join_through_plan(s, learner.id, c) and enrollment.join_through_plan(s, learner.id, c)
    with lms_app.core.db.session_scope() as s:
        n = s.exec(select(func.count(Enrollment.id)).where(Enrollment.user_id == learner.id)).one()
    assert n == 1


def test_start_learning_on_a_preview_lesson_also_enrols_through_the_plan(setup):
    """The course page's "Start learning" leads to the first lesson, often a free preview."""
    from lms_app.core.courses import Lesson

    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    with lms_app.core.db.session_scope() as s:
        lesson = s.get(Lesson, lesson_id)
        lesson.is_preview = True
        s.add(lesson)
    assert page(actor, course, lesson_id).state == "ok" and rows(learner.id, course.id) == []  # a preview: no row
    activate(fake, api, actor, plan(admin))
    opened = page(actor, course, lesson_id)
    assert opened.state == "ok" and opened.tracking and rows(learner.id, course.id) == ["plan"]


def test_the_learners_lists_drop_a_plan_course_when_the_plan_ends_in_a_fixed_number_of_queries(
        setup, make_course, enroll, count_queries):
    from lms_app.community import services as community
    from lms_app.learning.services import dashboards

    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    owned = make_course(price_minor=0)
    enroll(learner, owned)
    _, sub = activate(fake, api, actor, plan(admin))
    extra = [make_course(price_minor=1000) for _ in range(3)]
    for c in [course, *extra]:
        page(actor, c, lesson_of(c) if c is not course else lesson_id)
    teacher_actor = None
    with lms_app.core.db.session_scope() as s:
        from lms_app.core.sessions import Actor

        teacher_actor = Actor(user_id=s.get(Course, course.id).teacher_id, role="teacher", session_id=0)
        community.post_announcement(s, teacher_actor, course.id, "Week 2", "New lessons are up.")

    def mine():
        with lms_app.core.db.session_scope() as s, count_queries() as n:
            titles = [c["id"] for c in dashboards.learner_courses(s, actor)]
        return set(titles), n.count

    ids, n_plan = mine()
    assert ids == {owned.id, course.id, *(c.id for c in extra)}
    assert n_plan <= 3  # rows + the plan check (two queries), however many plan courses
    with lms_app.core.db.session_scope() as s:
        assert [a["href"] for a in community.my_announcements(s, actor)] == [f"/community/{course.slug}"]
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    ids, _ = mine()
    assert ids == {owned.id}
    with lms_app.core.db.session_scope() as s:
        assert community.my_announcements(s, actor) == []


def test_inactivity_reminders_skip_a_plan_course_once_the_plan_ended(setup):
    from lms_app.notifications import reminders

    fake, api, course, lesson_id, quiz_id, learner, actor, admin = setup
    _, sub = activate(fake, api, actor, plan(admin))
    page(actor, course, lesson_id)
    later = utcnow() + reminders.INACTIVE_AFTER + timedelta(days=1)

    def idle():
        with lms_app.core.db.session_scope() as s:
            return [(u, c) for u, c, _ in reminders.inactive_candidates(s, later) if u == learner.id]

    assert idle() == [(learner.id, course.id)]
    assert send(api, "customer.subscription.deleted", dict(sub, status="canceled")).json() == {"result": "ok"}
    assert idle() == []
