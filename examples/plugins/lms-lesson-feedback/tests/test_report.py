"""The teachers' report: own courses only, least clear lessons first, paged, in a fixed number of queries."""

from __future__ import annotations

import pytest

from lms_app.core.db import session_scope
from lms_app.core.errors import PermissionDenied
from lms_lesson_feedback import services


def report(actor, course=None, page=1) -> dict:
    with session_scope() as s:
        return services.report(s, actor, course, page)


@pytest.fixture
def voters(world, make_user, enroll, sign_in):
    """Four more learners enrolled in the world's course (actors)."""
    actors = []
    for _ in range(4):
        user = make_user()
        enroll(user, world["course"])
        actors.append(sign_in(user)[1])
    return [world["learner_actor"]] + actors


def vote(actor, lesson_id, value):
    with session_scope() as s:
        services.answer(s, actor, lesson_id, value)


def test_counts_and_percentages_worst_first(world, voters):
    a, b, c = world["lessons"]
    for actor, value in zip(voters, ["yes", "yes", "yes", "no", "no"]):  # a: 3 of 5 clear = 60 %
        vote(actor, a, value)
    for actor in voters[:2]:  # b: 0 of 2 = 0 %
        vote(actor, b, "no")
    for actor in voters:  # c: 5 of 5 = 100 %
        vote(actor, c, "yes")
    data = report(world["teacher_actor"])
    assert [(r["lesson_id"], r["yes"], r["no"], r["total"], r["percent"], r["tone"]) for r in data["rows"]] == [
        (b, 0, 2, 2, 0, "red"), (a, 3, 2, 5, 60, "amber"), (c, 5, 0, 5, 100, "green")]
    assert data["totals"] == {"answers": 12, "lessons": 3, "clear": f"{round(100 * 8 / 12)}%"}
    row = data["rows"][0]
    assert row["lesson"] == "Module lesson 2" and row["course"] == "Clear Writing"
    assert row["href"] == f"/learn/{world['course'].slug}/{b}"
    assert data["courses"] == [{"id": str(world["course"].id), "title": "Clear Writing"}]
    assert (data["page"], data["pages"], data["course_id"]) == (1, 1, "")


def test_equal_shares_put_the_lesson_with_more_no_answers_first(world, voters):
    a, b, _ = world["lessons"]
    vote(voters[0], a, "no")  # 0 % of 1
    for actor in voters[:3]:  # 0 % of 3
        vote(actor, b, "no")
    assert [r["lesson_id"] for r in report(world["teacher_actor"])["rows"]] == [b, a]


def test_a_teacher_sees_only_their_own_courses(world, voters, make_user, make_course, add_lessons, enroll, sign_in):
    other = make_user(role="teacher")
    theirs = make_course(teacher=other, title="Their Course")
    their_lesson = add_lessons(theirs, 1, module_title="Theirs")[0]
    enroll(world["learner"], theirs)
    vote(world["learner_actor"], their_lesson, "no")
    vote(world["learner_actor"], world["lessons"][0], "yes")

    mine = report(world["teacher_actor"])
    assert [r["lesson_id"] for r in mine["rows"]] == [world["lessons"][0]]
    assert [c["title"] for c in mine["courses"]] == ["Clear Writing"] and mine["totals"]["answers"] == 1
    # Naming the other teacher's course does not open it: the filter falls back to the caller's own courses.
    forced = report(world["teacher_actor"], str(theirs.id))
    assert forced["course_id"] == "" and [r["lesson_id"] for r in forced["rows"]] == [world["lessons"][0]]
    # The other teacher sees theirs only; an admin sees both.
    assert [r["lesson_id"] for r in report(sign_in(other)[1])["rows"]] == [their_lesson]
    admin = sign_in(make_user(role="admin"))[1]
    everything = report(admin)
    assert {r["lesson_id"] for r in everything["rows"]} == {their_lesson, world["lessons"][0]}
    assert [r["lesson_id"] for r in report(admin, theirs.id)["rows"]] == [their_lesson]


def test_one_course_filter(world, make_course, add_lessons, enroll):
    second = make_course(teacher=world["teacher"], title="Another Course")
    lesson = add_lessons(second, 1, module_title="Another")[0]
    enroll(world["learner"], second)
    vote(world["learner_actor"], lesson, "yes")
    vote(world["learner_actor"], world["lessons"][0], "no")
    everything = report(world["teacher_actor"])
    assert [c["title"] for c in everything["courses"]] == ["Another Course", "Clear Writing"]
    assert len(everything["rows"]) == 2
    one = report(world["teacher_actor"], str(second.id))
    assert one["course_id"] == str(second.id) and [r["lesson_id"] for r in one["rows"]] == [lesson]
    assert one["totals"] == {"answers": 1, "lessons": 1, "clear": "100%"}


def test_no_answers_yet(world):
    data = report(world["teacher_actor"])
    assert data["rows"] == [] and data["courses"] == []
    assert data["totals"] == {"answers": 0, "lessons": 0, "clear": "—"} and (data["page"], data["pages"]) == (1, 1)


def test_pages_are_clamped_and_queries_do_not_grow_with_rows(world, add_lessons, count_queries):
    lessons = add_lessons(world["course"], 2 * services.PAGE_SIZE + 1, module_title="Many")
    for i, lesson_id in enumerate(lessons):
        vote(world["learner_actor"], lesson_id, "no" if i % 2 else "yes")
    with count_queries() as counter:
        first = report(world["teacher_actor"])
    assert first["pages"] == 3 and len(first["rows"]) == services.PAGE_SIZE
    assert counter.count == 3, counter.statements  # options, totals, the page
    last = report(world["teacher_actor"], None, 3)
    assert last["page"] == 3 and len(last["rows"]) == 1
    assert report(world["teacher_actor"], None, 99)["page"] == 3
    assert report(world["teacher_actor"], None, "junk")["page"] == 1
    seen = [r["lesson_id"] for p in (1, 2, 3) for r in report(world["teacher_actor"], None, p)["rows"]]
    assert sorted(seen) == sorted(lessons)  # every lesson once across the pages
    assert all(r["percent"] == 0 for r in first["rows"])  # the "no" lessons come first


def test_learners_and_the_signed_out_cannot_read_the_report(world):
    vote(world["learner_actor"], world["lessons"][0], "no")
    for actor in (None, world["learner_actor"]):
        with pytest.raises(PermissionDenied):
            report(actor)
