"""Helpers shared by the learning tests: a course with a curriculum, an enrolled learner."""

from __future__ import annotations

import lms_app.core.db
from lms_app.core.courses import Lesson, Module


def add_lessons(course, kinds=("text", "video", "pdf"), module_title="Module", module_position=0, durations=None,
                preview_first=False) -> list[Lesson]:
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title=module_title, position=module_position)
        s.add(module)
        s.flush()
        lessons = []
        for i, kind in enumerate(kinds):
            lesson = Lesson(module_id=module.id, course_id=course.id, title=f"{module_title} lesson {i + 1}",
                            lesson_type=kind, position=i, is_preview=preview_first and i == 0,
                            duration_seconds=(durations or {}).get(i, 100 if kind == "video" else 0),
                            body=f"Body **{i + 1}**" if kind == "text" else "",
                            video_url="https://cdn.example.test/v.mp4" if kind == "video" else "")
            s.add(lesson)
            lessons.append(lesson)
    return lessons


def setup(make_course, make_user, enroll, sign_in, kinds=("text", "video", "pdf"), **course_extra):
    """(course, lessons, learner, actor, token) with the learner enrolled."""
    course = make_course(**course_extra)
    lessons = add_lessons(course, kinds)
    learner = make_user()
    enroll(learner, course)
    token, actor = sign_in(learner)
    return course, lessons, learner, actor, token
