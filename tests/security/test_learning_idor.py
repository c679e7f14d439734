"""Progress, video position and time can only be recorded by an enrolled learner, for themselves,
and only for lessons sequential mode lets them open — even if the tab's state were tampered with."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.learning.models import LessonProgress
from lms_app.learning.pages.learn import LearnState
from tests.unit.learning.learning_support import add_lessons, setup


def progress_rows():
    with lms_app.core.db.session_scope() as s:
        return [(r.user_id, r.lesson_id, r.completed_at is not None, r.video_position_seconds)
                for r in s.exec(select(LessonProgress).order_by(LessonProgress.id))]


def loaded(states, token, slug, lesson_id):
    state = states.sub(states.root(token, path=f"/learn/{slug}/{lesson_id}"), LearnState)
    states.call(state, "load")
    return state


def test_tampered_lesson_id_of_a_course_not_enrolled_is_refused(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    other = make_course()
    foreign = add_lessons(other, ("text", "video"))
    state = loaded(states, token, course.slug, lessons[1].id)
    # Simulate a state whose lesson points at a course the learner never joined.
    state.content = {**state.content, "id": foreign[1].id}
    for name, args in (("mark_complete", ()), ("save_position", (80,)), ("record_beat", ("visible",))):
        states.call(state, name, *args)
    assert [r for r in progress_rows() if r[1] in {f.id for f in foreign}] == []


def test_tampered_skipped_lesson_in_sequential_mode_is_refused(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in, sequential=True)
    state = loaded(states, token, course.slug, lessons[0].id)
    state.content = {**state.content, "id": lessons[2].id}
    states.call(state, "mark_complete")
    assert [r for r in progress_rows() if r[1] == lessons[2].id] == []


def test_progress_is_always_the_callers_own(states, make_course, make_user, enroll, sign_in):
    course, lessons, alice, _, alice_token = setup(make_course, make_user, enroll, sign_in)
    bob = make_user()
    enroll(bob, course)
    bob_token, _ = sign_in(bob)
    state = loaded(states, alice_token, course.slug, lessons[1].id)
    states.call(state, "save_position", 30)
    bob_state = loaded(states, bob_token, course.slug, lessons[1].id)
    states.call(bob_state, "save_position", 95)
    states.call(bob_state, "mark_complete")
    by_user = {(u, lid): (done, pos) for u, lid, done, pos in progress_rows()}
    assert by_user[(alice.id, lessons[1].id)] == (False, 30)
    assert by_user[(bob.id, lessons[1].id)] == (True, 95)


def test_locked_and_signed_out_views_carry_no_content(states, make_course, make_user, enroll, sign_in):
    course, lessons, *_ = setup(make_course, make_user, enroll, sign_in)
    stranger_token, _ = sign_in(make_user())
    for token in (stranger_token, None):
        root = states.root(token, path=f"/learn/{course.slug}/{lessons[0].id}")
        states.call(states.sub(root, LearnState), "load")
        snap = states.serialize(states.snapshot(root))
        assert "Body **1**" not in snap and "cdn.example.test" not in snap
