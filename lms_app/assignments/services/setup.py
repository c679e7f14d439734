"""Setting up an assignment lesson: due date, grading mode, peer settings, pass mark, rubric.

Only the course's teacher or an admin (``authoring.lesson_for``: owner check, and a course
waiting for review is read-only). The due date is typed in the teacher's own time zone
(profile setting) and stored in UTC. Rubric levels are ``{"label", "points"}``; a criterion is
worth its highest level.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timezone

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson
from lms_app.core.users import User
from lms_app.assignments.views import AssignmentSettingsView, CriterionView
from lms_app.assignments.models import GRADING_MODES, AssignmentSettings, RubricCriterion
from lms_app.core.types import utcnow
from lms_app.authoring.services import courses as authoring
from lms_app.core.sessions import Actor
from lms_app.authoring.services.checks import as_id, clean_title, strip_controls
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import TEACHER_AREA, require_role

KEY = "assignment"
CRITERIA_MAX = 20
LEVELS_MAX = 6
POINTS_MAX = 100
DESCRIPTION_MAX = 1000


# --- lookups shared by the assignment services ---------------------------------------------------

def settings_for(session: Session, lesson_id: int) -> AssignmentSettings:
    """The lesson's settings, or the defaults (unsaved) when the teacher never changed them."""
    row = session.exec(select(AssignmentSettings).where(AssignmentSettings.lesson_id == lesson_id)).first()
    return row or AssignmentSettings(lesson_id=lesson_id)


def criteria_for(session: Session, lesson_id: int) -> list[RubricCriterion]:
    return list(session.exec(select(RubricCriterion).where(RubricCriterion.lesson_id == lesson_id)
                             .order_by(RubricCriterion.position, RubricCriterion.id).limit(CRITERIA_MAX)).all())


def max_of(criterion: RubricCriterion) -> int:
    return max((int(level["points"]) for level in criterion.levels), default=0)


def user_zone(session: Session, user_id: int) -> zoneinfo.ZoneInfo:
    name = session.exec(select(User.timezone).where(User.id == user_id)).first() or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def when_label(moment: datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local.day} {local.strftime('%b %Y, %H:%M')} ({zone.key})"


def criterion_view(row: RubricCriterion) -> CriterionView:
    levels = [{"index": str(i), "label": str(level["label"]), "points": int(level["points"])}
              for i, level in enumerate(row.levels)]
    return CriterionView(id=row.id or 0, title=row.title, description=row.description, levels=levels,
                         max_points=max_of(row),
                         levels_label=" · ".join(f"{lv['label']} {lv['points']}" for lv in levels))


def settings_view(cfg: AssignmentSettings, zone: zoneinfo.ZoneInfo) -> AssignmentSettingsView:
    return AssignmentSettingsView(
        due_local=cfg.due_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if cfg.due_at else "",
        due_label=when_label(cfg.due_at, zone), grading_mode=cfg.grading_mode,
        reviews_required=cfg.reviews_required, peer_days=cfg.peer_days, pass_percent=cfg.pass_percent,
        timezone=zone.key)


def _assignment_lesson(session: Session, actor: Actor, lesson_id: object) -> tuple[Lesson, Course]:
    """An assignment lesson the actor may edit (owner or admin; not while the course is in review)."""
    lesson, course = authoring.lesson_for(session, actor, lesson_id)
    if lesson.lesson_type != KEY:
        raise ServiceError("This lesson is not an assignment.")
    return lesson, course


# --- the editor page -------------------------------------------------------------------------------

def editor_view(session: Session, actor: Actor, lesson_id: object) -> dict:
    """Everything /teach/lessons/<id>/assignment shows (4 queries)."""
    require_role(actor, TEACHER_AREA)
    lid = as_id(lesson_id, "lesson")
    row = session.exec(select(Lesson, Course).join(Course, Course.id == Lesson.course_id)
                       .where(Lesson.id == lid)).first()
    if row is None:
        raise ServiceError("That lesson does not exist.")
    lesson, course = row
    if actor.role != "admin" and course.teacher_id != actor.user_id:
        raise PermissionDenied()
    if lesson.lesson_type != KEY:
        raise ServiceError("This lesson is not an assignment.")
    zone = user_zone(session, actor.user_id)
    return {"lesson_title": lesson.title, "course_title": course.title, "course_id": course.id,
            "instructions": lesson.body, "locked": course.status == "pending",
            "settings": settings_view(settings_for(session, lesson.id), zone),
            "criteria": [criterion_view(c) for c in criteria_for(session, lesson.id)]}


def _int_in(raw: object, low: int, high: int, field: str, message: str) -> int:
    if isinstance(raw, bool):
        raise ServiceError(message, field)
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or not low <= raw <= high:
        raise ServiceError(message, field)
    return raw


def parse_due(raw: object, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """'' → no due date; 'YYYY-MM-DDTHH:MM' (the teacher's local time) → UTC."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or len(raw) > 32:
        raise ServiceError("Enter the due date as a date and a time.", "due_local")
    try:
        local = datetime.strptime(raw.strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise ServiceError("Enter the due date as a date and a time.", "due_local") from exc
    if not 2000 <= local.year <= 2100:
        raise ServiceError("Choose a due date between 2000 and 2100.", "due_local")
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def save_settings(session: Session, actor: Actor, lesson_id: object, form: object) -> AssignmentSettings:
    lesson, course = _assignment_lesson(session, actor, lesson_id)
    if not isinstance(form, dict):
        raise ServiceError("Fill in the settings form.")
    mode = form.get("grading_mode")
    if mode not in GRADING_MODES:
        raise ServiceError("Choose who grades: the teacher or peers.", "grading_mode")
    cfg = settings_for(session, lesson.id)
    cfg.due_at = parse_due(form.get("due_local"), user_zone(session, actor.user_id))
    cfg.grading_mode = mode
    cfg.reviews_required = _int_in(form.get("reviews_required", 2), 1, 5, "reviews_required",
                                   "Each submission needs between 1 and 5 peer reviews.")
    cfg.peer_days = _int_in(form.get("peer_days", 7), 1, 60, "peer_days",
                            "The peer review cut-off is between 1 and 60 days.")
    cfg.pass_percent = _int_in(form.get("pass_percent", 50), 0, 100, "pass_percent",
                               "The pass mark is a percentage between 0 and 100.")
    cfg.updated_at = utcnow()
    authoring.touch(course)
    session.add_all([cfg, course])
    session.flush()
    return cfg


def clean_levels(raw: object) -> list[dict]:
    """[{label, points}] from the form; blank rows are skipped; 2–6 levels with distinct points."""
    if not isinstance(raw, list):
        raise ServiceError("Add the levels of this criterion.", "levels")
    levels = []
    for item in raw[:LEVELS_MAX + 4]:
        if not isinstance(item, dict):
            raise ServiceError("Add the levels of this criterion.", "levels")
        label, points = item.get("label"), item.get("points")
        label = strip_controls(label).strip() if isinstance(label, str) else ""
        blank_points = points is None or (isinstance(points, str) and not points.strip())
        if not label and blank_points:
            continue
        if not label or len(label) > 80:
            raise ServiceError("Give every level a name of at most 80 characters.", "levels")
        levels.append({"label": label, "points": _int_in(points, 0, POINTS_MAX, "levels",
                                                          f"Points of a level are whole numbers from 0 to {POINTS_MAX}.")})
    if not 2 <= len(levels) <= LEVELS_MAX:
        raise ServiceError(f"A criterion needs between 2 and {LEVELS_MAX} levels.", "levels")
    if len({lv["points"] for lv in levels}) != len(levels):
        raise ServiceError("Give each level of a criterion a different number of points.", "levels")
    if max(lv["points"] for lv in levels) <= 0:
        raise ServiceError("At least one level must be worth points.", "levels")
    return levels


def save_criterion(session: Session, actor: Actor, lesson_id: object, criterion_id: object, title: object,
                   description: object, levels: object) -> RubricCriterion:
    """Create (criterion_id 0/None) or edit a criterion of the lesson's rubric."""
    lesson, course = _assignment_lesson(session, actor, lesson_id)
    clean = clean_title(title, "title")
    if description is None:
        description = ""
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
        raise ServiceError(f"Keep the description under {DESCRIPTION_MAX} characters.", "description")
    parsed = clean_levels(levels)
    if criterion_id in (None, 0, "", "0"):
        count = session.exec(select(func.count()).select_from(RubricCriterion)
                             .where(RubricCriterion.lesson_id == lesson.id)).one()
        if count >= CRITERIA_MAX:
            raise ServiceError(f"A rubric has at most {CRITERIA_MAX} criteria.")
        row = RubricCriterion(lesson_id=lesson.id, position=count, title=clean)
    else:
        row = session.get(RubricCriterion, as_id(criterion_id, "criterion"))
        if row is None or row.lesson_id != lesson.id:
            raise ServiceError("That criterion does not exist.")
    row.title, row.description, row.levels = clean, strip_controls(description).strip(), parsed
    authoring.touch(course)
    session.add_all([row, course])
    session.flush()
    return row


def _criterion(session: Session, actor: Actor, criterion_id: object) -> tuple[RubricCriterion, Course]:
    row = session.get(RubricCriterion, as_id(criterion_id, "criterion"))
    if row is None:
        require_role(actor, TEACHER_AREA)
        raise ServiceError("That criterion does not exist.")
    _, course = _assignment_lesson(session, actor, row.lesson_id)
    return row, course


def delete_criterion(session: Session, actor: Actor, criterion_id: object) -> None:
    row, course = _criterion(session, actor, criterion_id)
    lesson_id = row.lesson_id
    session.delete(row)
    session.flush()
    for i, other in enumerate(criteria_for(session, lesson_id)):
        other.position = i
        session.add(other)
    authoring.touch(course)
    session.add(course)


def move_criterion(session: Session, actor: Actor, criterion_id: object, step: object) -> None:
    """Move a criterion one place up (step -1) or down (step 1)."""
    if step not in (-1, 1):
        raise ServiceError("Move a criterion up or down.")
    row, course = _criterion(session, actor, criterion_id)
    rows = criteria_for(session, row.lesson_id)
    i = next(k for k, r in enumerate(rows) if r.id == row.id)
    j = i + step
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for k, r in enumerate(rows):
        r.position = k
        session.add(r)
    authoring.touch(course)
    session.add(course)
    session.flush()


def missing(session: Session, course_id: int) -> list[str]:
    """Assignments of the course without a rubric criterion (for the review checklist; 1 query)."""
    count = (select(func.count()).select_from(RubricCriterion)
             .where(RubricCriterion.lesson_id == Lesson.id).correlate(Lesson).scalar_subquery())
    titles = session.exec(select(Lesson.title).where(Lesson.course_id == course_id, Lesson.lesson_type == KEY,
                                                     count == 0).order_by(Lesson.id)).all()
    return [f"a rubric criterion in the assignment '{t}'" for t in titles]
