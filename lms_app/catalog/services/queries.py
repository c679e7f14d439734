"""Read-side queries for the home page and the sitemap (the catalog page: catalog_search.py).

Each function issues a fixed number of queries however many rows exist: joins and
aggregates, no per-row lookups.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course
from lms_app.core.users import User
from lms_app.core.views import CategoryView, CourseCardView
from lms_app.core.view_builders import category_view, course_card

# The course teacher, aliased so queries can also join users for other roles.
Teacher = aliased(User)


def card_query():
    """Courses with their teacher's and category's names, ready for ``course_card``."""
    return (
        select(Course, Teacher.name, Category.name)
        .join(Teacher, Teacher.id == Course.teacher_id)
        .outerjoin(Category, Category.id == Course.category_id)
    )


def featured_courses(session: Session, limit: int = 8) -> list[CourseCardView]:
    """Published courses learners like most (one query)."""
    rows = session.exec(
        card_query().where(Course.status == "published")
        .order_by(Course.student_count.desc(), Course.rating_avg.desc(), Course.id)
        .limit(limit)
    ).all()
    return [course_card(course, teacher, category) for course, teacher, category in rows]


def categories_with_counts(session: Session) -> list[CategoryView]:
    """Every category with its number of published courses (one query)."""
    published = func.count(Course.id)
    rows = session.exec(
        select(Category, published)
        .outerjoin(Course, (Course.category_id == Category.id) & (Course.status == "published"))
        .group_by(Category.id)
        .order_by(Category.position, Category.name)
    ).all()
    return [category_view(category, count) for category, count in rows]


def home_page(session: Session) -> tuple[list[CourseCardView], list[CategoryView]]:
    return featured_courses(session), categories_with_counts(session)


def published_course_slugs(session: Session, limit: int = 50_000) -> list[tuple[str, object]]:
    """(slug, last change) of published courses, for the sitemap (one query)."""
    return list(session.exec(
        select(Course.slug, Course.updated_at).where(Course.status == "published")
        .order_by(Course.published_at.desc(), Course.id.desc()).limit(limit)
    ).all())
