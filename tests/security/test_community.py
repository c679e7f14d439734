"""Community security: XSS in posts, announcements and messages (stored neutralised, rendered
without raw HTML), every community handler guarded, and what the Q&A state sends to the browser."""

from __future__ import annotations

import re

import reflex as rx

import lms_app.app  # noqa: F401  (registers every page and its state)
from lms_app.community import pages, services
from lms_app.core.db import session_scope
from lms_app.core.sessions import Actor

PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror="alert(2)">',
    '[click](javascript:alert(3))',
    '[click](JaVaScRiPt&#58;alert(4))',
    '<a href="javascript:alert(5)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '![i](data:text/html;base64,PHNjcmlwdD4=)',
]


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def _safe(text: str) -> bool:
    lowered = text.lower()
    return ("<script" not in lowered and "onerror" not in lowered and "javascript" not in lowered
            and "<iframe" not in lowered and "<a " not in lowered and "data:text" not in lowered)


def test_user_text_is_stored_without_html_or_script_links(make_user, make_course, enroll):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    learner = make_user()
    enroll(learner, course)
    body = "\n\n".join(PAYLOADS)
    with session_scope() as s:
        thread = services.ask(s, actor(learner), course.id, None, "Title <b>here</b>", body)
        answer = services.answer(s, actor(teacher), thread["id"], body)
        announcement = services.post_announcement(s, actor(teacher), course.id, "Announcement", body)
        message = services.send_to_teacher(s, actor(learner), course.id, body)
        question = services.thread_detail(s, actor(learner), thread["id"])["question"]
    for text in (question["body"], answer["body"], announcement["body"], message["body"]):
        assert _safe(text), text


def test_user_markdown_is_rendered_without_raw_html():
    rendered = str(pages._md(rx.Var.create("x")).render())
    assert "rehypePlugins" in rendered and "rehypeRaw" not in rendered
    source = open(pages.__file__).read()
    assert "rx.html(" not in source and "use_raw=True" not in source
    assert len(re.findall(r"rx\.markdown\(", source)) == len(re.findall(r"rx\.markdown\([^)]*use_raw=False", source))


def test_every_community_handler_is_guarded():
    states = [pages.QnAState, pages.CourseCommunityState, pages.InboxState, pages.TeachCommunityState]
    for cls in states:
        for name, handler in cls.event_handlers.items():
            if name == "setvar":
                continue
            assert getattr(handler.fn, "__lms_guard__", None), f"{cls.__name__}.{name} is not guarded"


def test_the_qna_state_keeps_course_and_lesson_ids_on_the_server(states):
    assert not {"_course_id", "_lesson_id"} & set(pages.QnAState.base_vars)
    sent = states.snapshot(states.root())[pages.QnAState.get_full_name()]
    assert not any("course_id" in name or "lesson_id" in name for name in sent)
