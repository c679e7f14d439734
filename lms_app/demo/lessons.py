"""Adding one graded demo lesson (a quiz, an assignment) to a demo course, once."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson, Module


def add_once(session: Session, course_slug: str, title: str, lesson_type: str, minutes: int,
             body: str) -> Lesson | None:
    """A new lesson at the end of the course's last module, or None when it exists (or the course
    or module does not): seeding stays idempotent."""
    course = session.exec(select(Course).where(Course.slug == course_slug)).first()
    if course is None:
        return None
    exists = session.exec(select(Lesson.id).where(Lesson.course_id == course.id, Lesson.title == title,
                                                  Lesson.lesson_type == lesson_type)).first()
    if exists is not None:
        return None
    module = session.exec(select(Module).where(Module.course_id == course.id)
                          .order_by(Module.position.desc(), Module.id.desc())).first()
    if module is None:
        return None
    position = len(session.exec(select(Lesson.id).where(Lesson.module_id == module.id)).all())
    lesson = Lesson(module_id=module.id, course_id=course.id, title=title, lesson_type=lesson_type,
                    position=position, duration_seconds=minutes * 60, body=body)
    session.add(lesson)
    session.flush()
    return lesson
