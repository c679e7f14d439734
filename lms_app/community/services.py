"""Community rules as plain Python (no Reflex): who reads and writes a course's Q&A, votes,
accepted answers, moderation, announcements and messages to the teacher.

Every function takes the actor the guard resolved from the session cookie and ids named by the
page; nothing about the caller (role, enrolment, ownership) comes from the browser.

- Access: a course's Q&A and announcements are read and written only by learners enrolled in it
  (course published or archived), its teacher and admins (``course_access``). Anyone else gets
  the same "not found" as for a course that does not exist, so ids reveal nothing.
- Hidden posts are left out for learners and shown (marked) to moderators; a locked thread takes
  no new answers from learners; a muted learner cannot post in that course.
- One vote per user and post, one report per user and post, one conversation per learner and
  course, one announcement mail per learner: unique constraints, inserted inside a savepoint so
  a second click finds the row instead of failing. Counters change by ``col = col ± 1`` in SQL.
- Lists are keyset-paginated (an opaque cursor ``"<key>.<id>"``) and cost a fixed number of
  statements whatever they show.
- Messages: only the learner and the course's teacher of that conversation read it (admins
  neither: it is private).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.community.models import (Announcement, AnnouncementDelivery, Conversation, Follow, Message,
                                      ModerationAction, Mute, Post, Report, Thread, Vote)
from lms_app.core import events
from lms_app.core.courses import Course, Enrollment, Lesson
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.markdown import neutralise
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.learning.services import enrollment

PAGE_SIZE = 20
ANSWERS_PAGE = 50
TITLE_MIN, TITLE_MAX = 5, 160
BODY_MAX = 10_000
MESSAGE_MAX = 5_000
REASON_MIN, REASON_MAX = 3, 500
# Posting rate limits (questions + answers + messages together).
RATE_LIMITS = ((timedelta(minutes=1), 5), (timedelta(hours=1), 60))
MAIL_BATCH = 200
SORTS = ("newest", "votes", "unanswered")

NOT_FOUND = "This discussion does not exist or you cannot see it."
NOT_A_MEMBER = "Only learners enrolled in this course and its teachers can take part in its discussions."
MUTED = "A moderator has muted you in this course's discussions."
LOCKED = "This thread is locked: it takes no new answers."
STAFF_ONLY = "Only this course's teachers and admins can do that."


@dataclass(frozen=True)
class Membership:
    course: Course
    staff: bool  # the course's teacher or an admin


# --- small parsers ---------------------------------------------------------------------------

def _id(raw: object) -> int | None:
    """A positive database id from a route or form value (digits as text are fine; a bool is not)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def _text(raw: object, field: str, low: int, high: int, label: str) -> str:
    if not isinstance(raw, str):
        raise ServiceError(f"Write {label}.", field)
    value = raw.strip()
    if len(value) < low:
        raise ServiceError(f"Write {label}." if low <= 1 else f"Write {label} of at least {low} characters.", field)
    if len(value) > high:
        raise ServiceError(f"Keep {label} under {high:,} characters.", field)
    return value


def clean_title(raw: object) -> str:
    """One line of plain text (titles are never rendered as Markdown)."""
    return " ".join(_text(raw, "title", TITLE_MIN, TITLE_MAX, "a title").split())


def clean_body(raw: object, high: int = BODY_MAX, label: str = "your text") -> str:
    """Markdown with raw HTML and unsafe link schemes removed before it is stored."""
    return neutralise(_text(raw, "body", 1, high, label))[0]


def _cursor(raw: object) -> tuple[str, int] | None:
    if not isinstance(raw, str) or raw.count(".") != 1 or len(raw) > 40:
        return None
    key, _, ident = raw.partition(".")
    ident_value = _id(ident)
    return (key, ident_value) if ident_value and key.lstrip("-").isdigit() else None


def _ts(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _from_ts(value: str) -> datetime:
    return datetime.fromtimestamp(int(value) / 1_000_000, tz=timezone.utc)


def when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC")


# --- access ----------------------------------------------------------------------------------

def is_staff(actor: Actor, course: Course) -> bool:
    return actor.role == "admin" or (actor.role == "teacher" and course.teacher_id == actor.user_id)


def membership(session: Session, actor: Actor | None, course_ref: object) -> Membership:
    """The course if the actor may read its discussions (one statement), else ``PermissionDenied``."""
    require_role(actor, LEARNER_AREA)
    course_id = _id(course_ref)
    if course_id is None:
        raise PermissionDenied(NOT_FOUND)
    row = session.exec(
        select(Course, Enrollment.source).outerjoin(
            Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == actor.user_id))
        .where(Course.id == course_id)
    ).first()
    if row is None:
        raise PermissionDenied(NOT_FOUND)
    course, source = row
    if is_staff(actor, course):
        return Membership(course, True)
    if course.status in ("published", "archived") and enrollment.counts(session, actor.user_id, course.id, source):
        return Membership(course, False)
    raise PermissionDenied(NOT_FOUND)


def course_by_slug(session: Session, actor: Actor, slug: object) -> Membership:
    if not isinstance(slug, str) or not slug or len(slug) > 120:
        raise PermissionDenied(NOT_FOUND)
    course_id = session.exec(select(Course.id).where(Course.slug == slug)).first()
    return membership(session, actor, course_id or 0)


def _check_may_post(session: Session, actor: Actor, member: Membership) -> None:
    if member.staff:
        return
    muted = session.exec(select(Mute.id).where(Mute.course_id == member.course.id,
                                               Mute.user_id == actor.user_id)).first()
    if muted is not None:
        raise PermissionDenied(MUTED)
    now = utcnow()
    for window, limit in RATE_LIMITS:
        recent = session.exec(select(func.count()).select_from(Post).where(
            Post.author_id == actor.user_id, Post.created_at >= now - window)).one()
        if recent >= limit:
            raise ServiceError("You are posting too fast: wait a few minutes and try again.")


def _thread_for(session: Session, actor: Actor, thread_ref: object) -> tuple[Thread, Membership]:
    thread_id = _id(thread_ref)
    thread = session.get(Thread, thread_id) if thread_id else None
    if thread is None:
        raise PermissionDenied(NOT_FOUND)
    member = membership(session, actor, thread.course_id)
    if thread.hidden and not member.staff:
        raise PermissionDenied(NOT_FOUND)
    return thread, member


def _post_for(session: Session, actor: Actor, post_ref: object) -> tuple[Post, Thread, Membership]:
    post_id = _id(post_ref)
    post = session.get(Post, post_id) if post_id else None
    if post is None:
        raise PermissionDenied(NOT_FOUND)
    thread, member = _thread_for(session, actor, post.thread_id)
    if post.hidden and not member.staff:
        raise PermissionDenied(NOT_FOUND)
    return post, thread, member


# --- Q&A: reading ----------------------------------------------------------------------------

def _thread_row(thread: Thread, author: str, excerpt: str) -> dict:
    return {"id": thread.id, "title": thread.title, "author": author, "excerpt": excerpt[:180],
            "answers": thread.answer_count, "upvotes": thread.upvotes, "answered": thread.accepted_post_id is not None,
            "teacher_answered": thread.teacher_answered, "hidden": thread.hidden, "locked": thread.locked,
            "lesson_id": thread.lesson_id or 0, "when": when(thread.created_at)}


def list_threads(session: Session, actor: Actor, course_ref: object, lesson_ref: object = None,
                 sort: object = "newest", q: object = "", after: object = "", limit: int = PAGE_SIZE) -> dict:
    """A page of a course's (or one lesson's) questions: ``{"threads": [...], "next": cursor or ""}``.

    Three statements whatever the page shows: access, the page (with author and excerpt joined),
    nothing per row."""
    member = membership(session, actor, course_ref)
    sort = sort if sort in SORTS else "newest"
    query = (select(Thread, User.name, Post.body).join(User, User.id == Thread.author_id)
             .join(Post, Post.id == Thread.question_post_id)
             .where(Thread.course_id == member.course.id))
    lesson_id = _id(lesson_ref)
    if lesson_ref not in (None, "", 0) and lesson_id is None:
        raise PermissionDenied(NOT_FOUND)
    if lesson_id is not None:
        query = query.where(Thread.lesson_id == lesson_id)
    if not member.staff:
        query = query.where(Thread.hidden == False)  # noqa: E712
    if sort == "unanswered":
        query = query.where(Thread.answer_count == 0)
    words = q.strip()[:100] if isinstance(q, str) else ""
    if words:
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Thread.title.ilike(pattern, escape="\\"), Post.body.ilike(pattern, escape="\\")))
    cursor = _cursor(after)
    if sort == "votes":
        if cursor:
            votes, ident = int(cursor[0]), cursor[1]
            query = query.where(or_(Thread.upvotes < votes, and_(Thread.upvotes == votes, Thread.id < ident)))
        query = query.order_by(Thread.upvotes.desc(), Thread.id.desc())
    else:
        if cursor:
            moment, ident = _from_ts(cursor[0]), cursor[1]
            query = query.where(or_(Thread.last_activity_at < moment,
                                    and_(Thread.last_activity_at == moment, Thread.id < ident)))
        query = query.order_by(Thread.last_activity_at.desc(), Thread.id.desc())
    limit = max(1, min(int(limit), 100))
    rows = session.exec(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    threads = [_thread_row(t, name, body) for t, name, body in rows]
    following = ""
    if more and rows:
        last = rows[-1][0]
        following = f"{last.upvotes if sort == 'votes' else _ts(last.last_activity_at)}.{last.id}"
    return {"threads": threads, "next": following, "staff": member.staff, "course_id": member.course.id}


def _post_row(post: Post, author: str, thread: Thread, mine: set[int], viewer: int) -> dict:
    return {"id": post.id, "author": author, "body": post.body, "staff": post.by_staff,
            "upvotes": post.upvotes, "voted": post.id in mine, "own": post.author_id == viewer,
            "accepted": thread.accepted_post_id == post.id, "hidden": post.hidden, "when": when(post.created_at)}


def thread_detail(session: Session, actor: Actor, thread_ref: object, after: object = "") -> dict:
    """The thread, its question and a page of answers (oldest first, accepted answer included):
    five statements (thread, access, posts with authors, the viewer's votes, following)."""
    thread, member = _thread_for(session, actor, thread_ref)
    query = (select(Post, User.name).join(User, User.id == Post.author_id).where(Post.thread_id == thread.id))
    if not member.staff:
        query = query.where(Post.hidden == False)  # noqa: E712
    cursor = _cursor(after)
    if cursor:
        query = query.where(Post.id > cursor[1])
    rows = session.exec(query.order_by(Post.id).limit(ANSWERS_PAGE + 1)).all()
    more = len(rows) > ANSWERS_PAGE
    rows = rows[:ANSWERS_PAGE]
    ids = [p.id for p, _ in rows]
    mine = set(session.exec(select(Vote.post_id).where(Vote.user_id == actor.user_id, Vote.post_id.in_(ids))).all()) \
        if ids else set()
    posts = [_post_row(p, name, thread, mine, actor.user_id) for p, name in rows]
    following = session.exec(select(Follow.id).where(Follow.thread_id == thread.id,
                                                     Follow.user_id == actor.user_id)).first() is not None
    question = next((p for p in posts if p["id"] == thread.question_post_id), None)
    return {"thread": _thread_row(thread, question["author"] if question else "", ""),
            "question": question, "answers": [p for p in posts if p["id"] != thread.question_post_id],
            "next": f"0.{rows[-1][0].id}" if more else "", "staff": member.staff,
            "accepted_id": thread.accepted_post_id or 0, "following": following,
            "can_answer": not thread.locked or member.staff, "asker": thread.author_id == actor.user_id}


def post_view(session: Session, actor: Actor, post_ref: object) -> dict:
    """One post as the thread shows it (after an answer or a vote: only it is sent, not the thread)."""
    post, thread, _ = _post_for(session, actor, post_ref)
    author = session.exec(select(User.name).where(User.id == post.author_id)).one()
    voted = session.exec(select(Vote.id).where(Vote.user_id == actor.user_id, Vote.post_id == post.id)).first()
    return _post_row(post, author, thread, {post.id} if voted else set(), actor.user_id)


# --- Q&A: writing ----------------------------------------------------------------------------

def ask(session: Session, actor: Actor, course_ref: object, lesson_ref: object, title: object, body: object) -> dict:
    """Ask a question in a course (under one of its lessons when ``lesson_ref`` is given)."""
    member = membership(session, actor, course_ref)
    title, body = clean_title(title), clean_body(body, label="your question")
    lesson_id = None
    if lesson_ref not in (None, "", 0):
        lesson_id = _id(lesson_ref)
        owner = session.exec(select(Lesson.course_id).where(Lesson.id == lesson_id)).first() if lesson_id else None
        if owner != member.course.id:
            raise PermissionDenied(NOT_FOUND)
    _check_may_post(session, actor, member)
    now = utcnow()
    thread = Thread(course_id=member.course.id, lesson_id=lesson_id, author_id=actor.user_id, title=title,
                    created_at=now, last_activity_at=now)
    session.add(thread)
    session.flush()
    post = Post(thread_id=thread.id, author_id=actor.user_id, body=body, is_question=True, by_staff=member.staff,
                created_at=now)
    session.add(post)
    session.flush()
    thread.question_post_id = post.id
    _follow(session, thread.id, actor.user_id)
    events.emit(session, "question_posted", user_id=actor.user_id, course_id=member.course.id,
                lesson_id=lesson_id, thread_id=thread.id, teacher_id=member.course.teacher_id)
    author = session.exec(select(User.name).where(User.id == actor.user_id)).one()
    return _thread_row(thread, author, body)


def answer(session: Session, actor: Actor, thread_ref: object, body: object) -> dict:
    """Answer a thread; returns the new post only (the page appends it: the thread is not re-sent)."""
    thread, member = _thread_for(session, actor, thread_ref)
    body = clean_body(body, label="your answer")
    if thread.locked and not member.staff:
        raise ServiceError(LOCKED)
    _check_may_post(session, actor, member)
    now = utcnow()
    post = Post(thread_id=thread.id, author_id=actor.user_id, body=body, by_staff=member.staff, created_at=now)
    session.add(post)
    values = {"answer_count": Thread.answer_count + 1, "last_activity_at": now}
    if member.staff:
        values["teacher_answered"] = True
    session.execute(update(Thread).where(Thread.id == thread.id).values(**values))
    session.flush()
    followers = [uid for uid in session.exec(select(Follow.user_id).where(Follow.thread_id == thread.id)).all()
                 if uid != actor.user_id]
    _follow(session, thread.id, actor.user_id)
    events.emit(session, "question_answered", user_id=actor.user_id, asker_id=thread.author_id,
                follower_ids=followers,
                course_id=thread.course_id, lesson_id=thread.lesson_id, thread_id=thread.id, post_id=post.id,
                by_staff=member.staff)
    author = session.exec(select(User.name).where(User.id == actor.user_id)).one()
    session.refresh(thread)
    return _post_row(post, author, thread, set(), actor.user_id)


def vote(session: Session, actor: Actor, post_ref: object, up: object = True) -> dict:
    """Upvote (``up=True``) or take back the vote; one vote per user and post (unique constraint).
    Returns ``{"id", "upvotes", "voted"}``."""
    post, thread, member = _post_for(session, actor, post_ref)
    if post.author_id == actor.user_id:
        raise ServiceError("You cannot upvote your own post.")
    if up is True:
        try:
            with session.begin_nested():
                session.add(Vote(post_id=post.id, user_id=actor.user_id))
        except IntegrityError:
            changed = 0  # the second click of a double click: the vote is already there
        else:
            changed = 1
    elif up is False:
        changed = -session.execute(Vote.__table__.delete().where(
            Vote.__table__.c.user_id == actor.user_id, Vote.__table__.c.post_id == post.id)).rowcount
    else:
        raise ServiceError("Choose upvote or remove your vote.")
    if changed:
        session.execute(update(Post).where(Post.id == post.id).values(upvotes=Post.upvotes + changed))
        if post.is_question:
            session.execute(update(Thread).where(Thread.id == thread.id).values(upvotes=Thread.upvotes + changed))
    count = session.exec(select(Post.upvotes).where(Post.id == post.id).execution_options(populate_existing=True)).one()
    return {"id": post.id, "upvotes": count, "voted": up is True}


def _follow(session: Session, thread_id: int, user_id: int) -> None:
    """Follow a thread; a second follow (a double click) finds the row (unique constraint)."""
    try:
        with session.begin_nested():
            session.add(Follow(thread_id=thread_id, user_id=user_id))
    except IntegrityError:
        pass


def follow(session: Session, actor: Actor, thread_ref: object, on: object = True) -> bool:
    """Follow (``on=True``) or stop following a thread the actor can read; returns the new state."""
    thread, _ = _thread_for(session, actor, thread_ref)
    if on is True:
        _follow(session, thread.id, actor.user_id)
        return True
    if on is False:
        session.execute(Follow.__table__.delete().where(Follow.__table__.c.thread_id == thread.id,
                                                        Follow.__table__.c.user_id == actor.user_id))
        return False
    raise ServiceError("Choose follow or unfollow.")


def followers(session: Session, thread_id: int) -> list[int]:
    """Who follows a thread (for notifications)."""
    return list(session.exec(select(Follow.user_id).where(Follow.thread_id == thread_id).order_by(Follow.user_id)).all())


def accept(session: Session, actor: Actor, post_ref: object) -> dict:
    """The course's teacher (or an admin) accepts an answer; accepting it again takes it back."""
    post, thread, member = _post_for(session, actor, post_ref)
    if not member.staff:
        raise PermissionDenied(STAFF_ONLY)
    if post.is_question:
        raise ServiceError("Accept an answer, not the question.")
    thread.accepted_post_id = None if thread.accepted_post_id == post.id else post.id
    session.add(thread)
    return {"thread_id": thread.id, "accepted_post_id": thread.accepted_post_id or 0}


# --- moderation ------------------------------------------------------------------------------

def _log(session: Session, actor: Actor, course_id: int, action: str, target: str, summary: str = "") -> None:
    session.add(ModerationAction(actor_id=actor.user_id, course_id=course_id, action=action, target=target,
                                 summary=" ".join(summary.split())[:300]))


def _resolve_reports(session: Session, post_ids: list[int]) -> None:
    session.execute(update(Report).where(Report.post_id.in_(post_ids)).values(resolved=True))


def moderate(session: Session, actor: Actor, post_ref: object, action: object) -> dict:
    """``hide``/``unhide``/``delete`` a post (the question: the whole thread), ``lock``/``unlock``
    its thread. Staff of the post's course only; every action is written to the moderation log."""
    if action not in ("hide", "unhide", "delete", "lock", "unlock"):
        raise ServiceError("Unknown moderation action.")
    post, thread, member = _post_for(session, actor, post_ref)
    if not member.staff:
        raise PermissionDenied(STAFF_ONLY)
    target = f"thread {thread.id}" if post.is_question else f"post {post.id}"
    if action in ("lock", "unlock"):
        thread.locked = action == "lock"
        session.add(thread)
    elif action in ("hide", "unhide"):
        post.hidden = action == "hide"
        session.add(post)
        if post.is_question:
            thread.hidden = post.hidden
            session.add(thread)
        if post.hidden:
            _resolve_reports(session, [post.id])
    else:
        if post.is_question:
            session.delete(thread)  # posts, votes and reports go with it (ON DELETE CASCADE)
        else:
            values = {"answer_count": Thread.answer_count - 1}
            if thread.accepted_post_id == post.id:
                values["accepted_post_id"] = None
            session.execute(update(Thread).where(Thread.id == thread.id).values(**values))
            session.delete(post)
    _log(session, actor, thread.course_id, action, target, post.body[:120])
    session.flush()
    return {"post_id": post.id, "thread_id": thread.id, "action": action}


def report(session: Session, actor: Actor, post_ref: object, reason: object) -> None:
    """A reader reports a post with a reason; once per user and post (unique constraint)."""
    post, thread, _ = _post_for(session, actor, post_ref)
    reason = " ".join(_text(reason, "reason", REASON_MIN, REASON_MAX, "a reason").split())
    try:
        with session.begin_nested():
            session.add(Report(post_id=post.id, course_id=thread.course_id, reporter_id=actor.user_id, reason=reason))
    except IntegrityError:
        raise ServiceError("You have already reported this post: a moderator will look at it.") from None


def report_queue(session: Session, actor: Actor, after: object = "", limit: int = PAGE_SIZE) -> dict:
    """Open reports on the teacher's own courses (admins: every course), newest first, keyset on id."""
    require_role(actor, TEACHER_AREA)
    reporter = User.__table__.alias("reporter")
    query = (select(Report.id, Report.reason, Report.post_id, Post.body, Post.hidden, Post.thread_id, Thread.title,
                    Course.title, reporter.c.name, Report.created_at)
             .join(Post, Post.id == Report.post_id).join(Thread, Thread.id == Post.thread_id)
             .join(Course, Course.id == Report.course_id).join(reporter, reporter.c.id == Report.reporter_id)
             .where(Report.resolved == False))  # noqa: E712
    if actor.role != "admin":
        query = query.where(Course.teacher_id == actor.user_id)
    cursor = _cursor(after)
    if cursor:
        query = query.where(Report.id < cursor[1])
    rows = session.exec(query.order_by(Report.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"reports": [{"id": rid, "reason": reason, "post_id": pid, "excerpt": body[:200], "hidden": hidden,
                         "thread_id": tid, "thread": title, "course": course, "reporter": name, "when": when(at)}
                        for rid, reason, pid, body, hidden, tid, title, course, name, at in rows],
            "next": f"0.{rows[-1][0]}" if more else ""}


def dismiss_report(session: Session, actor: Actor, report_ref: object) -> None:
    require_role(actor, TEACHER_AREA)
    report_id = _id(report_ref)
    row = session.get(Report, report_id) if report_id else None
    if row is None:
        raise PermissionDenied(NOT_FOUND)
    member = membership(session, actor, row.course_id)
    if not member.staff:
        raise PermissionDenied(NOT_FOUND)
    row.resolved = True
    session.add(row)
    _log(session, actor, row.course_id, "dismiss", f"report {row.id}", row.reason)


def set_mute(session: Session, actor: Actor, post_ref: object, muted: bool) -> None:
    """Mute (or unmute) the author of a post in its course. Staff only; staff cannot be muted."""
    post, thread, member = _post_for(session, actor, post_ref)
    if not member.staff:
        raise PermissionDenied(STAFF_ONLY)
    author = session.get(User, post.author_id)
    if author is None or author.role == "admin" or author.id == member.course.teacher_id:
        raise ServiceError("Teachers and admins cannot be muted.")
    if muted:
        try:
            with session.begin_nested():
                session.add(Mute(course_id=thread.course_id, user_id=author.id))
        except IntegrityError:
            return
    else:
        session.execute(Mute.__table__.delete().where(Mute.__table__.c.course_id == thread.course_id,
                                                      Mute.__table__.c.user_id == author.id))
    _log(session, actor, thread.course_id, "mute" if muted else "unmute", f"user {author.id}", author.name)


def moderation_log(session: Session, actor: Actor, course_ref: object, limit: int = 50) -> list[dict]:
    member = membership(session, actor, course_ref)
    if not member.staff:
        raise PermissionDenied(STAFF_ONLY)
    rows = session.exec(select(ModerationAction, User.name).outerjoin(User, User.id == ModerationAction.actor_id)
                        .where(ModerationAction.course_id == member.course.id)
                        .order_by(ModerationAction.id.desc()).limit(limit)).all()
    return [{"action": a.action, "target": a.target, "who": name or "—", "summary": a.summary, "when": when(a.created_at)}
            for a, name in rows]


def unanswered_for_teacher(session: Session, actor: Actor, limit: int = 20) -> list[dict]:
    """Questions without any answer across the teacher's own courses (admins: all), oldest first."""
    require_role(actor, TEACHER_AREA)
    query = (select(Thread.id, Thread.title, Thread.created_at, Course.title, Course.slug)
             .join(Course, Course.id == Thread.course_id)
             .where(Thread.answer_count == 0, Thread.hidden == False))  # noqa: E712
    if actor.role != "admin":
        query = query.where(Course.teacher_id == actor.user_id)
    rows = session.exec(query.order_by(Thread.created_at, Thread.id).limit(limit)).all()
    return [{"id": tid, "title": title, "course": course, "href": f"/community/{slug}?thread={tid}", "when": when(at)}
            for tid, title, at, course, slug in rows]


# --- announcements ---------------------------------------------------------------------------

def post_announcement(session: Session, actor: Actor, course_ref: object, title: object, body: object,
                      send_email: object = False) -> dict:
    """The course's teacher (or an admin) posts to every enrolled learner; with ``send_email`` the
    mails go out from the job queue in batches (``send_announcement_batch``), never in the request."""
    member = membership(session, actor, course_ref)
    if not member.staff:
        raise PermissionDenied(STAFF_ONLY)
    title, body = clean_title(title), clean_body(body, label="the announcement")
    row = Announcement(course_id=member.course.id, author_id=actor.user_id, title=title, body=body,
                       send_email=send_email is True)
    session.add(row)
    session.flush()
    events.emit(session, "announcement_posted", user_id=actor.user_id, course_id=member.course.id,
                announcement_id=row.id)
    if row.send_email:
        from lms_app.jobs.queue import enqueue

        enqueue(session, send_announcement_batch, announcement_id=row.id)
    return _announcement_row(row, member.course.title)


def _announcement_row(row: Announcement, course_title: str) -> dict:
    return {"id": row.id, "title": row.title, "body": row.body, "course": course_title, "when": when(row.created_at)}


def announcements(session: Session, actor: Actor, course_ref: object, limit: int = 10) -> list[dict]:
    member = membership(session, actor, course_ref)
    rows = session.exec(select(Announcement).where(Announcement.course_id == member.course.id)
                        .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)).all()
    return [_announcement_row(r, member.course.title) for r in rows]


def course_page_announcements(session: Session, token: str | None, slug: object, limit: int = 3) -> dict:
    """For the public course page: the newest announcements and the community link, for the
    course's members only (its learners, its teacher, admins); ``{"slug": "", "items": []}`` for
    everyone else, so a visitor learns nothing, not even that announcements exist."""
    from lms_app.core.sessions import actor_or_none

    nothing = {"slug": "", "items": []}
    actor = actor_or_none(session, token) if token else None
    if actor is None or not isinstance(slug, str) or not slug or len(slug) > 200:
        return nothing
    course_id = session.exec(select(Course.id).where(Course.slug == slug)).first()
    if course_id is None:
        return nothing
    try:
        items = announcements(session, actor, course_id, limit)
    except (PermissionDenied, ServiceError):
        return nothing
    return {"slug": slug, "items": items}


def my_announcements(session: Session, actor: Actor, limit: int = 5) -> list[dict]:
    """The newest announcements of the courses the learner is enrolled in (the dashboard); a
    plan's course only while a plan grants it (filtered after the read, one hook call)."""
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(Announcement, Course.title, Course.slug, Course.id, Enrollment.source)
                        .join(Course, Course.id == Announcement.course_id)
                        .join(Enrollment, and_(Enrollment.course_id == Course.id,
                                               Enrollment.user_id == actor.user_id))
                        .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit)).all()
    keep = enrollment.counting_ids(session, actor.user_id, [(cid, source) for _, _, _, cid, source in rows])
    return [{**_announcement_row(a, title), "href": f"/community/{slug}"}
            for a, title, slug, cid, _ in rows if cid in keep]


ANNOUNCEMENT_KIND = "course_announcement"  # registered in community/notices.py


def send_announcement_batch(session: Session, announcement_id: int, batch: int = MAIL_BATCH) -> int:
    """Mail the next ``batch`` enrolled learners who have not had this announcement (a job).

    Each delivery row is inserted in the same transaction as its mail, under a unique
    (announcement, user) constraint: a worker killed midway rolls back the whole batch, and the
    retry (or the sweeper) picks up exactly who is left. Enqueues the next batch after commit."""
    from lms_app.jobs.queue import enqueue
    from lms_app.mail.services import link_base, queue_mail

    row = session.get(Announcement, announcement_id)
    if row is None or not row.send_email or row.mail_done:
        return 0
    course = session.get(Course, row.course_id)
    done = select(AnnouncementDelivery.user_id).where(AnnouncementDelivery.announcement_id == row.id)
    learners = session.exec(select(User.id, User.email, User.name).join(Enrollment, Enrollment.user_id == User.id)
                            .where(Enrollment.course_id == row.course_id, User.is_active == True,  # noqa: E712
                                   User.id.not_in(done))
                            .order_by(User.id).limit(batch)).all()
    link = f"{link_base()}/community/{course.slug}"
    from lms_app.notifications.services import email_wanted, one_click_url, unsubscribe_url

    wanted = email_wanted(session, [user_id for user_id, _, _ in learners], ANNOUNCEMENT_KIND)
    for user_id, email, name in learners:
        # The delivery row also for those who opted out: it records that their turn has passed.
        session.add(AnnouncementDelivery(announcement_id=row.id, user_id=user_id))
        if user_id not in wanted:
            continue
        queue_mail(session, to=email, template="announcement", subject=f"{course.title}: {row.title}",
                   context={"name": name, "course_title": course.title, "title": row.title, "body": row.body,
                            "link": link, "unsubscribe_url": unsubscribe_url(user_id, ANNOUNCEMENT_KIND)},
                   user_id=user_id, one_click_url=one_click_url(user_id, ANNOUNCEMENT_KIND))
    if len(learners) < batch:
        row.mail_done = True
        session.add(row)
    else:
        enqueue(session, send_announcement_batch, announcement_id=row.id)
    return len(learners)


def sweep_announcements(session: Session, settings: object = None) -> int:
    """Periodic: restart mailing of announcements whose batch chain was lost (a worker died)."""
    from lms_app.jobs.queue import enqueue

    stale = utcnow() - timedelta(minutes=10)
    ids = session.exec(select(Announcement.id).where(Announcement.send_email == True,  # noqa: E712
                                                     Announcement.mail_done == False,  # noqa: E712
                                                     Announcement.created_at < stale).limit(100)).all()
    for announcement_id in ids:
        enqueue(session, send_announcement_batch, announcement_id=announcement_id)
    return len(ids)


# --- messages to the teacher -----------------------------------------------------------------

def _message_row(message: Message, author: str, viewer: int) -> dict:
    return {"id": message.id, "author": author, "body": message.body, "own": message.sender_id == viewer,
            "when": when(message.created_at)}


def send_to_teacher(session: Session, actor: Actor, course_ref: object, body: object) -> dict:
    """An enrolled learner writes to the course's teacher: the one conversation of this learner and
    course is found or created (unique constraint), the teacher's unread count goes up."""
    member = membership(session, actor, course_ref)
    if member.staff:
        raise PermissionDenied("Teachers answer in their inbox: messages are from learners to a course's teacher.")
    body = clean_body(body, MESSAGE_MAX, "your message")
    _check_may_post(session, actor, member)
    course = member.course
    convo = session.exec(select(Conversation).where(Conversation.course_id == course.id,
                                                    Conversation.learner_id == actor.user_id)).first()
    if convo is None:
        try:
            with session.begin_nested():
                convo = Conversation(course_id=course.id, learner_id=actor.user_id, teacher_id=course.teacher_id)
                session.add(convo)
        except IntegrityError:  # created by a parallel first message
            convo = session.exec(select(Conversation).where(Conversation.course_id == course.id,
                                                            Conversation.learner_id == actor.user_id)).one()
    return _add_message(session, actor, convo, body)


def _add_message(session: Session, actor: Actor, convo: Conversation, body: str) -> dict:
    now = utcnow()
    message = Message(conversation_id=convo.id, sender_id=actor.user_id, body=body, created_at=now)
    session.add(message)
    to_teacher = actor.user_id == convo.learner_id
    column = Conversation.teacher_unread if to_teacher else Conversation.learner_unread
    session.execute(update(Conversation).where(Conversation.id == convo.id)
                    .values({column.key: column + 1, "last_message_at": now}))
    session.flush()
    events.emit(session, "message_received", user_id=convo.teacher_id if to_teacher else convo.learner_id,
                sender_id=actor.user_id, course_id=convo.course_id, conversation_id=convo.id, message_id=message.id)
    author = session.exec(select(User.name).where(User.id == actor.user_id)).one()
    return {**_message_row(message, author, actor.user_id), "conversation_id": convo.id}


def _conversation_for(session: Session, actor: Actor, convo_ref: object) -> Conversation:
    require_role(actor, LEARNER_AREA)
    convo_id = _id(convo_ref)
    convo = session.get(Conversation, convo_id) if convo_id else None
    if convo is None or actor.user_id not in (convo.learner_id, convo.teacher_id):
        raise PermissionDenied(NOT_FOUND)
    return convo


def reply(session: Session, actor: Actor, convo_ref: object, body: object) -> dict:
    """Either party writes in their conversation (nobody else: not found)."""
    convo = _conversation_for(session, actor, convo_ref)
    body = clean_body(body, MESSAGE_MAX, "your message")
    if actor.user_id == convo.learner_id:
        _check_may_post(session, actor, membership(session, actor, convo.course_id))
    return _add_message(session, actor, convo, body)


def conversation(session: Session, actor: Actor, convo_ref: object, before: object = "", limit: int = 50) -> dict:
    """A page of one conversation (newest ``limit`` messages, shown oldest first); marks it read."""
    convo = _conversation_for(session, actor, convo_ref)
    query = select(Message, User.name).join(User, User.id == Message.sender_id).where(
        Message.conversation_id == convo.id)
    cursor = _cursor(before)
    if cursor:
        query = query.where(Message.id < cursor[1])
    rows = session.exec(query.order_by(Message.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = list(reversed(rows[:limit]))
    learner = actor.user_id == convo.learner_id
    column = Conversation.learner_unread if learner else Conversation.teacher_unread
    session.execute(update(Conversation).where(Conversation.id == convo.id).values({column.key: 0}))
    course_title, other = session.exec(
        select(Course.title, User.name).join(User, User.id == (convo.teacher_id if learner else convo.learner_id))
        .where(Course.id == convo.course_id)).one()
    return {"id": convo.id, "course": course_title, "with": other,
            "messages": [_message_row(m, name, actor.user_id) for m, name in rows],
            "earlier": f"0.{rows[0][0].id}" if more and rows else ""}


def my_conversation_id(session: Session, actor: Actor, course_ref: object) -> int:
    """The learner's conversation with this course's teacher (0: none yet)."""
    member = membership(session, actor, course_ref)
    return session.exec(select(Conversation.id).where(Conversation.course_id == member.course.id,
                                                      Conversation.learner_id == actor.user_id)).first() or 0


def inbox(session: Session, actor: Actor, after: object = "", limit: int = PAGE_SIZE) -> dict:
    """The actor's conversations (as learner or teacher), latest first, with unread counts."""
    require_role(actor, LEARNER_AREA)
    other = User.__table__.alias("other")
    learner = Conversation.learner_id == actor.user_id
    query = (select(Conversation, Course.title, other.c.name).join(Course, Course.id == Conversation.course_id)
             .join(other, other.c.id == func.coalesce(
                 func.nullif(Conversation.learner_id, actor.user_id), Conversation.teacher_id))
             .where(or_(learner, Conversation.teacher_id == actor.user_id)))
    cursor = _cursor(after)
    if cursor:
        moment, ident = _from_ts(cursor[0]), cursor[1]
        query = query.where(or_(Conversation.last_message_at < moment,
                                and_(Conversation.last_message_at == moment, Conversation.id < ident)))
    rows = session.exec(query.order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
                        .limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{"id": c.id, "course": title, "with": name,
              "unread": c.learner_unread if c.learner_id == actor.user_id else c.teacher_unread,
              "when": when(c.last_message_at)} for c, title, name in rows]
    following = f"{_ts(rows[-1][0].last_message_at)}.{rows[-1][0].id}" if more and rows else ""
    return {"conversations": items, "next": following}


def unread_count(session: Session, actor: Actor) -> int:
    """Unread messages across the actor's conversations (one statement)."""
    require_role(actor, LEARNER_AREA)
    uid = actor.user_id
    total = session.exec(select(func.sum(
        case((Conversation.learner_id == uid, Conversation.learner_unread), else_=0)
        + case((Conversation.teacher_id == uid, Conversation.teacher_unread), else_=0)))
        .where(or_(Conversation.learner_id == uid, Conversation.teacher_id == uid))).one()
    return int(total or 0)
