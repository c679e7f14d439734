"""The player under a "watch" completion rule: no "Mark complete" on videos, a refusal when it is
called anyway, the rule's note on screen, and completion only by watched time."""

from __future__ import annotations

from datetime import timedelta

import lms_app.core.db
from lms_app.core.types import utcnow
from lms_app.learning.services import completion, progress
from tests.state.learning.test_player_states import open_lesson, saved
from tests.unit.learning.learning_support import setup


def test_video_under_a_watch_rule_completes_only_by_watching(states, make_course, make_user, enroll, sign_in,
                                                             monkeypatch):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        completion.set_rule(s, course.id, "watch", 90, "time", 60)
    now = [utcnow()]
    monkeypatch.setattr(progress, "utcnow", lambda: now[0])
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    assert state.video_by_watching and "watched 90 %" in state.video_note
    events = states.call(state, "mark_complete")  # a crafted call: the button is not shown
    assert not state.completed and any("watched 90 %" in t for _, t in states.toasts(events))
    states.call(state, "save_position", [0, 100])
    now[0] += timedelta(seconds=3)
    states.call(state, "save_position", [99, 100])  # seeked to the end
    assert not state.completed and saved(learner.id)[lessons[1].id].completed_at is None
    for position in range(10, 101, 5):  # then watched from 10 s to the end at normal speed
        now[0] += timedelta(seconds=5)
        states.call(state, "save_position", [position, 100])
        if position < 20:
            states.call(state, "save_position", [position, 100])
    # 3 s × 2 + 18 × 5 s ≈ 96 watched seconds: complete.
    assert state.completed and state.percent == 33


def test_reading_shows_the_minimum_time_and_refuses_early_completion(states, make_course, make_user, enroll,
                                                                   sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        completion.set_rule(s, course.id, "watch", 90, "time", 120)
    _, state = open_lesson(states, token, course.slug, lessons[0].id)
    assert "at least 2 min" in state.reading_note and not state.completed
    events = states.call(state, "mark_complete")
    assert not state.completed and any("Spend at least 2 min" in t for _, t in states.toasts(events))


def test_without_a_rule_the_player_is_unchanged(states, make_course, make_user, enroll, sign_in):
    course, lessons, learner, _, token = setup(make_course, make_user, enroll, sign_in)
    _, state = open_lesson(states, token, course.slug, lessons[1].id)
    assert not state.video_by_watching and state.reading_note == ""
    states.call(state, "mark_complete")
    assert state.completed


def test_teacher_sets_the_rule_in_the_editor_card_and_others_cannot(states, make_course, make_user, sign_in):
    from lms_app.learning.pages.completion_settings import CompletionSettingsState
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    token, _ = sign_in(teacher)
    card = states.sub(states.root(token, path=f"/teach/courses/{course.id}"), CompletionSettingsState)
    states.call(card, "load", course.id)
    assert card.course_id == course.id and card.video_rule == "manual"
    states.call(card, "save", {"video_rule": "watch", "video_percent": "120", "reading_rule": "time",
                               "reading_minutes": "3"})
    assert "50 to 100" in card.error and not card.saving
    states.call(card, "save", {"video_rule": "watch", "video_percent": "85", "reading_rule": "time",
                               "reading_minutes": "3"})
    assert card.error == "" and card.video_percent == "85" and "85 %" in card.summary
    with lms_app.core.db.session_scope() as s:
        assert completion.rule_for(s, course.id).reading_seconds == 180
    # Another teacher naming this course id gets nothing and changes nothing.
    other_token, _ = sign_in(make_user(role="teacher"))
    other = states.sub(states.root(other_token, path="/teach"), CompletionSettingsState)
    states.call(other, "load", course.id)
    assert other.course_id == 0 and other.summary == ""
    states.call(other, "save", {"video_rule": "manual", "video_percent": "90", "reading_rule": "manual",
                                "reading_minutes": "1"})
    with lms_app.core.db.session_scope() as s:
        assert completion.rule_for(s, course.id).video_percent == 85
