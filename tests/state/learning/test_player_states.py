"""The course player and the learner dashboard, driven through their handlers."""

from __future__ import annotations

import pytest

from sqlmodel import select

import lms_app.core.db
from lms_app.learning.models import LessonProgress
from lms_app.catalog.pages.course import CoursePageState
from lms_app.learning.pages.dashboard import DashboardState
from lms_app.learning.pages.learn import LearnState
from tests.unit.learning.learning_support import setup


def open_lesson(states, token, slug, lesson_id):
    root = states.root(token, path=f"/learn/{slug}/{lesson_id}")
    state = states.sub(root, LearnState)
    states.call(state, "load")
    return root, state


def saved(user_id):
    with lms_app.core.db.session_scope() as s:
        return {r.lesson_id: r for r in s.exec(select(LessonProgress).where(LessonProgress.user_id == user_id))}


def test_complete_updates_progress_ticks_and_next(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    _, state = open_lesson(states, token, course.slug, lessons[0].id)
    assert state.view == "ok" and state.tracking and state.percent == 0 and not state.completed
    states.call(state, "mark_complete")
    assert state.completed and state.percent == 33 and state.done_count == 1 and state.total_count == 3
    assert state.done_mask == "100"  # the sidebar's tick
    assert state.next_href == f"/learn/{course.slug}/{lessons[1].id}"
    states.call(state, "mark_complete")
    assert state.percent == 33 and len(saved(learner.id)) == 1
    states.call(state, "mark_incomplete")
    assert not state.completed and state.percent == 0 and state.done_mask == "000"


def test_video_position_resume_and_auto_complete(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    assert state.video_src == "https://cdn.example.test/v.mp4"
    states.call(state, "save_position", 37.4)
    assert saved(learner.id)[lessons[1].id].video_position_seconds == 37
    # Later, signed in again: the course page's Continue leads here and the video starts at 37 s.
    token2, _ = sign_in(learner)
    page = states.sub(states.root(token2, path=f"/courses/{course.slug}"), CoursePageState)
    states.call(page, "load")
    assert page.cta["href"] == f"/learn/{course.slug}/{lessons[1].id}"
    _, again = open_lesson(states, token2, course.slug, lessons[1].id)
    assert again.start_seconds == 37 and again.video_src.endswith("#t=37")
    events = states.call(again, "save_position", 91)
    assert again.completed and again.percent == 33 and any("complete" in t for _, t in states.toasts(events))


def test_video_end_completes_with_player_duration(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    from lms_app.core.courses import Lesson
    with lms_app.core.db.session_scope() as s:
        s.get(Lesson, lessons[1].id).duration_seconds = 0
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    events = states.call(state, "poll_position")  # on_ended: the player reports [time, duration]
    assert states.scripts(events) and "currentTime" in states.scripts(events)[0]
    # An embed's reported time is only read for this lesson (a stale one from the previous lesson is not).
    assert f"e[2] === {lessons[1].id}" in states.scripts(events)[0]
    states.call(state, "save_position", [120.5, 120.5])
    assert state.completed and saved(learner.id)[lessons[1].id].completed_at is not None


def test_sequential_lesson_cannot_be_opened_or_completed_by_handler(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in, sequential=True)
    root, state = open_lesson(states, token, course.slug, lessons[2].id)
    assert state.view == "locked" and state.sequential_locked and state.content["body"] == ""
    assert "Body" not in states.serialize(states.snapshot(root))
    events = states.call(state, "mark_complete")
    assert states.toasts(events) and saved(learner.id).get(lessons[2].id) is None
    _, first = open_lesson(states, token, course.slug, lessons[0].id)
    assert first.next_href == "" and first.open_until == 0  # the next lessons are still locked
    states.call(first, "mark_complete")
    assert first.next_href == f"/learn/{course.slug}/{lessons[1].id}"
    assert first.done_mask == "100" and first.open_until == 1  # only the third lesson stays locked


def test_heartbeat_asks_visibility_and_records_only_when_visible(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    _, state = open_lesson(states, token, course.slug, lessons[0].id)
    events = states.call(state, "beat")
    assert states.scripts(events) == ["document.visibilityState"]
    states.call(state, "record_beat", "hidden")
    states.call(state, "record_beat", "visible")  # < 20 s after opening: ignored
    assert saved(learner.id)[lessons[0].id].seconds_spent == 0


def test_signed_out_and_not_enrolled_cannot_record(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, _ = setup(make_course, make_user, enroll, sign_in, kinds=("text", "video"))
    stranger = make_user()
    token, _ = sign_in(stranger)
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    assert state.view == "locked" and not state.tracking
    for name, args in (("mark_complete", ()), ("save_position", (50,)), ("record_beat", ("visible",))):
        states.call(state, name, *args)
    anonymous = states.sub(states.root(None, path=f"/learn/{course.slug}/{lessons[0].id}"), LearnState)
    events = states.call(anonymous, "mark_complete")
    assert states.redirects(events) and saved(stranger.id) == {}


def test_dashboard_lists_in_progress_with_continue(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    _, state = open_lesson(states, token, course.slug, lessons[0].id)
    states.call(state, "mark_complete")
    open_lesson(states, token, course.slug, lessons[1].id)
    dash = states.sub(states.root(token, path="/dashboard"), DashboardState)
    states.call(dash, "load")
    [row] = dash.in_progress
    assert row["percent"] == 33 and row["continue_href"] == f"/learn/{course.slug}/{lessons[1].id}"
    assert dash.completed == [] and [c["id"] for c in dash.courses] == [course.id]


def test_embeds_turn_on_their_position_api_and_resume(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    from lms_app.core.courses import Lesson
    with lms_app.core.db.session_scope() as s:
        s.get(Lesson, lessons[1].id).video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    assert state.embed_src == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?enablejsapi=1"
    states.call(state, "save_position", [33.2, 100])  # what the hooks read from the embed
    _, again = open_lesson(states, token, course.slug, lessons[1].id)
    assert again.embed_src.endswith("?enablejsapi=1&start=33")
    with lms_app.core.db.session_scope() as s:
        s.get(Lesson, lessons[1].id).video_url = "https://vimeo.com/76979871"
    _, vimeo = open_lesson(states, token, course.slug, lessons[1].id)
    assert vimeo.embed_src == "https://player.vimeo.com/video/76979871?api=1#t=33s"


def test_video_src_stays_fixed_while_playing_so_the_browser_does_not_reload_it(states, make_course, make_user,
                                                                              enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    states.call(open_lesson(states, token, course.slug, lessons[1].id)[1], "save_position", 20)
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    src = state.video_src
    assert src.endswith("#t=20")
    states.call(state, "save_position", [50, 100])  # a periodic save moves the resume point...
    states.call(state, "save_position", [95, 100])  # ...and 90 % completes the lesson
    assert state.completed and state.video_src == src  # but the playing element keeps its src
    _, later = open_lesson(states, token, course.slug, lessons[1].id)
    assert later.video_src == "https://cdn.example.test/v.mp4"  # completed: starts from the beginning


@pytest.mark.parametrize("lessons_in_course", [7, 500])
def test_mark_complete_and_position_save_send_under_a_kilobyte(states, make_course, make_user, enroll, sign_in,
                                                               lessons_in_course):
    """The outline goes out once per lesson load; a completion changes a few small vars."""
    import json

    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in,
                                               kinds=("text",) * (lessons_in_course - 1) + ("video",))
    root, state = open_lesson(states, token, course.slug, lessons[0].id)
    root._clean()
    states.call(state, "mark_complete")
    delta = json.dumps(root.get_delta())
    assert state.percent == round(100 / lessons_in_course) and len(delta) <= 1024, len(delta)
    _, video = open_lesson(states, token, course.slug, lessons[-1].id)
    video_root = video.parent_state
    video_root._clean()
    states.call(video, "save_position", 12)
    assert len(json.dumps(video_root.get_delta())) <= 1024
