"""DTOs: the only shapes that may leave the server in public state vars.

Each holds just the fields a page shows. Never put a SQLModel row in a public var: it would
send every column (``password_hash`` included) to the browser.
"""

from __future__ import annotations

from typing import TypedDict


class CurrentUserView(TypedDict):
    """The signed-in user's own data (their own email is theirs to see)."""

    id: int
    name: str
    email: str
    role: str
    initials: str
    avatar_url: str
    bio: str
    timezone: str


class CategoryView(TypedDict):
    id: int
    name: str
    slug: str
    description: str
    icon: str
    course_count: int


class CourseCardView(TypedDict):
    id: int
    slug: str
    title: str
    subtitle: str
    teacher_name: str
    category_name: str
    level: str
    price_label: str
    is_free: bool
    rating_label: str
    rating_count: int
    student_count: int
    initials: str
    hue: int
    thumbnail_url: str
    status: str
