"""Bytes sent to the browser when a teacher renames one lesson in a 200-lesson course.

Builds the schema with the real migrations in a temporary SQLite database, creates a teacher
with a server-side session and a course of 10 modules × 20 lessons, then drives the course
editor's handlers without a browser (as tests/conftest.py's ``states`` helper does):

1. ``CourseEditorState.load`` (the page load; its delta is printed for scale), then the state is
   cleaned, as it is after Reflex sends a delta;
2. ``rename_lesson(<lesson id>, "<new title>")``: the JSON of ``get_delta()`` plus the events
   the handler returned (a toast) is what goes over the websocket.

Target: <= 2,048 bytes for step 2. Usage: python bench/authoring_rename_delta.py
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 2048
MODULES, LESSONS = 10, 20


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="lms-bench-rename-")
    os.environ.update({"LMS_ENV": "test", "LMS_DATA_DIR": tmp, "LMS_BCRYPT_COST": "4",
                       "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false"})
    os.environ.pop("LMS_DATABASE_URL", None)
    try:
        return run()
    finally:
        from lms_app.core.db import reset_engine

        reset_engine()
        shutil.rmtree(tmp, ignore_errors=True)


def run() -> int:
    from alembic import command

    from lms_app.core.db import session_scope
    from lms_app.manage import alembic_config
    from lms_app.core.users import User
    from lms_app.authoring.services import courses as authoring, curriculum
    from lms_app.accounts.services import passwords
    from lms_app.core import sessions
    from lms_app.core.sessions import Actor

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")

    with session_scope() as s:
        teacher = User(email="bench-teacher@example.com", name="Bench Teacher", role="teacher",
                       password_hash=passwords.hash_password("x" * 12, 4))
        s.add(teacher)
        s.flush()
        _, token = sessions.create_session(s, teacher.id, 1)
        actor = Actor(user_id=teacher.id, role="teacher", session_id=0)
        course = authoring.create_course(s, actor, "Two hundred lessons")
        lesson_ids = []
        for m in range(MODULES):
            module = curriculum.add_module(s, actor, course.id, f"Module {m + 1}: a realistic module title")
            for n in range(LESSONS):
                lesson = curriculum.add_lesson(s, actor, module.id, f"Lesson {m + 1}.{n + 1}: a typical lesson title",
                                              "text")
                lesson_ids.append(lesson.id)
        course_id = course.id

    import reflex as rx  # noqa: F401

    import lms_app.app  # noqa: F401  (registers every state)
    from lms_app.authoring.pages.course_editor import CourseEditorState
    from reflex.state import State
    from reflex_base.utils.format import json_dumps

    root = State(_reflex_internal_init=True)
    path = f"/teach/courses/{course_id}"
    router_data = {"pathname": path, "asPath": path, "query": {"course_id": str(course_id)},
                   "headers": {"origin": "http://localhost:3000", "host": "localhost:3000",
                               "cookie": f"lms_session={token}"},
                   "token": str(uuid.uuid4()), "sid": uuid.uuid4().hex, "ip": "127.0.0.1"}
    root.router_data = root._update_router_vars(router_data, {})
    root._clean()
    editor = root.get_substate(CourseEditorState.get_full_name().split("."))

    async def drive(name, *args):
        events = []
        result = CourseEditorState.event_handlers[name].fn(editor, *args)
        if inspect.isasyncgen(result):
            async for item in result:
                events.append(item)
        elif inspect.isawaitable(result):
            events.append(await result)
        else:
            events.append(result)
        return [e for e in events if e is not None]

    def sent(events) -> tuple[int, int]:
        delta = asyncio.run(root._get_resolved_delta()) if hasattr(root, "_get_resolved_delta") else root.get_delta()
        if inspect.isawaitable(delta):
            delta = asyncio.run(delta)
        delta_bytes = len(json_dumps(delta).encode())
        from reflex_base.utils import format

        flat = []
        for e in events:
            flat.extend(e if isinstance(e, list) else [e])
        event_bytes = sum(len(format.format_event(e).encode()) for e in flat)
        root._clean()
        return delta_bytes, event_bytes

    asyncio.run(drive("load"))
    load_delta, _ = sent([])
    assert len(editor.lessons) == MODULES * LESSONS, len(editor.lessons)
    target = lesson_ids[len(lesson_ids) // 2]
    events = asyncio.run(drive("rename_lesson", target, "A brand new title for the middle lesson"))
    delta_bytes, event_bytes = sent(events)
    total = delta_bytes + event_bytes

    with session_scope() as s:
        from lms_app.core.courses import Lesson

        assert s.get(Lesson, target).title == "A brand new title for the middle lesson", "rename did not save"

    print(f"course: {MODULES} modules x {LESSONS} lessons = {MODULES * LESSONS} lessons")
    print(f"page load delta: {load_delta:,} bytes")
    print(f"rename one lesson: delta {delta_bytes:,} bytes + events {event_bytes:,} bytes = {total:,} bytes "
          f"(target <= {TARGET:,})")
    print("OK" if total <= TARGET else "OVER TARGET")
    return 0 if total <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
