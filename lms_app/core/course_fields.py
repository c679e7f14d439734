"""Maintained course columns: one rule each, called by every service that changes their inputs."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson


def search_text_for(title: str, subtitle: str, description: str, teacher_name: str) -> str:
    """What catalog search matches against: title, subtitle, description and teacher name."""
    return " ".join(part.strip() for part in (title, subtitle, description, teacher_name) if part and part.strip())


def refresh_search_text(course: Course, teacher_name: str) -> None:
    course.search_text = search_text_for(course.title, course.subtitle, course.description, teacher_name)


def recount_duration(session: Session, course_id: int) -> int:
    """Set the course's duration to the sum of its lessons' durations (one statement)."""
    total = select(func.coalesce(func.sum(Lesson.duration_seconds), 0)).where(Lesson.course_id == course_id)
    session.exec(update(Course).where(Course.id == course_id).values(duration_seconds=total.scalar_subquery()))
    return session.exec(select(Course.duration_seconds).where(Course.id == course_id)).one()
