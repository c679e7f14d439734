"""Demo data: complete enough to show the product, and idempotent."""

from __future__ import annotations

from sqlmodel import SQLModel, func, select

from lms_app.core.courses import Category, Course, Enrollment, Lesson, Module
from lms_app.core.users import User
from lms_app.accounts.services import passwords
from lms_app.demo.seed import seed_demo_data


def row_counts(db) -> dict[str, int]:
    return {t.name: db.exec(select(func.count()).select_from(t)).one() for t in SQLModel.metadata.sorted_tables}


def test_seed_builds_a_browsable_catalog(db, settings):
    created = seed_demo_data(db, settings)
    db.commit()
    published = db.exec(select(func.count(Course.id)).where(Course.status == "published")).one()
    assert published >= 12
    assert db.exec(select(func.count(Category.id))).one() == 8
    assert created["courses"] == db.exec(select(func.count(Course.id))).one()
    assert created["categories"] == 8
    # Every course has modules, every module lessons, and lessons point at their module's course.
    module_courses = set(db.exec(select(Module.course_id)).all())
    assert module_courses == set(db.exec(select(Course.id)).all())
    assert set(db.exec(select(Lesson.module_id)).all()) == set(db.exec(select(Module.id)).all())
    mismatched = db.exec(select(func.count(Lesson.id)).join(Module, Module.id == Lesson.module_id)
                         .where(Module.course_id != Lesson.course_id)).one()
    assert mismatched == 0
    # The maintained counter matches reality.
    actual = dict(db.exec(select(Enrollment.course_id, func.count(Enrollment.id)).group_by(Enrollment.course_id)).all())
    for course in db.exec(select(Course)).all():
        assert course.student_count == actual.get(course.id, 0), course.slug
    assert sum(actual.values()) == created["enrollments"] > 0


def test_demo_accounts_can_sign_in_with_their_published_passwords(db, settings):
    from lms_app.demo import content as demo_content

    seed_demo_data(db, settings)
    db.commit()
    for email, _name, role, password in demo_content.DEMO_USERS:
        user = db.exec(select(User).where(User.email == email)).one()
        assert user.role == role
        assert passwords.verify_password(password, user.password_hash)


def test_seeding_twice_changes_nothing(db, settings):
    seed_demo_data(db, settings)
    db.commit()
    before = row_counts(db)
    courses_before = {c.slug: (c.id, c.student_count, c.teacher_id) for c in db.exec(select(Course)).all()}
    hashes_before = dict(db.exec(select(User.email, User.password_hash)).all())
    db.expunge_all()

    created = seed_demo_data(db, settings)
    db.commit()
    assert created == {k: 0 for k in created}
    assert row_counts(db) == before
    assert {c.slug: (c.id, c.student_count, c.teacher_id) for c in db.exec(select(Course)).all()} == courses_before
    assert dict(db.exec(select(User.email, User.password_hash)).all()) == hashes_before


def test_seed_fills_in_what_is_missing(db, settings):
    seed_demo_data(db, settings)
    db.commit()
    before = row_counts(db)
    victim = db.exec(select(Course).order_by(Course.id.desc())).first()
    db.delete(victim)  # modules, lessons and enrollments cascade
    db.commit()
    db.expunge_all()
    created = seed_demo_data(db, settings)
    db.commit()
    assert created["courses"] == 1 and created["users"] == 0 and created["categories"] == 0
    assert row_counts(db) == before


def test_demo_history_gives_the_analytics_something_to_show(db, settings):
    """Sign-ups and enrolments are spread over past weeks, each enrolment with its one event."""
    from lms_app.core.event_log import LearningEvent
    from lms_app.core.types import utcnow

    seed_demo_data(db, settings)
    db.commit()
    seed_demo_data(db, settings)  # a second run adds no events
    db.commit()
    enrolments = db.exec(select(Enrollment.user_id, Enrollment.course_id, Enrollment.created_at)).all()
    events = db.exec(select(LearningEvent.user_id, LearningEvent.course_id, LearningEvent.occurred_at)
                     .where(LearningEvent.kind == "enrolled")).all()
    assert sorted(events) == sorted(enrolments)
    now = utcnow()
    assert all(at < now for _, _, at in enrolments)
    assert len({at.date() for _, _, at in enrolments}) >= 10
    signups = db.exec(select(User.created_at)).all()
    assert len({at.date() for at in signups}) >= 10
    users = {u.id: u.created_at for u in db.exec(select(User)).all()}
    assert all(at >= users[user_id] for user_id, _, at in enrolments)
