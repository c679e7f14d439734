"""Builders that turn rows into the DTOs of lms_app.core.views (one place per shape)."""

from __future__ import annotations

import zlib

from lms_app.core.courses import Category, Course
from lms_app.core.users import User
from lms_app.core.views import CategoryView, CourseCardView, CurrentUserView
from lms_app.core.money import format_price


def avatar_url(user_id: int, avatar_file: str | None) -> str:
    """Avatars are public pictures under unguessable names, served by accounts' /media/avatars route."""
    return f"/media/avatars/{avatar_file}" if avatar_file else ""


def initials(text: str) -> str:
    words = [w for w in text.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def hue_for(text: str) -> int:
    """A stable colour hue per text, for generated thumbnails."""
    return zlib.crc32(text.encode("utf-8")) % 360


def current_user_view(user: User) -> CurrentUserView:
    return CurrentUserView(id=user.id or 0, name=user.name, email=user.email, role=user.role,
                           initials=initials(user.name), avatar_url=avatar_url(user.id or 0, user.avatar_file),
                           bio=user.bio, timezone=user.timezone)


def course_card(course: Course, teacher_name: str, category_name: str) -> CourseCardView:
    return CourseCardView(
        id=course.id or 0, slug=course.slug, title=course.title, subtitle=course.subtitle,
        teacher_name=teacher_name, category_name=category_name or "", level=course.level,
        price_label=format_price(course.price_minor, course.currency), is_free=course.price_minor == 0,
        rating_label=f"{course.rating_avg:.1f}" if course.rating_count else "New",
        rating_count=course.rating_count, student_count=course.student_count,
        initials=initials(course.title), hue=hue_for(category_name or course.title),
        thumbnail_url=f"/media/thumbnails/{course.thumbnail_file}" if course.thumbnail_file else "",
        status=course.status,
    )


def category_view(category: Category, course_count: int) -> CategoryView:
    return CategoryView(id=category.id or 0, name=category.name, slug=category.slug,
                        description=category.description, icon=category.icon, course_count=course_count)
