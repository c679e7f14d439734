"""Course authoring: details, thumbnail, curriculum (modules and lessons) and lesson content.

Every function takes ``(session, actor, ...)`` (plus ``settings`` when it touches files),
validates its arguments itself (handlers pass raw browser JSON), and checks that the actor
owns the course (``teacher_id == actor.user_id``) or is an admin: ``PermissionDenied``
otherwise. Nothing is half-saved: a function either commits all of its change or raises.

Decisions (also in docs/architecture.md):
- A **published** course stays editable and stays published: edits go live at once (a later
  issue may add versioned re-review). Archived, draft and rejected courses are editable.
- A **pending** course is read-only for everyone until it is reviewed; the teacher may
  *withdraw* it (review.withdraw: pending → draft) to edit it again.
- Deleting is only for draft/rejected courses without enrollments; otherwise archive.
- Positions of modules in a course and of lessons in a module are always dense (0..n-1).
- Stored lesson files live in ``media/lessons`` under random names; replaced or deleted files
  are removed only after the transaction commits (a rollback removes the new file instead).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import delete, event, func
from sqlmodel import Session, select

from lms_app.models import Category, Course, CourseStatusChange, Enrollment, Lesson, Module, User
from lms_app.models.types import utcnow
from lms_app.services import images, lesson_types
from lms_app.services.accounts import Actor
from lms_app.services.course_fields import recount_duration, refresh_search_text
from lms_app.services.errors import PermissionDenied, ServiceError
from lms_app.services.markdown import neutralise
from lms_app.services.money import exponent
from lms_app.services.permissions import TEACHER_AREA, require_role
from lms_app.settings import Settings

TITLE_MIN, TITLE_MAX = 3, 160
SUBTITLE_MAX = 240
DESCRIPTION_MAX = 20_000
SLUG_MAX = 120
PRICE_MAX_MINOR = 10_000_000  # 100,000.00 in a two-decimal currency
OUTCOMES_MAX, OUTCOME_MAX = 10, 160
MODULE_TITLE_MAX = LESSON_TITLE_MAX = 160
LESSON_MINUTES_MAX = 24 * 60
MODULES_MAX, LESSONS_PER_MODULE_MAX = 100, 500
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
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """Control characters (NUL included: PostgreSQL refuses it in text) never reach the database."""
    return _CONTROLS.sub("", text)


class FormErrors(ServiceError):
    """Several field errors at once: ``errors`` maps field name → message."""

    def __init__(self, errors: dict[str, str]):
        first_field, first = next(iter(errors.items()))
        super().__init__(first if len(errors) == 1 else "Some fields need attention: " + first, first_field)
        self.errors = errors


# --- small checks ------------------------------------------------------------------------------

def as_id(raw: object, what: str = "item") -> int:
    """A positive integer id from browser input (ints or digit strings only; never bools)."""
    if isinstance(raw, bool):
        raise ServiceError(f"That {what} does not exist.")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw <= 0 or raw > 2**62:
        raise ServiceError(f"That {what} does not exist.")
    return raw


def clean_title(raw: object, field: str = "title", *, minimum: int = TITLE_MIN, maximum: int = TITLE_MAX,
                what: str = "title") -> str:
    text = " ".join(strip_controls(raw).split()) if isinstance(raw, str) else ""
    if not text:
        raise ServiceError(f"Enter a {what}.", field)
    if len(text) < minimum:
        raise ServiceError(f"Use at least {minimum} characters for the {what}.", field)
    if len(text) > maximum:
        raise ServiceError(f"Use at most {maximum} characters for the {what}.", field)
    return text


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:80].strip("-") or "course"


def parse_price(raw: object, currency: str) -> int:
    """'49.99' / '0' / 4999-as-text → minor units; refuses negatives, absurd amounts, extra decimals."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price")
    text = str(raw).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price") from None
    if not amount.is_finite():
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price")
    if amount < 0:
        raise ServiceError("The price cannot be negative. Use 0 for a free course.", "price")
    exp = exponent(currency)
    minor = amount * (10**exp)
    if minor != minor.to_integral_value():
        raise ServiceError(f"{currency} prices have at most {exp} decimal places.", "price")
    minor_int = int(minor)
    limit = PRICE_MAX_MINOR if exp == 2 else PRICE_MAX_MINOR // 100 * (10**exp)
    if minor_int > limit:
        raise ServiceError(f"That price is too high: the most a course can cost is {limit / 10**exp:,.0f} {currency}.",
                           "price")
    return minor_int


def price_text(minor: int, currency: str) -> str:
    exp = exponent(currency)
    return f"{minor / 10**exp:.{exp}f}" if exp else str(minor)


def clean_outcomes(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        items = raw.split("\n")
    elif isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        items = raw
    else:
        raise ServiceError("List what learners will learn, one point per line.", "outcomes")
    out = [" ".join(strip_controls(x).lstrip("-*• ").split()) for x in items]
    out = [x for x in out if x]
    if len(out) > OUTCOMES_MAX:
        raise ServiceError(f"List at most {OUTCOMES_MAX} points.", "outcomes")
    for x in out:
        if len(x) > OUTCOME_MAX:
            raise ServiceError(f"Keep each point under {OUTCOME_MAX} characters.", "outcomes")
    return out


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


def _editable(session: Session, actor: Actor, course_id: object) -> Course:
    course = _course_for(session, actor, course_id, lock=True)
    if course.status == "pending":
        raise ServiceError("This course is waiting for review and cannot be changed. Withdraw it to edit.")
    return course


def _touch(course: Course) -> None:
    course.updated_at = utcnow()


def _module_for(session: Session, actor: Actor, module_id: object) -> tuple[Module, Course]:
    mid = as_id(module_id, "module")
    module = session.get(Module, mid)
    if module is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That module does not exist.")
    return module, _editable(session, actor, module.course_id)


def _lesson_for(session: Session, actor: Actor, lesson_id: object) -> tuple[Lesson, Course]:
    lid = as_id(lesson_id, "lesson")
    lesson = session.get(Lesson, lid)
    if lesson is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That lesson does not exist.")
    return lesson, _editable(session, actor, lesson.course_id)


def _teacher_name(session: Session, course: Course) -> str:
    return session.exec(select(User.name).where(User.id == course.teacher_id)).one()


# --- files ---------------------------------------------------------------------------------------

def lesson_dir(settings: Settings) -> Path:
    return settings.media_dir / "lessons"


def thumbnail_dir(settings: Settings) -> Path:
    return settings.media_dir / "thumbnails"


def _settle(session: Session, directory: Path, *, on_commit: list[str], on_rollback: list[str] = ()) -> None:
    """Remove files once the transaction's outcome is known (see profiles._settle_files)."""
    settled = False

    def unlink(names) -> None:
        nonlocal settled
        if settled:
            return
        settled = True
        for name in names:
            if name:
                stale = images.safe_child(directory, name)
                if stale is not None:
                    stale.unlink(missing_ok=True)

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
    if currency not in CURRENCIES:
        errors["currency"] = "Choose a currency from the list."
        currency = None
    price = check("price", lambda: parse_price(form.get("price"), currency)) if currency else None
    outcomes = check("outcomes", lambda: clean_outcomes(form.get("outcomes")))
    if errors:
        raise FormErrors(errors)
    return DetailsInput(title=title, subtitle=subtitle, description=desc[0], slug=slug, category_id=category_id,
                        level=level, language=language, currency=currency, price_minor=price, outcomes=outcomes,
                        neutralised=desc[1])


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
    course = _editable(session, actor, course_id)
    data = validate_details(session, form, course.id)
    course.title, course.subtitle, course.description = data.title, data.subtitle, data.description
    if data.slug:
        course.slug = data.slug
    course.category_id, course.level, course.language = data.category_id, data.level, data.language
    course.currency, course.price_minor, course.outcomes = data.currency, data.price_minor, list(data.outcomes)
    refresh_search_text(course, _teacher_name(session, course))
    _touch(course)
    session.add(course)
    session.flush()
    return course, data.neutralised


def set_thumbnail(session: Session, settings: Settings, actor: Actor, course_id: object, data: object) -> Course:
    course = _editable(session, actor, course_id)
    if not isinstance(data, (bytes, bytearray)):
        raise ServiceError("Choose an image file.", "thumbnail")
    processed = images.process_image(bytes(data), max_bytes=THUMBNAIL_MAX_BYTES, size=THUMBNAIL_SIZE, crop=True,
                                     field="thumbnail")
    old = course.thumbnail_file
    course.thumbnail_file = images.store(thumbnail_dir(settings), processed)
    _touch(course)
    session.add(course)
    session.flush()
    _settle(session, thumbnail_dir(settings), on_commit=[old], on_rollback=[course.thumbnail_file])
    return course


def remove_thumbnail(session: Session, settings: Settings, actor: Actor, course_id: object) -> Course:
    course = _editable(session, actor, course_id)
    old, course.thumbnail_file = course.thumbnail_file, None
    _touch(course)
    session.add(course)
    session.flush()
    _settle(session, thumbnail_dir(settings), on_commit=[old])
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
    _settle(session, lesson_dir(settings), on_commit=files)
    if thumb:
        # A second listener for the thumbnail folder.
        _settle(session, thumbnail_dir(settings), on_commit=[thumb])


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
    course = _editable(session, actor, course_id)
    clean = clean_title(title, "module_title", minimum=1, maximum=MODULE_TITLE_MAX, what="module title")
    count = session.exec(select(func.count(Module.id)).where(Module.course_id == course.id)).one()
    if count >= MODULES_MAX:
        raise ServiceError(f"A course can have at most {MODULES_MAX} modules.")
    module = Module(course_id=course.id, title=clean, position=count)
    session.add(module)
    _touch(course)
    session.add(course)
    session.flush()
    return module


def rename_module(session: Session, actor: Actor, module_id: object, title: object) -> Module:
    module, course = _module_for(session, actor, module_id)
    module.title = clean_title(title, "module_title", minimum=1, maximum=MODULE_TITLE_MAX, what="module title")
    _touch(course)
    session.add_all([module, course])
    session.flush()
    return module


def delete_module(session: Session, settings: Settings, actor: Actor, module_id: object) -> None:
    module, course = _module_for(session, actor, module_id)
    files = [f for f in session.exec(select(Lesson.file_key).where(Lesson.module_id == module.id)).all() if f]
    session.exec(delete(Lesson).where(Lesson.module_id == module.id))
    session.delete(module)
    session.flush()
    _renumber(_modules(session, course.id))
    recount_duration(session, course.id)
    _touch(course)
    session.add(course)
    session.flush()
    _settle(session, lesson_dir(settings), on_commit=files)


def move_module(session: Session, actor: Actor, module_id: object, position: object) -> None:
    module, course = _module_for(session, actor, module_id)
    rows = [m for m in _modules(session, course.id) if m.id != module.id]
    pos = _clamp_position(position, len(rows))
    rows.insert(pos, module)
    _renumber(rows)
    _touch(course)
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
    module, course = _module_for(session, actor, module_id)
    kind = lesson_types.get(lesson_type)
    clean = clean_title(title, "lesson_title", minimum=1, maximum=LESSON_TITLE_MAX, what="lesson title")
    count = session.exec(select(func.count(Lesson.id)).where(Lesson.module_id == module.id)).one()
    if count >= LESSONS_PER_MODULE_MAX:
        raise ServiceError(f"A module can have at most {LESSONS_PER_MODULE_MAX} lessons.")
    lesson = Lesson(module_id=module.id, course_id=course.id, title=clean, lesson_type=kind.key, position=count)
    session.add(lesson)
    _touch(course)
    session.add(course)
    session.flush()
    return lesson


def rename_lesson(session: Session, actor: Actor, lesson_id: object, title: object) -> Lesson:
    lesson, course = _lesson_for(session, actor, lesson_id)
    lesson.title = clean_title(title, "lesson_title", minimum=1, maximum=LESSON_TITLE_MAX, what="lesson title")
    _touch(course)
    session.add_all([lesson, course])
    session.flush()
    return lesson


def delete_lesson(session: Session, settings: Settings, actor: Actor, lesson_id: object) -> None:
    lesson, course = _lesson_for(session, actor, lesson_id)
    module_id, file_key = lesson.module_id, lesson.file_key
    session.delete(lesson)
    session.flush()
    _renumber(_lessons(session, module_id))
    recount_duration(session, course.id)
    _touch(course)
    session.add(course)
    session.flush()
    _settle(session, lesson_dir(settings), on_commit=[file_key] if file_key else [])


def move_lesson(session: Session, actor: Actor, lesson_id: object, module_id: object, position: object) -> None:
    """Move a lesson to ``position`` in ``module_id`` (same or another module of the same course)."""
    lesson, course = _lesson_for(session, actor, lesson_id)
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
    _touch(course)
    session.flush()


def set_preview(session: Session, actor: Actor, lesson_id: object, value: object) -> Lesson:
    lesson, course = _lesson_for(session, actor, lesson_id)
    if not isinstance(value, bool):
        raise ServiceError("Choose whether the lesson is a free preview.")
    lesson.is_preview = value
    _touch(course)
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
    lesson, course = _lesson_for(session, actor, lesson_id)
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
    lesson.duration_seconds = minutes * 60
    for name, value in cleaned.items():
        setattr(lesson, name, value)
    _touch(course)
    session.add_all([lesson, course])
    session.flush()
    recount_duration(session, course.id)
    return lesson, neutralised


def set_lesson_file(session: Session, settings: Settings, actor: Actor, lesson_id: object, data: object,
                    filename: object = "") -> Lesson:
    """Store an uploaded file for a lesson whose type takes one; checked by size and magic bytes."""
    lesson, course = _lesson_for(session, actor, lesson_id)
    rule = lesson_types.get(lesson.lesson_type).upload
    if rule is None:
        raise ServiceError("This kind of lesson does not take a file.", "file")
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ServiceError(f"The file is empty. Choose {rule.description}.", "file")
    if len(data) > rule.max_bytes:
        raise ServiceError(f"The file is larger than {rule.limit_label}. Choose a smaller one.", "file")
    found = rule.sniff(bytes(data[:64]))
    if found is None:
        raise ServiceError(f"That file is not {rule.description} (its content was checked, not its name).", "file")
    mime, suffix = found
    name = filename if isinstance(filename, str) else ""
    name = re.sub(r"[\x00-\x1f\x7f/\\\"]", "", name).strip()[-200:] or f"lesson{suffix}"
    if not name.lower().endswith(suffix):
        name = name.rsplit(".", 1)[0] + suffix
    old = lesson.file_key
    lesson.file_key = images.store(lesson_dir(settings), bytes(data), suffix)
    lesson.file_name, lesson.file_size, lesson.file_mime = name, len(data), mime
    _touch(course)
    session.add_all([lesson, course])
    session.flush()
    _settle(session, lesson_dir(settings), on_commit=[old] if old else [], on_rollback=[lesson.file_key])
    return lesson


def remove_lesson_file(session: Session, settings: Settings, actor: Actor, lesson_id: object) -> Lesson:
    lesson, course = _lesson_for(session, actor, lesson_id)
    old = lesson.file_key
    lesson.file_key, lesson.file_name, lesson.file_size, lesson.file_mime = None, "", 0, ""
    _touch(course)
    session.add_all([lesson, course])
    session.flush()
    _settle(session, lesson_dir(settings), on_commit=[old] if old else [])
    return lesson


def upload_limit(lesson_type: str) -> int:
    """Bytes a handler may read for an upload to this type (one past the limit refuses oversize)."""
    try:
        rule = lesson_types.get(lesson_type).upload
    except ServiceError:
        return 0
    return rule.max_bytes if rule else 0


def lesson_type_of(session: Session, actor: Actor, lesson_id: object) -> str:
    lesson, _ = _lesson_for(session, actor, lesson_id)
    return lesson.lesson_type

