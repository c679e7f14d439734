"""Fixtures shared by the community tests (unit and state): a course with a teacher, two enrolled
learners, an outsider, an admin and another teacher; a job queue of its own."""

from __future__ import annotations

import uuid

import pytest

from lms_app.core.courses import Lesson, Module
from lms_app.core.db import session_scope
from lms_app.core.settings import get_settings
from lms_app.jobs import queue


@pytest.fixture
def world(make_user, make_course, enroll):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    other_course = make_course()
    with session_scope() as s:
        module = Module(course_id=course.id, title="Start", position=1)
        s.add(module)
        s.flush()
        lessons = [Lesson(module_id=module.id, course_id=course.id, title=f"Lesson {i}", position=i) for i in (1, 2)]
        s.add_all(lessons)
        s.flush()
        lesson_ids = [lesson.id for lesson in lessons]
    asker, helper, outsider = make_user(), make_user(), make_user()
    for learner in (asker, helper):
        enroll(learner, course)
    return {"teacher": teacher, "course": course, "other_course": other_course, "lessons": lesson_ids,
            "asker": asker, "helper": helper, "outsider": outsider, "admin": make_user(role="admin"),
            "other_teacher": make_user(role="teacher")}


@pytest.fixture
def jobs_queue(tmp_path):
    instance = queue.build_huey(get_settings(), name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"),
                                retry_delay=0)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)
