"""Home page read side: a fixed, small number of queries however big the catalog is."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import select

from lms_app.core.courses import Category, Course
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.catalog.services import queries as catalog
from lms_app.accounts.services import passwords


def bulk_courses(db, n: int, start: int = 0) -> None:
    """Insert ``n`` published courses over 8 categories and 5 teachers (created on first use)."""
    now = utcnow()
    cats = db.exec(select(Category).order_by(Category.id)).all()
    teachers = db.exec(select(User).where(User.role == "teacher").order_by(User.id)).all()
    if not cats:
        cats = [Category(name=f"Cat {i}", slug=f"cat-{i}", position=i) for i in range(8)]
        hash_ = passwords.hash_password("teacher password", 4)
        teachers = [User(email=f"t{i}@example.com", name=f"Teacher {i}", role="teacher", password_hash=hash_)
                    for i in range(5)]
        db.add_all(cats + teachers)
        db.flush()
    db.execute(insert(Course), [
        dict(slug=f"bulk-{i}", title=f"Bulk course {i}", subtitle="", description="", category_id=cats[i % 8].id,
             teacher_id=teachers[i % 5].id, level="beginner", language="en", price_minor=(i % 3) * 1000,
             currency="USD", status="published", rating_avg=(i % 50) / 10, rating_count=i % 7, student_count=i,
             created_at=now, updated_at=now, published_at=now - timedelta(minutes=i))
        for i in range(start, start + n)
    ])
    db.commit()
    db.expunge_all()


def test_home_page_query_count_is_small_and_does_not_grow_with_the_catalog(db, count_queries):
    counts, have = {}, 0
    for total in (12, 1200):
        bulk_courses(db, total - have, start=have)
        have = total
        with count_queries() as counter:
            featured, categories = catalog.home_page(db)
        assert len(featured) == 8 and len(categories) == 8
        assert sum(c["course_count"] for c in categories) == total
        counts[total] = counter.count
    assert counts[12] <= 3, counts
    assert counts[12] == counts[1200], counts


def test_only_published_courses_are_featured_and_counted(db, make_user, make_category, make_course, enroll):
    cat = make_category(name="Design")
    teacher = make_user(role="teacher", name="Grace Teacher")
    live = make_course(teacher=teacher, category=cat, title="Live course", price_minor=4900, currency="USD")
    for status in ("draft", "pending", "rejected", "archived"):
        make_course(teacher=teacher, category=cat, status=status, title=f"Hidden {status}")
    featured, categories = catalog.home_page(db)
    assert [c["title"] for c in featured] == ["Live course"]
    card = featured[0]
    assert card["teacher_name"] == "Grace Teacher" and card["category_name"] == "Design"
    assert card["price_label"] == "$49.00" and card["is_free"] is False and card["id"] == live.id
    assert {c["name"]: c["course_count"] for c in categories} == {"Design": 1}


def test_featured_order_follows_the_maintained_counters(db, make_course):
    low = make_course(title="Few learners", student_count=3)
    high = make_course(title="Many learners", student_count=300)
    mid = make_course(title="Some learners", student_count=30, rating_avg=4.5, rating_count=2)
    featured = catalog.featured_courses(db)
    assert [c["id"] for c in featured] == [high.id, mid.id, low.id]
    assert featured[1]["rating_label"] == "4.5" and featured[0]["rating_label"] == "New"


def test_course_cards_carry_no_private_teacher_data(db, make_user, make_course):
    teacher = make_user(role="teacher", email="secret.teacher@example.com")
    make_course(teacher=teacher)
    featured, _ = catalog.home_page(db)
    blob = repr(featured)
    assert "secret.teacher@example.com" not in blob and teacher.password_hash not in blob
