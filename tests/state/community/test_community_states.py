"""Community states driven through their handlers like the browser would (no browser): the lesson
Q&A widget, the course page, the inbox and the teachers' queue. Ids from the browser are checked
by the services (IDOR), outsiders read and write nothing, a new answer sends only itself."""

from __future__ import annotations

from sqlmodel import func, select

from lms_app.community import services
from lms_app.community.models import Announcement, Conversation, Post, Thread
from lms_app.community.pages import CourseCommunityState, InboxState, QnAState, TeachCommunityState
from lms_app.core.db import session_scope
from lms_app.core.sessions import Actor
from lms_app.learning.pages.learn_state import LearnState


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def rows(model) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def in_lesson(states, token, course, lesson_id):
    root = states.root(token, path=f"/learn/{course.slug}/{lesson_id}")
    states.call(states.sub(root, LearnState), "load")
    qna = states.sub(root, QnAState)
    states.call(qna, "load_lesson")
    return root, qna


def on_course_page(states, token, course, query=None):
    root = states.root(token, path=f"/community/{course.slug}", query=query)
    page = states.sub(root, CourseCommunityState)
    states.call(page, "load")
    qna = states.sub(root, QnAState)
    states.call(qna, "load_course")
    return root, page, qna


def test_learner_asks_under_a_lesson_the_teacher_answers_and_the_learner_sees_it(states, world, sign_in):
    token, _ = sign_in(world["asker"])
    _, qna = in_lesson(states, token, world["course"], world["lessons"][0])
    assert qna.loaded and qna.error == "" and qna.threads == []
    states.call(qna, "ask", {"title": "What is a closure?", "body": "Explain *please*"})
    assert [t["title"] for t in qna.threads] == ["What is a closure?"]
    thread_id = qna.threads[0]["id"]

    teacher_token, _ = sign_in(world["teacher"])
    root, page, teacher_qna = on_course_page(states, teacher_token, world["course"])
    assert page.staff and teacher_qna.staff and [t["id"] for t in teacher_qna.threads] == [thread_id]
    states.call(teacher_qna, "open_thread", thread_id)
    assert teacher_qna.question["body"] == "Explain *please*"
    states.call(teacher_qna, "answer", {"body": "A function that captures variables."})
    answer_id = teacher_qna.new_answers[0]["id"]
    states.call(teacher_qna, "accept", answer_id)
    assert teacher_qna.accepted_id == answer_id

    _, again = in_lesson(states, token, world["course"], world["lessons"][0])
    assert again.threads[0]["answered"] and again.threads[0]["teacher_answered"]
    states.call(again, "open_thread", thread_id)
    assert [(a["body"], a["staff"], a["accepted"]) for a in again.answers] == \
        [("A function that captures variables.", True, True)]
    # Another lesson's widget does not show it.
    _, other = in_lesson(states, token, world["course"], world["lessons"][1])
    assert other.threads == []


def test_a_new_answer_sends_the_new_post_not_the_thread(states, world, sign_in):
    thread = services.ask
    with session_scope() as s:
        row = thread(s, actor(world["teacher"]), world["course"].id, None, "A long thread", "body")
    with session_scope() as s:
        for n in range(60):
            s.add(Post(thread_id=row["id"], author_id=world["teacher"].id, body=f"answer number {n} " * 5))
    token, _ = sign_in(world["helper"])
    root, _, qna = on_course_page(states, token, world["course"])
    states.call(qna, "open_thread", row["id"])
    assert len(qna.answers) == services.ANSWERS_PAGE - 1 and qna.answers_next  # the question is on the first page
    root._clean()
    states.call(qna, "answer", {"body": "new answer"})
    dirty = states.dirty(root)
    assert dirty == {QnAState.get_full_name(): {"new_answers", "busy"}}
    assert len(states.serialize(qna.new_answers)) < 400 < len(states.serialize(qna.answers))


def test_outsiders_read_and_write_nothing(states, world, sign_in):
    from lms_app.core.courses import Lesson

    with session_scope() as s:
        s.get(Lesson, world["lessons"][0]).is_preview = True  # a preview lesson opens for everyone
    thread = services.ask
    with session_scope() as s:
        row = thread(s, actor(world["asker"]), world["course"].id, world["lessons"][0], "Secret question", "body")
    token, _ = sign_in(world["outsider"])
    root, qna = in_lesson(states, token, world["course"], world["lessons"][0])
    assert states.sub(root, LearnState).view == "ok"
    assert qna.error != "" and qna.threads == []
    states.call(qna, "ask", {"title": "Can I post here?", "body": "x"})
    states.call(qna, "open_thread", row["id"])
    assert qna.open_id == 0 and rows(Thread) == 1
    _, page, qna2 = on_course_page(states, token, world["course"])
    assert page.course_title == "" and qna2.error != "" and qna2.threads == []
    states.call(page, "message_teacher", {"body": "hi"})
    assert rows(Conversation) == 0
    assert "Secret question" not in str(states.snapshot(root))


def test_ids_of_another_course_are_refused(states, world, sign_in, make_user, enroll):
    # A thread in another course, where the asker is not enrolled.
    other_teacher = world["other_course"].teacher_id
    with session_scope() as s:
        from lms_app.core.users import User

        teacher = s.get(User, other_teacher)
        row = services.ask(s, actor(teacher), world["other_course"].id, None, "Other course question", "body")
        detail = services.thread_detail(s, actor(teacher), row["id"])
    post_id = detail["question"]["id"]
    token, _ = sign_in(world["asker"])
    _, _, qna = on_course_page(states, token, world["course"])
    for name, args in [("open_thread", (row["id"],)), ("vote", (post_id, True)), ("accept", (post_id,)),
                       ("moderate", (post_id, "hide")), ("mute", (post_id,)),
                       ("report", ({"post_id": post_id, "reason": "spam spam"},))]:
        events = states.call(qna, name, *args)
        assert [level for level, _ in states.toasts(events)] == ["error"], name
    assert qna.open_id == 0
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post.upvotes == 0 and not post.hidden
    teacher_token, _ = sign_in(world["teacher"])
    queue = states.sub(states.root(teacher_token, path="/teach/community"), TeachCommunityState)
    states.call(queue, "load")
    assert queue.unanswered == [] and queue.reports == []
    assert [level for level, _ in states.toasts(states.call(queue, "hide", post_id))] == ["error"]


def test_learners_cannot_announce_and_messages_reach_only_the_teacher(states, world, sign_in):
    token, _ = sign_in(world["asker"])
    _, page, _ = on_course_page(states, token, world["course"])
    events = states.call(page, "announce", {"title": "Fake announcement", "body": "x"})
    assert rows(Announcement) == 0 and (states.redirects(events) or states.toasts(events))
    states.call(page, "message_teacher", {"body": "Can I get more time?"})
    assert page.conversation_id

    teacher_token, _ = sign_in(world["teacher"])
    _, teacher_page, _ = on_course_page(states, teacher_token, world["course"])
    states.call(teacher_page, "announce", {"title": "Welcome everyone", "body": "Hello **all**", "email": ""})
    assert [a["title"] for a in teacher_page.announcements] == ["Welcome everyone"]
    inbox = states.sub(states.root(teacher_token, path="/messages"), InboxState)
    states.call(inbox, "load")
    assert [(c["with"], c["unread"]) for c in inbox.conversations] == [(world["asker"].name, "1")]
    states.call(inbox, "open_conversation", int(inbox.conversations[0]["id"]))
    assert [m["body"] for m in inbox.messages] == ["Can I get more time?"]
    assert inbox.conversations[0]["unread"] == "0"
    states.call(inbox, "reply", {"body": "Yes."})
    assert [m["body"] for m in inbox.new_messages] == ["Yes."]

    helper_token, _ = sign_in(world["helper"])
    nosy = states.sub(states.root(helper_token, path="/messages"), InboxState)
    states.call(nosy, "load")
    assert nosy.conversations == []
    events = states.call(nosy, "open_conversation", page.conversation_id)
    assert nosy.messages == [] and [level for level, _ in states.toasts(events)] == ["error"]
    states.call(nosy, "reply", {"body": "intrude"})
    _, learner_page, _ = on_course_page(states, token, world["course"])
    assert [a["title"] for a in learner_page.announcements] == ["Welcome everyone"]


def test_the_teachers_queue_shows_unanswered_and_reports_and_hides(states, world, sign_in):
    with session_scope() as s:
        row = services.ask(s, actor(world["asker"]), world["course"].id, None, "Nobody answered me", "body")
        question = services.thread_detail(s, actor(world["asker"]), row["id"])["question"]["id"]
        services.report(s, actor(world["helper"]), question, "Off topic")
    token, _ = sign_in(world["teacher"])
    queue = states.sub(states.root(token, path="/teach/community"), TeachCommunityState)
    states.call(queue, "load")
    assert [t["title"] for t in queue.unanswered] == ["Nobody answered me"]
    assert [r["reason"] for r in queue.reports] == ["Off topic"]
    states.call(queue, "hide", question)
    assert queue.reports == [] and queue.unanswered == []
    learner_token, _ = sign_in(world["helper"])
    _, _, qna = on_course_page(states, learner_token, world["course"])
    assert qna.threads == []


def test_the_dashboard_shows_announcements_of_the_learners_courses_and_unread_messages(states, world, sign_in):
    from lms_app.community.pages import DashboardAnnouncementsState

    with session_scope() as s:
        services.post_announcement(s, actor(world["teacher"]), world["course"].id, "Exam next week", "Revise **all**")
        services.send_to_teacher(s, actor(world["asker"]), world["course"].id, "question")
        convo = s.exec(select(Conversation.id)).one()
        services.reply(s, actor(world["teacher"]), convo, "answer")
    token, _ = sign_in(world["asker"])
    section = states.sub(states.root(token, path="/dashboard"), DashboardAnnouncementsState)
    states.call(section, "load")
    assert [a["title"] for a in section.items] == ["Exam next week"] and section.unread == 1
    outsider_token, _ = sign_in(world["outsider"])
    other = states.sub(states.root(outsider_token, path="/dashboard"), DashboardAnnouncementsState)
    states.call(other, "load")
    assert other.items == [] and other.unread == 0


def test_follow_toggles_on_the_open_thread(states, world, sign_in):
    with session_scope() as s:
        row = services.ask(s, actor(world["asker"]), world["course"].id, None, "Follow me please", "body")
    token, _ = sign_in(world["helper"])
    _, _, qna = on_course_page(states, token, world["course"], query={"thread": str(row["id"])})
    assert qna.open_id == row["id"] and qna.following is False
    states.call(qna, "toggle_follow")
    assert qna.following is True
    with session_scope() as s:
        assert world["helper"].id in services.followers(s, row["id"])
    states.call(qna, "toggle_follow")
    assert qna.following is False


def test_the_moderation_log_tab_is_for_the_courses_staff_only(states, world, sign_in):
    with session_scope() as s:
        row = services.ask(s, actor(world["asker"]), world["course"].id, None, "Spam here?", "Buy now")
    with session_scope() as s:
        post_id = s.exec(select(Post.id).where(Post.thread_id == row["id"])).first()
        services.moderate(s, actor(world["teacher"]), post_id, "hide")
    _, page, _ = on_course_page(states, sign_in(world["teacher"])[0], world["course"])
    assert [m["action"] for m in page.moderation] == ["hide"]
    assert page.moderation[0]["who"] == world["teacher"].name
    _, page, _ = on_course_page(states, sign_in(world["helper"])[0], world["course"])
    assert page.moderation == [] and not page.staff
