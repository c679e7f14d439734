"""Completion rules per course, verified on the server: a video completes only by watched time
(seeking ahead or a script sending positions does not count), readings after a minimum time,
and a course without a rule keeps the old behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest

import lms_app.core.db
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.types import utcnow
from lms_app.learning.services import completion, progress
from tests.unit.learning.learning_support import setup


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


class Clock:
    """Replaces progress.utcnow so a test decides how much wall-clock time passes between saves."""

    def __init__(self, monkeypatch):
        self.now = utcnow()
        monkeypatch.setattr(progress, "utcnow", lambda: self.now)

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def watched(user_id, lesson_id) -> int:
    from sqlmodel import select
    from lms_app.learning.models import LessonProgress
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(LessonProgress.watched_seconds).where(LessonProgress.user_id == user_id,
                                                                   LessonProgress.lesson_id == lesson_id)).one()


def ruled(make_course, make_user, enroll, sign_in, **rule):
    course, lessons, learner, actor, token = setup(make_course, make_user, enroll, sign_in)
    run(completion.set_rule, course.id, *(rule.get(k, d) for k, d in (
        ("video_rule", "watch"), ("video_percent", 90), ("reading_rule", "time"), ("reading_seconds", 60))))
    return course, lessons, learner, actor


def test_mark_complete_is_refused_on_a_video_until_it_was_watched(make_course, make_user, enroll, sign_in, monkeypatch):
    clock = Clock(monkeypatch)
    course, (text, video, pdf), learner, actor = ruled(make_course, make_user, enroll, sign_in)
    with pytest.raises(ServiceError, match="watched 90 %"):
        run(progress.mark_complete, actor, video.id)
    # Play it: a save every 5 s of real time, 5 s further each time (video length 100 s).
    run(progress.save_position, actor, video.id, 0, 100)
    for position in range(5, 90, 5):
        clock.tick(5)
        assert run(progress.save_position, actor, video.id, position, 100)[0] is False
    clock.tick(5)
    done, summary = run(progress.save_position, actor, video.id, 90, 100)
    assert done is True and summary.done == 1


def test_seeking_to_the_end_does_not_complete_a_video(make_course, make_user, enroll, sign_in, monkeypatch):
    clock = Clock(monkeypatch)
    course, (text, video, pdf), learner, actor = ruled(make_course, make_user, enroll, sign_in)
    run(progress.save_position, actor, video.id, 0, 100)
    clock.tick(2)
    assert run(progress.save_position, actor, video.id, 99, 100)[0] is False  # seeked: 2 s × 2 credited
    # A script flooding positions without time passing gains nothing either.
    for _ in range(20):
        run(progress.save_position, actor, video.id, 0, 100)
        assert run(progress.save_position, actor, video.id, 100, 100)[0] is False
    # A long pause then a seek credits one step at most.
    clock.tick(3600)
    assert run(progress.save_position, actor, video.id, 100, 1)[0] is False  # a lied-about duration is ignored
    with pytest.raises(ServiceError):
        run(progress.mark_complete, actor, video.id)
    assert watched(learner.id, video.id) == 4


def test_client_reported_length_does_not_shrink_a_known_video(make_course, make_user, enroll, sign_in, monkeypatch):
    clock = Clock(monkeypatch)
    course, (text, video, pdf), learner, actor = ruled(make_course, make_user, enroll, sign_in, video_percent=50)
    run(progress.save_position, actor, video.id, 0, 2)
    clock.tick(5)
    assert run(progress.save_position, actor, video.id, 2, 2)[0] is False  # the lesson is 100 s long


def test_readings_need_the_minimum_time_counted_by_the_server(make_course, make_user, enroll, sign_in):
    course, (text, video, pdf), learner, actor = ruled(make_course, make_user, enroll, sign_in, reading_seconds=60)
    start = run(progress.open_lesson, actor, text.id).last_seen_at
    with pytest.raises(ServiceError, match="at least 1 min"):
        run(progress.mark_complete, actor, text.id)
    run(progress.heartbeat, actor, text.id, start + timedelta(seconds=30))
    with pytest.raises(ServiceError, match="so far: 30 s"):
        run(progress.mark_complete, actor, text.id)
    run(progress.heartbeat, actor, text.id, start + timedelta(seconds=60))
    assert run(progress.mark_complete, actor, text.id).done == 1
    # Unmarking is always allowed; marking again needs no new time.
    run(progress.mark_complete, actor, text.id, False)
    assert run(progress.mark_complete, actor, text.id).done == 1


def test_manual_rules_and_courses_without_a_rule_keep_mark_complete(make_course, make_user, enroll, sign_in):
    course, (text, video, pdf), learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    assert run(progress.mark_complete, actor, video.id).done == 1
    assert run(progress.mark_complete, actor, text.id).done == 2
    course2, (text2, video2, _), _, actor2 = ruled(make_course, make_user, enroll, sign_in, video_rule="manual",
                                                  reading_rule="manual")
    assert run(progress.mark_complete, actor2, video2.id).done == 1
    assert run(progress.mark_complete, actor2, text2.id).done == 2


def test_only_the_owner_or_an_admin_sets_the_rule_and_the_form_is_checked(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    _, owner = sign_in(teacher)
    _, other = sign_in(make_user(role="teacher"))
    _, learner = sign_in(make_user())
    _, boss = sign_in(make_user(role="admin"))
    good = {"video_rule": "watch", "video_percent": "80", "reading_rule": "time", "reading_minutes": "2"}
    with pytest.raises(PermissionDenied):
        run(completion.save, other, course.id, good)
    with pytest.raises(PermissionDenied):
        run(completion.save, learner, course.id, good)
    for bad, field in (({"video_rule": "skip"}, "video_rule"), ({"reading_rule": None}, "reading_rule"),
                       ({"video_percent": "49"}, "video_percent"), ({"video_percent": "1e3"}, "video_percent"),
                       ({"reading_minutes": "0"}, "reading_minutes"), ({"reading_minutes": True}, "reading_minutes")):
        with pytest.raises(ServiceError) as info:
            run(completion.save, owner, course.id, {**good, **bad})
        assert info.value.field == field
    rule = run(completion.save, owner, str(course.id), good)
    assert (rule.video_rule, rule.video_percent, rule.reading_rule, rule.reading_seconds) == ("watch", 80, "time", 120)
    run(completion.save, boss, course.id, {**good, "video_rule": "manual"})
    view = run(completion.settings_view, owner, course.id)
    assert view["video_rule"] == "manual" and view["reading_minutes"] == "2"
    assert "readings after at least 2 min" in view["summary"]
    with pytest.raises(ServiceError):
        run(completion.save, owner, 10**9, good)


def test_credit_is_bounded_by_wall_clock_time():
    now = utcnow()
    assert completion.credit(0, 0, 5, None, now) == 0  # the first save only starts the clock
    assert completion.credit(0, 0, 5, now - timedelta(seconds=5), now) == 5
    assert completion.credit(0, 0, 100, now - timedelta(seconds=5), now) == 10  # 5 s × 2
    assert completion.credit(0, 0, 100, now, now) == 0  # no time passed: nothing
    assert completion.credit(0, 0, 100, now - timedelta(hours=1), now) == completion.STEP_MAX
    assert completion.credit(7, 50, 10, now - timedelta(seconds=5), now) == 7  # backwards: nothing


def test_the_certificate_says_which_rule_applied(make_course, make_user, enroll, sign_in):
    from lms_app.certificates.services import issuing
    course, (text, video, pdf), learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    run(completion.set_rule, course.id, "manual", 90, "manual", 60)
    for lesson in (text, video, pdf):
        run(progress.mark_complete, actor, lesson.id)
    with lms_app.core.db.session_scope() as s:
        from sqlmodel import select
        from lms_app.certificates.models import Certificate
        number = s.exec(select(Certificate.number).where(Certificate.user_id == learner.id)).one()
    view = run(issuing.public_view, number, "https://lumen.example", "Lumen")
    assert view["completion_rule"].startswith("Completion rule: learners mark videos complete themselves")
