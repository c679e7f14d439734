"""Assignment handlers: the player panel, peer review forms, the grading queue and the editor."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlmodel import select

import lms_app.core.db
from lms_app.assignments.models import AssignmentSettings, RubricCriterion, Submission
from lms_app.assignments.pages.editor import AssignmentEditorState
from lms_app.assignments.pages.player import AssignmentState
from lms_app.assignments.pages.grading import GradingState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "assignments"))
from assignment_support import assignment_course, learners  # noqa: E402


def panel(states, token, course, lesson):
    root = states.root(token, path=f"/learn/{course.slug}/{lesson.id}")
    state = states.sub(root, AssignmentState)
    states.call(state, "load")
    return root, state


def test_peer_journey_through_handlers_and_reviewer_sees_no_identity(states, make_course, make_user, enroll,
                                                                    sign_in):
    course, lesson, crit = assignment_course(make_course)
    people = learners(make_user, enroll, sign_in, course, 3)
    for i, (_, _, token) in enumerate(people):
        _, state = panel(states, token, course, lesson)
        assert state.role == "learner" and not state.submission["exists"]
        states.call(state, "submit_text", {"text": f"Answer {i}"})
        states.call(state, "submit_text", {"text": f"Answer {i}"})  # double submit
        assert state.submission["exists"] and state.submission["status"] == "peer_review"
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(Submission)).all()) == 3
    for user, _, token in people:
        root, state = panel(states, token, course, lesson)
        blob = states.serialize(root.dict())
        others = [u for u, _, _ in people if u.id != user.id]
        for other in others:
            assert other.name not in blob and other.email not in blob
        assert '"author_id"' not in blob and '"user_id"' not in blob
        assert len(state.tasks) == 2
        for task in list(state.tasks):
            form = {"review_id": str(task["id"]), "feedback": "Clear and well argued.",
                    **{f"c{c}": "0" for c in crit}}
            states.call(state, "submit_review", form)
    _, state = panel(states, people[0][2], course, lesson)
    assert state.submission["graded"] and state.submission["percent"] == 100
    assert [f["label"] for f in state.submission["feedback"]] == ["Reviewer 1", "Reviewer 2"]


def test_learner_cannot_review_for_someone_else_nor_grade(states, make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course, mode="teacher")
    (_, _, t1), (_, _, t2) = learners(make_user, enroll, sign_in, course, 2)
    _, s1 = panel(states, t1, course, lesson)
    states.call(s1, "submit_text", {"text": "mine"})
    _, s2 = panel(states, t2, course, lesson)
    events = states.call(s2, "submit_review", {"review_id": "1", "feedback": "hijack", "c1": "0"})
    assert any(kind == "error" for kind, _ in states.toasts(events))
    # A learner calling the teacher's grading handlers is refused by the guard.
    root = states.root(t1, path="/teach/grading")
    grading = states.sub(root, GradingState)
    events = states.call(grading, "load")
    assert states.redirects(events) and grading.rows == []
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Submission)).one().status == "awaiting_teacher"


def test_not_enrolled_learner_gets_no_panel(states, make_course, make_user, sign_in):
    course, lesson, _ = assignment_course(make_course)
    outsider = make_user()
    token, _ = sign_in(outsider)
    _, state = panel(states, token, course, lesson)
    assert state.role == "none" and state.criteria == []
    states.call(state, "submit_text", {"text": "sneaky"})
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Submission)).first() is None


def test_teacher_grades_from_the_queue(states, make_course, make_user, enroll, sign_in):
    teacher = make_user(role="teacher")
    course, lesson, crit = assignment_course(make_course, mode="teacher", teacher=teacher)
    (_, _, t1), = learners(make_user, enroll, sign_in, course, 1)
    _, s1 = panel(states, t1, course, lesson)
    states.call(s1, "submit_text", {"text": "Please grade me"})
    token, _ = sign_in(teacher)
    grading = states.sub(states.root(token, path="/teach/grading"), GradingState)
    states.call(grading, "load")
    assert grading.total == 1
    states.call(grading, "open_submission", grading.rows[0]["id"])
    assert grading.dialog_open and grading.current["text"] == "Please grade me"
    events = states.call(grading, "grade", {"feedback": "Nicely done.", **{f"c{c}": "1" for c in crit}})
    assert any(kind == "success" for kind, _ in states.toasts(events)) and grading.total == 0
    _, s1 = panel(states, t1, course, lesson)
    assert s1.submission["graded"] and s1.submission["percent"] == 50 and s1.submission["passed"]
    assert s1.submission["feedback"] == [{"label": "Teacher", "text": "Nicely done."}]


def test_editor_sets_up_settings_and_rubric(states, make_course, make_user, sign_in):
    teacher = make_user(role="teacher", timezone="Europe/Paris")
    course, lesson, _ = assignment_course(make_course, teacher=teacher, criteria=0, status="draft")
    token, _ = sign_in(teacher)
    state = states.sub(states.root(token, path=f"/teach/lessons/{lesson.id}/assignment"), AssignmentEditorState)
    states.call(state, "load")
    assert state.loaded and not state.not_found
    states.call(state, "save_settings", {"due_local": "2026-12-01T17:00", "grading_mode": "peer",
                                         "reviews_required": "3", "peer_days": "5", "pass_percent": "60"})
    with lms_app.core.db.session_scope() as s:
        cfg = s.exec(select(AssignmentSettings)).one()
        assert cfg.due_at.hour == 16 and cfg.reviews_required == 3 and cfg.pass_percent == 60
    assert state.settings["due_local"] == "2026-12-01T17:00"
    states.call(state, "new_criterion")
    states.call(state, "save_criterion", {"title": "Argument", "level_label_0": "Strong", "level_points_0": "5",
                                          "level_label_1": "Weak", "level_points_1": "1"})
    states.call(state, "new_criterion")
    states.call(state, "save_criterion", {"title": "Style", "level_label_0": "Good", "level_points_0": "2",
                                          "level_label_1": "Poor", "level_points_1": "0"})
    assert [c["title"] for c in state.criteria] == ["Argument", "Style"]
    states.call(state, "move_criterion", state.criteria[1]["id"], -1)
    assert [c["title"] for c in state.criteria] == ["Style", "Argument"]
    states.call(state, "new_criterion")
    states.call(state, "save_criterion", {"title": "Bad", "level_label_0": "Only", "level_points_0": "2"})
    assert "between 2" in state.dialog_error and state.dialog_open
    states.call(state, "delete_criterion", state.criteria[0]["id"])
    with lms_app.core.db.session_scope() as s:
        assert [c.title for c in s.exec(select(RubricCriterion)).all()] == ["Argument"]
    # Another teacher cannot open or change it.
    other = make_user(role="teacher")
    token2, _ = sign_in(other)
    intruder = states.sub(states.root(token2, path=f"/teach/lessons/{lesson.id}/assignment"), AssignmentEditorState)
    states.call(intruder, "load")
    assert intruder.not_found and intruder.criteria == []
    states.call(intruder, "delete_criterion", state.criteria[0]["id"])
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(RubricCriterion)).all()) == 1


def test_learner_cannot_set_a_score_through_any_handler(states, make_course, make_user, enroll, sign_in):
    course, lesson, crit = assignment_course(make_course, mode="teacher")
    (_, _, token), = learners(make_user, enroll, sign_in, course, 1)
    _, mine = panel(states, token, course, lesson)
    states.call(mine, "submit_text", {"text": "grade me 100"})
    with lms_app.core.db.session_scope() as s:
        sub_id = s.exec(select(Submission)).one().id
    grading = states.sub(states.root(token, path="/teach/grading"), GradingState)
    for name, args in (("open_submission", (sub_id,)), ("grade", ({"feedback": "perfect", "c1": "0"},))):
        events = states.call(grading, name, *args)
        assert states.redirects(events), name
    assert grading.current["id"] == 0
    assert not any(n.startswith(("grade", "score", "set_score")) for n in AssignmentState.event_handlers)
    with lms_app.core.db.session_scope() as s:
        row = s.exec(select(Submission)).one()
        assert row.status == "awaiting_teacher" and row.percent is None


def test_admin_queue_applies_the_cutoff_everywhere(states, make_course, make_user, enroll, sign_in):
    from datetime import timedelta

    from sqlalchemy import update

    from lms_app.core.types import utcnow

    course, lesson, _ = assignment_course(make_course)
    (_, _, token), = learners(make_user, enroll, sign_in, course, 1)
    _, mine = panel(states, token, course, lesson)
    states.call(mine, "submit_text", {"text": "alone"})
    with lms_app.core.db.session_scope() as s:
        s.execute(update(Submission).values(peer_deadline_at=utcnow() - timedelta(seconds=1)))
    admin_token, _ = sign_in(make_user(role="admin"))
    grading = states.sub(states.root(admin_token, path="/teach/grading"), GradingState)
    states.call(grading, "load")
    assert grading.total == 1 and grading.rows[0]["reason"] == "Not enough peer reviews"
