"""Course curriculum: modules and lessons (add, rename, delete, move), lesson content and files.

Every function follows the rules of ``authoring`` (see its docstring): ``(session, actor, ...)``
(plus ``settings`` when it touches files), own validation, ownership checked through
``authoring.editable``/``module_for``/``lesson_for``, and all-or-nothing commits.
- Positions of modules in a course and of lessons in a module are always dense (0..n-1).
- Stored lesson files live in ``media/lessons`` under random names; replaced or deleted files
  are removed only after the transaction commits (a rollback removes the new file instead).
"""

from __future__ import annotations

import re

from sqlalchemy import delete, func
from sqlmodel import Session, select

from lms_app.core.courses import Lesson, Module
from lms_app.core import lesson_types, storage
from lms_app.core.sessions import Actor
from lms_app.authoring.services.courses import LESSONS, editable, lesson_for, module_for, settle, touch
from lms_app.authoring.services.checks import FormErrors, as_id, clean_title
from lms_app.core.course_fields import recount_duration
from lms_app.core.errors import ServiceError
from lms_app.core.settings import Settings

MODULE_TITLE_MAX = LESSON_TITLE_MAX = 160
LESSON_MINUTES_MAX = 24 * 60
MODULES_MAX, LESSONS_PER_MODULE_MAX = 100, 500


# --- modules ---------------------------------------------------------------------------------------

def _modules(session: Session, course_id: int) -> list[Module]:
    return list(session.exec(select(Module).where(Module.course_id == course_id)
                             .order_by(Module.position, Module.id)).all())


def _lessons(session: Session, module_id: int) -> list[Lesson]:
    return list(session.exec(select(Lesson).where(Lesson.module_id == module_id)
                             .order_by(Lesson.position, Lesson.id)).all())


def _renumber(rows) -> None:
    for i, row in enumerate(rows):
        if row.position != i:
            row.position = i


def add_module(session: Session, actor: Actor, course_id: object, title: object) -> Module:
    course = editable(session, actor, course_id)
    clean = clean_title(title, "module_title", minimum=1, maximum=MODULE_TITLE_MAX, what="module title")
    count = session.exec(select(func.count(Module.id)).where(Module.course_id == course.id)).one()
    if count >= MODULES_MAX:
        raise ServiceError(f"A course can have at most {MODULES_MAX} modules.")
    module = Module(course_id=course.id, title=clean, position=count)
    session.add(module)
    touch(course)
    session.add(course)
    session.flush()
    return module


def rename_module(session: Session, actor: Actor, module_id: object, title: object) -> Module:
    module, course = module_for(session, actor, module_id)
    module.title = clean_title(title, "module_title", minimum=1, maximum=MODULE_TITLE_MAX, what="module title")
    touch(course)
    session.add_all([module, course])
    session.flush()
    return module


def delete_module(session: Session, settings: Settings, actor: Actor, module_id: object) -> None:
    module, course = module_for(session, actor, module_id)
    files = [f for f in session.exec(select(Lesson.file_key).where(Lesson.module_id == module.id)).all() if f]
    session.exec(delete(Lesson).where(Lesson.module_id == module.id))
    session.delete(module)
    session.flush()
    _renumber(_modules(session, course.id))
    recount_duration(session, course.id)
    touch(course)
    session.add(course)
    session.flush()
    settle(session, settings, LESSONS, on_commit=files)


def move_module(session: Session, actor: Actor, module_id: object, position: object) -> None:
    module, course = module_for(session, actor, module_id)
    rows = [m for m in _modules(session, course.id) if m.id != module.id]
    pos = _clamp_position(position, len(rows))
    rows.insert(pos, module)
    _renumber(rows)
    touch(course)
    session.flush()


def _clamp_position(raw: object, size: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            raw = int(raw.strip())
        else:
            raise ServiceError("That position is not valid.")
    return max(0, min(raw, size))


# --- lessons ---------------------------------------------------------------------------------------

def add_lesson(session: Session, actor: Actor, module_id: object, title: object, lesson_type: object) -> Lesson:
    module, course = module_for(session, actor, module_id)
    kind = lesson_types.get(lesson_type)
    clean = clean_title(title, "lesson_title", minimum=1, maximum=LESSON_TITLE_MAX, what="lesson title")
    count = session.exec(select(func.count(Lesson.id)).where(Lesson.module_id == module.id)).one()
    if count >= LESSONS_PER_MODULE_MAX:
        raise ServiceError(f"A module can have at most {LESSONS_PER_MODULE_MAX} lessons.")
    lesson = Lesson(module_id=module.id, course_id=course.id, title=clean, lesson_type=kind.key, position=count)
    session.add(lesson)
    touch(course)
    session.add(course)
    session.flush()
    return lesson


def rename_lesson(session: Session, actor: Actor, lesson_id: object, title: object) -> Lesson:
    lesson, course = lesson_for(session, actor, lesson_id)
    lesson.title = clean_title(title, "lesson_title", minimum=1, maximum=LESSON_TITLE_MAX, what="lesson title")
    touch(course)
    session.add_all([lesson, course])
    session.flush()
    return lesson


def delete_lesson(session: Session, settings: Settings, actor: Actor, lesson_id: object) -> None:
    lesson, course = lesson_for(session, actor, lesson_id)
    module_id, file_key = lesson.module_id, lesson.file_key
    session.delete(lesson)
    session.flush()
    _renumber(_lessons(session, module_id))
    recount_duration(session, course.id)
    touch(course)
    session.add(course)
    session.flush()
    settle(session, settings, LESSONS, on_commit=[file_key] if file_key else [])


def move_lesson(session: Session, actor: Actor, lesson_id: object, module_id: object, position: object) -> None:
    """Move a lesson to ``position`` in ``module_id`` (same or another module of the same course)."""
    lesson, course = lesson_for(session, actor, lesson_id)
    target_id = as_id(module_id, "module")
    target = session.get(Module, target_id)
    if target is None or target.course_id != course.id:
        raise ServiceError("Choose a module of this course.")
    source_id = lesson.module_id
    rows = [x for x in _lessons(session, target.id) if x.id != lesson.id]
    pos = _clamp_position(position, len(rows))
    rows.insert(pos, lesson)
    lesson.module_id = target.id
    _renumber(rows)
    if source_id != target.id:
        _renumber(_lessons(session, source_id))
    touch(course)
    session.flush()


def set_preview(session: Session, actor: Actor, lesson_id: object, value: object) -> Lesson:
    lesson, course = lesson_for(session, actor, lesson_id)
    if not isinstance(value, bool):
        raise ServiceError("Choose whether the lesson is a free preview.")
    lesson.is_preview = value
    touch(course)
    session.add_all([lesson, course])
    session.flush()
    return lesson


def _minutes(raw: object) -> int:
    if raw is None or raw == "":
        return 0
    if isinstance(raw, bool):
        raise ServiceError("Enter the duration in whole minutes.", "minutes")
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isdigit():
            raise ServiceError("Enter the duration in whole minutes.", "minutes")
        raw = int(raw)
    if not isinstance(raw, int) or raw < 0 or raw > LESSON_MINUTES_MAX:
        raise ServiceError(f"Enter a duration between 0 and {LESSON_MINUTES_MAX} minutes.", "minutes")
    return raw


def set_lesson_content(session: Session, actor: Actor, lesson_id: object, form: object) -> tuple[Lesson, bool]:
    """Save title, duration, preview flag and the type's own fields; (lesson, Markdown cleaned?)."""
    lesson, course = lesson_for(session, actor, lesson_id)
    form = form if isinstance(form, dict) else {}
    kind = lesson_types.get(lesson.lesson_type)
    errors: dict[str, str] = {}
    title = minutes = cleaned = None
    try:
        title = clean_title(form.get("title"), "title", minimum=1, maximum=LESSON_TITLE_MAX, what="lesson title")
    except ServiceError as exc:
        errors["title"] = exc.message
    try:
        minutes = _minutes(form.get("minutes"))
    except ServiceError as exc:
        errors["minutes"] = exc.message
    try:
        cleaned = kind.validate({k: form.get(k) for k in kind.fields if k != "file"})
    except ServiceError as exc:
        errors[exc.field or "body"] = exc.message
    if errors:
        raise FormErrors(errors)
    neutralised = bool(cleaned.pop("_neutralised", False))
    lesson.title = title
    if minutes != (lesson.duration_seconds or 0) // 60:
        # The form shows whole minutes: a 12-second clip reads "0"; saving other fields must not
        # round its real length away.
        lesson.duration_seconds = minutes * 60
    for name, value in cleaned.items():
        setattr(lesson, name, value)
    touch(course)
    session.add_all([lesson, course])
    session.flush()
    recount_duration(session, course.id)
    return lesson, neutralised


def set_lesson_file(session: Session, settings: Settings, actor: Actor, lesson_id: object, data: object,
                    filename: object = "") -> Lesson:
    """Store an uploaded file for a lesson whose type takes one; checked by size and magic bytes.

    ``data`` is bytes or a file-like (an upload's spooled file): it is streamed to storage in
    chunks (core/storage.py), never read whole, and refused past the type's size limit."""
    lesson, course = lesson_for(session, actor, lesson_id)
    rule = lesson_types.get(lesson.lesson_type).upload
    if rule is None:
        raise ServiceError("This kind of lesson does not take a file.", "file")
    source = storage.as_source(data)
    if source is None:
        raise ServiceError(f"The file is empty. Choose {rule.description}.", "file")
    head, source = storage.peek(source)
    if not head:
        raise ServiceError(f"The file is empty. Choose {rule.description}.", "file")
    found = rule.sniff(head)
    if found is None:
        raise ServiceError(f"That file is not {rule.description} (its content was checked, not its name).", "file")
    mime, suffix = found
    name = filename if isinstance(filename, str) else ""
    name = re.sub(r"[\x00-\x1f\x7f/\\\"]", "", name).strip()[-200:] or f"lesson{suffix}"
    if not name.lower().endswith(suffix):
        name = name.rsplit(".", 1)[0] + suffix
    try:
        key, size = storage.put(settings, LESSONS, source, suffix=suffix, content_type=mime,
                                max_bytes=rule.max_bytes, field="file")
    except storage.TooLarge:
        raise ServiceError(f"The file is larger than {rule.limit_label}. Choose a smaller one.", "file") from None
    old = lesson.file_key
    lesson.file_key = key
    lesson.file_name, lesson.file_size, lesson.file_mime = name, size, mime
    touch(course)
    session.add_all([lesson, course])
    session.flush()
    settle(session, settings, LESSONS, on_commit=[old] if old else [], on_rollback=[lesson.file_key])
    return lesson


def remove_lesson_file(session: Session, settings: Settings, actor: Actor, lesson_id: object) -> Lesson:
    lesson, course = lesson_for(session, actor, lesson_id)
    old = lesson.file_key
    lesson.file_key, lesson.file_name, lesson.file_size, lesson.file_mime = None, "", 0, ""
    touch(course)
    session.add_all([lesson, course])
    session.flush()
    settle(session, settings, LESSONS, on_commit=[old] if old else [])
    return lesson


def upload_limit(lesson_type: str) -> int:
    """Bytes a handler may read for an upload to this type (one past the limit refuses oversize)."""
    try:
        rule = lesson_types.get(lesson_type).upload
    except ServiceError:
        return 0
    return rule.max_bytes if rule else 0


def lesson_type_of(session: Session, actor: Actor, lesson_id: object) -> str:
    lesson, _ = lesson_for(session, actor, lesson_id)
    return lesson.lesson_type

