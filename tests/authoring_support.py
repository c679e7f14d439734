"""Helpers shared by the authoring/review tests (imported as a plain module; tests/ is on sys.path)."""

from __future__ import annotations

from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.core.courses import Course, Lesson, Module
from lms_app.core.types import utcnow
from lms_app.authoring.services import courses as authoring, curriculum
from lms_app.core.sessions import Actor

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def actor_of(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def call(fn, *args, **kwargs):
    """Run a service in one committed transaction (rolled back if it raises)."""
    with session_scope() as s:
        return fn(s, *args, **kwargs)


def build_course(teacher, *, modules: int = 2, lessons: int = 2, status: str = "draft", category=None,
                 title: str = "A Course Title", description: str = "About this course", preview_first: bool = True,
                 lesson_type: str = "text") -> dict:
    """A course with ``modules`` × ``lessons`` text lessons (first lesson a preview), forced to ``status``."""
    me = actor_of(teacher)
    with session_scope() as s:
        course = authoring.create_course(s, me, title)
        course.description = description
        course.category_id = category.id if category else None
        module_ids, lesson_ids = [], []
        for m in range(modules):
            module = curriculum.add_module(s, me, course.id, f"Module {m + 1}")
            module_ids.append(module.id)
            for n in range(lessons):
                lesson = curriculum.add_lesson(s, me, module.id, f"Lesson {m + 1}.{n + 1}", lesson_type)
                lesson.body = f"SECRET BODY {m + 1}.{n + 1}"
                lesson.is_preview = preview_first and m == 0 and n == 0
                lesson_ids.append(lesson.id)
        course.status = status
        if status == "published":
            course.published_at = utcnow()
        s.add(course)
        s.flush()
        return {"id": course.id, "slug": course.slug, "modules": module_ids, "lessons": lesson_ids}


def positions(course_id: int) -> dict[int, list[tuple[int, int]]]:
    """module id → [(lesson id, position)] in position order."""
    with session_scope() as s:
        out = {}
        for m in s.exec(select(Module).where(Module.course_id == course_id).order_by(Module.position)).all():
            rows = s.exec(select(Lesson).where(Lesson.module_id == m.id).order_by(Lesson.position)).all()
            out[m.id] = [(x.id, x.position) for x in rows]
        return out


def get_course(course_id: int) -> Course | None:
    with session_scope() as s:
        return s.get(Course, course_id)
