"""The public course page: who may see a course, and what of it reaches the browser.

- Published courses: anyone. Draft, pending, rejected and archived courses: only their
  teacher and admins; everyone else gets ``None`` (the page shows "not found", so the
  existence of a hidden course is not revealed either).
- The curriculum carries lesson ids, titles, types, durations and the preview flag: the
  lesson query selects only those columns, so no body, video URL or file name is ever loaded
  here, let alone sent.
- At most three queries however many lessons the course has: course with teacher and
  category, modules with their lessons (one outer join), and the viewer's enrolment.
"""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Category, Course, Enrollment, Lesson, Module
from lms_app.core.users import User
from lms_app.catalog.views import (CourseCtaView, CourseDetailView, LessonRowView, ModuleView, PriceView,
                                   PublicCourseView)
from lms_app.core import currencies
from lms_app.core.sessions import Actor
from lms_app.learning.services import enrollment, progress
from lms_app.core.money import format_price
from lms_app.core.view_builders import avatar_url
from lms_app.core.view_builders import hue_for, initials
from lms_app.core.wording import duration_label  # noqa: F401  (re-exported)

PUBLIC_STATUSES = ("published",)
META_DESCRIPTION_MAX = 160




def learn_url(slug: str, lesson_id: int) -> str:
    return f"/learn/{slug}/{lesson_id}"


def may_view(course: Course, viewer: Actor | None) -> bool:
    if course.status in PUBLIC_STATUSES:
        return True
    return viewer is not None and (viewer.role == "admin" or viewer.user_id == course.teacher_id)


def _curriculum(session: Session, course: Course) -> list[ModuleView]:
    rows = session.exec(
        select(Module.id, Module.title, Lesson.id, Lesson.title, Lesson.lesson_type, Lesson.duration_seconds,
               Lesson.is_preview)
        .select_from(Module)
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == course.id)
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()
    modules: list[ModuleView] = []
    seconds: dict[int, int] = {}
    for module_id, module_title, lesson_id, title, lesson_type, duration, is_preview in rows:
        if not modules or modules[-1]["id"] != module_id:
            modules.append(ModuleView(id=module_id, title=module_title, lesson_count=0, duration_label="",
                                      lessons=[]))
        if lesson_id is None:
            continue
        current = modules[-1]
        current["lessons"].append(LessonRowView(
            id=lesson_id, title=title, lesson_type=lesson_type, duration_label=duration_label(duration),
            is_preview=bool(is_preview), preview_url=learn_url(course.slug, lesson_id) if is_preview else ""))
        current["lesson_count"] += 1
        seconds[module_id] = seconds.get(module_id, 0) + (duration or 0)
    for module in modules:
        module["duration_label"] = duration_label(seconds.get(module["id"], 0))
    return modules


def _cta(session: Session, course: Course, viewer: Actor | None, modules: list[ModuleView]) -> CourseCtaView:
    slug = course.slug
    buy_label = f"Buy for {format_price(course.price_minor, course.currency)}"
    if viewer is None:
        label = "Enroll for free" if course.price_minor == 0 else buy_label
        return CourseCtaView(kind="signin", label=label, href=f"/login?next=/courses/{slug}",
                             note="Sign in or create a free account first.")
    if viewer.role == "admin" or viewer.user_id == course.teacher_id:
        return CourseCtaView(kind="edit", label="Edit course", href=f"/teach/courses/{course.id}", note="")
    source = session.exec(
        select(Enrollment.source).where(Enrollment.user_id == viewer.user_id, Enrollment.course_id == course.id)
    ).first()
    # The one enrolment rule; a subscriber whose plan covers the course may start it from here
    # (the first lesson opened enrols them through the plan).
    enrolled = enrollment.counts(session, viewer.user_id, course.id, source) or (
        source is None and course.status in ("published", "archived")
        and enrollment.plan_grants(session, viewer.user_id, course.id))
    if enrolled:
        # The lesson the learner was last on (its saved video position resumes there), else the first.
        first = next((lesson for m in modules for lesson in m["lessons"]), None)
        resume = progress.resume_point(session, viewer.user_id, course.id)
        lesson_ids = {lesson["id"] for m in modules for lesson in m["lessons"]}
        if resume is not None and resume.lesson_id in lesson_ids:
            return CourseCtaView(kind="continue", label="Continue learning", href=learn_url(slug, resume.lesson_id),
                                 note="")
        href = learn_url(slug, first["id"]) if first else "/dashboard"
        if source is None:
            return CourseCtaView(kind="continue", label="Start learning", href=href, note="Included in your plan.")
        return CourseCtaView(kind="continue", label="Continue learning", href=href, note="")
    if course.status != "published":
        return CourseCtaView(kind="closed", label="Not open for enrolment", href="", note="")
    if course.price_minor == 0:
        return CourseCtaView(kind="enroll", label="Enroll for free", href="", note="")
    return CourseCtaView(kind="buy", label=buy_label, href=f"/checkout/{slug}", note="")


def meta_description(course: Course) -> str:
    text = " ".join((course.subtitle or course.description or course.title).split())
    return text if len(text) <= META_DESCRIPTION_MAX else text[: META_DESCRIPTION_MAX - 1].rstrip() + "…"


def course_page(session: Session, slug: object, viewer: Actor | None):
    """(CourseDetailView, modules, CTA, meta description) or None when the viewer may not see it."""
    found = _visible_course(session, slug, viewer)
    if found is None:
        return None
    course, detail, modules = found
    return detail, modules, _cta(session, course, viewer, modules), meta_description(course)


def public_course(session: Session, slug: object) -> PublicCourseView | None:
    """What anyone (no viewer) may know of a course, for the HTML the server sends and link
    previews: the page's own detail and curriculum plus the price as minor units and currency.
    None unless published. Two queries (the course page's own, without the viewer's enrolment)."""
    found = _visible_course(session, slug, None)
    if found is None:
        return None
    course, detail, modules = found
    return PublicCourseView(detail=detail, modules=modules, price_minor=course.price_minor,
                            currency=course.currency, meta_description=meta_description(course),
                            published_on=course.published_at.date().isoformat() if course.published_at else "",
                            updated_on=course.updated_at.date().isoformat() if course.updated_at else "")


def _visible_course(session: Session, slug: object, viewer: Actor | None):
    """(course row, CourseDetailView, modules) when ``viewer`` may see the course named ``slug``."""
    if not isinstance(slug, str) or not slug or len(slug) > 120:
        return None
    found = session.exec(
        select(Course, User.id, User.name, User.bio, User.avatar_file, Category.name, Category.slug,
               currencies.packed_prices_expr())
        .join(User, User.id == Course.teacher_id)
        .outerjoin(Category, Category.id == Course.category_id)
        .where(Course.slug == slug)
    ).first()
    if found is None:
        return None
    course, teacher_id, teacher_name, teacher_bio, avatar_file, category_name, category_slug, packed = found
    if not may_view(course, viewer):
        return None
    modules = _curriculum(session, course)
    lesson_count = sum(m["lesson_count"] for m in modules)
    outcomes = [str(o) for o in (course.outcomes or []) if isinstance(o, str) and o.strip()][:20]
    detail = CourseDetailView(
        id=course.id or 0, slug=course.slug, title=course.title, subtitle=course.subtitle,
        description=course.description, status=course.status, level=course.level, language=course.language,
        category_name=category_name or "", category_url=f"/courses?category={category_slug}" if category_slug else "",
        teacher_name=teacher_name, teacher_bio=teacher_bio or "", teacher_avatar_url=avatar_url(teacher_id, avatar_file),
        teacher_initials=initials(teacher_name),
        rating_label=f"{course.rating_avg:.1f}" if course.rating_count else "New", rating_count=course.rating_count,
        student_count=course.student_count, price_label=format_price(course.price_minor, course.currency),
        is_free=course.price_minor == 0, outcomes=outcomes, duration_label=duration_label(course.duration_seconds),
        lesson_count=lesson_count, module_count=len(modules), initials=initials(course.title),
        hue=hue_for(category_name or course.title),
        thumbnail_url=f"/media/thumbnails/{course.thumbnail_file}" if course.thumbnail_file else "",
        updated_label=course.updated_at.strftime("%B %Y") if course.updated_at else "",
        prices=[PriceView(currency=o.currency, price_minor=o.price_minor, label=o.label, primary=o.primary)
                for o in currencies.options(course, currencies.unpack(packed))],
    )
    return course, detail, modules
