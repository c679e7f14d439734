"""The plugin's Reflex states, driven through their handlers like the browser would (no browser).

- The lesson widget reads the open lesson from ``LearnState`` on the server, never from the client.
- Every handler of both states is guarded: without a session it sends the caller to sign in and
  changes nothing; a learner cannot use the teachers' report.
- What the states send to the browser holds counts and titles, never who answered.
"""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from lms_app.core.db import session_scope
from lms_app.core.permissions import TEACHER_AREA
from lms_app.learning.pages.learn_state import LearnState
from lms_lesson_feedback.models import LessonFeedback
from lms_lesson_feedback.report import FeedbackReportState
from lms_lesson_feedback.widget import LessonFeedbackState

PLUGIN_STATES = [LessonFeedbackState, FeedbackReportState]
HANDLERS = [(cls, name) for cls in PLUGIN_STATES for name in sorted(cls.event_handlers) if name != "setvar"]


def answers() -> list[tuple[int, int, bool]]:
    with session_scope() as s:
        return sorted((r.user_id, r.lesson_id, r.clear) for r in s.exec(select(LessonFeedback)).all())


def count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(LessonFeedback)).one()


def open_lesson(states, token, course, lesson_id):
    """A tab on the lesson page: LearnState loaded (on_load), then the widget mounts and loads."""
    root = states.root(token, path=f"/learn/{course.slug}/{lesson_id}")
    learn = states.sub(root, LearnState)
    states.call(learn, "load")
    widget = states.sub(root, LessonFeedbackState)
    states.call(widget, "load")
    return root, learn, widget


# --- the widget ----------------------------------------------------------------------------

def test_enrolled_learner_answers_changes_and_sees_the_answer_on_every_lesson(states, world, sign_in):
    token, _ = sign_in(world["learner"])
    first, second, _ = world["lessons"]
    root, learn, widget = open_lesson(states, token, world["course"], first)
    assert learn.tracking and widget.lesson_id == first and widget.choice == "" and widget.saving == ""

    events = states.call(widget, "answer", "yes")
    assert widget.choice == "yes" and widget.saving == ""
    assert [level for level, _ in states.toasts(events)] == ["success"]
    assert answers() == [(world["learner"].id, first, True)]

    events = states.call(widget, "answer", "no")
    assert widget.choice == "no" and "changed" in states.toasts(events)[0][1]
    assert answers() == [(world["learner"].id, first, False)]
    # The same answer again: nothing to save, no toast.
    assert states.toasts(states.call(widget, "answer", "no")) == []

    # The player moves to the next lesson on the same route: LearnState loads it, the widget remounts.
    _, _, widget2 = open_lesson(states, token, world["course"], second)
    assert widget2.lesson_id == second and widget2.choice == ""
    states.call(widget2, "answer", "yes")
    _, _, back = open_lesson(states, token, world["course"], first)
    assert back.lesson_id == first and back.choice == "no"
    assert answers() == [(world["learner"].id, first, False), (world["learner"].id, second, True)]


def test_the_widget_answers_for_the_lesson_open_on_the_server_only(states, world, sign_in):
    """The lesson comes from LearnState on the server; a widget still showing another lesson is refused."""
    token, _ = sign_in(world["learner"])
    first, second, _ = world["lessons"]
    root, learn, widget = open_lesson(states, token, world["course"], first)
    # LearnState moves to the second lesson, the widget has not reloaded yet.
    root2 = states.root(token, path=f"/learn/{world['course'].slug}/{second}")
    states.call(states.sub(root2, LearnState), "load")
    learn.content = states.sub(root2, LearnState).content
    events = states.call(widget, "answer", "yes")
    assert count() == 0 and widget.choice == ""
    assert [level for level, _ in states.toasts(events)] == ["info"]
    # After its reload the widget answers for the second lesson.
    states.call(widget, "load")
    assert widget.lesson_id == second
    states.call(widget, "answer", "yes")
    assert answers() == [(world["learner"].id, second, True)]


def test_the_widget_does_nothing_for_a_learner_who_is_not_enrolled(states, world, sign_in):
    from lms_app.core.courses import Lesson

    with session_scope() as s:  # a free-preview lesson opens for everyone signed in
        s.get(Lesson, world["lessons"][0]).is_preview = True
    token, _ = sign_in(world["outsider"])
    _, learn, widget = open_lesson(states, token, world["course"], world["lessons"][0])
    assert learn.view == "ok" and not learn.tracking and widget.lesson_id == 0
    events = states.call(widget, "answer", "yes")
    assert count() == 0 and states.toasts(events)


def test_the_widget_does_nothing_for_the_courses_teacher(states, world, sign_in):
    token, _ = sign_in(world["teacher"])
    _, learn, widget = open_lesson(states, token, world["course"], world["lessons"][0])
    assert learn.view == "ok" and not learn.tracking and widget.lesson_id == 0
    states.call(widget, "answer", "no")
    assert count() == 0


def test_junk_answers_are_refused(states, world, sign_in):
    token, _ = sign_in(world["learner"])
    _, _, widget = open_lesson(states, token, world["course"], world["lessons"][0])
    for junk in (None, "", "maybe", 1, True, ["yes"], {"value": "yes"}):
        events = states.call(widget, "answer", junk)
        assert [level for level, _ in states.toasts(events)] == ["error"]
    assert count() == 0 and widget.choice == ""


# --- the teachers' report ------------------------------------------------------------------

def test_report_state_shows_own_lessons_worst_first_and_no_learner(states, world, sign_in, make_user, make_course,
                                                                   add_lessons, enroll):
    from lms_lesson_feedback import services

    first, second, third = world["lessons"]
    other_teacher = make_user(role="teacher")
    foreign = make_course(teacher=other_teacher, title="Someone Else's Course")
    foreign_lesson = add_lessons(foreign, 1, module_title="Foreign")[0]
    enroll(world["learner"], foreign)
    me = world["learner_actor"]
    with session_scope() as s:
        services.answer(s, me, first, "yes")
        services.answer(s, me, second, "no")
        services.answer(s, me, foreign_lesson, "no")

    token, _ = sign_in(world["teacher"])
    root = states.root(token, path="/teach/feedback")
    report = states.sub(root, FeedbackReportState)
    states.call(report, "load")
    assert report.loaded and [r["lesson_id"] for r in report.rows] == [second, first]
    assert third not in [r["lesson_id"] for r in report.rows]  # no answers: not listed
    assert report.totals == {"answers": 2, "lessons": 2, "clear": "50%"}
    sent = states.serialize(states.snapshot(root)[FeedbackReportState.get_full_name()])
    assert "Someone Else" not in sent and "Foreign" not in sent
    for person in (world["learner"], other_teacher):
        assert person.email not in sent and person.name not in sent

    # Choosing another teacher's course shows only the teacher's own again.
    states.call(report, "choose_course", str(foreign.id))
    assert report.course_id == "" and {r["lesson_id"] for r in report.rows} == {first, second}
    states.call(report, "choose_course", str(world["course"].id))
    assert report.course_id == str(world["course"].id) and report.busy is False
    states.call(report, "choose_course", "all")
    assert report.course_id == ""


def test_report_state_pages(states, world, sign_in, add_lessons):
    from lms_lesson_feedback import services

    lessons = add_lessons(world["course"], services.PAGE_SIZE + 3, module_title="More")
    with session_scope() as s:
        for lesson_id in lessons:
            services.answer(s, world["learner_actor"], lesson_id, "yes")
    token, _ = sign_in(world["teacher"])
    report = states.sub(states.root(token, path="/teach/feedback"), FeedbackReportState)
    states.call(report, "load")
    assert (report.page, report.pages, len(report.rows)) == (1, 2, services.PAGE_SIZE)
    states.call(report, "next_page")
    assert (report.page, len(report.rows)) == (2, 3)
    states.call(report, "next_page")  # already on the last page
    assert report.page == 2
    states.call(report, "prev_page")
    assert report.page == 1
    states.call(report, "prev_page")
    assert report.page == 1


# --- the guard on every handler ------------------------------------------------------------

def test_every_handler_of_the_plugin_is_guarded():
    assert {name for _, name in HANDLERS} >= {"load", "answer", "choose_course", "next_page", "prev_page"}
    for cls, name in HANDLERS:
        assert getattr(cls.event_handlers[name].fn, "__lms_guard__", None), f"{cls.__name__}.{name} is not guarded"
    assert FeedbackReportState.event_handlers["load"].fn.__lms_guard__ == TEACHER_AREA


ARGS = {"answer": ("yes",), "choose_course": ("1",)}


@pytest.mark.parametrize("cls, name", HANDLERS, ids=[f"{c.__name__}.{n}" for c, n in HANDLERS])
def test_without_a_session_every_handler_sends_to_sign_in_and_changes_nothing(states, world, cls, name):
    root = states.root(None, path=f"/learn/{world['course'].slug}/{world['lessons'][0]}")
    state = states.sub(root, cls)
    before = states.snapshot(root)
    events = states.call(state, name, *ARGS.get(name, ()))
    assert states.redirects(events) and states.redirects(events)[0].startswith("/login")
    assert states.snapshot(root) == before and states.dirty(root) == {}
    assert count() == 0


@pytest.mark.parametrize("name", sorted(n for c, n in HANDLERS if c is FeedbackReportState))
def test_a_learner_cannot_use_the_teachers_report(states, world, sign_in, name):
    from lms_lesson_feedback import services

    with session_scope() as s:
        services.answer(s, world["learner_actor"], world["lessons"][0], "no")
    token, _ = sign_in(world["learner"])
    root = states.root(token, path="/teach/feedback")
    report = states.sub(root, FeedbackReportState)
    events = states.call(report, name, *ARGS.get(name, ()))
    assert states.redirects(events) == ["/dashboard"] and report.rows == [] and not report.loaded
