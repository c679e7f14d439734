"""Page loads issue a fixed number of statements however many rows they show."""

from __future__ import annotations

from assignment_support import assignment_course, learners

from lms_app.core.db import session_scope
from lms_app.assignments.services import grading as assignment_grading, views as assignment_views, submissions


def run(fn, *args):
    with session_scope() as s:
        return fn(s, *args)


def _queue_statements(count_queries, actor) -> int:
    with count_queries() as n:
        run(assignment_grading.queue, actor, 1)
    return n.count


def test_grading_queue_is_constant_in_rows(make_course, make_user, enroll, sign_in, count_queries):
    teacher = make_user(role="teacher")
    _, t_actor = sign_in(teacher)
    course, lesson, _ = assignment_course(make_course, mode="teacher", teacher=teacher)
    people = learners(make_user, enroll, sign_in, course, 2)
    for _, actor, _ in people:
        run(submissions.submit_text, actor, lesson.id, "answer")
    small = _queue_statements(count_queries, t_actor)
    for _, actor, _ in learners(make_user, enroll, sign_in, course, 8):
        run(submissions.submit_text, actor, lesson.id, "answer")
    assert _queue_statements(count_queries, t_actor) == small <= 5
    print(f"queue: {small} statements")


def test_player_panel_is_constant_in_reviews(make_course, make_user, enroll, sign_in, count_queries):
    course, lesson, _ = assignment_course(make_course, reviews=2)
    people = learners(make_user, enroll, sign_in, course, 3)
    for _, actor, _ in people:
        run(submissions.submit_text, actor, lesson.id, "answer")
    with count_queries() as n:
        first = run(assignment_views.panel, people[0][1], lesson.id)
    course2, lesson2, _ = assignment_course(make_course, reviews=5)
    many = learners(make_user, enroll, sign_in, course2, 7)
    for _, actor, _ in many:
        run(submissions.submit_text, actor, lesson2.id, "answer")
    with count_queries() as m:
        second = run(assignment_views.panel, many[0][1], lesson2.id)
    assert len(first["tasks"]) == 2 and len(second["tasks"]) == 5
    assert m.count == n.count, (n.count, m.count)
    print(f"panel: {n.count} statements")
