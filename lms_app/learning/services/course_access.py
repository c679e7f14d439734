"""Who may open which lesson, and the lesson as a viewer sees it (for /learn and the file route).

One rule, used by the lesson page handler and by ``/media/lessons/<id>``:

- the course's teacher and admins may open every lesson of the course, in any status;
- anyone (signed out too) may open a **preview** lesson of a **published** course;
- a learner enrolled in a published or archived course may open all of its lessons, and so may
  a learner whom a plugin's ``lms_course_access`` grants the course (a live subscription or
  pass: ``granted``); the enrolment is asked first, the plugins only when there is none;
- nobody else: drafts, pending and rejected courses exist only for their teacher and admins.

Content (body, video address, file) is read only after the rule said yes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment, Lesson, Module
from lms_app.authoring.views import LessonContentView, OutlineRow
from lms_app.core import lesson_types, storage
from lms_app.learning.services import enrollment, progress
from lms_app.core.sessions import Actor
from lms_app.authoring.services.courses import LESSONS
from lms_app.core.settings import Settings
from lms_app.core.wording import duration_label  # noqa: F401  (re-exported)


_REF = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def size_label(size: int) -> str:
    if size <= 0:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"




def is_staff_for(actor: Actor | None, course: Course) -> bool:
    return actor is not None and (actor.role == "admin" or (actor.role in ("teacher", "admin")
                                                            and course.teacher_id == actor.user_id))


def may_see_course(actor: Actor | None, course: Course) -> bool:
    """Whether the course exists for this viewer at all (drafts etc. only for staff)."""
    return course.status in ("published", "archived") or is_staff_for(actor, course)


def may_open(actor: Actor | None, course: Course, lesson: Lesson, enrolled: bool) -> bool:
    """The rule, given whether the actor is enrolled in the course."""
    if lesson.course_id != course.id:
        return False
    if is_staff_for(actor, course):
        return True
    if course.status == "published" and lesson.is_preview:
        return True
    if actor is None or course.status not in ("published", "archived"):
        return False
    return enrolled


def granted(session: Session, actor: Actor | None, course: Course) -> bool:
    """Whether a plugin (subscriptions, passes) opens this course to this learner now."""
    if actor is None or course.status not in ("published", "archived"):
        return False
    from lms_app.core import plugins

    return any(plugins.hook().lms_course_access(session=session, user_id=actor.user_id, course_id=course.id))


def has_access(session: Session, actor: Actor | None, course: Course) -> bool:
    """Enrolled, or granted by a plugin: what ``may_open`` takes as ``enrolled``."""
    return (actor is not None and progress.is_enrolled(session, actor.user_id, course.id)) \
        or granted(session, actor, course)


def may_open_lesson(session: Session, actor: Actor | None, course: Course, lesson: Lesson) -> bool:
    return may_open(actor, course, lesson, has_access(session, actor, course))


def _id(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.isdigit() and len(raw) < 18:
        raw = int(raw)
    return raw if isinstance(raw, int) and 0 < raw < 2**62 else None


def find_course(session: Session, ref: object) -> Course | None:
    """A course by slug or numeric id (route parameter)."""
    if not isinstance(ref, str) or not _REF.fullmatch(ref):
        return None
    course = session.exec(select(Course).where(Course.slug == ref)).first()
    if course is None and (cid := _id(ref)) is not None:
        course = session.get(Course, cid)
    return course


@dataclass
class LessonPage:
    """What the lesson page shows: state is 'ok', 'locked' (sign in / enroll) or 'missing'."""

    state: str
    course_title: str = ""
    course_slug: str = ""
    lesson: LessonContentView | None = None
    outline: list[OutlineRow] | None = None
    locked_title: str = ""
    # Progress of an enrolled learner (tracking False for staff, previews and the signed out).
    tracking: bool = False
    done: int = 0
    total: int = 0
    percent: int = 0
    completed: bool = False
    position: int = 0
    # "locked" because of sequential mode (the learner is enrolled but skipped ahead).
    sequential: bool = False
    course_sequential: bool = False


def content_view(lesson: Lesson, module_title: str) -> LessonContentView:
    kind = lesson_types.find(lesson.lesson_type)  # None when the type's plugin was switched off
    embed = lesson_types.embed_url(lesson.video_url) if lesson.video_url else None
    return LessonContentView(
        id=lesson.id or 0, title=lesson.title, lesson_type=lesson.lesson_type,
        type_label=kind.label if kind else lesson.lesson_type.title(), body=lesson.body,
        video_url="" if embed else lesson.video_url, embed_url=embed or "",
        file_url=f"/media/lessons/{lesson.id}" if lesson.file_key else "", file_name=lesson.file_name,
        file_size_label=size_label(lesson.file_size), is_preview=lesson.is_preview, module_title=module_title,
        duration_label=duration_label(lesson.duration_seconds), graded=bool(kind and kind.graded),
        has_panel=bool(kind and kind.player), shows_body=kind.shows_body if kind else True,
        tracks_video=bool(kind and kind.tracks_video), review_md="",
    )


def _outline_query(course_id: int):
    return (select(Lesson.id, Lesson.title, Lesson.is_preview, Lesson.lesson_type, Module.title)
            .join(Module, Module.id == Lesson.module_id).where(Lesson.course_id == course_id)
            .order_by(Module.position, Module.id, Lesson.position, Lesson.id).limit(2000))


def outline_rows(rows, current_id: int | None, done: set[int] | None = None,
                 locked: set[int] | None = None) -> list[OutlineRow]:
    """Outline rows from (id, title, is_preview, type, module title) tuples in outline order."""
    icons = {t.key: t.icon for t in lesson_types.all_types()}
    done, locked = done or set(), locked or set()
    return [OutlineRow(id=lid, title=title, module_title=mtitle, is_preview=bool(preview),
                       icon=icons.get(kind, "file"), current=lid == current_id, done=lid in done,
                       locked=lid in locked, module_start=i == 0 or rows[i - 1][4] != mtitle)
            for i, (lid, title, preview, kind, mtitle) in enumerate(rows)]


def outline(session: Session, course: Course, current_id: int | None, done: set[int] | None = None,
            locked: set[int] | None = None) -> list[OutlineRow]:
    """Lesson titles of the course in order (one query): titles are public for visible courses."""
    return outline_rows(session.exec(_outline_query(course.id)).all(), current_id, done, locked)


def _course_and_lesson(session: Session, actor: Actor | None, course_ref: object, lesson_id: int | None):
    """(course, lesson or None, module title, enrolment source or None) in one query, or None when
    there is no such course."""
    if not isinstance(course_ref, str) or not _REF.fullmatch(course_ref):
        return None
    user_id = actor.user_id if actor is not None else 0
    query = (select(Course, Lesson, Module.title, Enrollment.source)
             .outerjoin(Lesson, (Lesson.id == (lesson_id or 0)) & (Lesson.course_id == Course.id))
             .outerjoin(Module, Module.id == Lesson.module_id)
             .outerjoin(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == user_id)))
    found = session.exec(query.where(Course.slug == course_ref)).first()
    if found is None and (cid := _id(course_ref)) is not None:
        found = session.exec(query.where(Course.id == cid)).first()
    if found is None:
        return None
    course, lesson, module_title, source = found
    return course, lesson, module_title or "", source


def lesson_page(session: Session, actor: Actor | None, course_ref: object, lesson_ref: object,
                as_learner: bool = False) -> LessonPage:
    """The lesson as this viewer may see it, in four statements for an enrolled learner:
    course + lesson + enrolment, the outline, the learner's progress rows, and recording the
    visit (the first visit of a lesson inserts its progress row and a "lesson_started" event).

    ``as_learner``: the course's teacher (or an admin) previews the course as a learner who has
    not enrolled would see it once published: preview lessons open, the others locked."""
    found = _course_and_lesson(session, actor, course_ref, _id(lesson_ref))
    if found is None or not may_see_course(actor, found[0]):
        return LessonPage(state="missing")
    course, lesson, module_title, source = found
    if source is not None:  # a plan's enrolment counts only while the plan grants the course
        enrolled = actor is not None and enrollment.counts(session, actor.user_id, course.id, source)
    else:  # a subscriber's first visit of a plan course enrols them through the plan
        enrolled = lesson is not None and actor is not None and not is_staff_for(actor, course) \
            and granted(session, actor, course) and enrollment.join_through_plan(session, actor.user_id, course)
    if lesson is None:
        return LessonPage(state="missing", course_title=course.title, course_slug=course.slug)
    learner_view = as_learner is True and is_staff_for(actor, course)
    allowed = lesson.is_preview if learner_view else may_open(actor, course, lesson, enrolled)
    rows = session.exec(_outline_query(course.id)).all()
    if not allowed:
        return LessonPage(state="locked", course_title=course.title, course_slug=course.slug,
                          locked_title=lesson.title, outline=outline_rows(rows, lesson.id))
    page = LessonPage(state="ok", course_title=course.title, course_slug=course.slug,
                      lesson=content_view(lesson, module_title), outline=outline_rows(rows, lesson.id))
    tracking = actor is not None and enrolled and not learner_view and not is_staff_for(actor, course) \
        and course.status in ("published", "archived")
    return _learner_progress(session, actor, course, lesson, rows, page) if tracking else page


def _learner_progress(session: Session, actor: Actor, course: Course, lesson: Lesson, rows, page: LessonPage
                      ) -> LessonPage:
    """The enrolled learner's view: sequential lock, ticks, percentage; opening it is recorded."""
    order = [row[0] for row in rows]
    mine = progress.rows_of(session, actor.user_id, course.id)
    done = {lesson_id for lesson_id, (completed, _) in mine.items() if completed}
    locked = progress.locked_ids(order, done, course.sequential)
    summary = progress.course_progress(order, done)
    common = dict(course_title=course.title, course_slug=course.slug, outline=outline_rows(rows, lesson.id, done, locked),
                  tracking=True, done=summary.done, total=summary.total, percent=summary.percent,
                  course_sequential=course.sequential)
    if lesson.id in locked:
        return LessonPage(state="locked", locked_title=lesson.title, sequential=True, **common)
    progress.record_visit(session, actor.user_id, course.id, lesson.id, known=lesson.id in mine)
    completed, position = mine.get(lesson.id, (False, 0))
    return LessonPage(state="ok", lesson=page.lesson, completed=completed, position=position, **common)


@dataclass
class LessonFile:
    key: str  # storage key (core/storage.py)
    mime: str
    name: str


def lesson_file(session: Session, settings: Settings, actor: Actor | None, lesson_id: object) -> LessonFile | None:
    """The stored file of a lesson if this viewer may open it; None otherwise (route says 404)."""
    lid = _id(lesson_id)
    lesson = session.get(Lesson, lid) if lid else None
    if lesson is None or not lesson.file_key:
        return None
    course = session.get(Course, lesson.course_id)
    if course is None or not may_open_lesson(session, actor, course, lesson):
        return None
    key = storage.key(LESSONS, lesson.file_key)
    if key is None:
        return None
    return LessonFile(key=key, mime=lesson.file_mime or "application/octet-stream", name=lesson.file_name)
