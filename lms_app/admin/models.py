"""Admin console tables: teacher applications (the audit log is core: every feature writes it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

APPLICATION_STATUSES = ("pending", "approved", "rejected")


class TeacherApplication(SQLModel, table=True):
    """A learner asks to teach; an admin approves (role becomes teacher) or rejects with a message."""

    __tablename__ = "teacher_applications"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_teacher_applications_status"),
        # At most one open application per person, enforced by the database.
        Index("uq_teacher_applications_one_pending", "user_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_teacher_applications_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    motivation: str = Field(sa_column=Column(Text, nullable=False))
    links: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    status: str = Field(default="pending", sa_column=Column(String(16), nullable=False, server_default="pending"))
    decision_message: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    decided_by: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
