"""Course authoring: creating a course, its details and thumbnail, deleting it, and the ownership
checks and file helpers the curriculum services (``curriculum``) share.

Every function takes ``(session, actor, ...)`` (plus ``settings`` when it touches files),
validates its arguments itself (handlers pass raw browser JSON; the field checks are in
``authoring_checks``), and checks that the actor owns the course (``teacher_id == actor.user_id``)
or is an admin: ``PermissionDenied`` otherwise. Nothing is half-saved: a function either
commits all of its change or raises.

Decisions (also in docs/architecture.md):
- A **published** course stays editable and stays published: edits go live at once (a later
  issue may add versioned re-review). Archived, draft and rejected courses are editable.
- A **pending** course is read-only for everyone until it is reviewed; the teacher may
  *withdraw* it (review.withdraw: pending → draft) to edit it again.
- Deleting is only for draft/rejected courses without enrollments; otherwise archive.
- Modules and lessons: see ``curriculum`` (dense positions, stored lesson files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, event, func
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course, CourseStatusChange, Enrollment, Lesson, Module
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.core import currencies, images, storage
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import (
    FormErrors,
    as_id,
    clean_outcomes,
    clean_title,
    parse_price,
    slugify,
    strip_controls,
)
from lms_app.core.course_fields import refresh_search_text
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.markdown import neutralise
from lms_app.core.permissions import TEACHER_AREA, require_role
from lms_app.core.settings import Settings

SUBTITLE_MAX = 240
DESCRIPTION_MAX = 20_000
SLUG_MAX = 120
THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024
THUMBNAIL_SIZE = (1280, 720)
CURRENCIES = ("USD", "EUR", "GBP", "INR", "NGN", "BRL", "JPY")
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "pt": "Português",
             "it": "Italiano", "nl": "Nederlands", "pl": "Polski", "tr": "Türkçe", "ru": "Русский",
             "ar": "العربية", "hi": "हिन्दी", "zh": "中文", "ja": "日本語", "ko": "한국어", "sw": "Kiswahili",
             "yo": "Yorùbá"}
LEVELS = ("beginner", "intermediate", "advanced")
EDITABLE = ("draft", "rejected", "published", "archived")
DELETABLE = ("draft", "rejected")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- ownership -----------------------------------------------------------------------------------

def _course_for(session: Session, actor: Actor, course_id: object, *, lock: bool = False) -> Course:
    require_role(actor, TEACHER_AREA)
    cid = as_id(course_id, "course")
    query = select(Course).where(Course.id == cid)
    if lock:
        query = query.with_for_update()
    course = session.exec(query).first()
    if course is None:
        raise ServiceError("That course does not exist.")
    if actor.role != "admin" and course.teacher_id != actor.user_id:
        raise PermissionDenied("That course belongs to another teacher.")
    return course


def owned_course(session: Session, actor: Actor, course_id: object) -> Course:
    """The course if the actor owns it (or is an admin); PermissionDenied otherwise."""
    return _course_for(session, actor, course_id)


def editable(session: Session, actor: Actor, course_id: object) -> Course:
    course = _course_for(session, actor, course_id, lock=True)
    if course.status == "pending":
        raise ServiceError("This course is waiting for review and cannot be changed. Withdraw it to edit.")
    return course


def touch(course: Course) -> None:
    course.updated_at = utcnow()


def module_for(session: Session, actor: Actor, module_id: object) -> tuple[Module, Course]:
    mid = as_id(module_id, "module")
    module = session.get(Module, mid)
    if module is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That module does not exist.")
    return module, editable(session, actor, module.course_id)


def lesson_for(session: Session, actor: Actor, lesson_id: object) -> tuple[Lesson, Course]:
    lid = as_id(lesson_id, "lesson")
    lesson = session.get(Lesson, lid)
    if lesson is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That lesson does not exist.")
    return lesson, editable(session, actor, lesson.course_id)


def _teacher_name(session: Session, course: Course) -> str:
    return session.exec(select(User.name).where(User.id == course.teacher_id)).one()


# --- files ---------------------------------------------------------------------------------------

LESSONS = "lessons"  # storage areas (core/storage.py)
THUMBNAILS = "thumbnails"


def lesson_dir(settings: Settings) -> Path:
    """Where lesson files live with local storage (the layout of ``LMS_STORAGE=local``)."""
    return settings.media_dir / LESSONS


def thumbnail_dir(settings: Settings) -> Path:
    return settings.media_dir / THUMBNAILS


def settle(session: Session, settings: Settings, area: str, *, on_commit: list[str],
           on_rollback: list[str] = ()) -> None:
    """Remove stored files once the transaction's outcome is known (see profiles._settle_files)."""
    settled = False

    def unlink(names) -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        storage.remove(settings, area, [name for name in names if name])

    event.listen(session, "after_commit", lambda _s: unlink(list(on_commit)), once=True)
    event.listen(session, "after_rollback", lambda _s: unlink(list(on_rollback)), once=True)


# --- courses -------------------------------------------------------------------------------------

def unique_slug(session: Session, base: str, exclude_id: int | None = None) -> str:
    taken = set(session.exec(select(Course.slug).where(Course.slug.like(f"{base}%"))).all())
    if exclude_id is not None:
        own = session.exec(select(Course.slug).where(Course.id == exclude_id)).first()
        taken.discard(own)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_course(session: Session, actor: Actor, title: object) -> Course:
    """A new draft owned by the actor; the slug comes from the title (numbered when taken)."""
    require_role(actor, TEACHER_AREA)
    clean = clean_title(title)
    course = Course(slug=unique_slug(session, slugify(clean)), title=clean, teacher_id=actor.user_id, status="draft")
    teacher = session.get(User, actor.user_id)
    refresh_search_text(course, teacher.name if teacher else "")
    session.add(course)
    session.flush()
    return course


@dataclass
class DetailsInput:
    title: str
    subtitle: str
    description: str
    slug: str
    category_id: int | None
    level: str
    language: str
    currency: str
    price_minor: int
    outcomes: list[str]
    neutralised: bool
    sequential: bool = False


def validate_details(session: Session, form: object, course_id: int | None = None) -> DetailsInput:
    """Check every field at once; FormErrors lists each problem by field."""
    form = form if isinstance(form, dict) else {}
    errors: dict[str, str] = {}

    def check(name, fn):
        try:
            return fn()
        except ServiceError as exc:
            errors[exc.field or name] = exc.message
            return None

    title = check("title", lambda: clean_title(form.get("title")))
    subtitle = check("subtitle", lambda: _clean_optional(form.get("subtitle"), SUBTITLE_MAX, "subtitle"))
    desc = check("description", lambda: _clean_description(form.get("description")))
    slug = check("slug", lambda: _clean_slug(session, form.get("slug"), course_id))
    category_id = check("category_id", lambda: _clean_category(session, form.get("category_id")))
    level = form.get("level")
    if level not in LEVELS:
        errors["level"] = "Choose a level: beginner, intermediate or advanced."
    language = form.get("language")
    if language not in LANGUAGES:
        errors["language"] = "Choose a language from the list."
    currency = form.get("currency")
    current = session.get(Course, course_id) if course_id else None
    if currency not in currencies.enabled() and not (current is not None and currency == current.currency):
        errors["currency"] = "Choose a currency from the list."
        currency = None
    price = check("price", lambda: parse_price(form.get("price"), currency)) if currency else None
    outcomes = check("outcomes", lambda: clean_outcomes(form.get("outcomes")))
    if errors:
        raise FormErrors(errors)
    return DetailsInput(title=title, subtitle=subtitle, description=desc[0], slug=slug, category_id=category_id,
                        level=level, language=language, currency=currency, price_minor=price, outcomes=outcomes,
                        neutralised=desc[1], sequential=form.get("sequential") in ("on", "true", True))


def _clean_optional(raw: object, maximum: int, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ServiceError("That value is not valid.", field)
    text = " ".join(strip_controls(raw).split())
    if len(text) > maximum:
        raise ServiceError(f"Use at most {maximum} characters.", field)
    return text


def _clean_description(raw: object) -> tuple[str, bool]:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ServiceError("The description must be text.", "description")
    if len(raw) > DESCRIPTION_MAX:
        raise ServiceError(f"Keep the description under {DESCRIPTION_MAX:,} characters.", "description")
    text, changed = neutralise(raw.strip())
    return text, changed


def _clean_slug(session: Session, raw: object, course_id: int | None) -> str | None:
    """None keeps the current slug."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise ServiceError("Use lowercase letters, digits and dashes for the web address.", "slug")
    slug = raw.strip().lower()
    if len(slug) > SLUG_MAX or not _SLUG_RE.match(slug):
        raise ServiceError("Use lowercase letters, digits and single dashes for the web address, like my-course.",
                           "slug")
    clash = session.exec(select(Course.id).where(Course.slug == slug)).first()
    if clash is not None and clash != course_id:
        raise ServiceError(f"The web address “{slug}” is already used by another course. Choose another.", "slug")
    return slug


def _clean_category(session: Session, raw: object) -> int | None:
    if raw in (None, "", "none"):
        return None
    try:
        cid = as_id(raw, "category")
    except ServiceError:
        raise ServiceError("Choose a category from the list.", "category_id") from None
    if session.get(Category, cid) is None:
        raise ServiceError("Choose a category from the list.", "category_id")
    return cid


def update_details(session: Session, actor: Actor, course_id: object, form: object) -> tuple[Course, bool]:
    """Save the details form (all fields or none); returns (course, whether Markdown was cleaned)."""
    course = editable(session, actor, course_id)
    data = validate_details(session, form, course.id)
    course.title, course.subtitle, course.description = data.title, data.subtitle, data.description
    if data.slug:
        course.slug = data.slug
    course.category_id, course.level, course.language = data.category_id, data.level, data.language
    course.currency, course.price_minor, course.outcomes = data.currency, data.price_minor, list(data.outcomes)
    course.sequential = data.sequential
    refresh_search_text(course, _teacher_name(session, course))
    touch(course)
    session.add(course)
    session.flush()
    from lms_app.authoring.services.prices import after_details_saved  # (imports this module)

    after_details_saved(session, course)
    return course, data.neutralised


def set_thumbnail(session: Session, settings: Settings, actor: Actor, course_id: object, data: object) -> Course:
    course = editable(session, actor, course_id)
    if not isinstance(data, (bytes, bytearray)):
        raise ServiceError("Choose an image file.", "thumbnail")
    processed = images.process_image(bytes(data), max_bytes=THUMBNAIL_MAX_BYTES, size=THUMBNAIL_SIZE, crop=True,
                                     field="thumbnail")
    old = course.thumbnail_file
    course.thumbnail_file = storage.put_bytes(settings, THUMBNAILS, processed, suffix=".webp",
                                              content_type="image/webp")
    touch(course)
    session.add(course)
    session.flush()
    settle(session, settings, THUMBNAILS, on_commit=[old], on_rollback=[course.thumbnail_file])
    return course


def remove_thumbnail(session: Session, settings: Settings, actor: Actor, course_id: object) -> Course:
    course = editable(session, actor, course_id)
    old, course.thumbnail_file = course.thumbnail_file, None
    touch(course)
    session.add(course)
    session.flush()
    settle(session, settings, THUMBNAILS, on_commit=[old])
    return course


def delete_course(session: Session, settings: Settings, actor: Actor, course_id: object) -> None:
    """Delete a draft or rejected course nobody is enrolled in; anything else is archived instead."""
    course = _course_for(session, actor, course_id, lock=True)
    if course.status not in DELETABLE:
        raise ServiceError(f"A {course.status} course cannot be deleted. Archive it instead.")
    students = session.exec(select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)).one()
    if students:
        raise ServiceError("Learners are enrolled in this course, so it cannot be deleted. Archive it instead.")
    files = [f for f in session.exec(select(Lesson.file_key).where(Lesson.course_id == course.id)).all() if f]
    session.exec(delete(Lesson).where(Lesson.course_id == course.id))
    session.exec(delete(Module).where(Module.course_id == course.id))
    session.exec(delete(CourseStatusChange).where(CourseStatusChange.course_id == course.id))
    thumb = course.thumbnail_file
    session.delete(course)
    session.flush()
    settle(session, settings, LESSONS, on_commit=files)
    if thumb:
        # A second listener for the thumbnail folder.
        settle(session, settings, THUMBNAILS, on_commit=[thumb])
