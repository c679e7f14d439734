"""Lesson Q&A and moderation services: who reads and writes, one vote per user, accepted answers,
hidden/locked/muted, reports, keyset pages and the number of statements a page costs."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from lms_app.community import services
from lms_app.community.models import ModerationAction, Post, Thread, Vote
from lms_app.core.db import session_scope
from lms_app.core.errors import PermissionDenied, ServiceError

from lms_app.core.sessions import Actor


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def call(fn, *args, **kwargs):
    with session_scope() as s:
        return fn(s, *args, **kwargs)


def ask(world, who="asker", title="How do loops work?", body="I am **stuck** on loops.", lesson=0):
    lesson_id = world["lessons"][lesson] if lesson is not None else None
    return call(services.ask, actor(world[who]), world["course"].id, lesson_id, title, body)


def thread_row(thread_id) -> Thread:
    with session_scope() as s:
        return s.get(Thread, thread_id)


def test_enrolled_learner_asks_others_answer_and_the_teacher_accepts(world):
    row = ask(world)
    assert row["title"] == "How do loops work?" and row["answers"] == 0
    listed = call(services.list_threads, actor(world["helper"]), world["course"].id, world["lessons"][0])
    assert [t["id"] for t in listed["threads"]] == [row["id"]]
    assert call(services.list_threads, actor(world["helper"]), world["course"].id, world["lessons"][1])["threads"] == []

    mine = call(services.answer, actor(world["helper"]), row["id"], "Try a `for` loop.")
    teacher = call(services.answer, actor(world["teacher"]), row["id"], "See lesson 2.")
    assert not mine["staff"] and teacher["staff"]
    thread = thread_row(row["id"])
    assert thread.answer_count == 2 and thread.teacher_answered

    with pytest.raises(PermissionDenied):
        call(services.accept, actor(world["asker"]), teacher["id"])
    assert call(services.accept, actor(world["teacher"]), teacher["id"])["accepted_post_id"] == teacher["id"]
    detail = call(services.thread_detail, actor(world["asker"]), row["id"])
    assert detail["question"]["body"] == "I am **stuck** on loops."
    assert [(a["id"], a["accepted"]) for a in detail["answers"]] == [(mine["id"], False), (teacher["id"], True)]
    # Accepting again takes it back.
    assert call(services.accept, actor(world["teacher"]), teacher["id"])["accepted_post_id"] == 0


@pytest.mark.parametrize("who", ["outsider", "other_teacher"])
def test_nobody_outside_the_course_reads_or_writes_its_threads(world, who):
    row = ask(world)
    detail = call(services.thread_detail, actor(world["asker"]), row["id"])
    stranger = actor(world[who])
    for fn, args in [(services.list_threads, (world["course"].id,)), (services.thread_detail, (row["id"],)),
                     (services.ask, (world["course"].id, None, "A question here", "body")),
                     (services.answer, (row["id"], "hello")), (services.vote, (detail["question"]["id"], True)),
                     (services.report, (detail["question"]["id"], "spam spam")),
                     (services.moderate, (detail["question"]["id"], "hide")),
                     (services.post_view, (detail["question"]["id"],)),
                     (services.announcements, (world["course"].id,))]:
        with pytest.raises(PermissionDenied) as refused:
            call(fn, stranger, *args)
        assert refused.value.message == services.NOT_FOUND
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Post)).one() == 1


def test_a_lesson_of_another_course_is_refused(world, make_course):
    other_lesson_course = world["other_course"]
    from lms_app.core.courses import Lesson, Module

    with session_scope() as s:
        module = Module(course_id=other_lesson_course.id, title="M")
        s.add(module)
        s.flush()
        lesson = Lesson(module_id=module.id, course_id=other_lesson_course.id, title="Elsewhere")
        s.add(lesson)
        s.flush()
        lesson_id = lesson.id
    with pytest.raises(PermissionDenied):
        call(services.ask, actor(world["asker"]), world["course"].id, lesson_id, "Cross course", "body")


def test_upvotes_are_one_per_user_and_counted(world):
    row = ask(world)
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    helper = actor(world["helper"])
    assert call(services.vote, helper, question, True) == {"id": question, "upvotes": 1, "voted": True}
    assert call(services.vote, helper, question, True)["upvotes"] == 1  # a double click
    assert call(services.vote, actor(world["teacher"]), question, True)["upvotes"] == 2
    assert thread_row(row["id"]).upvotes == 2
    assert call(services.vote, helper, question, False)["upvotes"] == 1
    assert call(services.vote, helper, question, False)["upvotes"] == 1
    with pytest.raises(ServiceError):
        call(services.vote, actor(world["asker"]), question, True)  # not one's own post
    with pytest.raises(ServiceError):
        call(services.vote, helper, question, "yes")
    # The database itself refuses a second row.
    with pytest.raises(IntegrityError):
        with session_scope() as s:
            s.add(Vote(post_id=question, user_id=world["teacher"].id))
            s.flush()


def test_posts_are_stored_without_raw_html_or_script_links(world):
    row = ask(world, title="<b>Bold</b> title here",
              body='<script>alert(1)</script>Hi <img src=x onerror=alert(2)> [x](javascript:alert(3))')
    detail = call(services.thread_detail, actor(world["asker"]), row["id"])
    body = detail["question"]["body"]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "[x](#)" in body
    answer = call(services.answer, actor(world["helper"]), row["id"], '<iframe src="https://evil"></iframe>ok')
    assert "<iframe" not in answer["body"] and answer["body"].endswith("ok")


def test_junk_input_is_refused(world):
    who = actor(world["asker"])
    for title, body in [("", "body"), ("abc", "body"), ("x" * 200, "body"), ("Long enough", ""),
                        ("Long enough", "x" * 10_001), (None, "b"), ("Long enough", ["b"])]:
        with pytest.raises(ServiceError):
            call(services.ask, who, world["course"].id, None, title, body)
    for junk in (None, "abc", -1, True, 1.5, {"id": 1}):
        with pytest.raises(PermissionDenied):
            call(services.list_threads, who, junk)


def test_hidden_posts_are_invisible_to_learners_and_visible_to_moderators(world):
    row = ask(world)
    detail = call(services.thread_detail, actor(world["asker"]), row["id"])
    answer = call(services.answer, actor(world["helper"]), row["id"], "rude answer")
    call(services.moderate, actor(world["teacher"]), answer["id"], "hide")
    learner_view = call(services.thread_detail, actor(world["asker"]), row["id"])
    assert learner_view["answers"] == []
    staff_view = call(services.thread_detail, actor(world["admin"]), row["id"])
    assert [(a["id"], a["hidden"]) for a in staff_view["answers"]] == [(answer["id"], True)]
    with pytest.raises(PermissionDenied):
        call(services.vote, actor(world["asker"]), answer["id"], True)

    # Hiding the question hides the thread.
    call(services.moderate, actor(world["teacher"]), detail["question"]["id"], "hide")
    assert call(services.list_threads, actor(world["helper"]), world["course"].id)["threads"] == []
    with pytest.raises(PermissionDenied):
        call(services.thread_detail, actor(world["asker"]), row["id"])
    assert [t["hidden"] for t in call(services.list_threads, actor(world["teacher"]), world["course"].id)["threads"]] \
        == [True]
    with session_scope() as s:
        log = s.exec(select(ModerationAction.action, ModerationAction.actor_id)).all()
    assert sorted(log) == [("hide", world["teacher"].id), ("hide", world["teacher"].id)]


def test_only_the_courses_staff_moderate(world):
    row = ask(world)
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    for who in ("asker", "helper"):
        for action in ("hide", "lock", "delete"):
            with pytest.raises(PermissionDenied):
                call(services.moderate, actor(world[who]), question, action)
    with pytest.raises(ServiceError):
        call(services.moderate, actor(world["teacher"]), question, "explode")


def test_locked_threads_take_no_answers_from_learners(world):
    row = ask(world)
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    call(services.moderate, actor(world["teacher"]), question, "lock")
    with pytest.raises(ServiceError, match="locked"):
        call(services.answer, actor(world["helper"]), row["id"], "late")
    call(services.answer, actor(world["teacher"]), row["id"], "closing note")
    call(services.moderate, actor(world["admin"]), question, "unlock")
    call(services.answer, actor(world["helper"]), row["id"], "now open")


def test_deleting_an_answer_keeps_counts_right_and_deleting_the_question_removes_the_thread(world):
    row = ask(world)
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    first = call(services.answer, actor(world["helper"]), row["id"], "one")
    call(services.answer, actor(world["teacher"]), row["id"], "two")
    call(services.accept, actor(world["teacher"]), first["id"])
    call(services.vote, actor(world["asker"]), first["id"], True)
    call(services.moderate, actor(world["teacher"]), first["id"], "delete")
    thread = thread_row(row["id"])
    assert thread.answer_count == 1 and thread.accepted_post_id is None
    call(services.moderate, actor(world["teacher"]), question, "delete")
    assert thread_row(row["id"]) is None
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Post)).one() == 0


def test_a_muted_learner_cannot_post(world):
    row = ask(world, who="helper")
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    with pytest.raises(PermissionDenied):
        call(services.set_mute, actor(world["asker"]), question, True)
    call(services.set_mute, actor(world["teacher"]), question, True)
    call(services.set_mute, actor(world["teacher"]), question, True)  # twice: one row
    with pytest.raises(PermissionDenied, match="muted"):
        ask(world, who="helper")
    with pytest.raises(PermissionDenied, match="muted"):
        call(services.answer, actor(world["helper"]), row["id"], "hi")
    with pytest.raises(PermissionDenied, match="muted"):
        call(services.send_to_teacher, actor(world["helper"]), world["course"].id, "hi")
    call(services.set_mute, actor(world["teacher"]), question, False)
    call(services.answer, actor(world["helper"]), row["id"], "hi again")


def test_posting_is_rate_limited(world):
    for n in range(services.RATE_LIMITS[0][1]):
        ask(world, title=f"Question number {n}")
    with pytest.raises(ServiceError, match="too fast"):
        ask(world, title="One too many")
    ask(world, who="teacher", title="Staff are not limited")


def test_reports_are_once_per_user_and_queued_for_the_courses_staff(world, make_course):
    row = ask(world)
    question = call(services.thread_detail, actor(world["asker"]), row["id"])["question"]["id"]
    for junk in ("", "x", None, "x" * 600):
        with pytest.raises(ServiceError):
            call(services.report, actor(world["helper"]), question, junk)
    call(services.report, actor(world["helper"]), question, "This is spam")
    with pytest.raises(ServiceError, match="already reported"):
        call(services.report, actor(world["helper"]), question, "Again")
    queue = call(services.report_queue, actor(world["teacher"]))
    assert [(r["post_id"], r["reason"]) for r in queue["reports"]] == [(question, "This is spam")]
    assert call(services.report_queue, actor(world["admin"]))["reports"][0]["post_id"] == question
    assert call(services.report_queue, actor(world["other_teacher"]))["reports"] == []
    with pytest.raises(PermissionDenied):
        call(services.report_queue, actor(world["asker"]))
    report_id = queue["reports"][0]["id"]
    with pytest.raises(PermissionDenied):
        call(services.dismiss_report, actor(world["other_teacher"]), report_id)
    # Hiding the post resolves its reports.
    call(services.moderate, actor(world["admin"]), question, "hide")
    assert call(services.report_queue, actor(world["teacher"]))["reports"] == []


def test_keyset_pages_sorts_and_search(world):
    ids = []
    for n in range(5):
        ids.append(call(services.ask, actor(world["teacher"]), world["course"].id, None, f"Question {n} about loops"
                        if n % 2 else f"Question {n} about maps", "body")["id"])
    helper = actor(world["helper"])
    seen, after = [], ""
    while True:
        page = call(services.list_threads, helper, world["course"].id, None, "newest", "", after, 2)
        seen += [t["id"] for t in page["threads"]]
        after = page["next"]
        if not after:
            break
    assert seen == list(reversed(ids))
    call(services.vote, helper, call(services.thread_detail, helper, ids[1])["question"]["id"], True)
    assert call(services.list_threads, helper, world["course"].id, None, "votes")["threads"][0]["id"] == ids[1]
    call(services.answer, helper, ids[0], "answered")
    unanswered = [t["id"] for t in call(services.list_threads, helper, world["course"].id, None, "unanswered")["threads"]]
    assert ids[0] not in unanswered and len(unanswered) == 4
    found = call(services.list_threads, helper, world["course"].id, None, "newest", "loops")["threads"]
    assert sorted(t["id"] for t in found) == [ids[1], ids[3]]
    assert call(services.list_threads, helper, world["course"].id, None, "newest", "100%_")["threads"] == []
    teacher_list = call(services.unanswered_for_teacher, actor(world["teacher"]))
    assert [t["id"] for t in teacher_list] == ids[1:]
    assert call(services.unanswered_for_teacher, actor(world["other_teacher"])) == []


def test_a_page_of_threads_costs_a_fixed_number_of_statements(world, count_queries):
    helper = actor(world["helper"])
    for n in range(3):
        call(services.ask, actor(world["teacher"]), world["course"].id, None, f"Question number {n}", "body")
    with count_queries() as few:
        call(services.list_threads, helper, world["course"].id)
    for n in range(3, 30):
        call(services.ask, actor(world["teacher"]), world["course"].id, None, f"Question number {n}", "body")
    with count_queries() as many:
        page = call(services.list_threads, helper, world["course"].id)
    assert len(page["threads"]) == services.PAGE_SIZE
    assert many.count == few.count <= 3
    thread_id = page["threads"][0]["id"]
    for n in range(5):
        call(services.answer, actor(world["teacher"]), thread_id, f"answer {n}")
    with count_queries() as detail:
        call(services.thread_detail, helper, thread_id)
    assert detail.count <= 5


def test_askers_and_answerers_follow_threads_and_followers_are_in_the_answered_event(world, add_plugin):
    from lms_app.core.plugin_api import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def lms_event(self, event):
            if event.name == "question_answered":
                seen.append(sorted(event.data["follower_ids"]))

    add_plugin(Listener(), "follow-listener")
    row = ask(world)
    assert call(services.followers, row["id"]) == [world["asker"].id]
    call(services.answer, actor(world["helper"]), row["id"], "first")
    call(services.answer, actor(world["helper"]), row["id"], "again")  # following already: one row
    assert call(services.follow, actor(world["teacher"]), row["id"], True) is True
    assert call(services.follow, actor(world["teacher"]), row["id"], True) is True  # a double click
    call(services.answer, actor(world["asker"]), row["id"], "thanks")
    # The answerer is never among the followers told about their own answer.
    assert seen == [[world["asker"].id], [world["asker"].id],
                    sorted([world["helper"].id, world["teacher"].id])]
    assert call(services.thread_detail, actor(world["teacher"]), row["id"])["following"] is True
    assert call(services.follow, actor(world["helper"]), row["id"], False) is False
    assert world["helper"].id not in call(services.followers, row["id"])
    with pytest.raises(PermissionDenied):
        call(services.follow, actor(world["outsider"]), row["id"], True)
    with pytest.raises(ServiceError):
        call(services.follow, actor(world["asker"]), row["id"], "yes")
