"""Progress service: completion counted once, ≤ 100 %, video auto-completion, heartbeat caps,
resume point, sequential mode enforced on the server, and the dashboard summary."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.learning.models import LessonProgress
from lms_app.core.types import utcnow
from lms_app.learning.services import course_access, dashboards, progress, recommendations
from lms_app.core.errors import PermissionDenied, ServiceError
from tests.unit.learning.learning_support import add_lessons, setup


def run(fn, *args):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args)


def rows(user_id):
    with lms_app.core.db.session_scope() as s:
        return s.exec(select(LessonProgress).where(LessonProgress.user_id == user_id)).all()


def test_complete_counts_once_and_never_exceeds_100(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    assert run(progress.mark_complete, actor, lessons[0].id).percent == 33
    assert run(progress.mark_complete, actor, lessons[0].id).percent == 33  # twice: still one lesson
    run(progress.mark_complete, actor, lessons[1].id)
    summary = run(progress.mark_complete, actor, str(lessons[2].id))
    assert (summary.done, summary.total, summary.percent) == (3, 3, 100)
    assert len(rows(learner.id)) == 3
    assert run(progress.mark_complete, actor, lessons[2].id, False).percent == 67


def test_percent_ignores_lessons_removed_from_the_course(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    for lesson in lessons:
        run(progress.mark_complete, actor, lesson.id)
    with lms_app.core.db.session_scope() as s:
        s.delete(s.get(type(lessons[0]), lessons[0].id))
    summary = run(progress.summaries, learner.id, [course.id])[course.id]
    assert (summary["done"], summary["total"], summary["percent"]) == (2, 2, 100)


def test_video_position_saved_and_auto_complete_at_90_percent(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    video = lessons[1]  # 100 s
    assert run(progress.save_position, actor, video.id, 42.7)[0] is False
    assert run(progress.resume_point, learner.id, course.id).position == 42
    done, summary = run(progress.save_position, actor, video.id, 95)
    assert done and summary.done == 1
    assert run(progress.save_position, actor, video.id, 10_000)[1].done == 1  # capped, still once
    assert run(progress.resume_point, learner.id, course.id).position == 100
    with pytest.raises(ServiceError):
        run(progress.save_position, actor, lessons[0].id, 5)  # a text lesson has no position
    for junk in (None, "x", float("nan"), float("inf"), [], {}, True):
        with pytest.raises(ServiceError):
            run(progress.save_position, actor, video.id, junk)
    assert run(progress.save_position, actor, video.id, -5)[0] is True  # negative → 0, stays complete


def test_heartbeat_ignores_close_beats_and_caps_each_increment(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    start = run(progress.open_lesson, actor, lessons[0].id).last_seen_at
    assert run(progress.heartbeat, actor, lessons[0].id, start + timedelta(seconds=5)) == 0
    assert run(progress.heartbeat, actor, lessons[0].id, start + timedelta(seconds=30)) == 30
    assert run(progress.heartbeat, actor, lessons[0].id, start + timedelta(hours=5)) == 30 + progress.BEAT_MAX_SECONDS


def test_resume_is_the_last_opened_lesson(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    assert run(progress.resume_point, learner.id, course.id) is None
    run(progress.open_lesson, actor, lessons[2].id)
    run(progress.open_lesson, actor, lessons[1].id)
    assert run(progress.resume_point, learner.id, course.id).lesson_id == lessons[1].id
    cta = run(lambda s: __import__("lms_app.catalog.services.course_page", fromlist=["x"]).course_page(s, course.slug, actor))[2]
    assert cta["href"] == f"/learn/{course.slug}/{lessons[1].id}"


def test_not_enrolled_or_other_course_refused(make_course, make_user, sign_in, enroll):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    stranger = make_user()
    _, other = sign_in(stranger)
    for fn, args in ((progress.mark_complete, ()), (progress.save_position, (10,)), (progress.heartbeat, ()),
                     (progress.open_lesson, ())):
        with pytest.raises(PermissionDenied):
            run(fn, other, lessons[1].id, *args)
    for junk in (None, "", "abc", -1, True, 2**70, [1], {"id": 1}, "999999"):
        with pytest.raises(ServiceError):
            run(progress.mark_complete, actor, junk)
    assert rows(stranger.id) == []


def test_draft_course_enrolment_records_nothing(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, status="draft")
    with pytest.raises(PermissionDenied):
        run(progress.mark_complete, actor, lessons[0].id)


def test_sequential_mode_locks_skipped_lessons_on_the_server(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, sequential=True)
    with pytest.raises(PermissionDenied):
        run(progress.mark_complete, actor, lessons[2].id)
    with pytest.raises(PermissionDenied):
        run(progress.save_position, actor, lessons[1].id, 99)
    page = run(course_access.lesson_page, actor, course.slug, str(lessons[2].id))
    assert page.state == "locked" and page.sequential and page.lesson is None
    assert [r["locked"] for r in page.outline] == [False, True, True]
    run(progress.mark_complete, actor, lessons[0].id)
    page = run(course_access.lesson_page, actor, course.slug, str(lessons[1].id))
    assert page.state == "ok" and page.tracking and page.percent == 33
    assert [(r["done"], r["locked"]) for r in page.outline] == [(True, False), (False, False), (False, True)]
    assert rows(learner.id) and len(rows(learner.id)) == 2  # opening lesson 2 recorded it


def test_staff_and_previews_do_not_track_or_lock(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, sequential=True)
    with lms_app.core.db.session_scope() as s:
        teacher_id = s.get(type(course), course.id).teacher_id
    from lms_app.core.sessions import Actor
    teacher = Actor(user_id=teacher_id, role="teacher", session_id=0)
    page = run(course_access.lesson_page, teacher, course.slug, str(lessons[2].id))
    assert page.state == "ok" and not page.tracking


def test_dashboard_splits_in_progress_and_completed_and_recommends(make_course, make_user, enroll, sign_in,
                                                                    make_category):
    cat, other_cat = make_category(), make_category()
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in, category=cat)
    done_course = make_course(category=cat)
    [only] = add_lessons(done_course, ("text",))
    enroll(learner, done_course)
    run(progress.mark_complete, actor, only.id)
    run(progress.open_lesson, actor, lessons[1].id)
    suggested = make_course(category=cat, title="Suggested")
    make_course(category=other_cat, title="Elsewhere")
    make_course(category=cat, status="draft", title="Hidden")
    learning = run(dashboards.learner_learning, actor)
    [current] = learning["in_progress"]
    assert current["course"]["id"] == course.id and current["continue_href"].endswith(f"/{lessons[1].id}")
    assert [r["course"]["id"] for r in learning["completed"]] == [done_course.id]
    # Courses in the learner's categories first; other popular courses only fill the rest.
    assert [c["title"] for c in run(recommendations.for_learner, actor)] == [suggested.title, "Elsewhere"]
    assert [c["title"] for c in run(recommendations.for_learner, actor, 1)] == [suggested.title]


def test_new_learner_has_empty_dashboard_and_popular_suggestions(make_user, make_course, sign_in):
    _, actor = sign_in(make_user())
    assert run(dashboards.learner_learning, actor) == {"in_progress": [], "completed": []}
    assert run(recommendations.for_learner, actor) == []
    make_course(title="Quiet")
    popular = make_course(title="Popular")
    make_course(title="Draft", status="draft")
    with lms_app.core.db.session_scope() as s:
        s.get(type(popular), popular.id).student_count = 40
    assert [c["title"] for c in run(recommendations.for_learner, actor)] == ["Popular", "Quiet"]


def test_concurrent_first_completion_creates_one_row(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        s.add(LessonProgress(user_id=learner.id, course_id=course.id, lesson_id=lessons[0].id,
                             last_seen_at=utcnow()))
    assert run(progress.mark_complete, actor, lessons[0].id).done == 1
    assert len(rows(learner.id)) == 1


def test_video_saves_do_not_swallow_heartbeats(make_course, make_user, enroll, sign_in):
    course, lessons, learner, actor, _ = setup(make_course, make_user, enroll, sign_in)
    start = run(progress.open_lesson, actor, lessons[1].id).last_seen_at
    run(progress.save_position, actor, lessons[1].id, 12)  # saved every few seconds while playing
    assert run(progress.heartbeat, actor, lessons[1].id, start + timedelta(seconds=30)) == 30
