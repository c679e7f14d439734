"""Catalog structure: categories, courses, modules, lessons, enrollments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.sql.expression import false
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

COURSE_STATUSES = ("draft", "pending", "published", "rejected", "archived")
COURSE_LEVELS = ("beginner", "intermediate", "advanced")


class Category(SQLModel, table=True):
    __tablename__ = "categories"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    slug: str = Field(sa_column=Column(String(80), nullable=False, unique=True))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    position: int = Field(default=0)
    # Lucide icon name shown on category tiles.
    icon: str = Field(default="book-open", sa_column=Column(String(40), nullable=False, server_default="book-open"))


class Course(SQLModel, table=True):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'pending', 'published', 'rejected', 'archived')", name="ck_courses_status"
        ),
        CheckConstraint("level IN ('beginner', 'intermediate', 'advanced')", name="ck_courses_level"),
        CheckConstraint("price_minor >= 0", name="ck_courses_price_nonnegative"),
        Index("ix_courses_status_published_at", "status", "published_at"),
        # Catalog sorts walk these with keyset pagination (sort key, id); migration 0003 also
        # adds a PostgreSQL-only GIN index on to_tsvector('english', search_text).
        Index("ix_courses_status_price", "status", "price_minor", "id"),
        Index("ix_courses_status_rating", "status", "rating_avg", "id"),
        Index("ix_courses_status_students", "status", "student_count", "id"),
        # The price filter within a currency (issue 20) reads (currency, price) without the table.
        Index("ix_courses_status_currency_price", "status", "currency", "price_minor", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(160), nullable=False))
    subtitle: str = Field(default="", sa_column=Column(String(240), nullable=False, server_default=""))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    category_id: int | None = Field(default=None, foreign_key="categories.id", index=True, ondelete="RESTRICT")
    teacher_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")
    level: str = Field(default="beginner", sa_column=Column(String(16), nullable=False, server_default="beginner"))
    language: str = Field(default="en", sa_column=Column(String(8), nullable=False, server_default="en"))
    # Money is integer minor units plus an ISO 4217 code; never a float.
    price_minor: int = Field(default=0)
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False, server_default="USD"))
    status: str = Field(default="draft", sa_column=Column(String(16), nullable=False, server_default="draft"))
    thumbnail_file: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))
    # "What you will learn": a short list of outcome sentences.
    outcomes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    # Sum of the lessons' durations, maintained by the authoring services.
    duration_seconds: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Title, subtitle, description and teacher name in one column, maintained by the services
    # that change any of them, so catalog search needs no join (PostgreSQL indexes it).
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The latest rejection reason, shown to the teacher until the next submission.
    review_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Maintained counters (updated by the services that change them), so the catalog can
    # sort by them without aggregating per request.
    rating_avg: float = Field(default=0.0, sa_column=Column(Float, nullable=False, server_default="0"))
    rating_count: int = Field(default=0)
    student_count: int = Field(default=0)
    # Sequential mode (a teacher setting): a lesson opens once the previous one is complete.
    sequential: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Module(SQLModel, table=True):
    __tablename__ = "modules"
    __table_args__ = (Index("ix_modules_course_position", "course_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE")
    title: str = Field(sa_column=Column(String(160), nullable=False))
    position: int = Field(default=0)


class Lesson(SQLModel, table=True):
    __tablename__ = "lessons"
    __table_args__ = (
        Index("ix_lessons_module_position", "module_id", "position"),
        CheckConstraint("duration_seconds >= 0", name="ck_lessons_duration_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    module_id: int = Field(foreign_key="modules.id", ondelete="CASCADE")
    # Denormalised so course-wide lesson queries need no join through modules.
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    title: str = Field(sa_column=Column(String(160), nullable=False))
    # Free-form on purpose: later issues register new lesson types without a schema change.
    lesson_type: str = Field(default="text", sa_column=Column(String(24), nullable=False, server_default="text"))
    position: int = Field(default=0)
    is_preview: bool = Field(default=False)
    duration_seconds: int = Field(default=0)
    # Content by type (see the lesson-type registry): Markdown for text lessons, a video URL,
    # or a stored private file (uploaded video or PDF) kept outside the public upload folder.
    body: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    video_url: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    file_key: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))
    file_name: str = Field(default="", sa_column=Column(String(255), nullable=False, server_default=""))
    file_size: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    file_mime: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_enrollments_user_course"),
                      CheckConstraint("source IN ('direct', 'plan')", name="ck_enrollments_source"))

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")
    # 'direct': bought, free, bundle or granted by staff (counts until refunded or removed).
    # 'plan': created when a subscriber first opened a course of a plan; counts only while a
    # plugin's ``lms_course_access`` still grants the course (learning/services/enrollment.py).
    source: str = Field(default="direct", sa_column=Column(String(8), nullable=False, server_default="direct"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CourseStatusChange(SQLModel, table=True):
    """Every review-workflow transition: who moved the course, from what to what, when, why."""

    __tablename__ = "course_status_changes"
    __table_args__ = (Index("ix_course_status_changes_course_at", "course_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE")
    actor_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    from_status: str = Field(sa_column=Column(String(16), nullable=False))
    to_status: str = Field(sa_column=Column(String(16), nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CoursePrice(SQLModel, table=True):
    """A course's price in one more currency the teacher enabled (issue 20, prices in several
    currencies). The course's own ``price_minor``/``currency`` stay its primary price; this table
    never holds a row in that currency, and a free course has no rows (free in every currency)."""

    __tablename__ = "course_prices"
    __table_args__ = (
        UniqueConstraint("course_id", "currency", name="uq_course_prices_course_currency"),
        CheckConstraint("price_minor >= 0", name="ck_course_prices_price_nonnegative"),
        # The catalog's price filter reads (currency, price) for one currency.
        Index("ix_course_prices_currency_price", "currency", "price_minor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE")
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    price_minor: int = Field(sa_column=Column(Integer, nullable=False))
