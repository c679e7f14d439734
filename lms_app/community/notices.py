"""Community events in the notification bell and inbox (``lms_app.notifications.notify``):
the teacher hears of new questions, askers and followers of answers, either side of a private
message. Announcements have a kind here (so each learner can turn their e-mail off) but no
subscriber: their mails go out in batches (``services``) and the dashboard shows them. Called from ``lms_event`` after the causing commit; ``dedupe_key`` makes a
redelivered event a no-op."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.core.plugin_api import NotificationKind
from lms_app.core.users import User

KINDS = [
    NotificationKind("qa_question", "A question in your course", ("in_app", "digest"), "Teaching"),
    NotificationKind("qa_answer", "An answer to a question you asked or follow", ("in_app", "email"), "Community"),
    NotificationKind("community_message", "A private message", ("in_app", "email"), "Community"),
    # E-mail only: announcements are mailed in batches by services.send_announcement_batch, which
    # asks this kind's e-mail choice (and links its one-click unsubscribe); the dashboard shows them.
    NotificationKind("course_announcement", "Announcements from your teachers", ("email",), "Community"),
]


def _names(session: Session, data: dict) -> tuple[Course, str] | None:
    course = session.get(Course, data.get("course_id")) if isinstance(data.get("course_id"), int) else None
    who = session.exec(select(User.name).where(User.id == data.get("user_id"))).first() if course else None
    return (course, who or "Someone") if course is not None else None


def _notify(session, user_id, kind, title, link, key) -> bool:
    from lms_app.notifications import notify

    return notify(session, user_id, kind, title, link, dedupe_key=key) is not None


def question_posted(session: Session, data: dict) -> int:
    found = _names(session, data)
    if found is None or data.get("teacher_id") == data.get("user_id"):
        return 0
    course, who = found
    return int(_notify(session, data["teacher_id"], "qa_question", f"{who} asked a question in {course.title}",
                       f"/community/{course.slug}", f"qa_question:{data.get('thread_id')}"))


def question_answered(session: Session, data: dict) -> int:
    found = _names(session, data)
    if found is None:
        return 0
    course, who = found
    readers = {data.get("asker_id"), *(data.get("follower_ids") or [])} - {data.get("user_id"), None}
    return sum(_notify(session, reader, "qa_answer", f"{who} answered a question in {course.title}",
                       f"/community/{course.slug}", f"qa_answer:{data.get('post_id')}")
               for reader in sorted(r for r in readers if isinstance(r, int)))


def message_received(session: Session, data: dict) -> int:
    course = session.get(Course, data.get("course_id")) if isinstance(data.get("course_id"), int) else None
    if course is None or not isinstance(data.get("user_id"), int):
        return 0
    sender = session.exec(select(User.name).where(User.id == data.get("sender_id"))).first() or "Someone"
    return int(_notify(session, data["user_id"], "community_message", f"{sender} sent you a message about "
                       f"{course.title}", "/messages", f"community_message:{data.get('message_id')}"))


HANDLERS = {"question_posted": question_posted, "question_answered": question_answered,
            "message_received": message_received}
