"""DTOs of the public catalog and course pages (what may reach any browser).

Lesson rows carry only what the curriculum shows: never a body, video URL or file name.
"""

from __future__ import annotations

from typing import TypedDict

from lms_app.core.views import CategoryView, CourseCardView


class FilterChip(TypedDict):
    """One active filter, with the URL that removes it."""

    label: str
    remove_url: str


class FacetLink(TypedDict):
    """One option of a filter group: a shareable link that applies it (or clears it when active)."""

    label: str
    url: str
    active: bool


class CatalogPageView(TypedDict):
    courses: list[CourseCardView]
    categories: list[CategoryView]
    total: int
    total_label: str
    page: int
    pages: int
    page_label: str
    has_next: bool
    has_prev: bool
    next_url: str
    prev_url: str
    chips: list[FilterChip]
    clear_url: str
    category_links: list[FacetLink]
    level_links: list[FacetLink]
    rating_links: list[FacetLink]


class LessonRowView(TypedDict):
    id: int
    title: str
    lesson_type: str
    duration_label: str
    is_preview: bool
    preview_url: str


class ModuleView(TypedDict):
    id: int
    title: str
    lesson_count: int
    duration_label: str
    lessons: list[LessonRowView]


class PriceView(TypedDict):
    """One currency a course is sold in (issue 20): its own (primary) or one its teacher enabled."""

    currency: str
    price_minor: int
    label: str
    primary: bool


class CourseDetailView(TypedDict):
    id: int
    slug: str
    title: str
    subtitle: str
    description: str
    status: str
    level: str
    language: str
    category_name: str
    category_url: str
    teacher_name: str
    teacher_bio: str
    teacher_avatar_url: str
    teacher_initials: str
    rating_label: str
    rating_count: int
    student_count: int
    price_label: str
    is_free: bool
    outcomes: list[str]
    duration_label: str
    lesson_count: int
    module_count: int
    initials: str
    hue: int
    thumbnail_url: str
    updated_label: str
    # Every currency the course is sold in, its own first (one entry, "Free", for a free course).
    prices: list[PriceView]


class CourseCtaView(TypedDict):
    """The call to action for this viewer: kind is signin, continue, edit, enroll or buy."""

    kind: str
    label: str
    href: str
    note: str


class PublicCourseView(TypedDict):
    """A published course as the server-sent HTML describes it (never sent in a state var)."""

    detail: CourseDetailView
    modules: list[ModuleView]
    price_minor: int
    currency: str
    meta_description: str
    published_on: str  # ISO date or ""
    updated_on: str
