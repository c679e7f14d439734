"""Community tables: lesson/course Q&A, votes, reports, mutes, the moderation log,
announcements (and who each was mailed to), and learner-teacher conversations.

Anything a person can click twice is protected by a unique constraint, not only by a check in
Python: one vote per user per post (``uq_community_votes_user_post``), one report per user per
post, one mute per user and course, one announcement e-mail per learner and announcement, one
conversation per learner and course. Counters (upvotes, answers, unread) are maintained by the
services in the same transaction as the change, never recomputed per page.

A thread's question is itself a post (``is_question``), so votes, reports, hiding and deletion
work the same on questions and answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


def _fk(target: str, ondelete: str = "CASCADE", nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable)


class Thread(SQLModel, table=True):
    """A question asked in a course (``lesson_id`` set: asked under that lesson)."""

    __tablename__ = "community_threads"
    __table_args__ = (
        # The Q&A list: newest first per course, keyset on (last_activity_at, id).
        Index("ix_community_threads_course_activity", "course_id", "last_activity_at", "id"),
        Index("ix_community_threads_lesson_activity", "lesson_id", "last_activity_at", "id"),
        Index("ix_community_threads_course_votes", "course_id", "upvotes", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("courses.id"))
    lesson_id: int | None = Field(default=None, sa_column=_fk("lessons.id", "SET NULL", nullable=True))
    author_id: int = Field(sa_column=_fk("users.id"))
    title: str = Field(sa_column=Column(String(160), nullable=False))
    # The question post's id (set right after it is created).
    question_post_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    accepted_post_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    answer_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    teacher_answered: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    upvotes: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    hidden: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    locked: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    last_activity_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Post(SQLModel, table=True):
    """The question's body (``is_question``) or an answer in a thread."""

    __tablename__ = "community_posts"
    __table_args__ = (
        Index("ix_community_posts_thread_id", "thread_id", "id"),
        Index("ix_community_posts_author_created", "author_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(sa_column=_fk("community_threads.id"))
    author_id: int = Field(sa_column=_fk("users.id"))
    body: str = Field(sa_column=Column(Text, nullable=False))
    is_question: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    by_staff: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    upvotes: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    hidden: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Vote(SQLModel, table=True):
    __tablename__ = "community_votes"
    __table_args__ = (UniqueConstraint("user_id", "post_id", name="uq_community_votes_user_post"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(sa_column=_fk("community_posts.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Follow(SQLModel, table=True):
    """A user follows a thread (the asker and everyone who answers follow it automatically)."""

    __tablename__ = "community_follows"
    __table_args__ = (UniqueConstraint("thread_id", "user_id", name="uq_community_follows_thread_user"),)

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(sa_column=_fk("community_threads.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Report(SQLModel, table=True):
    __tablename__ = "community_reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "post_id", name="uq_community_reports_reporter_post"),
        Index("ix_community_reports_course_open", "course_id", "resolved", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(sa_column=_fk("community_posts.id"))
    course_id: int = Field(sa_column=_fk("courses.id"))
    reporter_id: int = Field(sa_column=_fk("users.id"))
    reason: str = Field(sa_column=Column(String(500), nullable=False))
    resolved: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Mute(SQLModel, table=True):
    __tablename__ = "community_mutes"
    __table_args__ = (UniqueConstraint("course_id", "user_id", name="uq_community_mutes_course_user"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("courses.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ModerationAction(SQLModel, table=True):
    """The audit of moderation: who did what to which post, and why (teachers and admins)."""

    __tablename__ = "community_moderation_log"
    __table_args__ = (
        CheckConstraint("action IN ('hide', 'unhide', 'lock', 'unlock', 'delete', 'mute', 'unmute', 'dismiss')",
                        name="ck_community_moderation_log_action"),
        Index("ix_community_moderation_log_course_created", "course_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=_fk("users.id", "SET NULL", nullable=True))
    course_id: int = Field(sa_column=_fk("courses.id"))
    action: str = Field(sa_column=Column(String(16), nullable=False))
    target: str = Field(sa_column=Column(String(40), nullable=False))
    summary: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Announcement(SQLModel, table=True):
    __tablename__ = "community_announcements"
    __table_args__ = (Index("ix_community_announcements_course_created", "course_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("courses.id"))
    author_id: int | None = Field(default=None, sa_column=_fk("users.id", "SET NULL", nullable=True))
    title: str = Field(sa_column=Column(String(160), nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    send_email: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    # Set when every enrolled learner has been mailed (the sweeper stops looking at it).
    mail_done: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class AnnouncementDelivery(SQLModel, table=True):
    """One row per learner an announcement was e-mailed to: the batch job inserts it in the same
    transaction as the mail, so a worker killed midway resumes without mailing anyone twice."""

    __tablename__ = "community_announcement_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id", name="uq_community_deliveries_ann_user"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(sa_column=_fk("community_announcements.id"))
    user_id: int = Field(sa_column=_fk("users.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Conversation(SQLModel, table=True):
    """A learner's private thread with the teacher of one course (one per learner and course)."""

    __tablename__ = "community_conversations"
    __table_args__ = (
        UniqueConstraint("course_id", "learner_id", name="uq_community_conversations_course_learner"),
        Index("ix_community_conversations_teacher_last", "teacher_id", "last_message_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(sa_column=_fk("courses.id"))
    learner_id: int = Field(sa_column=_fk("users.id"))
    teacher_id: int = Field(sa_column=_fk("users.id"))
    learner_unread: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    teacher_unread: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    last_message_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class Message(SQLModel, table=True):
    __tablename__ = "community_messages"
    __table_args__ = (Index("ix_community_messages_conversation_id", "conversation_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(sa_column=_fk("community_conversations.id"))
    sender_id: int = Field(sa_column=_fk("users.id"))
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
