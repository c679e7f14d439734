"""Read side of authoring and review: DTOs for /teach, the course editor and /admin/reviews.

Each function checks ownership (or the admin role) first and issues a fixed number of queries.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course, Lesson, Module
from lms_app.authoring.views import (
    CourseDetailsView,
    LessonContentView,
    LessonEditView,
    LessonRow,
    ModuleRow,
    TeacherCourseRow,
)
from lms_app.core import lesson_types
from lms_app.core.sessions import Actor
from lms_app.authoring.services.courses import owned_course
from lms_app.authoring.services.checks import as_id, price_text
from lms_app.learning.services.course_access import content_view, duration_label, size_label
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_price
from lms_app.core.permissions import ADMIN_AREA, TEACHER_AREA, require_role
from lms_app.authoring.services.review import missing_items
from lms_app.core.view_builders import hue_for, initials


def _thumb(course: Course) -> str:
    return f"/media/thumbnails/{course.thumbnail_file}" if course.thumbnail_file else ""


def teacher_rows(session: Session, actor: Actor) -> list[TeacherCourseRow]:
    """The actor's own courses, newest change first, with lesson counts (one query)."""
    require_role(actor, TEACHER_AREA)
    lessons = (select(Lesson.course_id, func.count(Lesson.id).label("n")).group_by(Lesson.course_id).subquery())
    rows = session.exec(
        select(Course, func.coalesce(lessons.c.n, 0))
        .outerjoin(lessons, lessons.c.course_id == Course.id)
        .where(Course.teacher_id == actor.user_id)
        .order_by(Course.updated_at.desc(), Course.id.desc()).limit(200)
    ).all()
    return [TeacherCourseRow(
        id=c.id, title=c.title, slug=c.slug, status=c.status, student_count=c.student_count, lesson_count=int(n),
        price_label=format_price(c.price_minor, c.currency), updated=c.updated_at.strftime("%Y-%m-%d"),
        thumbnail_url=_thumb(c), initials=initials(c.title), hue=hue_for(c.title), review_note=c.review_note,
    ) for c, n in rows]


def details_view(course: Course) -> CourseDetailsView:
    return CourseDetailsView(
        id=course.id, title=course.title, subtitle=course.subtitle, description=course.description,
        slug=course.slug, category_id=str(course.category_id or ""), level=course.level, language=course.language,
        currency=course.currency, price=price_text(course.price_minor, course.currency),
        outcomes_text="\n".join(course.outcomes or []), sequential=bool(course.sequential), thumbnail_url=_thumb(course), status=course.status,
        duration_label=duration_label(course.duration_seconds), review_note=course.review_note,
        initials=initials(course.title), hue=hue_for(course.title),
    )


def categories(session: Session) -> list[dict]:
    rows = session.exec(select(Category.id, Category.name).order_by(Category.position, Category.name)).all()
    return [{"id": str(cid), "name": name} for cid, name in rows]


def curriculum(session: Session, course_id: int) -> tuple[list[ModuleRow], list[LessonRow]]:
    """Modules and lessons of a course, in order (two queries). Titles and flags only."""
    modules = session.exec(select(Module).where(Module.course_id == course_id)
                           .order_by(Module.position, Module.id)).all()
    lessons = session.exec(
        select(Lesson.id, Lesson.module_id, Lesson.title, Lesson.lesson_type, Lesson.position, Lesson.is_preview,
               Lesson.duration_seconds, Lesson.body != "", Lesson.video_url != "", Lesson.file_key.is_not(None))
        .where(Lesson.course_id == course_id).order_by(Lesson.position, Lesson.id)
    ).all()
    per_module: dict[int, int] = {}
    for row in lessons:
        per_module[row[1]] = per_module.get(row[1], 0) + 1
    known = {t.key: t for t in lesson_types.all_types()}
    module_rows = [ModuleRow(id=m.id, title=m.title, position=m.position, lesson_count=per_module.get(m.id, 0),
                             is_first=i == 0, is_last=i == len(modules) - 1) for i, m in enumerate(modules)]
    order = {m.id: i for i, m in enumerate(modules)}
    lessons = sorted(lessons, key=lambda r: (order.get(r[1], 0), r[4], r[0]))
    lesson_rows = []
    for lid, mid, title, kind, pos, preview, seconds, has_body, has_url, has_file in lessons:
        t = known.get(kind)
        lesson_rows.append(LessonRow(
            id=lid, module_id=mid, title=title, lesson_type=kind, type_label=t.label if t else kind,
            icon=t.icon if t else "file", position=pos, is_preview=bool(preview), is_first=pos == 0,
            is_last=pos == per_module.get(mid, 0) - 1, duration_label=duration_label(seconds),
            has_content=bool(has_body or has_url or has_file),
        ))
    return module_rows, lesson_rows


def editor(session: Session, actor: Actor, course_id: object) -> dict:
    course = owned_course(session, actor, course_id)
    modules, lessons = curriculum(session, course.id)
    return {"details": details_view(course), "modules": modules, "lessons": lessons,
            "missing": missing_items(session, course), "categories": categories(session)}


def lesson_edit_view(session: Session, actor: Actor, lesson_id: object) -> LessonEditView:
    """One lesson's content for its editor dialog (owner or admin)."""
    require_role(actor, TEACHER_AREA)
    lesson = session.get(Lesson, as_id(lesson_id, "lesson"))
    if lesson is None:
        raise ServiceError("That lesson does not exist.")
    owned_course(session, actor, lesson.course_id)
    kind = lesson_types.get(lesson.lesson_type)
    rule = kind.upload
    return LessonEditView(
        id=lesson.id, title=lesson.title, lesson_type=kind.key, type_label=kind.label, help=kind.help,
        minutes=str(lesson.duration_seconds // 60), is_preview=lesson.is_preview, body=lesson.body,
        video_url=lesson.video_url, file_name=lesson.file_name, file_size_label=size_label(lesson.file_size),
        file_url=f"/media/lessons/{lesson.id}" if lesson.file_key else "",
        uses_body="body" in kind.fields, uses_video_url="video_url" in kind.fields, takes_upload=rule is not None,
        upload_limit=rule.limit_label if rule else "",
        editor_label=kind.editor_label, editor_href=kind.editor_href(lesson.id),
    )


def _add_review_content(session: Session, contents: list[LessonContentView]) -> None:
    """Fill ``review_md`` from each lesson type's ``review`` (one batch per type that has one)."""
    by_type: dict[str, list[int]] = {}
    for view in contents:
        by_type.setdefault(view["lesson_type"], []).append(view["id"])
    extra: dict[int, str] = {}
    for key, ids in by_type.items():
        kind = lesson_types.find(key)
        if kind is not None and kind.review is not None:
            extra.update(kind.review(session, ids))
    for view in contents:
        view["review_md"] = extra.get(view["id"], "")


def review_preview(session: Session, actor: Actor, course_id: object) -> dict:
    """Everything an admin needs to judge a course: details, outline and every lesson's content."""
    require_role(actor, ADMIN_AREA)
    course = owned_course(session, actor, course_id)
    modules, _ = curriculum(session, course.id)
    rows = session.exec(select(Lesson).where(Lesson.course_id == course.id)
                        .order_by(Lesson.position, Lesson.id)).all()
    titles = {m["id"]: m["title"] for m in modules}
    order = {m["id"]: i for i, m in enumerate(modules)}
    contents: list[LessonContentView] = [content_view(lesson, titles.get(lesson.module_id, ""))
                                         for lesson in sorted(rows, key=lambda r: (order.get(r.module_id, 0),
                                                                                   r.position, r.id))]
    _add_review_content(session, contents)
    category = session.get(Category, course.category_id) if course.category_id else None
    details = details_view(course)
    return {"details": details, "category": category.name if category else "—",
            "price_label": format_price(course.price_minor, course.currency), "outcomes": list(course.outcomes or []),
            "lessons": contents, "missing": missing_items(session, course)}

