"""Progress writes learning events (for analytics) and notices a finished course; graders
complete a lesson through ``record_pass`` only once."""

from __future__ import annotations

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.core.event_log import LearningEvent
from lms_app.core import events
from lms_app.learning.services import progress
from tests.unit.learning.learning_support import setup


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


def kinds(user_id):
    with lms_app.core.db.session_scope() as s:
        return [(e.kind, e.lesson_id) for e in s.exec(select(LearningEvent).where(LearningEvent.user_id == user_id)
                                                       .order_by(LearningEvent.id)).all()]


def test_open_and_complete_write_one_started_and_one_completed_event(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    run(progress.open_lesson, actor, lessons[0].id)
    run(progress.open_lesson, actor, lessons[0].id)  # reopening is not a new start
    run(progress.mark_complete, actor, lessons[0].id)
    run(progress.mark_complete, actor, lessons[0].id)  # completing twice counts once
    assert kinds(learner.id) == [("lesson_started", lessons[0].id), ("lesson_completed", lessons[0].id)]


def test_finishing_the_last_lesson_records_course_completed_once(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    run(progress.mark_complete, actor, lessons[0].id)
    run(progress.save_position, actor, lessons[1].id, 95, 100)  # video completes itself at 90 %
    assert ("course_completed", None) not in kinds(learner.id)
    run(progress.mark_complete, actor, lessons[2].id)
    run(progress.mark_complete, actor, lessons[2].id)
    assert kinds(learner.id).count(("course_completed", None)) == 1


def test_record_pass_completes_the_lesson_once(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    assert run(progress.record_pass, learner.id, lessons[0].id).done == 1
    assert run(progress.record_pass, learner.id, lessons[0].id).done == 1
    assert kinds(learner.id).count(("lesson_completed", lessons[0].id)) == 1


def test_unknown_event_kinds_are_refused():
    import pytest
    with lms_app.core.db.session_scope() as s, pytest.raises(ValueError):
        events.record(s, "teleported", user_id=None)


@pytest.mark.postgres
def test_two_last_lessons_completed_in_parallel_finish_the_course_once(make_course, make_user, enroll, sign_in,
                                                                        monkeypatch):
    """Both transactions have written their lesson before either looks at the course: the
    enrolment lock makes the later one see the earlier one's lesson (one completion, one certificate)."""
    import threading

    from lms_app.certificates.models import Certificate

    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, kinds=("text", "text"))
    barrier = threading.Barrier(2, timeout=20)
    real_record = events.record

    def record(session, kind, **fields):
        if kind == "lesson_completed":
            session.flush()
            barrier.wait()  # both lesson rows are written, neither transaction has committed
        return real_record(session, kind, **fields)

    monkeypatch.setattr(events, "record", record)
    errors: list[BaseException] = []

    def complete(lesson_id):
        try:
            with lms_app.core.db.session_scope() as s:
                progress.mark_complete(s, actor, lesson_id)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=complete, args=(lesson.id,)) for lesson in lessons]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert kinds(learner.id).count(("course_completed", None)) == 1
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(Certificate).where(Certificate.user_id == learner.id)).all()) == 1
