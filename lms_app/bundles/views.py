"""What the bundle pages and the REST API show of a bundle in a list and of its courses: one
definition each (the API's models are derived with ``api.dto.model_of``)."""

from __future__ import annotations

from typing import TypedDict


class BundleSummary(TypedDict):
    slug: str
    title: str
    teacher: str
    course_count: int
    price_label: str
    separate_label: str
    savings_label: str
    course_titles: str


class BundleCourseItem(TypedDict):
    slug: str
    title: str
    price_label: str
    owned: bool
