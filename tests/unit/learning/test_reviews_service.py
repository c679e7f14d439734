"""Reviews: enrolled learners only, one per learner and course, editable/deletable by the author,
a single teacher reply, admin hiding, and rating counters that stay equal to the reviews table."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import func, select

import lms_app.core.db
from lms_app.core.courses import Course
from lms_app.learning.models import Review
from lms_app.learning.services import reviews
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied, ServiceError


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


def course_rating(course_id):
    with lms_app.core.db.session_scope() as s:
        c = s.get(Course, course_id)
        count, avg = s.exec(select(func.count(Review.id), func.avg(Review.rating))
                            .where(Review.course_id == course_id, Review.hidden.is_(False))).one()
        return c.rating_avg, c.rating_count, round(float(avg or 0), 2), count


@pytest.fixture
def reviewed(make_course, make_user, enroll, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    learners = [make_user() for _ in range(2)]
    actors = []
    for learner in learners:
        enroll(learner, course)
        actors.append(sign_in(learner)[1])
    return course, teacher, actors, sign_in(teacher)[1]


def test_one_review_per_learner_editable_and_deletable(reviewed):
    course, _, (a, b), _ = reviewed
    run(reviews.save, a, course.id, 5, "Great")
    run(reviews.save, b, course.id, "2", "")
    assert course_rating(course.id)[:2] == (3.5, 2)
    run(reviews.save, a, course.id, 4, "Good, on reflection")  # edit: still one review
    assert course_rating(course.id)[:2] == (3.0, 2)
    assert run(reviews.delete, b, course.id) is True
    assert course_rating(course.id)[:2] == (4.0, 1)
    assert run(reviews.delete, b, course.id) is False


def test_validation_and_enrolment(reviewed, make_user, sign_in):
    course, _, (a, _), _ = reviewed
    for bad in (0, 6, "x", None, True, 3.5, [5], {"r": 5}):
        with pytest.raises(ServiceError):
            run(reviews.save, a, course.id, bad, "")
    with pytest.raises(ServiceError):
        run(reviews.save, a, course.id, 5, "x" * (reviews.COMMENT_MAX + 1))
    _, stranger = sign_in(make_user())
    with pytest.raises(PermissionDenied):
        run(reviews.save, stranger, course.id, 5, "")
    for junk in (None, "", "abc", -1, True, [1]):
        with pytest.raises(ServiceError):
            run(reviews.save, a, junk, 5, "")
    assert course_rating(course.id)[:2] == (0.0, 0)


def test_teacher_replies_once_and_only_to_own_course(reviewed, make_user, sign_in):
    course, _, (a, _), teacher = reviewed
    review = run(reviews.save, a, course.id, 4, "")
    _, other_teacher = sign_in(make_user(role="teacher"))
    with pytest.raises(PermissionDenied):
        run(reviews.reply, other_teacher, review.id, "Hi")
    run(reviews.reply, teacher, review.id, "Thank you!")
    with pytest.raises(ServiceError):
        run(reviews.reply, teacher, review.id, "Again")
    with pytest.raises(PermissionDenied):
        run(reviews.reply, a, review.id, "I am no teacher")


def test_admin_hides_a_review_and_the_rating_follows(reviewed, make_user, sign_in):
    course, _, (a, b), teacher = reviewed
    ra = run(reviews.save, a, course.id, 1, "spam")
    run(reviews.save, b, course.id, 5, "")
    _, admin = sign_in(make_user(role="admin"))
    with pytest.raises(PermissionDenied):
        run(reviews.set_hidden, teacher, ra.id, True)
    run(reviews.set_hidden, admin, ra.id, True)
    assert course_rating(course.id)[:2] == (5.0, 1)
    assert [r["rating"] for r in run(reviews.for_course, None, course.id)] == [5]
    assert len(run(reviews.for_course, admin, course.id)) == 2


def test_ratings_stay_consistent_under_concurrent_reviews(make_course, make_user, enroll, sign_in):
    course = make_course()
    actors = []
    for _ in range(8):
        learner = make_user()
        enroll(learner, course)
        actors.append(sign_in(learner)[1])
    errors = []
    barrier = threading.Barrier(len(actors))

    def write(actor: Actor, rating: int):
        barrier.wait()
        for _ in range(20):
            try:
                run(reviews.save, actor, course.id, rating, "")
                return
            except Exception as exc:  # SQLite: "database is locked" → retry, as a user would
                errors.append(exc)
    threads = [threading.Thread(target=write, args=(actor, 1 + i % 5)) for i, actor in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    avg, count, real_avg, real_count = course_rating(course.id)
    assert (count, avg) == (real_count, real_avg) and count == len(actors)
